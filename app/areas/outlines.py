"""Area outlines, imported from GeoJSON: the CBS wijk- en buurtkaart as PDOK publishes it, or any
GeoJSON whose features carry a CBS code, a path or a name that matches one of the project's areas.

Coordinates come in RD New (EPSG:28992) or WGS 84; they are kept in WGS 84 (longitude, latitude), as
GeoJSON wants. An import checks every feature first and changes nothing when any of them is wrong,
naming each feature and what is wrong with it, as the CSV import does per line.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pyproj
import shapely
import sqlalchemy as sa
from shapely.geometry import shape

from .. import audit
from ..extensions import db
from ..i18n import N_
from ..models import Area, Project

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
CRS_CHOICES = ("auto", "rd", "wgs84")
# Where RD New coordinates lie (the Netherlands and a margin); WGS 84 is longitude and latitude.
RD_BOUNDS = (-7_000, 289_000, 300_000, 629_000)
MAX_FEATURES = 5_000
MAX_POINTS = 2_000_000  # vertices in the whole file
PRECISION = 1e-6  # degrees: about 10 cm, finer than any outline needs
# What a page draws: about 2 m of simplification on a grid of about 1 m, a fraction of the points.
SIMPLIFY_DEGREES = 0.00002
DRAWN_PRECISION = 1e-5
# Properties that carry a CBS code, most specific first (a buurt of the wijk- en buurtkaart has both).
CODE_KEYS = ("buurtcode", "wijkcode", "statcode", "cbs_code", "code", "gebiedcode")
NAME_KEYS = ("buurtnaam", "wijknaam", "statnaam", "naam", "name", "gebied", "gebiedsnaam", "area")
PATH_KEYS = ("path", "pad")
CBS_CODE = re.compile(r"^(WK\d{6}|BU\d{8})\Z")


@dataclass
class FeatureError:
    number: int  # 1-based position of the feature in the file; 0: the file as a whole
    label: str  # what the feature calls itself (its code or name), to find it in a GIS
    message: str  # an English message id; the view translates it
    params: dict[str, str | int] = field(default_factory=dict)


class OutlineImportError(ValueError):
    """The file cannot be imported; ``errors`` says why, per feature. ``features`` are those that could
    be read, so that what else is wrong with them (no matching area) can be said at once."""

    def __init__(self, errors: list[FeatureError], features: list[Feature] | None = None):
        super().__init__(f"{len(errors)} problem(s) in the outline file")
        self.errors = errors
        self.features = features or []


@dataclass
class Feature:
    number: int
    properties: dict[str, Any]
    geometry: Any  # a shapely Polygon or MultiPolygon, in WGS 84

    @property
    def label(self) -> str:
        return _label(self.properties)


@dataclass
class OutlineResult:
    outlined: int = 0
    skipped: int = 0  # features that matched no area, left out on request
    located: int = 0  # records with a point and no area that found their area


def _label(properties: dict[str, Any]) -> str:
    for key in CODE_KEYS + PATH_KEYS + NAME_KEYS:
        value = properties.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()[:120]
    return ""


@lru_cache(maxsize=2)
def _transformer(source: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(source, WGS84, always_xy=True)


def _declared_crs(collection: dict[str, Any]) -> str | None:
    """The CRS a (pre-RFC 7946) file names, as PDOK's downloads in RD do: "urn:ogc:def:crs:EPSG::28992"."""
    crs = collection.get("crs")
    name = crs.get("properties", {}).get("name", "") if isinstance(crs, dict) and isinstance(crs.get("properties"), dict) else ""
    if not isinstance(name, str):
        return None
    if re.search(r"EPSG:{1,2}28992\b", name):
        return "rd"
    if re.search(r"EPSG:{1,2}4326\b|CRS84", name):
        return "wgs84"
    return None


def _guess_crs(features: list[tuple[int, dict[str, Any], Any]]) -> str | None:
    """RD New or WGS 84 by where the coordinates lie; None when they fit neither."""
    bounds = np.array([geometry.bounds for _n, _p, geometry in features if geometry is not None and not geometry.is_empty])
    if not len(bounds):
        return None
    low_x, low_y, high_x, high_y = bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()
    if low_x >= -180 and high_x <= 180 and low_y >= -90 and high_y <= 90:
        return "wgs84"
    if RD_BOUNDS[0] <= low_x and high_x <= RD_BOUNDS[2] and RD_BOUNDS[1] <= low_y and high_y <= RD_BOUNDS[3]:
        return "rd"
    return None


def _to_wgs84(geometry: Any) -> Any:
    transformer = _transformer(RD_NEW)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, move)


def read(raw: bytes, crs: str = "auto") -> list[Feature]:
    """The features of a GeoJSON file as WGS 84 polygons, or OutlineImportError listing every problem."""
    try:
        collection = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise OutlineImportError([FeatureError(0, "", N_("The file cannot be read as GeoJSON (it is not valid JSON)."))]) from None
    if isinstance(collection, dict) and collection.get("type") == "Feature":
        collection = {"type": "FeatureCollection", "features": [collection]}
    if (
        not isinstance(collection, dict)
        or collection.get("type") != "FeatureCollection"
        or not isinstance(collection.get("features"), list)
    ):
        raise OutlineImportError([FeatureError(0, "", N_("The file is not a GeoJSON FeatureCollection."))])
    raw_features = collection["features"]
    if not raw_features:
        raise OutlineImportError([FeatureError(0, "", N_("The file holds no features."))])
    if len(raw_features) > MAX_FEATURES:
        raise OutlineImportError([FeatureError(0, "", N_("Too many features; at most %(max)s per file."), {"max": MAX_FEATURES})])

    errors: list[FeatureError] = []
    parsed: list[tuple[int, dict[str, Any], Any]] = []
    points = 0
    for number, item in enumerate(raw_features, start=1):
        properties = item.get("properties") if isinstance(item, dict) else None
        properties = {str(k).strip().lower(): v for k, v in properties.items()} if isinstance(properties, dict) else {}
        label = _label(properties)
        geometry = item.get("geometry") if isinstance(item, dict) else None
        if not isinstance(item, dict) or item.get("type") != "Feature":
            errors.append(FeatureError(number, label, N_("This is not a GeoJSON feature.")))
            continue
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            kind = geometry.get("type") if isinstance(geometry, dict) else None
            errors.append(
                FeatureError(
                    number,
                    label,
                    N_("The shape is %(kind)s; an outline must be a Polygon or MultiPolygon."),
                    {"kind": str(kind or "–")[:40]},
                )
            )
            continue
        try:
            found = shape(geometry)
            points += shapely.get_num_coordinates(found)
            if not np.isfinite(shapely.get_coordinates(found)).all():
                raise ValueError("not finite")
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.GEOSException):
            errors.append(FeatureError(number, label, N_("The coordinates of this shape cannot be read.")))
            continue
        if found.is_empty:
            errors.append(FeatureError(number, label, N_("The shape is empty.")))
            continue
        if points > MAX_POINTS:
            raise OutlineImportError(
                [FeatureError(0, "", N_("The shapes have too many points; at most %(max)s per file."), {"max": MAX_POINTS})]
            )
        parsed.append((number, properties, found))

    if errors and not parsed:
        raise OutlineImportError(errors)
    system = crs if crs in ("rd", "wgs84") else (_declared_crs(collection) or _guess_crs(parsed))
    if system is None:
        unknown = N_(
            "The coordinates are neither RD New (EPSG:28992) nor WGS 84 (longitude, latitude). Choose the system, or export the file again in one of them."
        )
        raise OutlineImportError([FeatureError(0, "", unknown), *errors])
    features: list[Feature] = []
    for number, properties, geometry in parsed:
        label = _label(properties)
        if system == "rd":
            low_x, low_y, high_x, high_y = geometry.bounds
            if not (RD_BOUNDS[0] <= low_x and high_x <= RD_BOUNDS[2] and RD_BOUNDS[1] <= low_y and high_y <= RD_BOUNDS[3]):
                errors.append(FeatureError(number, label, N_("The coordinates lie outside the Netherlands for RD New.")))
                continue
            geometry = _to_wgs84(geometry)
        else:
            low_x, low_y, high_x, high_y = geometry.bounds
            if not (low_x >= -180 and high_x <= 180 and low_y >= -90 and high_y <= 90):
                errors.append(FeatureError(number, label, N_("The coordinates are not longitude and latitude (WGS 84).")))
                continue
        reason = shapely.is_valid_reason(geometry)
        if reason == "Valid Geometry":
            try:  # rounding can fold a sliver: then it is the rounded shape that is not valid
                geometry = shapely.set_precision(geometry, PRECISION)
            except shapely.errors.GEOSException as error:
                reason = str(error)
            else:
                reason = shapely.is_valid_reason(geometry)
        if reason != "Valid Geometry" or geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            errors.append(FeatureError(number, label, N_("The shape is not valid: %(reason)s."), {"reason": str(reason)[:200]}))
            continue
        features.append(Feature(number, properties, geometry))
    if errors:
        raise OutlineImportError(sorted(errors, key=lambda e: e.number), features)
    return features


def _text(properties: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = properties.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


def match(project: Project, features: list[Feature], skip_unmatched: bool = False) -> tuple[list[tuple[Area, Feature]], int]:
    """Each feature's area: by CBS code, else by path ("Almere Stad/Filmwijk"), else by a name only one
    area has. Every feature that finds none (unless skipped on request), names several or meets an area
    another feature took, is an error; nothing is matched then."""
    areas = list(db.session.scalars(sa.select(Area).where(Area.project_id == project.id)))
    by_code = {a.cbs_code: a for a in areas if a.cbs_code}
    by_path = {a.path.casefold(): a for a in areas}
    by_name: dict[str, list[Area]] = {}
    for area in areas:
        by_name.setdefault(area.name.casefold(), []).append(area)
    errors: list[FeatureError] = []
    matched: list[tuple[Area, Feature]] = []
    taken: dict[int, Feature] = {}
    skipped = 0
    for feature in features:
        properties = feature.properties
        codes = [
            str(properties[k]).strip().upper()
            for k in CODE_KEYS
            if isinstance(properties.get(k), str) and CBS_CODE.match(str(properties[k]).strip().upper())
        ]
        area = next((by_code[c] for c in codes if c in by_code), None)
        if area is None:
            path = _text(properties, PATH_KEYS).replace(" › ", "/").casefold()
            area = by_path.get(path) if path else None
        if area is None:
            name = _text(properties, NAME_KEYS)
            named = by_name.get(name.casefold(), []) if name else []
            if len(named) > 1:
                errors.append(
                    FeatureError(
                        feature.number,
                        feature.label,
                        N_("%(count)s areas are called %(name)s: give the feature a CBS code or a path (e.g. %(example)s)."),
                        {"count": len(named), "name": name, "example": named[0].path},
                    )
                )
                continue
            area = named[0] if named else None
        if area is None:
            if skip_unmatched:
                skipped += 1
                continue
            errors.append(
                FeatureError(
                    feature.number,
                    feature.label,
                    N_("No area of this project matches this feature (by CBS code, path or name)."),
                )
            )
            continue
        if area.id in taken:
            errors.append(
                FeatureError(
                    feature.number,
                    feature.label,
                    N_("%(area)s is also feature %(other)s."),
                    {"area": area.label, "other": taken[area.id].number},
                )
            )
            continue
        taken[area.id] = feature
        matched.append((area, feature))
    if errors:
        raise OutlineImportError(errors)
    if not matched:
        raise OutlineImportError([FeatureError(0, "", N_("No feature matches an area of this project."))])
    return matched, skipped


def check(project: Project, raw: bytes, crs: str = "auto", skip_unmatched: bool = False) -> tuple[list[tuple[Area, Feature]], int]:
    """Read and match the whole file; OutlineImportError with every problem found, in the file's order
    (a shape that cannot be used and a name that matches no area are both said at once)."""
    try:
        return match(project, read(raw, crs), skip_unmatched)
    except OutlineImportError as error:
        if not error.features:
            raise
        errors = list(error.errors)
        try:
            match(project, error.features, skip_unmatched)
        except OutlineImportError as more:
            errors += [e for e in more.errors if e.number]
        raise OutlineImportError(sorted(errors, key=lambda e: e.number)) from None


def as_geojson(geometry: Any) -> dict[str, Any]:
    return json.loads(shapely.to_geojson(geometry))


def import_outlines(project: Project, matched: list[tuple[Area, Feature]], skipped: int = 0) -> OutlineResult:
    """Give the matched areas their outlines (replacing earlier ones), audited."""
    result = OutlineResult(outlined=len(matched), skipped=skipped)
    for area, feature in matched:
        set_outline(area, feature.geometry)
    db.session.flush()
    audit.record("area.outlines", project, details={"areas": len(matched), "skipped": skipped})
    return result


def set_outline(area: Area, geometry: Any) -> None:
    """Give an area its shape, the simplified shape pages draw, and the digest servers compare."""
    area.outline = as_geojson(geometry)
    area.outline_simple = as_geojson(simplify(geometry))
    area.outline_key = hashlib.sha256(json.dumps(area.outline, sort_keys=True).encode()).hexdigest()[:16]


def simplify(geometry: Any) -> Any:
    """The shape as a page draws it (never used to decide where a point lies)."""
    drawn = shapely.simplify(geometry, SIMPLIFY_DEGREES, preserve_topology=True)
    try:
        return shapely.set_precision(drawn, DRAWN_PRECISION)
    except shapely.errors.GEOSException:  # a sliver folded by the grid: the simplified shape as it is
        return drawn


def geometry_of(area: Area) -> Any | None:
    """The area's outline as a shapely geometry (None without one)."""
    return shape(area.outline) if area.outline else None
