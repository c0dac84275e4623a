"""Where files recorded in the field are kept: one folder, by default ``instance/photos``.

``PHOTO_DIR`` points it at another directory, such as a volume mounted on every app server. A file
is written to a temporary name and renamed into place, so a reader never sees half a file and two
servers writing the same key leave one whole file. Keys are ``<project id>/<uuid>`` with a suffix;
nothing outside the folder can be named.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from flask import current_app

KEY = re.compile(r"\A[0-9]+/[0-9a-f-]{36}(-[a-z]+)?(\.[a-z]+)?\Z")


class Storage:
    def __init__(self, root: Path):
        self.root = root

    def path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_project(self, project_id: int) -> None:
        shutil.rmtree(self.root / str(int(project_id)), ignore_errors=True)


def storage() -> Storage:
    """The app's file store."""
    return Storage(Path(current_app.config.get("PHOTO_DIR") or Path(current_app.instance_path) / "photos"))
