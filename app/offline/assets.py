"""What the service worker caches, and the version that changes when any of it changes."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
SW_SOURCE = STATIC / "js" / "sw.js"
# Static files every page needs offline (the app shell); the pages themselves are cached per user.
SHELL_FILES = [
    "css/app.css",
    "js/store.js",
    "js/sync.js",
    "js/capture.js",
    "js/capture-offline.js",
    "js/checks.js",
    "js/form-values.js",
    "js/photos.js",
    "js/walk.js",
    "js/readiness.js",
    "js/offline-page.js",
    "js/device.js",
    "js/map.js",
    "js/picker.js",
    "js/guide-language.js",
    "js/self-completion.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "img/icon.svg",
    "img/icon-192.png",
    "img/icon-512.png",
    "manifest.webmanifest",
]


@lru_cache(maxsize=1)
def version() -> str:
    """A hash of the service worker and the shell: a new value installs a new service worker."""
    digest = hashlib.sha256(SW_SOURCE.read_bytes())
    for name in SHELL_FILES:
        digest.update(name.encode())
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:16]
