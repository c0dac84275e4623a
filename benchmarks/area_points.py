"""Which area a point lies in, and importing outlines, at the size of a large town.

A city of 600 buurten in 60 wijken (crooked grid cells with holes, in RD New as PDOK publishes them):
1. Import: ``outlines.read`` (parse, RD New → WGS 84 with pyproj, validity checks) of the GeoJSON file and
   the simplified shapes kept for drawing,
   next to a bare ``json.loads`` of the same bytes (the baseline: what reading the file costs at all).
2. Locating: ``Locator.area_at`` (an STRtree of prepared shapes, a buurt before its wijk) for 20,000
   random points, next to the naive way (each shape's ``contains`` in turn, unprepared) on the same points.
   The ratio says what the tree buys; the microseconds per point what a synced record pays.
3. The picker's outlines: ``maps.features`` as JSON (the simplified shapes kept on import, what a capture
   page of a whole-town round carries) next to ``json.dumps`` of the full outlines (the baseline).
4. A request's locator on a real database (SQLite): built (every outline read and indexed, what each synced
   point with no area paid before the process kept it) next to kept (the check of the areas' paths and
   outline digests that every later request makes).

Run: .venv/bin/python benchmarks/area_points.py  (three rounds; read the medians)
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import shapely

from app.areas import maps, outlines
from app.areas.locate import Locator

WIJKEN, BUURTEN_PER_WIJK, POINTS = 60, 10, 20_000


def city(rng: random.Random) -> dict:
    """Wijken on an 8 × 8 grid of 1 km cells near Almere, each cut in buurten; every third wijk with a lake."""
    features = []
    for w in range(WIJKEN):
        x0, y0 = 138_000 + (w % 8) * 1_000, 482_000 + (w // 8) * 1_000
        ring = [(x0, y0), (x0 + 1_000, y0), (x0 + 1_000, y0 + 1_000), (x0, y0 + 1_000), (x0, y0)]
        holes = []
        if w % 3 == 0:
            holes = [
                [
                    (x0 + 450 + 60 * math.cos(a / 16 * 2 * math.pi), y0 + 450 + 60 * math.sin(a / 16 * 2 * math.pi))
                    for a in range(16, -1, -1)
                ]
            ]
        features.append(
            {"type": "Feature", "properties": {"path": f"S/W{w}"}, "geometry": {"type": "Polygon", "coordinates": [ring, *holes]}}
        )
        for b in range(BUURTEN_PER_WIJK):
            bx = x0 + b * 100
            # a crooked strip: 40 points along each long side
            left = [(bx + rng.uniform(-3, 3) if 0 < i < 40 else bx, y0 + i * 25) for i in range(41)]
            right = [(bx + 100, y0 + i * 25) for i in range(40, -1, -1)]
            strip = shapely.Polygon(left + right + [left[0]])
            strip = shapely.make_valid(strip)
            for hole in holes:
                strip = strip.difference(shapely.Polygon(hole))
            features.append({"type": "Feature", "properties": {"path": f"S/W{w}/B{b}"}, "geometry": json.loads(shapely.to_geojson(strip))})
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }


def main() -> None:
    rng = random.Random(2027)
    raw = json.dumps(city(rng)).encode()
    print(f"{len(raw) / 1e6:.1f} MB, {WIJKEN} wijken, {WIJKEN * BUURTEN_PER_WIJK} buurten")
    imports, bases, trees, naives, pickers, dumps = [], [], [], [], [], []
    for _round in range(3):
        start = time.perf_counter()
        json.loads(raw)
        bases.append(time.perf_counter() - start)
        start = time.perf_counter()
        features = outlines.read(raw)
        drawn_shapes = [outlines.as_geojson(outlines.simplify(f.geometry)) for f in features]  # as import_outlines keeps them
        imports.append(time.perf_counter() - start)

        areas = [
            SimpleNamespace(
                id=n,
                outline=outlines.as_geojson(f.geometry),
                outline_simple=drawn_shapes[n],
                depth=f.properties["path"].count("/"),
                path=f.properties["path"],
                name=f.properties["path"].rsplit("/", 1)[-1],
                label=f.properties["path"].replace("/", " › "),
                level=SimpleNamespace(value="buurt" if f.properties["path"].count("/") == 2 else "wijk"),
            )
            for n, f in enumerate(features)
        ]
        locator = Locator.of(areas)
        west, south, east, north = shapely.total_bounds(locator.shapes)
        points = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(POINTS)]
        start = time.perf_counter()
        found_tree = [locator.area_at(lat, lon) for lat, lon in points]
        trees.append((time.perf_counter() - start) / POINTS)
        plain = [(a, outlines.geometry_of(a)) for a in sorted(areas, key=lambda a: -a.depth)]
        start = time.perf_counter()
        found_naive = [next((a for a, s in plain if s.intersects(shapely.Point(lon, lat))), None) for lat, lon in points]
        naives.append((time.perf_counter() - start) / POINTS)
        start = time.perf_counter()
        drawn = json.dumps(maps.features(areas))
        pickers.append(time.perf_counter() - start)
        start = time.perf_counter()
        whole = json.dumps([a.outline for a in areas])
        dumps.append(time.perf_counter() - start)
        same = sum((a.depth if a else None) == (b.depth if b else None) for a, b in zip(found_tree, found_naive, strict=True))
        print(
            f"import {imports[-1]:.2f} s (json.loads {bases[-1] * 1000:.0f} ms, ratio {imports[-1] / bases[-1]:.0f}×) · "
            f"locate {trees[-1] * 1e6:.0f} µs/point (naive {naives[-1] * 1e6:.0f} µs, {naives[-1] / trees[-1]:.0f}× slower) · "
            f"same level found for {same / POINTS:.1%} of the points · "
            f"picker outlines {pickers[-1] * 1000:.0f} ms, {len(drawn) / 1e3:.0f} kB (unsimplified dump {dumps[-1] * 1000:.0f} ms, {len(whole) / 1e3:.0f} kB)"
        )
    print(
        f"median: import {statistics.median(imports):.2f} s vs json.loads {statistics.median(bases) * 1000:.0f} ms; "
        f"locate {statistics.median(trees) * 1e6:.0f} µs/point vs naive {statistics.median(naives) * 1e6:.0f} µs/point "
        f"(ratio {statistics.median(naives) / statistics.median(trees):.0f}); "
        f"picker outlines {statistics.median(pickers) * 1000:.0f} ms vs dump {statistics.median(dumps) * 1000:.0f} ms"
    )


def kept_locator(raw: bytes) -> None:
    """Step 4: the project's locator built from the database, then kept, in one request each."""
    from common import cleanup, fresh_database

    from app import create_app
    from app.areas import locate
    from app.areas import services as areas
    from app.extensions import db
    from app.models import Project

    setup = fresh_database()
    app = create_app()
    rows = "".join(f"S,W{w},B{b}\n" for w in range(WIJKEN) for b in range(BUURTEN_PER_WIJK))
    with app.app_context():
        project = db.session.get(Project, setup.project_id)
        areas.import_areas(project, areas.parse("stadsdeel,wijk,buurt\n" + rows))
        matched, skipped = outlines.check(project, raw)
        outlines.import_outlines(project, matched, skipped)
        db.session.commit()
    built, kept = [], []
    for _round in range(5):
        locate._BUILT.clear()
        for into in (built, kept):
            with app.test_request_context():
                start = time.perf_counter()
                locate.locator(setup.project_id)
                into.append(time.perf_counter() - start)
    print(
        f"locator per request: built {statistics.median(built) * 1000:.0f} ms, kept {statistics.median(kept) * 1000:.1f} ms "
        f"(ratio {statistics.median(built) / statistics.median(kept):.0f})"
    )
    cleanup(setup)


if __name__ == "__main__":
    main()
    kept_locator(json.dumps(city(random.Random(2027))).encode())
