"""``openskies treaty decisions`` and ``openskies treaty distribution record``.

A deployment's decisions live in YAML files in the directory named by
OPENSKIES_DECISIONS_DIR (docs/decisions.md); both commands go through the treaty's loader.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from openskies.adapters.decisions import DECISIONS_ENV, treaty_data_with
from openskies.bootstrap import deployment_treaty_data, read_settings
from openskies.cli._common import console, iso, parse_int, print_json, today
from openskies.errors import InputError
from openskies.treaty import (
    TreatyData,
    TreatyFlight,
    check_distribution,
    check_in_treaty_period,
    holders_on,
    observed_cap,
    passive_quotas_in_year,
)
from openskies.treaty.active_quotas import holder_code_in_year
from openskies.treaty.decisions import (
    DecisionSource,
    apply_decisions,
    distribution_text,
    shipped_decisions,
)

__all__ = [
    "DEMO_LABEL",
    "distribution_app",
    "list_decisions",
    "record_demo_distribution",
    "record_distribution_file",
]

DEMO_LABEL = "DEMO: not an OSCC decision"

distribution_app = typer.Typer(
    help="Distributions of active quotas agreed by the OSCC (Art. III §I ¶7).",
    no_args_is_help=True,
)


def list_decisions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every dated decision in force: the treaty's own, the public ones shipped, and the
    deployment's (OPENSKIES_DECISIONS_DIR), each with the file it comes from."""
    data = deployment_treaty_data()
    rows = [
        {
            "kind": r.kind,
            "subject": r.subject,
            "effective": iso(r.effective),
            "value": r.value,
            "citation": r.citation.text,
            "url": r.citation.url,
            "source": r.source,
            "note": r.note,
        }
        for r in [*shipped_decisions(data), *data.decisions]
    ]
    day = today()
    unknown = sorted(h.code for h in holders_on(data, day) if h.passive_quota.value_on(day) is None)
    if as_json:
        print_json(
            {"dirs": list(read_settings().decisions_dirs), "decisions": rows, "unknown": unknown}
        )
        return
    dirs = ", ".join(read_settings().decisions_dirs) or f"none ({DECISIONS_ENV} unset)"
    table = Table(title=f"Decisions in force (deployment directories: {dirs})")
    for column in ("kind", "subject", "effective", "value", "citation", "source"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r["kind"], r["subject"], r["effective"], r["value"], r["citation"], r["source"]
        )
    console.print(table)
    if unknown:
        console.print(
            f"passive quota still unknown (no decision recorded): {', '.join(unknown)} — "
            "see docs/decisions.md to record one"
        )


def _read_rows(data: TreatyData, path: Path, year: int) -> list[TreatyFlight]:
    from openskies.cli.treaty import _read_requests

    return [
        TreatyFlight(
            holder_code_in_year(data, r.observing, year),
            holder_code_in_year(data, r.observed, year),
            r.flights,
        )
        for r in _read_requests(path)
    ]


def record_distribution_file(
    data: TreatyData,
    directory: Path,
    path: Path,
    year: int,
    reference: str,
    url: str | None = None,
    label: str | None = None,
    despite_findings: bool = False,
) -> tuple[Path, list[str]]:
    """Check a distribution CSV and write it as a decision file into ``directory``."""
    check_in_treaty_period(data, date(year, 12, 31))
    flights = _read_rows(data, path, year)
    passive = {c: v for c, v in passive_quotas_in_year(data, year).items() if v is not None}
    caps = {c: observed_cap(v, year, data) for c, v in passive.items()}
    findings = [
        f"{f.message} ({f.citation.text})" for f in check_distribution(flights, passive, caps)
    ]
    if findings and not despite_findings:
        raise InputError(
            "the distribution breaks the treaty's quota rules: "
            + "; ".join(findings)
            + " (record it as agreed with --despite-findings)"
        )
    target = directory / f"distribution-{year}.yaml"
    n = 2
    while target.exists():
        target = directory / f"distribution-{year}-{n}.yaml"
        n += 1
    text = distribution_text(year, flights, reference, url, label)
    apply_decisions(data, [DecisionSource(str(target), text)])  # the loader's own check
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    treaty_data_with.cache_clear()
    return target, findings


@distribution_app.command("record")
def record(
    file: Annotated[Path, typer.Argument(help="CSV observing,observed,flights (as distribute).")],
    year_text: Annotated[str, typer.Option("--year", help="The quota year it is agreed for.")],
    reference: Annotated[
        str, typer.Option(help="The OSCC decision it records, e.g. 'OSCC.DEC/4/05'.")
    ],
    url: Annotated[str | None, typer.Option(help="Where the decision can be read.")] = None,
    label: Annotated[str | None, typer.Option(help="A label shown with it, e.g. DEMO.")] = None,
    despite_findings: Annotated[
        bool, typer.Option(help="Record it even though it breaks a quota rule (as agreed).")
    ] = False,
) -> None:
    """Record the distribution agreed for a year in the deployment's decisions directory."""
    dirs = read_settings().decisions_dirs
    if not dirs:
        raise InputError(
            f"{DECISIONS_ENV} is not set: name the deployment's decisions directory "
            "(docs/decisions.md)"
        )
    year = parse_int(year_text, "--year", minimum=1)
    target, findings = record_distribution_file(
        deployment_treaty_data(), Path(dirs[0]), file, year, reference, url, label, despite_findings
    )
    console.print(f"recorded the distribution for {year} in {target}")
    for f in findings:
        console.print(f"[yellow]as agreed, despite:[/] {f}")


def record_demo_distribution(directory: Path, year: int) -> Path:
    """The demo's distribution: Germany and Poland may observe each other twice in ``year``.

    Clearly labelled DEMO; it stands in later years like any distribution (Art. III §I ¶7).
    """
    flights = [TreatyFlight("DEU", "POL", 2), TreatyFlight("POL", "DEU", 2)]
    target = directory / f"demo-distribution-{year}.yaml"
    text = distribution_text(year, flights, f"{DEMO_LABEL} (openskies demo)", None, DEMO_LABEL)
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    treaty_data_with.cache_clear()
    return target
