"""``openskies plan flight`` and ``openskies plan check``: treaty-valid observation routes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from openskies.adapters.files import read_json, read_sites
from openskies.bootstrap import shipped_territories, shipped_treaty_data
from openskies.cli._common import console, parse_date, print_json, today
from openskies.cli.plan import app
from openskies.errors import InputError
from openskies.planning import (
    Aircraft,
    Leg,
    check_mission_plan,
    flight_context,
    plan_flight,
    plan_to_geojson,
    route_to_gpx,
    route_to_kml,
)
from openskies.planning.sites import airfield_elevation_m, demo_sites

__all__ = ["aircraft_named", "check", "flight"]


def aircraft_named(name: str | None) -> Aircraft | None:
    """An aircraft of ``planning/data/aircraft.yaml`` by id (e.g. ``tu-214on``)."""
    if name is None:
        return None
    path = Path(__file__).parents[1] / "planning" / "data" / "aircraft.yaml"
    known = yaml.safe_load(path.read_text(encoding="utf-8"))["aircraft"]
    if name not in known:
        raise InputError(f"--aircraft: unknown {name!r}; one of {', '.join(sorted(known))}")
    entry = known[name]
    if entry["cruise_speed_kmh"] is None:
        raise InputError(f"--aircraft {name}: its cruise speed is not known (no public source)")
    return Aircraft(entry["name"], float(entry["cruise_speed_kmh"]), entry["range_km"])


def _options(aircraft: str | None) -> dict[str, Any]:
    found = aircraft_named(aircraft)
    return {} if found is None else {"aircraft": found}


@app.command("flight")
def flight(
    observed: Annotated[str, typer.Option(help="Observed Party: State or holder code.")],
    airfield: Annotated[str, typer.Option(help="Open Skies airfield: name, site id or ICAO.")],
    region: Annotated[
        str | None,
        typer.Option(
            help="A row of Ann. A §III naming a region (GREENLAND, 'with SCILLY ISLANDS')."
        ),
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help="Day of the flight, YYYY-MM-DD.")] = None,
    sites: Annotated[
        str, typer.Option(help="Sites: a GeoJSON or CSV (id,lat,lon,value) file, or 'demo'.")
    ] = "demo",
    time_limit: Annotated[float, typer.Option(help="Optimiser time limit, s.")] = 3.0,
    hagl_m: Annotated[float, typer.Option(help="Height above ground of the legs, m.")] = 6520.0,
    aircraft: Annotated[str | None, typer.Option(help="Aircraft id (aircraft.yaml).")] = None,
    export: Annotated[
        Path | None, typer.Option(help="Also write the route: .geojson, .kml or .gpx.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Plan the most valuable treaty-valid route over the sites from an Open Skies airfield."""
    day = parse_date(on, "--date") if on else today()
    if not time_limit > 0:
        raise InputError("--time-limit: must be a positive number of seconds")
    ctx = flight_context(
        shipped_treaty_data(),
        shipped_territories(),
        observed,
        airfield,
        day,
        region=region,
        **_options(aircraft),
    )
    candidates = demo_sites(*ctx.observed_states) if sites == "demo" else read_sites(Path(sites))
    leg = Leg(hagl_m=hagl_m, sensors=tuple(ctx.sensors))
    plan = plan_flight(ctx, candidates, time_limit, leg, clock=time.perf_counter)
    collection = plan_to_geojson(plan, ctx.budget_km)
    if export is not None:
        _export(export, collection, plan, airfield_elevation_m(ctx.airfield.icao))
    if as_json:
        print_json(collection)
        return
    route = collection["features"][0]["properties"]
    region = f", {ctx.region.region}" if ctx.region is not None else ""
    console.print(
        f"{'[green]valid[/]' if route['valid'] else '[red]not valid[/]'} route from "
        f"{ctx.airfield.name}: {route['observation_km']:,.1f} km observing of "
        f"{ctx.budget_km:,.0f} km ({ctx.budget_citation.text}{region}), "
        f"{route['length_km']:,.1f} km flown; {len(route['sites_observed'])} sites observed, "
        f"value {route['value']:g}; {len(route['sites_not_covered'])} not covered; "
        f"{len(route['sites_excluded'])} excluded; {plan.solve_seconds:.2f} s"
    )
    observing = [leg for leg in route["legs"] if not leg["transit"]]
    if observing:
        first = observing[0]
        console.print(
            f"swath {first['swath_half_width_km']:.2f} km each side, ground sample distance "
            f"{first['gsd_m']} m at {first['hagl_m']:,.0f} m above ground "
            f"({first['resolution_citation']})"
        )
    _violations(route["violations"])


def _export(path: Path, collection: dict[str, Any], plan: Any, ground_m: float) -> None:
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        path.write_text(json.dumps(collection, indent=2), encoding="utf-8")
    elif suffix == ".kml":
        kml = route_to_kml(plan.route, ground_m=ground_m, footprints=plan.footprints)
        path.write_text(kml, encoding="utf-8")
    elif suffix == ".gpx":
        path.write_text(route_to_gpx(plan.route, ground_m=ground_m), encoding="utf-8")
    else:
        raise InputError(f"--export: {path.name}: use .geojson, .kml or .gpx")


def _violations(violations: list[dict[str, Any]]) -> None:
    if not violations:
        return
    table = Table(title="Findings")
    for column in ("rule", "leg", "severity", "citation", "message"):
        table.add_column(column, overflow="fold")
    for v in violations:
        table.add_row(
            v["rule"],
            "" if v["leg"] is None else str(v["leg"]),
            v["severity"],
            v["citation"],
            v["message"],
        )
    console.print(table)


@app.command("check")
def check(
    route_file: Annotated[Path, typer.Argument(help="Route as GeoJSON (a LineString).")],
    observed: Annotated[str, typer.Option(help="Observed Party: State or holder code.")],
    on: Annotated[str | None, typer.Option("--date", help="Day of the flight, YYYY-MM-DD.")] = None,
    airfield: Annotated[
        str | None, typer.Option(help="Open Skies airfield (default: the route's start_airfield).")
    ] = None,
    aircraft: Annotated[str | None, typer.Option(help="Aircraft id (aircraft.yaml).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check a route against every rule of the treaty; list each violation with its citation."""
    day = parse_date(on, "--date") if on else today()
    result = check_mission_plan(
        shipped_treaty_data(),
        shipped_territories(),
        read_json(route_file, "ROUTE_FILE"),
        observed,
        day,
        airfield,
        **_options(aircraft),
    )
    violations = [v.as_json() for v in result.violations]
    out = {
        "valid": result.valid,
        "violations": violations,
        "length_km": round(result.length_km, 3),
        "budget_km": result.budget_km,
    }
    if as_json:
        print_json(out)
        return
    console.print(
        f"{'[green]valid[/]' if result.valid else '[red]not valid[/]'}: "
        f"{result.length_km:,.1f} km of {result.budget_km:,.0f} km"
    )
    _violations([v.as_json() for v in result.violations])
