"""Entry point of the ``openskies`` command: sub-commands and one-line errors.

Bad input never shows a traceback: an ``InputError`` prints one line on standard error and
exits with status 2, as Typer's own usage errors do.
"""

from __future__ import annotations

import sys

import typer

from openskies import __version__
from openskies.cli import plan_campaign as _plan_campaign  # noqa: F401  (registers `plan campaign`)
from openskies.cli import plan_flight as _plan_flight  # noqa: F401 - registers its commands
from openskies.cli.backup import backup, restore
from openskies.cli.custody import data_app, ledger_app
from openskies.cli.custody_client import keys_app
from openskies.cli.plan import app as plan_app
from openskies.cli.server import audit_app, delegation_app, demo, exercise_app, serve
from openskies.cli.treaty import app as treaty_app
from openskies.cli.verify import gc, verify
from openskies.errors import DataError, OpenSkiesError

__all__ = ["app", "run"]

app = typer.Typer(
    name="openskies",
    help="Software for the Treaty on Open Skies: treaty rules, flight planning, missions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(treaty_app, name="treaty")
app.add_typer(delegation_app, name="delegation")
app.add_typer(audit_app, name="audit")
app.add_typer(exercise_app, name="exercise")
app.add_typer(ledger_app, name="ledger")
app.add_typer(data_app, name="data")
app.add_typer(keys_app, name="keys")
app.command()(serve)
app.command()(verify)
app.command()(backup)
app.command()(restore)
data_app.command("gc")(gc)
app.command()(demo)


app.add_typer(plan_app, name="plan")


@app.command()
def version() -> None:
    """Print the version of openskies."""
    typer.echo(__version__)


def run() -> None:
    """Run the command line. Typer reports usage errors itself (exit 2); errors of ours
    become one line on standard error: exit 2 for bad input, 3 for broken shipped data."""
    try:
        app()
    except DataError as exc:
        typer.echo(f"error: shipped data is broken: {exc}", err=True)
        sys.exit(3)
    except OpenSkiesError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
