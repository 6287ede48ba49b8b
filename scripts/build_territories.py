"""Regenerate ``src/openskies/geo/data/territories.geojson`` from Natural Earth.

Source: Natural Earth 4.1.0 Admin 0 Countries at 1:10m (public domain), as the TopoJSON
``countries-10m.json`` of the npm package ``world-atlas@2.0.2``. The script runs
``npm pack world-atlas@2.0.2`` in a temporary folder (or reads ``--topojson PATH``), decodes
the TopoJSON itself (delta-encoded quantized arcs + transform), simplifies each arc once, so
that two neighbours keep the very same border, and writes:

- one ``kind: "land"`` feature per State kept: the 34 States that were ever States Parties
  (Art. XVII; Ann. A), every State that shares a land border with one of them (their borders
  may need the 10 km of Art. VI §II ¶2), and every State whose land lies within 50 km of a
  Party's land (so that a Party's 12-nautical-mile sea band can be kept off it);
- one ``kind: "land_border"`` feature per pair of kept States that share a border: the shared
  TopoJSON arcs, so borders never depend on a polygon overlay at run time;
- one ``kind: "disputed"`` feature per disputed area that the source draws inside a kept State
  and that we can cut out of it (Crimea: drawn as Russian by Natural Earth 4.1.0, de facto).

Usage: ``python scripts/build_territories.py [--topojson countries-10m.json] [--out PATH]``.
Needs numpy and shapely (and npm unless ``--topojson`` is given).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry

from openskies.geo.geodesy import local_projection, split_antimeridian
from openskies.geo.territory import TERRITORIAL_SEA_KM, Territories

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/openskies/geo/data/territories.geojson"
PACKAGE = "world-atlas@2.0.2"
MEMBER = "package/countries-10m.json"
NATURAL_EARTH = "Natural Earth 4.1.0, Admin 0 - Countries, 1:10m (public domain)"
# Douglas-Peucker tolerance on (lon, lat) degrees: 0.0045 deg of latitude is 0.50 km, and a
# degree of longitude is shorter (cos(lat)), so no border or coast moves more than 0.5 km.
TOLERANCE_DEG = 0.0045
DECIMALS = 6  # 1e-6 deg ~ 0.1 m; finer than the source's quantization (0.0036 x 0.0017 deg)
COLLAPSED_DEG = 0.003  # ~0.3 km: the Vatican (0.44 km2) comes out at about 0.4 km2
SEA_NEIGHBOUR_KM = 50.0  # > 2 x 12 nautical miles (44.448 km)

# The 34 States that were ever States Parties (Art. XVII; Ann. A), ISO 3166 alpha-3.
PARTIES = (
    "BEL",
    "BGR",
    "BIH",
    "BLR",
    "CAN",
    "CZE",
    "DEU",
    "DNK",
    "ESP",
    "EST",
    "FIN",
    "FRA",
    "GBR",
    "GEO",
    "GRC",
    "HRV",
    "HUN",
    "ISL",
    "ITA",
    "LTU",
    "LUX",
    "LVA",
    "NLD",
    "NOR",
    "POL",
    "PRT",
    "ROU",
    "RUS",
    "SVK",
    "SVN",
    "SWE",
    "TUR",
    "UKR",
    "USA",
)

# ISO 3166-1 numeric (world-atlas ``id``) -> (alpha-3, short English name), for the units this
# script may keep. A kept unit missing here stops the script (no silent guess).
ISO: dict[str, tuple[str, str]] = {
    "008": ("ALB", "Albania"),
    "012": ("DZA", "Algeria"),
    "020": ("AND", "Andorra"),
    "031": ("AZE", "Azerbaijan"),
    "040": ("AUT", "Austria"),
    "051": ("ARM", "Armenia"),
    "056": ("BEL", "Belgium"),
    "070": ("BIH", "Bosnia and Herzegovina"),
    "076": ("BRA", "Brazil"),
    "100": ("BGR", "Bulgaria"),
    "112": ("BLR", "Belarus"),
    "124": ("CAN", "Canada"),
    "156": ("CHN", "China"),
    "191": ("HRV", "Croatia"),
    "203": ("CZE", "Czechia"),
    "208": ("DNK", "Denmark"),
    "212": ("DMA", "Dominica"),
    "233": ("EST", "Estonia"),
    "234": ("DNK", "Denmark"),  # Faroe Islands
    "246": ("FIN", "Finland"),
    "248": ("FIN", "Finland"),  # Aland Islands
    "250": ("FRA", "France"),
    "268": ("GEO", "Georgia"),
    "276": ("DEU", "Germany"),
    "292": ("GIB", "Gibraltar"),
    "300": ("GRC", "Greece"),
    "304": ("DNK", "Denmark"),  # Greenland
    "348": ("HUN", "Hungary"),
    "352": ("ISL", "Iceland"),
    "364": ("IRN", "Iran"),
    "368": ("IRQ", "Iraq"),
    "372": ("IRL", "Ireland"),
    "380": ("ITA", "Italy"),
    "392": ("JPN", "Japan"),
    "398": ("KAZ", "Kazakhstan"),
    "408": ("PRK", "North Korea"),
    "428": ("LVA", "Latvia"),
    "440": ("LTU", "Lithuania"),
    "438": ("LIE", "Liechtenstein"),
    "442": ("LUX", "Luxembourg"),
    "484": ("MEX", "Mexico"),
    "492": ("MCO", "Monaco"),
    "496": ("MNG", "Mongolia"),
    "498": ("MDA", "Moldova"),
    "499": ("MNE", "Montenegro"),
    "504": ("MAR", "Morocco"),
    "528": ("NLD", "Netherlands"),
    "578": ("NOR", "Norway"),
    "616": ("POL", "Poland"),
    "620": ("PRT", "Portugal"),
    "642": ("ROU", "Romania"),
    "643": ("RUS", "Russia"),
    "659": ("KNA", "Saint Kitts and Nevis"),
    "662": ("LCA", "Saint Lucia"),
    "666": ("SPM", "Saint Pierre and Miquelon"),
    "674": ("SMR", "San Marino"),
    "688": ("SRB", "Serbia"),
    "703": ("SVK", "Slovakia"),
    "705": ("SVN", "Slovenia"),
    "724": ("ESP", "Spain"),
    "740": ("SUR", "Suriname"),
    "752": ("SWE", "Sweden"),
    "756": ("CHE", "Switzerland"),
    "760": ("SYR", "Syria"),
    "792": ("TUR", "Turkey"),
    "804": ("UKR", "Ukraine"),
    "807": ("MKD", "North Macedonia"),
    "826": ("GBR", "United Kingdom"),
    "831": ("GGY", "Guernsey"),
    "832": ("JEY", "Jersey"),
    "833": ("IMN", "Isle of Man"),
    "840": ("USA", "United States"),
    "336": ("VAT", "Vatican City"),
    "534": ("SXM", "Sint Maarten"),
    "652": ("BLM", "Saint Barthelemy"),
    "663": ("MAF", "Saint Martin"),
    "531": ("CUW", "Curacao"),
}
# Units that Natural Earth draws apart but that belong to the Party's territory proper.
MERGED_NOTE = {
    "304": "Greenland (Kingdom of Denmark)",
    "234": "Faroe Islands (Kingdom of Denmark)",
    "248": "Aland Islands (Finland)",
}
# Sovereign of a kept unit that is not itself a State (shown, never merged: see docs/geo.md).
SOVEREIGN = {
    "GIB": "GBR",
    "GGY": "GBR",
    "JEY": "GBR",
    "IMN": "GBR",
    "SPM": "FRA",
    "BLM": "FRA",
    "MAF": "FRA",
    "SXM": "NLD",
    "CUW": "NLD",
}
# Disputed areas cut out of a kept State: name, holder in the source, claimant, the box that
# holds every polygon of it (a polygon of the holder entirely inside the box belongs to it).
DISPUTED = (
    (
        "Crimea",
        "RUS",
        "UKR",
        (32.3, 44.3, 36.70, 46.3),
        "Natural Earth 4.1.0 draws Crimea (Autonomous Republic of Crimea and Sevastopol) as "
        "Russian, by de facto control since 2014; Ukraine, and most States Parties, hold it to be "
        "Ukrainian.",
    ),
)

Coords = npt.NDArray[np.float64]


def fetch_topojson(workdir: Path) -> bytes:
    """``npm pack world-atlas@2.0.2`` into ``workdir``; the bytes of countries-10m.json."""
    subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True
    )
    (tarball,) = workdir.glob("world-atlas-*.tgz")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{tarball.name}: no {MEMBER}")
        return member.read()


def decode_arcs(topology: dict[str, Any]) -> list[Coords]:
    """Arcs as (n, 2) arrays of (lon, lat) degrees, longitudes made continuous.

    TopoJSON specification: quantized arcs are delta-encoded; position = sum * scale + translate.
    An arc that crosses the antimeridian jumps by 360 deg; it is unwrapped here.
    """
    scale = np.asarray(topology["transform"]["scale"], dtype=np.float64)
    translate = np.asarray(topology["transform"]["translate"], dtype=np.float64)
    arcs = []
    for arc in topology["arcs"]:
        xy = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0) * scale + translate
        xy[:, 0] = _unwrap_deg(xy[:, 0])
        arcs.append(xy)
    return arcs


def _unwrap_deg(lon: Coords) -> Coords:
    jumps = np.diff(lon)
    shift = -360.0 * np.round(jumps / 360.0)
    unwrapped: Coords = lon + np.concatenate([[0.0], np.cumsum(shift)])
    return unwrapped


def simplify_arc(arc: Coords, tolerance_deg: float) -> Coords:
    """Douglas-Peucker on one arc, ends kept; a ring too small to simplify is kept as it is."""
    if len(arc) <= 2:
        return arc.round(DECIMALS)
    out = np.asarray(shapely.simplify(LineString(arc), tolerance_deg).coords)
    closed = bool(np.array_equal(arc[0], arc[-1]))
    if closed and len(out) < 4:
        out = arc
    return out.round(DECIMALS)


def _ring(indices: Sequence[int], arcs: list[Coords]) -> Coords | None:
    parts: list[Coords] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        if parts:
            shift_deg = 360.0 * np.round((parts[-1][-1, 0] - arc[0, 0]) / 360.0)
            arc = arc + np.array([shift_deg, 0.0])
            arc = arc[1:]
        parts.append(arc)
    ring = np.concatenate(parts)
    if abs(ring[-1, 0] - ring[0, 0]) > 1e-9:
        raise ValueError("a ring goes round a pole; only Antarctica does, and it is not kept")
    if len(np.unique(ring, axis=0)) < 3:
        return None  # collapsed by quantization: an islet of a few hundred metres
    return ring


def decode_polygons(geometry: dict[str, Any], arcs: list[Coords]) -> BaseGeometry:
    """A TopoJSON (Multi)Polygon as a valid shapely geometry in [-180, 180] longitudes."""
    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    shapes = []
    for rings in polygons:
        shell = _ring(rings[0], arcs)
        if shell is None:
            continue
        holes = [h for h in (_ring(r, arcs) for r in rings[1:]) if h is not None]
        # A ring unwrapped east of 180 (or west of -180) is moved back as one piece first.
        offset = 360.0 * np.floor((shell[:, 0].min() + 180.0) / 360.0)
        shapes.append(Polygon(shell - [offset, 0.0], [h - [offset, 0.0] for h in holes]))
    valid = shapely.make_valid(MultiPolygon(shapes), method="structure", keep_collapsed=False)
    return _polygonal(split_antimeridian(valid))


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    polygons = [g for g in shapely.get_parts(geometry) if isinstance(g, Polygon) and g.area > 0]
    return MultiPolygon(polygons) if len(polygons) != 1 else polygons[0]


def _arcs_of(node: Any) -> Iterable[int]:
    if isinstance(node, int):
        yield node if node >= 0 else ~node
    else:
        for child in node:
            yield from _arcs_of(child)


def distance_km(a: BaseGeometry, b: BaseGeometry) -> float:
    """Shortest distance between two land geometries (b small), in km, via a local AEQD."""
    x0, y0, x1, y1 = b.bounds
    near = shapely.intersection(a, box(x0 - 2.0, y0 - 1.0, x1 + 2.0, y1 + 1.0))
    if near.is_empty:
        return float("inf")
    projection = local_projection(((x0 + x1) / 2, (y0 + y1) / 2))
    return (
        float(
            shapely.distance(projection.geometry_to_metres(near), projection.geometry_to_metres(b))
        )
        / 1000
    )


def build(
    topology: dict[str, Any], tolerance_deg: float
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The features of the shipped file, and counts for the metadata."""
    raw = decode_arcs(topology)
    arcs = [simplify_arc(arc, tolerance_deg) for arc in raw]
    units = topology["objects"]["countries"]["geometries"]

    code_of: dict[int, str] = {}
    for index, unit in enumerate(units):
        iso = unit.get("id")
        if iso in ISO:
            code_of[index] = ISO[iso][0]
    arcs_by_code: dict[str, set[int]] = defaultdict(set)
    for index, code in code_of.items():
        arcs_by_code[code] |= set(_arcs_of(units[index]["arcs"]))

    # 1. Parties and their land neighbours (units sharing an arc with a Party).
    party_arcs = set().union(*(arcs_by_code[c] for c in PARTIES))
    kept = set(PARTIES)
    for index, unit in enumerate(units):
        if index in code_of and code_of[index] in kept:
            continue
        if set(_arcs_of(unit["arcs"])) & party_arcs:
            if index not in code_of:
                raise SystemExit(f"land neighbour {unit['properties']['name']!r} has no code")
            kept.add(code_of[index])

    geometry_of: dict[int, BaseGeometry] = {}
    for index, unit in enumerate(units):
        if unit["properties"]["name"] == "Antarctica" or not unit.get("arcs"):
            continue
        geometry_of[index] = decode_polygons(unit, arcs)

    # A kept unit that the source's quantization collapsed (the Vatican: one 190 m arc) is
    # drawn as its arcs buffered by COLLAPSED_DEG and cut out of the land around it.
    collapsed: dict[str, BaseGeometry] = {}
    for index, geometry in list(geometry_of.items()):
        if geometry.is_empty and index in code_of:
            arcs_here = sorted(set(_arcs_of(units[index]["arcs"])))
            outline = MultiLineString([LineString(raw[i]) for i in arcs_here])
            stand_in = _polygonal(shapely.buffer(outline, COLLAPSED_DEG, quad_segs=4))
            geometry_of[index] = collapsed[code_of[index]] = stand_in
            for other, around in geometry_of.items():
                if other != index and around.intersects(stand_in):
                    geometry_of[other] = _polygonal(shapely.difference(around, stand_in))

    def land(code: str) -> BaseGeometry:
        return _polygonal(
            shapely.union_all([geometry_of[i] for i, c in code_of.items() if c == code])
        )

    # 2. Units whose land lies within SEA_NEIGHBOUR_KM of a Party's land.
    party_land = {code: land(code) for code in PARTIES}
    missing = []
    for index, geometry in geometry_of.items():
        found = code_of.get(index)
        if found in kept:
            continue
        near = [p for p, g in party_land.items() if shapely.dwithin(g, geometry, 1.5)]
        if any(distance_km(party_land[p], geometry) <= SEA_NEIGHBOUR_KM for p in near):
            if found is None:
                missing.append(f"{units[index].get('id')} {units[index]['properties']['name']}")
            else:
                kept.add(found)
    if missing:
        raise SystemExit(f"sea neighbours without a code in ISO: {missing}")

    features: list[dict[str, Any]] = []
    for code in sorted(kept):
        indices = [i for i, c in code_of.items() if c == code]
        geometry = land(code)
        if not geometry.is_valid:
            raise SystemExit(f"{code}: {shapely.is_valid_reason(geometry)}")
        ne_units = [f"{units[i]['id']} {units[i]['properties']['name']}" for i in indices]
        properties: dict[str, Any] = {
            "kind": "land",
            "code": code,
            "name": next(ISO[units[i]["id"]][1] for i in indices),
            "source": f"{NATURAL_EARTH}; units: {', '.join(ne_units)}",
        }
        if code in SOVEREIGN:
            properties["sovereign"] = SOVEREIGN[code]
        if code in collapsed:
            properties["note"] = (
                "collapsed to a line by the source's quantization; drawn as that line buffered "
                f"by {COLLAPSED_DEG} deg and cut out of the land around it"
            )
        merged = [MERGED_NOTE[units[i]["id"]] for i in indices if units[i]["id"] in MERGED_NOTE]
        if merged:
            properties["merged"] = merged
        features.append(_feature(properties, geometry))

    # 3. Land borders: the arcs two kept States share.
    for a in sorted(kept):
        for b in sorted(kept):
            if a >= b:
                continue
            shared = sorted(arcs_by_code[a] & arcs_by_code[b])
            if not shared:
                continue
            lines = [LineString(arcs[i]) for i in shared]
            border = split_antimeridian(shapely.line_merge(MultiLineString(lines)))
            if a in collapsed or b in collapsed:
                border = LineString(
                    (collapsed[a] if a in collapsed else collapsed[b]).exterior.coords
                )
            features.append(
                _feature(
                    {
                        "kind": "land_border",
                        "codes": [a, b],
                        "name": f"{_name(a)} - {_name(b)}",
                        "source": f"{NATURAL_EARTH}; TopoJSON arcs shared by both units",
                    },
                    border,
                )
            )

    # 3b. Land borders of kept States with units that are not kept (their other neighbours):
    # shipped so that a coast is the outline less every land border, even with those units.
    for code in sorted(kept):
        for index, unit in enumerate(units):
            if code_of.get(index) in kept:
                continue
            shared = sorted(arcs_by_code[code] & set(_arcs_of(unit["arcs"])))
            if not shared:
                continue
            other = unit["properties"]["name"]
            lines = shapely.line_merge(MultiLineString([LineString(arcs[i]) for i in shared]))
            features.append(
                _feature(
                    {
                        "kind": "land_border",
                        "codes": [code, None],
                        "other": f"{unit.get('id') or 'no ISO 3166 code'} {other}",
                        "name": f"{_name(code)} - {other} (not kept)",
                        "source": f"{NATURAL_EARTH}; TopoJSON arcs shared by both units",
                    },
                    split_antimeridian(lines),
                )
            )

    # 4. Disputed areas that the source draws inside a kept State.
    for name, holder, claimant, area_box, note in DISPUTED:
        pieces = [p for p in shapely.get_parts(land(holder)) if box(*area_box).contains(p)]
        features.append(
            _feature(
                {
                    "kind": "disputed",
                    "name": name,
                    "held_by": holder,
                    "claimed_by": claimant,
                    "source": f"{NATURAL_EARTH}; the polygons of {holder} inside {list(area_box)}",
                    "note": note,
                },
                _polygonal(MultiPolygon(pieces)),
            )
        )

    # 5. Territory (land + 12 nm) of every kept State, computed by openskies.geo itself.
    territories = Territories.from_geojson({"features": features}, origin="build")
    for code in sorted(kept):
        computed = territories.territory(code, TERRITORIAL_SEA_KM)
        # Snap-rounded to the written precision, so that the file's polygons stay valid.
        geometry = _polygonal(shapely.set_precision(computed, 10.0**-DECIMALS))
        if not geometry.is_valid:
            raise SystemExit(f"{code} territory: {shapely.is_valid_reason(geometry)}")
        features.append(
            _feature(
                {
                    "kind": "territory",
                    "code": code,
                    "territorial_sea_km": TERRITORIAL_SEA_KM,
                    "source": "land above + a 12 nm band off its coast, cut at other States' "
                    "land and at the median line (openskies.geo.territory; docs/geo.md)",
                },
                geometry,
            )
        )

    counts = {
        "states": len(kept),
        "land_borders": sum(f["properties"]["kind"] == "land_border" for f in features),
        "land_borders_with_units_not_kept": sum(
            f["properties"].get("codes", [0, 0])[1] is None for f in features
        ),
        "vertices_before": int(sum(len(a) for a in raw)),
        "vertices_after": int(sum(len(a) for a in arcs)),
    }
    return features, counts


def _name(code: str) -> str:
    return next(name for c, name in ISO.values() if c == code)


def _feature(properties: dict[str, Any], geometry: BaseGeometry) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": _rounded(mapping(geometry))}


def _rounded(node: Any) -> Any:
    if isinstance(node, float):
        return round(node, DECIMALS)
    if isinstance(node, list | tuple):
        return [_rounded(child) for child in node]
    if isinstance(node, dict):
        return {key: _rounded(value) for key, value in node.items()}
    return node


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topojson", type=Path, help="a local countries-10m.json (no npm)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--tolerance-deg", type=float, default=TOLERANCE_DEG)
    parser.add_argument("--date", help="build date to record (default: today, UTC)")
    args = parser.parse_args(argv)

    if args.topojson:
        content = args.topojson.read_bytes()
    else:
        with tempfile.TemporaryDirectory() as workdir:
            content = fetch_topojson(Path(workdir))
    topology = json.loads(content)
    features, counts = build(topology, args.tolerance_deg)
    built = args.date or datetime.now(UTC).date().isoformat()
    metadata = {
        "title": "openskies territories: land of the States Parties and their neighbours",
        "source": NATURAL_EARTH,
        "source_url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
        "distribution": f"npm {PACKAGE}, {MEMBER.removeprefix('package/')} (TopoJSON)",
        "source_sha256": hashlib.sha256(content).hexdigest(),
        "resolution": "1:10m; source quantized to 0.0036 deg lon x 0.0017 deg lat",
        "simplification": (
            f"Douglas-Peucker on each shared TopoJSON arc, tolerance {args.tolerance_deg} deg "
            f"(<= {args.tolerance_deg * 111.32:.2f} km); borders stay identical on both sides"
        ),
        "coordinates": f"(lon, lat) WGS84 degrees, rounded to {DECIMALS} decimals; "
        "no polygon crosses the antimeridian (cut at +-180)",
        "kept": "the 34 States ever Parties; their land neighbours; units within "
        f"{SEA_NEIGHBOUR_KM:g} km of a Party's land. Greenland and the Faroe Islands merged into "
        "DNK, Aland into FIN; other units as Natural Earth draws them",
        "territorial_sea": f"kind 'territory': land + {TERRITORIAL_SEA_KM} km (12 nm) from the "
        "coast as drawn, no baselines, no agreements, cut at other States' land and at the "
        "median line",
        "disputed": "Natural Earth shows de facto control: Crimea inside RUS (shipped as a "
        "'disputed' feature too); Abkhazia and South Ossetia inside GEO; Kosovo and Northern "
        "Cyprus as units without ISO code (not kept); see docs/geo.md",
        "built": built,
        "built_by": "scripts/build_territories.py",
        "license": "Natural Earth: public domain",
        **counts,
    }
    collection = {"type": "FeatureCollection", "metadata": metadata, "features": features}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8"
    )
    size_mb = args.out.stat().st_size / 1e6
    print(
        f"{args.out}: {counts['states']} states, {counts['land_borders']} land borders, "
        f"{counts['vertices_after']} of {counts['vertices_before']} arc vertices, "
        f"{size_mb:.2f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
