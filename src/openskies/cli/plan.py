"""`openskies plan`: flight-planning commands (the orienteering route optimiser)."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from openskies.adapters.files import read_op_instance
from openskies.errors import InputError
from openskies.planning.optimiser import OPInstance, OPSolution, solve

__all__ = ["app"]

app = typer.Typer(
    help="Plan observation flights: best-scoring routes within a distance budget.",
    no_args_is_help=True,
)


@app.callback()
def plan() -> None:
    """Plan observation flights: best-scoring routes within a distance budget."""


def _render(instance: OPInstance, solution: OPSolution, console: Console) -> None:
    table = Table(
        title=f"Route: score {solution.score:g}, length {solution.length:.6g}"
        f" of budget {instance.budget:g}"
    )
    table.add_column("stop", justify="right")
    table.add_column("point", justify="right")
    if instance.coords is not None:
        table.add_column("x", justify="right")
        table.add_column("y", justify="right")
    table.add_column("score", justify="right")
    table.add_column("leg", justify="right")
    table.add_column("cumulative", justify="right")
    cumulative = 0.0
    previous = None
    for stop, point in enumerate(solution.route):
        leg = 0.0 if previous is None else float(instance.distance(previous, point))
        cumulative += leg
        cells = [str(stop), str(point)]
        if instance.coords is not None:
            cells += [f"{instance.coords[point, 0]:g}", f"{instance.coords[point, 1]:g}"]
        cells += [f"{instance.scores[point]:g}", f"{leg:.4f}", f"{cumulative:.4f}"]
        table.add_row(*cells)
        previous = point
    console.print(table)
    bound = "proven optimal" if solution.proven_optimal else f"upper bound {solution.upper_bound:g}"
    console.print(
        f"{len(solution.route) - 2} targets, {solution.iterations} iterations in "
        f"{solution.elapsed_s:.2f} s ({bound})"
    )


@app.command("op")
def op(
    instance_file: Annotated[
        Path,
        typer.Argument(
            help="OP instance: 'Tmax P', then 'x y score' lines; point 0 start, point 1 end."
        ),
    ],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Search time limit in seconds.")
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same search).")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as one JSON object.")
    ] = False,
) -> None:
    """Solve an orienteering problem: most score on a route no longer than Tmax."""
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError(f"--time-limit must be a positive number of seconds, got {time_limit}")
    instance = read_op_instance(instance_file)
    solution = solve(instance, time_limit, seed=seed, clock=time.perf_counter)
    if as_json:
        typer.echo(
            json.dumps(
                {"score": solution.score, "length": solution.length, "route": list(solution.route)}
            )
        )
    else:
        _render(instance, solution, Console())
