"""Outlines for the demo's areas: MADE FOR THE DEMO, ILLUSTRATIVE, NOT OFFICIAL. Each stadsdeel is a
block near where it lies in Almere, cut into its wijken on a crooked grid; Noorderplassen has a lake
(a hole) with an island in it (a MultiPolygon), as real outlines do. For real outlines, import the CBS
wijk- en buurtkaart from PDOK on the page Areas › Import outlines.

The file is a GeoJSON FeatureCollection in RD New (EPSG:28992), as PDOK publishes it, so the demo goes
through the same import as a coordinator's file.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from typing import Any

# Stadsdeel blocks in RD New metres: (west, south, east, north), near the real ones, not touching.
BLOCKS = {
    "Almere Poort": (135_000, 482_500, 140_800, 487_000),
    "Almere Haven": (141_000, 481_000, 146_000, 484_800),
    "Almere Stad": (141_000, 485_000, 146_000, 490_000),
    "Almere Hout": (146_200, 483_000, 150_000, 487_300),
    "Almere Buiten": (146_200, 487_500, 150_800, 491_500),
}
NOTE = "Illustratief, gemaakt voor de demo; geen officiële grens. Echte grenzen: CBS wijk- en buurtkaart (PDOK)."
LAKE = "Noorderplassen"


def _grid(block: tuple[int, int, int, int], count: int, rng: random.Random) -> list[list[tuple[float, float]]]:
    """``count`` cells cutting the block: a grid whose inner corners are shifted a little, the last
    row's last cell widened to the block's edge."""
    west, south, east, north = block
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    width, height = (east - west) / cols, (north - south) / rows
    corners: dict[tuple[int, int], tuple[float, float]] = {}
    for i in range(cols + 1):
        for j in range(rows + 1):
            inner_x, inner_y = 0 < i < cols, 0 < j < rows
            corners[(i, j)] = (
                round(west + i * width + (rng.uniform(-0.18, 0.18) * width if inner_x else 0)),
                round(north - j * height + (rng.uniform(-0.18, 0.18) * height if inner_y else 0)),
            )
    cells = []
    for n in range(count):
        row, col = divmod(n, cols)
        last = n == count - 1
        right = cols if last else col + 1
        ring = [corners[(col, row)]]
        ring += [corners[(i, row)] for i in range(col + 1, right + 1)]
        ring += [corners[(right, row + 1)]]
        ring += [corners[(i, row + 1)] for i in range(right - 1, col - 1, -1)]
        ring.append(ring[0])
        cells.append(ring)
    return cells


def _with_lake(ring: list[tuple[float, float]]) -> dict[str, Any]:
    xs, ys = [x for x, _y in ring], [y for _x, y in ring]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    r = min(max(xs) - min(xs), max(ys) - min(ys)) * 0.22
    lake = [
        (round(cx + r * math.cos(a / 12 * 2 * math.pi)), round(cy + r * 0.8 * math.sin(a / 12 * 2 * math.pi))) for a in range(12, -1, -1)
    ]
    island = [(round(cx + r * 0.3 * math.cos(a / 8 * 2 * math.pi)), round(cy + r * 0.25 * math.sin(a / 8 * 2 * math.pi))) for a in range(9)]
    return {"type": "MultiPolygon", "coordinates": [[ring, lake], [island]]}


def collection(rows: list[Any], seed: int = 2027) -> dict[str, Any]:
    """A FeatureCollection with an outline per stadsdeel and wijk of the area rows (wijk rows only)."""
    rng = random.Random(seed)
    wijken: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.wijk not in wijken[row.stadsdeel]:
            wijken[row.stadsdeel].append(row.wijk)
    features = []
    for stadsdeel, names in wijken.items():
        block = BLOCKS.get(stadsdeel)
        if block is None:
            continue
        west, south, east, north = block
        outline = [(west, north), (east, north), (east, south), (west, south), (west, north)]
        features.append(_feature(stadsdeel, stadsdeel, {"type": "Polygon", "coordinates": [outline]}))
        for name, ring in zip(names, _grid(block, len(names), rng), strict=True):
            geometry = _with_lake(ring) if name == LAKE else {"type": "Polygon", "coordinates": [ring]}
            features.append(_feature(f"{stadsdeel}/{name}", name, geometry))
    return {
        "type": "FeatureCollection",
        "name": "demo-gebieden-illustratief",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }


def _feature(path: str, name: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"path": path, "naam": name, "illustratief": True, "toelichting": NOTE}, "geometry": geometry}


def as_bytes(rows: list[Any]) -> bytes:
    return json.dumps(collection(rows)).encode()
