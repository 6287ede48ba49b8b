"""Cross-check the positions in sites.yaml against the airportsdata package.

For each site whose ICAO code or name is found in airportsdata, print the great-circle distance
between the printed position and airportsdata's. Exit 1 if a site marked ``as_printed`` is more
than 5 km off. Usage: ``python scripts/check_sites.py`` (needs pyyaml and airportsdata).
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

SITES = Path(__file__).resolve().parents[1] / "src/openskies/treaty/data/sites.yaml"
LIMIT_KM = 5.0
# ISO 3166 alpha-3 (sites.yaml `state`) -> alpha-2 (airportsdata `country`).
COUNTRY = {
    "BEL": {"BE"},
    "BGR": {"BG"},
    "CAN": {"CA"},
    "CZE": {"CZ"},
    "DEU": {"DE"},
    "DNK": {"DK", "FO", "GL"},
    "ESP": {"ES"},
    "FRA": {"FR"},
    "GBR": {"GB"},
    "GRC": {"GR"},
    "HUN": {"HU"},
    "ISL": {"IS"},
    "ITA": {"IT"},
    "NLD": {"NL"},
    "NOR": {"NO"},
    "POL": {"PL"},
    "PRT": {"PT"},
    "ROU": {"RO"},
    "RUS": {"RU"},
    "SVK": {"SK"},
    "TUR": {"TR"},
    "UKR": {"UA"},
    "USA": {"US"},
}
GENERIC = {"airport", "airfield", "international", "military", "municipal", "base", "area"}
# ICAO codes printed in the treaty (1992) that airportsdata now gives to other airfields.
REASSIGNED = {"EDNW": "ETNW", "EDSA": "ETSA"}
# airportsdata entries whose own position is wrong (checked by hand): reported, never failed.
ERRATA = {
    "EBBR": "airportsdata holds DMS digits as decimals (50.5405 = 50°54'05\")",
    "EBMB": "airportsdata holds DMS digits as decimals (50.5405 = 50°54'05\")",
}

Airport = dict[str, Any]


def words(*texts: str) -> set[str]:
    """Significant lower-case ASCII words of the texts (ø -> oe, æ -> ae, å -> aa)."""
    folds: dict[str, str | int | None] = {"ø": "oe", "æ": "ae", "å": "aa"}
    text = " ".join(texts).lower().translate(str.maketrans(folds))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return {w for w in re.split(r"[^a-z0-9]+", text) if len(w) >= 4 and w not in GENERIC}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def find(site: dict[str, Any], airports: dict[str, Airport]) -> str | None:
    """airportsdata code for a site: by its ICAO code, else by a unique name match (each
    '/'-separated part of the name tried) among airports of the site's country."""
    icao = str(site.get("icao") or "")
    code = REASSIGNED.get(icao, icao)
    if code in airports:
        return code
    countries = COUNTRY.get(site["state"], set())
    hits = {
        k
        for part in (site.get("name") or "").split("/")
        if (own := words(part))
        for k, a in airports.items()
        if a["country"] in countries and own <= words(a["name"], a["city"])
    }
    return hits.pop() if len(hits) == 1 else None


def main() -> int:
    try:
        import airportsdata
        import yaml
    except ImportError as exc:
        print(
            f"check_sites.py needs pyyaml and airportsdata ({exc}); "
            "install them with: pip install pyyaml airportsdata",
            file=sys.stderr,
        )
        return 2
    airports: dict[str, Airport] = {code: {**a} for code, a in airportsdata.load("ICAO").items()}
    sites = yaml.safe_load(SITES.read_text(encoding="utf-8"))["sites"]
    failures: list[str] = []
    for site in sites:
        code = None if site["position_quality"] == "missing" else find(site, airports)
        if code is None:
            continue
        ap, quality = airports[code], site["position_quality"]
        label = f"{site['id']:<44} {code:<5} {quality:<10}"
        if site["lat"] is None or site["lon"] is None:
            print(f"{label}       printed position not parseable")
            continue
        km = haversine_km(site["lat"], site["lon"], ap["lat"], ap["lon"])
        remark = ""
        if code in ERRATA:
            remark = f"  (not failed: {ERRATA[code]})"
        elif not words(site["name"] or "") & words(ap["name"], ap["city"], ap["subd"]):
            remark = f"  (airportsdata name: {ap['name']})"
        print(f"{label} {km:8.2f} km{remark}")
        if quality == "as_printed" and km > LIMIT_KM and code not in ERRATA:
            failures.append(f"{site['id']}: {km:.1f} km from {code}")
    if failures:
        print(f"\n{len(failures)} site(s) marked as_printed are more than {LIMIT_KM:g} km off:")
        print("\n".join(f"  {f}" for f in failures))
        return 1
    print(f"\nOK: no site marked as_printed is more than {LIMIT_KM:g} km from airportsdata.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
