"""``openskies plan campaign``: several quota flights over one observed Party, planned together."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from openskies.adapters.files import read_sites
from openskies.bootstrap import shipped_territories, shipped_treaty_data
from openskies.cli._common import console, parse_date, print_json, today
from openskies.cli.plan import app
from openskies.cli.plan_flight import _options
from openskies.errors import InputError
from openskies.planning import flight_context
from openskies.planning.campaign import plan_campaign
from openskies.planning.sites import demo_sites

__all__ = ["campaign"]


@app.command("campaign")
def campaign(
    observed: Annotated[str, typer.Option(help="Observed Party: State or holder code.")],
    flights: Annotated[
        list[str],
        typer.Option(
            "--flight", help="Open Skies airfield of one flight (repeat: one per quota flight)."
        ),
    ],
    on: Annotated[
        str | None, typer.Option("--date", help="Day of the flights, YYYY-MM-DD.")
    ] = None,
    sites: Annotated[
        str, typer.Option(help="Sites: a GeoJSON or CSV (id,lat,lon,value) file, or 'demo'.")
    ] = "demo",
    time_limit: Annotated[float, typer.Option(help="Time limit for the whole campaign, s.")] = 6.0,
    hagl_m: Annotated[float, typer.Option(help="Height above ground of the legs, m.")] = 6520.0,
    aircraft: Annotated[str | None, typer.Option(help="Aircraft id (aircraft.yaml).")] = None,
    sequential: Annotated[
        bool, typer.Option("--sequential", help="Plan the flights one after another only.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Plan several flights jointly: each site counts once, each flight valid on its own."""
    if not time_limit > 0:
        raise InputError("--time-limit: must be a positive number of seconds")
    data = shipped_treaty_data()
    day = parse_date(on, "--date") if on else today()
    extra = _options(aircraft)
    contexts = [
        flight_context(data, shipped_territories(), observed, name, day, **extra)
        for name in flights
    ]
    candidates = (
        demo_sites(*contexts[0].observed_states) if sites == "demo" else read_sites(Path(sites))
    )
    result = plan_campaign(
        contexts,
        candidates,
        time_limit,
        hagl_m,
        max_rounds=0 if sequential else 2,
        clock=time.perf_counter,
    )
    out = result.as_json()
    if as_json:
        print_json(out)
        return
    table = Table(
        title=f"Campaign over {out['observed']} on {out['date']}: value {out['value']:g} "
        f"(flights one after another: {out['sequential_value']:g}); "
        f"{out['sites_observed']} of {out['candidates']} sites; {out['solve_seconds']:.1f} s"
    )
    for column in ("flight", "airfield", "valid", "km", "of km", "new sites", "new value"):
        table.add_column(column, justify="right" if column not in ("airfield",) else "left")
    for f in out["flights"]:
        table.add_row(
            str(f["index"] + 1),
            f["airfield"],
            "yes" if f["valid"] else "[red]no[/]",
            f"{f['length_km']:,.0f}",
            f"{f['budget_km']:,.0f}",
            str(len(f["sites_new"])),
            f"{f['value_new']:g}",
        )
    console.print(table)
