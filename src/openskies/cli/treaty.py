"""``openskies treaty``: States Parties, withdrawals, quotas and deadlines on any date.

The ``--json`` shapes are a contract for scripts; see the README.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from openskies.bootstrap import deployment_treaty_data
from openskies.cli._common import (
    console,
    iso,
    parse_date,
    parse_datetime,
    parse_int,
    print_json,
    today,
)
from openskies.cli.decisions import distribution_app, list_decisions
from openskies.errors import InputError
from openskies.treaty import (
    DemonstrationBy,
    Request,
    Timeline,
    TreatyData,
    check_in_treaty_period,
    check_timeline,
    distribute,
    flight_deadlines,
    flight_distances_on,
    holders_in_year,
    max_flights,
    observed_cap,
    party_summaries,
    passive_quotas_in_year,
    phase_in_ends,
    resolve_holder,
    sub_limits_on,
    withdrawal,
)
from openskies.treaty.active_quotas import with_previous_year

__all__ = ["app"]

app = typer.Typer(
    help="The treaty as of any date: States Parties, quotas, deadlines.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]


def _data() -> TreatyData:
    return deployment_treaty_data()


app.command("decisions")(list_decisions)
app.add_typer(distribution_app, name="distribution")


@app.command()
def parties(
    on: Annotated[str | None, typer.Option(help="Day, YYYY-MM-DD (default: today, UTC).")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the States Parties on a day, with their group and quota holder."""
    data = _data()
    day = parse_date(on, "--on") if on else today()
    rows = party_summaries(data, day)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"States Parties on {iso(day)}: {len(rows)}")
    for column in ("code", "name", "group", "quota holder", "in force since"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["code"], r["name"], r["group"] or "", r["quota_holder"], r["in_force"] or "unknown"
        )
    console.print(table)


@app.command()
def withdraw(
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the withdrawing State.")],
    notice: Annotated[str, typer.Option(help="Day the notice is given, YYYY-MM-DD.")],
    intended: Annotated[
        str | None,
        typer.Option(help="Intended withdrawal date, at least 6 months after the notice."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """When a withdrawal takes effect, its conference window and what it changes (Art. XV)."""
    data = _data()
    result = withdrawal(
        data,
        state,
        parse_date(notice, "--notice"),
        parse_date(intended, "--intended") if intended else None,
    )
    out = {
        "state": result.state,
        "notice": iso(result.notice),
        "effective": iso(result.effective),
        "conference_window": [iso(d) for d in result.conference_window],
        "citation": "Art. XV ¶2–3",
        "consequences": [
            {"text": c.text, "citation": c.citation.text} for c in result.consequences
        ],
    }
    if as_json:
        print_json(out)
        return
    console.print(
        f"[bold]{result.state}[/]: notice {out['notice']}, withdrawal effective "
        f"[bold]{out['effective']}[/] (Art. XV ¶2)"
    )
    first, last = out["conference_window"]
    console.print(f"Conference of the States Parties between {first} and {last} (Art. XV ¶3)")
    for c in result.consequences:
        console.print(f"  • {c.text} [dim]({c.citation.text})[/]")


@app.command()
def quotas(
    year_text: Annotated[str, typer.Option("--year", help="Quota year (a calendar year).")],
    as_json: JsonOption = False,
) -> None:
    """Passive quotas of the holders in force in a year (Ann. A §I); null where unknown."""
    data = _data()
    year = parse_int(year_text, "--year", minimum=1)
    check_in_treaty_period(data, date(year, 12, 31))
    passive = passive_quotas_in_year(data, year)
    holders = {h.code: h for h in holders_in_year(data, year)}
    in_phase_in = year <= phase_in_ends(data).year
    out: dict[str, Any] = {
        "year": year,
        "passive": passive,
        "observed_cap": {
            c: observed_cap(v, year, data) for c, v in passive.items() if v is not None
        },
        "phase_in": in_phase_in,
        "unknown": sorted(c for c, v in passive.items() if v is None),
        "holders": [
            {
                "code": c,
                "name": holders[c].name,
                "members": list(holders[c].members),
                "passive": v,
                "citation": holders[c]
                .passive_quota.entry_on(max(date(year, 1, 1), data.entry_into_force))
                .citation.text
                if v is not None
                else "Ann. A §I ¶2",
            }
            for c, v in passive.items()
        ],
    }
    if as_json:
        print_json(out)
        return
    table = Table(
        title=f"Passive quotas in {year}" + (" (phase-in: 75 % cap)" if in_phase_in else "")
    )
    for column in ("holder", "name", "passive quota", "must accept", "citation"):
        table.add_column(column)
    for h in out["holders"]:
        cap = out["observed_cap"].get(h["code"])
        table.add_row(
            h["code"],
            h["name"],
            "unknown" if h["passive"] is None else str(h["passive"]),
            "" if cap is None else str(cap),
            h["citation"],
        )
    console.print(table)


@app.command("max-flights")
def max_flights_command(
    observing_party: Annotated[
        str, typer.Argument(help="Observing Party: a State or holder code.")
    ],
    observed_party: Annotated[str, typer.Argument(help="Observed Party: a State or holder code.")],
    year_text: Annotated[str, typer.Option("--year", help="Quota year.")],
    total_active_text: Annotated[
        str | None,
        typer.Option(
            "--total-active",
            help=(
                "The observing Party's total active quota "
                "(default: its passive quota, the ¶5 ceiling)."
            ),
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Most flights one State Party may conduct over another in a year (Art. III §I ¶10)."""
    year = parse_int(year_text, "--year", minimum=1)
    total_active = (
        parse_int(total_active_text, "--total-active") if total_active_text is not None else None
    )
    result = max_flights(_data(), observing_party, observed_party, year, total_active)
    out = {
        "observing_party": result.observing,
        "observed_party": result.observed,
        "year": result.year,
        "max": result.max,
        "citation": result.citation.text,
        "observing_party_total_active": result.total_active,
        "observing_party_total_active_basis": result.total_active_basis,
        "observed_party_total_passive": result.observed_total_passive,
    }
    if as_json:
        print_json(out)
        return
    console.print(
        f"{result.observing} may conduct at most [bold]{result.max}[/] observation flights over "
        f"{result.observed} in {year}: min(ceil({result.total_active}/2), "
        f"ceil({result.observed_total_passive}/2)) ({result.citation.text})"
    )


def _optional_time(value: str | None, option: str) -> Any:
    return parse_datetime(value, option) if value else None


@app.command()
def deadlines(
    eta: Annotated[str, typer.Option(help="ETA at the point of entry, ISO 8601 with offset.")],
    notified_at: Annotated[str | None, typer.Option(help="When the notice was given.")] = None,
    acknowledged_at: Annotated[str | None, typer.Option()] = None,
    arrived_at: Annotated[str | None, typer.Option()] = None,
    mission_plan_submitted_at: Annotated[str | None, typer.Option()] = None,
    mission_plan_answered_at: Annotated[str | None, typer.Option()] = None,
    planned_start: Annotated[
        str | None, typer.Option(help="Scheduled commencement in the plan (Art. VI §I ¶11).")
    ] = None,
    flight_started_at: Annotated[str | None, typer.Option()] = None,
    flight_completed_at: Annotated[str | None, typer.Option()] = None,
    arrived_at_exit_at: Annotated[
        str | None, typer.Option(help="Aircraft at the point of exit (Art. IX §II ¶3).")
    ] = None,
    departed_at: Annotated[str | None, typer.Option()] = None,
    report_sent_at: Annotated[str | None, typer.Option()] = None,
    demonstration_by: Annotated[
        DemonstrationBy, typer.Option(help="Who asked for a demonstration flight.")
    ] = DemonstrationBy.NONE,
    as_json: JsonOption = False,
) -> None:
    """Every deadline of an observation flight, and any breach of the events given."""
    data = _data()
    eta_at = parse_datetime(eta, "--eta")
    check_in_treaty_period(data, eta_at.date())
    timeline = Timeline(
        notified_at=_optional_time(notified_at, "--notified-at"),
        acknowledged_at=_optional_time(acknowledged_at, "--acknowledged-at"),
        arrived_at=_optional_time(arrived_at, "--arrived-at"),
        mission_plan_submitted_at=_optional_time(
            mission_plan_submitted_at, "--mission-plan-submitted-at"
        ),
        mission_plan_answered_at=_optional_time(
            mission_plan_answered_at, "--mission-plan-answered-at"
        ),
        planned_start=_optional_time(planned_start, "--planned-start"),
        flight_started_at=_optional_time(flight_started_at, "--flight-started-at"),
        flight_completed_at=_optional_time(flight_completed_at, "--flight-completed-at"),
        arrived_at_exit_at=_optional_time(arrived_at_exit_at, "--arrived-at-exit-at"),
        departed_at=_optional_time(departed_at, "--departed-at"),
        report_sent_at=_optional_time(report_sent_at, "--report-sent-at"),
    )
    result = flight_deadlines(data, eta_at, timeline, demonstration_by)
    breaches = check_timeline(data, eta_at, timeline, demonstration_by)
    out = result.as_json()
    out["breaches"] = [b.as_json() for b in breaches]
    if as_json:
        print_json(out)
        return
    table = Table(title=f"Deadlines for ETA {iso(eta_at)}")
    for column in ("rule", "at (UTC)", "", "citation"):
        table.add_column(column)
    for d in result.deadlines:
        table.add_row(
            d.rule, iso(d.at), "at the latest" if d.kind == "by" else "not before", d.citation.text
        )
    console.print(table)
    for b in breaches:
        console.print(f"[red]breach[/] {b.message} ({b.citation.text})")


@app.command("distribute")
def distribute_command(
    requests_file: Annotated[
        Path, typer.Argument(help="CSV with a header observing,observed,flights (holder codes).")
    ],
    year_text: Annotated[str, typer.Option("--year", help="Quota year the requests are for.")],
    seed: Annotated[str, typer.Option(help="Seed of the reproducible lot for ties.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Propose a distribution of active quotas within every rule, explaining each cut.

    It starts from the previous year's distribution: an observing Party with no request in
    the file keeps it (Art. III §I ¶7). The max-min share of Ann. L §II ¶3 is a proposal;
    it becomes the distribution once agreed and recorded (``distribution record``).
    """
    data = _data()
    year = parse_int(year_text, "--year", minimum=1)
    check_in_treaty_period(data, date(year, 12, 31))
    requests, carried = with_previous_year(data, year, _read_requests(requests_file))
    passive = {c: v for c, v in passive_quotas_in_year(data, year).items() if v is not None}
    caps = {c: observed_cap(v, year, data) for c, v in passive.items()}
    result = distribute(year, requests, passive, caps, seed)
    previous = {(r.observing, r.observed) for r in carried}
    out = {
        "year": year,
        "status": "proposal",
        "citation": "Ann. L §II ¶3",
        "note": (
            "a proposal: the distribution is what the States Parties agree (Ann. L §II ¶3); "
            f"record the agreed one with `openskies treaty distribution record FILE --year {year}`"
        ),
        "allocations": [
            {
                "observing_party": a.observing,
                "observed_party": a.observed,
                "requested": a.requested,
                "granted": a.granted,
                "from_previous_year": (a.observing, a.observed) in previous,
                "reasons": [r.as_json() for r in a.reasons],
            }
            for a in result.allocations
        ],
    }
    if as_json:
        print_json(out)
        return
    table = Table(title=f"PROPOSED distribution of active quotas for {year} (Ann. L §II ¶3)")
    for column in ("observing", "observed", "requested", "granted", "why cut"):
        table.add_column(column)
    for a in result.allocations:
        why = "; ".join(f"{r.message} ({r.citation.text})" for r in a.reasons)
        if (a.observing, a.observed) in previous:
            why = "previous year's distribution stands (Art. III §I ¶7)" + (
                f"; {why}" if why else ""
            )
        table.add_row(a.observing, a.observed, str(a.requested), str(a.granted), why)
    console.print(table)
    console.print(out["note"])


def _read_requests(path: Path) -> list[Request]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    requests = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"observing", "observed", "flights"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            try:
                flights = int(row["flights"])
            except ValueError:
                raise InputError(
                    f"{path}:{line}: flights: {row['flights']!r} is not a whole number"
                ) from None
            if flights < 0:
                raise InputError(f"{path}:{line}: flights: must be >= 0")
            requests.append(
                Request(row["observing"].strip().upper(), row["observed"].strip().upper(), flights)
            )
    return requests


@app.command()
def limits(
    on: Annotated[str | None, typer.Option(help="Day, YYYY-MM-DD (default: today, UTC).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every time limit, count and distance of the treaty in force on a day, with citations."""
    data = _data()
    day = parse_date(on, "--on") if on else today()
    check_in_treaty_period(data, day)
    rows = [
        {
            "id": lim.id,
            "value": lim.on(day),
            "unit": lim.unit,
            "citation": lim.citation_on(day).text,
            "text": lim.text,
        }
        for lim in data.time_limits.values()
    ]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Time limits in force on {iso(day)}")
    for column in ("rule", "value", "citation", "what"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), f"{r['value']} {r['unit']}", str(r["citation"]), str(r["text"]))
    console.print(table)


@app.command()
def distances(
    holder: Annotated[
        str | None,
        typer.Option(help="Quota holder or State code, e.g. RUS or BLR-RUS (default: all)."),
    ] = None,
    on: Annotated[str | None, typer.Option(help="Day, YYYY-MM-DD (default: today, UTC).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Maximum flight distances from each Open Skies airfield on a day (Ann. A §III)."""
    data = _data()
    day = parse_date(on, "--on") if on else today()
    check_in_treaty_period(data, day)
    code = None
    if holder is not None:
        code = holder.strip().upper()
        if code not in {e.holder for e in data.flight_distances.values()}:
            code = resolve_holder(data, holder, day).code
    rows = [
        {
            "id": d.entry.id,
            "holder": d.entry.holder,
            "airfield": d.entry.airfield,
            "region": d.entry.region,
            "site": d.entry.site,
            "distance_km": d.distance_km,
            "citation": d.citation.text,
            "source": d.citation.url,
            "note": d.note,
        }
        for d in flight_distances_on(data, day, code)
    ]
    limits = [
        {
            "id": s.id,
            "holder": s.holder,
            "region": s.region,
            "status": s.status,
            "distance_km": s.distance_km.value_on(day),
            "citation": s.distance_km.entry_on(day).citation.text,
            "source": s.distance_km.entry_on(day).citation.url,
        }
        for h in sorted({str(r["holder"]) for r in rows})
        for s in sub_limits_on(data, h, day)
    ]
    if as_json:
        print_json({"on": iso(day), "distances": rows, "sub_limits": limits})
        return
    table = Table(title=f"Maximum flight distances on {iso(day)}")
    for column in ("holder", "airfield or region", "km", "citation"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["holder"]),
            str(r["airfield"] or ""),
            f"{r['distance_km']:,.0f}",
            str(r["citation"]) if r["source"] is None else f"{r['citation']} <{r['source']}>",
        )
    console.print(table)
    for lim in limits:
        console.print(
            f"sub-limit {lim['region']}: {lim['distance_km']:,.0f} km "
            f"({lim['status']}; {lim['source']})"
        )
