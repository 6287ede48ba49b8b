"""``openskies serve``, ``openskies delegation …`` and ``openskies audit verify``."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from openskies.bootstrap import Settings, build_app, open_services, read_settings
from openskies.cli._common import console, iso, parse_datetime, parse_int, print_json
from openskies.errors import InputError
from openskies.services.audit import verify_audit
from openskies.services.delegations import create_delegation, list_tokens, revoke_token

__all__ = ["audit_app", "delegation_app", "demo", "exercise_app", "serve"]

delegation_app = typer.Typer(help="Delegations and their API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
exercise_app = typer.Typer(
    help="The exercise clock of a training exercise or a replay.", no_args_is_help=True
)


def _duration(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhm])\s*", text)
    if match is None:
        raise InputError(f"DURATION: {text!r} is not like 72h, 3d or 30m")
    value, unit = float(match.group(1)), match.group(2)
    unit_name = {"d": "days", "h": "hours", "m": "minutes"}[unit]
    return timedelta(**{unit_name: value})


@exercise_app.command("advance")
def exercise_advance(
    duration: Annotated[str, typer.Argument(help="How far to move it on: 72h, 3d, 30m.")],
) -> None:
    """Move the exercise clock on, for every replica (it is kept in the database)."""
    from openskies.adapters.exercise import advance_exercise

    with open_services(read_settings(), route_checker=None) as svc:
        advance_exercise(svc.sessions, _duration(duration))
    with open_services(read_settings(), route_checker=None) as svc:
        console.print(f"exercise time is now {iso(svc.clock.now())}")


@exercise_app.command("status")
def exercise_status() -> None:
    """The time the service tells, and whether it is exercise time."""
    with open_services(read_settings(), route_checker=None) as svc:
        mode = "exercise" if getattr(svc.clock, "is_exercise", False) else "real"
        console.print(f"{mode} time: {iso(svc.clock.now())}")


@exercise_app.command("stop")
def exercise_stop() -> None:
    """End the exercise: the service tells real time again (restart it)."""
    from openskies.adapters.exercise import stop_exercise

    with open_services(read_settings(), route_checker=None) as svc:
        stop_exercise(svc.sessions)
    console.print("exercise stopped: real time")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    clock: Annotated[
        str | None,
        typer.Option(
            help="Start an exercise clock at this instant (ISO 8601 with offset); it moves at "
            "real speed and is kept in the database for every replica."
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
) -> None:
    """Run the API and the web app (SQLite by default; OPENSKIES_DATABASE_URL for PostgreSQL).

    With ``--workers N`` the N processes share nothing but the database and the store (the
    service is stateless); the schema is migrated once, before they start."""
    from dataclasses import replace

    settings = read_settings()
    if clock is not None:
        settings = replace(settings, clock_start=parse_datetime(clock, "--clock"))
        console.print(f"[yellow]EXERCISE clock[/] starting at {clock}")
    _serve(settings, host, port, workers, log_level)


def _serve(
    settings: Settings, host: str, port: int, workers: int = 1, log_level: str = "info"
) -> None:
    import uvicorn

    where = settings.database_url.split("@")[-1]
    console.print(f"openskies on http://{host}:{port}  (database: {where}, {workers} worker(s))")
    if workers == 1:
        uvicorn.run(build_app(settings), host=host, port=port, log_level=log_level)
        return
    with open_services(settings, route_checker=None):
        pass  # migrate once
    uvicorn.run(
        "openskies.bootstrap:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )


@delegation_app.command("create")
def delegation_create(
    code: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
) -> None:
    """Create a delegation (if new) and print a new API token, once."""
    with open_services(read_settings()) as svc, svc.sessions.begin() as session:
        delegation, token = create_delegation(session, svc.data, code, svc.clock.now(), label)
    console.print(f"delegation of {delegation.state}: token (shown once, keep it safe):")
    typer.echo(token)


@delegation_app.command("list")
def delegation_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List tokens (never the tokens themselves): id, State, label, created, revoked."""
    with open_services(read_settings()) as svc, svc.sessions() as session:
        rows = list_tokens(session)
    if as_json:
        print_json(
            [
                {
                    **asdict(r),
                    "created_at": iso(r.created_at),
                    "revoked_at": iso(r.revoked_at) if r.revoked_at else None,
                }
                for r in rows
            ]
        )
        return
    table = Table(title="API tokens")
    for column in ("id", "state", "label", "created", "revoked"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r.id), r.state, r.label, str(r.created_at), str(r.revoked_at or ""))
    console.print(table)


@delegation_app.command("revoke")
def delegation_revoke(token_id: Annotated[str, typer.Argument(help="Token id.")]) -> None:
    """Revoke a token: requests with it are refused from now on."""
    number = parse_int(token_id, "TOKEN_ID", minimum=1)
    with open_services(read_settings()) as svc, svc.sessions.begin() as session:
        revoke_token(session, number, svc.clock.now())
    console.print(f"token {token_id} revoked")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit chain; name the first broken entry (exit 1 if any)."""
    with open_services(read_settings()) as svc, svc.sessions() as session:
        checked, broken, why = verify_audit(session)
    if broken is None:
        console.print(f"audit log intact: {checked} entries")
        return
    typer.echo(f"audit log BROKEN at entry {broken}: {why}", err=True)
    raise typer.Exit(1)


def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Seed two delegations (Germany and Poland), record a DEMO distribution of active quotas
    that lets them observe each other, print their tokens, and serve the app."""
    from dataclasses import replace
    from pathlib import Path

    from openskies.cli.decisions import record_demo_distribution
    from openskies.services.clock import SystemClock

    settings = read_settings()
    demo_dir = Path(settings.data_dir) / "demo-decisions"
    recorded = record_demo_distribution(demo_dir, SystemClock().now().year)
    settings = replace(settings, decisions_dirs=(*settings.decisions_dirs, str(demo_dir)))
    console.print(f"[yellow]DEMO distribution of active quotas recorded[/] in {recorded}")
    with open_services(settings) as svc, svc.sessions.begin() as session:
        tokens = {
            code: create_delegation(session, svc.data, code, svc.clock.now(), "demo")[1]
            for code in ("DEU", "POL")
        }
    console.print("[bold]Demo delegations[/] (sign in at the web app with a token):")
    for code, token in tokens.items():
        console.print(f"  {code}: {token}")
    console.print(f"Open http://{host}:{port}/ in a browser.")
    _serve(settings, host, port)
