"""Benchmark the OP solver against PyVRP and OR-Tools on the public orienteering sets.

Usage (from the repository root)::

    python benchmarks/op/run.py --time-limit 1 --sets tsiligirides,chao [--oplib]
    python benchmarks/op/run.py --time-limit 1 --sets '' --oplib --oplib-max-n 99999 \\
        --clock cpu --group band --peers pyvrp,ortools --csv out.csv

Every solver gets the same limit per instance, one core each (a pool of at most 2
worker processes; each worker runs ours, then the peers, on one instance, so that the
solvers are interleaved in time and see the same load). ``--clock cpu`` limits CPU time
(``time.process_time``) instead of wall time, for all three alike: our solver and PyVRP
check that clock in their stopping test, OR-Tools through a custom search limit; PyVRP's
and OR-Tools' first solution cannot be interrupted, so their time can exceed the limit
(the table shows it). Every route is checked feasible with real distances. The table
gives, per set or size band: mean and worst gap to the best-known value (BKS), BKS hits
and mean time per solver. ``--sample K`` keeps K instances per band, spread over the
band's sorted list (a stratified sample). Instances are read from
``<repo>/../shared/benchmarks/op`` unless ``--root`` says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_ROOT = REPO.parent / "shared" / "benchmarks" / "op"
for extra in (HERE, REPO / "src"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from openskies.adapters.files import read_op_instance  # noqa: E402
from openskies.planning.optimiser import OPInstance, solve  # noqa: E402

BANDS = ((400, "≤400"), (1000, "401–1000"), (2000, "1001–2000"), (10**9, ">2000"))
PEERS = ("pyvrp", "ortools")


@dataclass(frozen=True)
class Case:
    collection: str  # tsiligirides, chao, oplib
    set_name: str
    instance: str
    path: str
    n_points: int
    bks: float | None


@dataclass(frozen=True)
class Result:
    solver: str
    score: float
    time_s: float
    repaired: int  # points a peer's route lost to budget repair (rounding or infeasible)


@dataclass(frozen=True)
class Outcome:
    case: Case
    results: tuple[Result, ...]


def band(n: int) -> str:
    return next(label for top, label in BANDS if n <= top)


def _cases(root: Path, sets: list[str], oplib: bool, oplib_max_n: int) -> list[Case]:
    cases: list[Case] = []
    tables = {"tsiligirides": root / "bks_tsiligirides.csv", "chao": root / "chao" / "bks_chao.csv"}
    for name in sets:
        if name not in tables:
            raise SystemExit(f"unknown set {name!r}; choose from {', '.join(tables)}")
        with tables[name].open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                cases.append(
                    Case(
                        name,
                        row["set"],
                        row["instance"],
                        str(root / row["file"]),
                        int(row["n_points"]),
                        float(row["bks"]),
                    )
                )
    if oplib:
        with (root / "oplib" / "bks_oplib.csv").open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if int(row["n"]) > oplib_max_n:
                    continue
                bks = float(row["bks"]) if row["bks"] else None
                cases.append(
                    Case(
                        "oplib",
                        f"oplib_gen{row['gen']}",
                        row["instance"],
                        str(root / row["file"]),
                        int(row["n"]),
                        bks,
                    )
                )
    return cases


def _sample(cases: list[Case], per_band: int) -> list[Case]:
    """``per_band`` cases of each size band, evenly spread over its list sorted by size."""
    out: list[Case] = []
    for _, label in BANDS:
        rows = sorted(
            (c for c in cases if band(c.n_points) == label), key=lambda c: (c.n_points, c.instance)
        )
        if len(rows) <= per_band:
            out += rows
        else:
            step = len(rows) / per_band
            out += [rows[int(i * step)] for i in range(per_band)]
    return out


def _load(case: Case) -> OPInstance:
    if case.collection == "oplib":
        from oplib import read_oplib

        return read_oplib(case.path)
    return read_op_instance(case.path)


def run_solver(
    name: str, instance: OPInstance, time_limit_s: float, seed: int, clock: Callable[[], float]
) -> Result:
    """One solver on one instance; its route is checked feasible before it is scored."""
    if name == "ours":
        ours = solve(instance, time_limit_s, seed=seed, clock=clock)
        instance.check_route(ours.route)
        return Result(name, ours.score, ours.elapsed_s, 0)
    if name == "pyvrp":
        from pyvrp_op import solve_with_pyvrp

        pv = solve_with_pyvrp(instance, time_limit_s, seed=seed, clock=clock)
        instance.check_route(pv.route)
        return Result(name, pv.score, pv.elapsed_s, pv.dropped_by_repair)
    if name == "ortools":
        from ortools_op import solve_with_ortools

        ort = solve_with_ortools(instance, time_limit_s, clock=clock)
        instance.check_route(ort.route)
        return Result(name, ort.score, ort.elapsed_s, ort.dropped_by_repair)
    if name == "before":  # an earlier version of our solver, from BEFORE_SRC (a copy of it
        # as the package ``optimiser_before``), given the same instance arrays and clock
        sys.path.insert(0, os.environ["BEFORE_SRC"])
        import optimiser_before

        old = optimiser_before.OPInstance(
            instance.budget,
            instance.scores,
            instance.matrix(),
            start=instance.start,
            end=instance.end,
        )
        t0 = clock()
        found = optimiser_before._solve._search(
            old, time_limit_s, seed, None, None, optimiser_before._solve._Params(), clock
        )
        instance.check_route(found.route)
        return Result(name, found.score, clock() - t0, 0)
    raise SystemExit(f"unknown solver {name!r}")


def _run(job: tuple[Case, float, int, tuple[str, ...], str]) -> Outcome:
    case, time_limit_s, seed, solvers, clock_name = job
    clock = time.process_time if clock_name == "cpu" else time.perf_counter
    instance = _load(case)
    return Outcome(case, tuple(run_solver(s, instance, time_limit_s, seed, clock) for s in solvers))


def gap(score: float, bks: float) -> float:
    return 100.0 * (bks - score) / bks if bks > 0 else 0.0


def _summary(label: str, rows: list[Outcome], solvers: tuple[str, ...]) -> list[str]:
    scored = [r for r in rows if r.case.bks is not None]
    points = [r.case.n_points for r in rows]
    cells = [label, str(len(rows)), f"{min(points)}–{max(points)}"]
    for k, _ in enumerate(solvers):
        if scored:
            gaps = [gap(r.results[k].score, r.case.bks) for r in scored]  # type: ignore[arg-type]
            hits = sum(r.results[k].score >= r.case.bks - 1e-6 for r in scored)  # type: ignore[operator]
            cells += [f"{statistics.mean(gaps):.2f}", f"{max(gaps):.2f}", f"{hits}/{len(scored)}"]
        else:
            cells += ["–", "–", "–"]
        cells.append(f"{statistics.mean(r.results[k].time_s for r in rows):.2f}")
    return cells


def table(outcomes: list[Outcome], solvers: tuple[str, ...], group: str) -> str:
    head = ["group", "instances", "points"]
    for s in solvers:
        head += [f"{s} gap %", f"{s} worst %", f"{s} BKS hits", f"{s} time s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    groups: dict[str, list[Outcome]] = {}
    key = (lambda o: band(o.case.n_points)) if group == "band" else (lambda o: o.case.set_name)
    order = [label for _, label in BANDS] if group == "band" else []
    for outcome in outcomes:
        groups.setdefault(key(outcome), []).append(outcome)
    names = [g for g in order if g in groups] or list(groups)
    for name in names:
        lines.append("| " + " | ".join(_summary(name, groups[name], solvers)) + " |")
    if len(groups) > 1:
        lines.append("| " + " | ".join(_summary("**all**", outcomes, solvers)) + " |")
    return "\n".join(lines)


def merged_table(paths: list[Path], rename: dict[str, str], group: str) -> str:
    """The table of several per-instance CSVs (instances present for every solver only)."""
    cases: dict[str, Case] = {}
    found: dict[str, dict[str, Result]] = {}
    order: list[str] = []
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                name = row["solver"]
                name = rename.get(f"{path}:{name}", rename.get(str(path), name))
                if name not in order:
                    order.append(name)
                bks = float(row["bks"]) if row["bks"] not in ("", "None") else None
                cases[row["instance"]] = Case(
                    row["collection"], row["set"], row["instance"], "", int(row["n_points"]), bks
                )
                found.setdefault(row["instance"], {})[name] = Result(
                    name, float(row["score"]), float(row["time_s"]), int(row["repaired"])
                )
    outcomes = [
        Outcome(cases[i], tuple(found[i][s] for s in order))
        for i in sorted(cases, key=lambda i: (cases[i].n_points, i))
        if all(s in found[i] for s in order)
    ]
    return table(outcomes, tuple(order), group)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--time-limit", type=float, default=1.0, help="seconds per instance and solver"
    )
    parser.add_argument("--sets", default="tsiligirides,chao", help="comma list: tsiligirides,chao")
    parser.add_argument(
        "--oplib", action="store_true", help="also run OPLib (closed tours, TSPLIB)"
    )
    parser.add_argument(
        "--oplib-max-n", type=int, default=400, help="largest OPLib instance (points)"
    )
    parser.add_argument(
        "--oplib-min-n", type=int, default=0, help="smallest OPLib instance (points)"
    )
    parser.add_argument(
        "--sample", type=int, default=0, help="keep this many instances per size band"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, choices=(1, 2))
    parser.add_argument("--peers", default="pyvrp,ortools", help="comma list of peers, or ''")
    parser.add_argument("--no-ortools", action="store_true", help="run our solver only")
    parser.add_argument(
        "--no-ours", action="store_true", help="run the peers only (e.g. once, ahead of ours)"
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        help="no run: print the table of these per-instance CSVs (solvers side by side; a "
        "solver named twice keeps the later file's rows; --rename FILE=NAME renames a file's)",
    )
    parser.add_argument("--rename", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--group", choices=("set", "band"), default="set")
    parser.add_argument(
        "--root", type=Path, default=DEFAULT_ROOT, help="shared benchmarks/op folder"
    )
    parser.add_argument("--csv", type=Path, help="write per-instance results to this CSV file")
    args = parser.parse_args(argv)

    if args.merge:
        print(merged_table(args.merge, dict(r.split("=", 1) for r in args.rename), args.group))
        return 0
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    cases = [
        c
        for c in _cases(args.root, sets, args.oplib, args.oplib_max_n)
        if c.collection != "oplib" or c.n_points >= args.oplib_min_n
    ]
    if args.sample:
        cases = _sample(cases, args.sample)
    peers = () if args.no_ortools else tuple(p for p in args.peers.split(",") if p)
    solvers = peers if args.no_ours else ("ours", *peers)
    jobs = [(case, args.time_limit, args.seed, solvers, args.clock) for case in cases]
    load_before = os.getloadavg()
    started = time.perf_counter()
    handle = args.csv.open("w", newline="", encoding="utf-8") if args.csv else None
    writer = csv.writer(handle) if handle else None
    if writer:
        writer.writerow(
            ["collection", "set", "instance", "n_points", "bks", "solver", "score", "time_s",
             "repaired", "load_1min"]
        )  # fmt: skip
    outcomes: list[Outcome] = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for o in pool.map(_run, jobs, chunksize=1):
            outcomes.append(o)
            if writer and handle:  # one instance at a time: a long run can be followed
                load = os.getloadavg()[0]
                c = o.case
                for r in o.results:
                    writer.writerow(
                        [c.collection, c.set_name, c.instance, c.n_points, c.bks, r.solver,
                         r.score, f"{r.time_s:.3f}", r.repaired, f"{load:.1f}"]
                    )  # fmt: skip
                handle.flush()
    if handle:
        handle.close()
    wall = time.perf_counter() - started
    load_after = os.getloadavg()

    command = "python benchmarks/op/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    print(
        f"<!-- {command} | {platform.python_version()} | {platform.machine()} | "
        f"{args.workers} worker(s) | {args.clock} clock | wall {wall:.0f} s | load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after -->"
    )
    print(table(outcomes, solvers, args.group))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
