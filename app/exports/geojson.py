"""GeoJSON (RFC 7946) of the inputs with a GPS point, for QGIS and ArcGIS: written feature by feature."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import IO, Any

PROGRESS_EVERY = 2000


def write_geojson(
    features: Iterable[dict[str, Any]], out: IO[bytes], metadata: dict[str, Any], progress: Callable[[int], None] | None = None
) -> int:
    out.write(b'{"type": "FeatureCollection", "metadata": ')
    out.write(json.dumps(metadata, ensure_ascii=False, default=str).encode("utf-8"))
    out.write(b', "features": [\n')
    count = 0
    for feature in features:
        if count:
            out.write(b",\n")
        out.write(json.dumps(feature, ensure_ascii=False).encode("utf-8"))
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    out.write(b"\n]}\n")
    if progress:
        progress(count)
    return count
