"""Check a `openskies plan flight --json` output with brute-force geodesy (no openskies code).

Each site the plan reports observed must lie within the swath half-width of the leg it names:
the leg is densified every 50 m with pyproj's Geod.npts and the least WGS84 distance from the
site to those points is taken; a transit leg observes nothing.

    openskies plan flight --observed POL --airfield WARSZAWA-OKECIE --json > pol.json
    python benchmarks/planning/check_coverage.py pol.json
"""

from __future__ import annotations

import json
import math
import sys

import numpy as np
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    route = next(f for f in collection["features"] if f["properties"].get("kind") == "route")
    points, props = route["geometry"]["coordinates"], route["properties"]
    rejected = 0
    observed = [s for s in props["sites"] if s["status"] == "observed"]
    for site in observed:
        index = site["leg"]
        (ax, ay), (bx, by) = points[index], points[index + 1]
        leg = props["legs"][index]
        length = WGS84.inv(ax, ay, bx, by)[2]
        inner = max(math.ceil(length / 50) - 1, 0)
        samples = [(ax, ay), *(WGS84.npts(ax, ay, bx, by, inner) if inner else []), (bx, by)]
        lon = np.array([p[0] for p in samples])
        lat = np.array([p[1] for p in samples])
        metres = WGS84.inv(
            lon, lat, np.full_like(lon, site["lon"]), np.full_like(lat, site["lat"])
        )[2]
        if leg["transit"] or np.min(metres) / 1000 > leg["swath_half_width_km"] + 0.01:
            rejected += 1
            print(f"rejected: {site['id']} (leg {index})")
    print(
        f"{len(observed)} of {len(props['sites'])} sites observed; {rejected} rejected by the "
        f"brute-force check; {props['observation_km']} km observing of {props['budget_km']} km; "
        f"every leg has swath_half_width_km: "
        f"{all('swath_half_width_km' in leg for leg in props['legs'])}"
    )
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
