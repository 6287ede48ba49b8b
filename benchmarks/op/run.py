"""Benchmark the OP solver against OR-Tools routing on the public orienteering sets.

Usage (from the repository root)::

    python benchmarks/op/run.py --time-limit 1 --sets tsiligirides,chao [--oplib]

Both solvers get the same wall-clock limit per instance, one core each (a pool of at
most 2 worker processes; each worker runs ours, then OR-Tools, on one instance).
Every route is checked feasible with real distances. The markdown table gives, per
set: mean gap to the best-known value (BKS), BKS hits, mean wall time and mean time
at which the final route was found, for ours and OR-Tools side by side. Instances
are read from ``<repo>/../shared/benchmarks/op`` unless ``--root`` says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_ROOT = REPO.parent / "shared" / "benchmarks" / "op"
for extra in (HERE, REPO / "src"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from openskies.planning.optimiser import OPInstance, read_op_instance, solve  # noqa: E402


@dataclass(frozen=True)
class Case:
    collection: str  # tsiligirides, chao, oplib
    set_name: str
    instance: str
    path: str
    n_points: int
    bks: float | None


@dataclass(frozen=True)
class Outcome:
    case: Case
    ours_score: float
    ours_length: float
    ours_time_s: float
    ours_best_found_s: float
    ours_proven: bool
    ortools_score: float | None
    ortools_time_s: float | None
    ortools_repaired: int | None


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


def _load(case: Case) -> OPInstance:
    if case.collection == "oplib":
        from oplib import read_oplib

        return read_oplib(case.path)
    return read_op_instance(case.path)


def _run(job: tuple[Case, float, int, bool]) -> Outcome:
    case, time_limit_s, seed, with_ortools = job
    instance = _load(case)
    ours = solve(instance, time_limit_s, seed=seed)
    instance.check_route(ours.route)
    ort_score = ort_time = ort_repaired = None
    if with_ortools:
        from ortools_op import solve_with_ortools

        ort = solve_with_ortools(instance, time_limit_s)
        instance.check_route(ort.route)
        ort_score, ort_time, ort_repaired = ort.score, ort.elapsed_s, ort.dropped_by_repair
    return Outcome(
        case,
        ours.score,
        ours.length,
        ours.elapsed_s,
        ours.best_found_s,
        ours.proven_optimal,
        ort_score,
        ort_time,
        ort_repaired,
    )


def _gap(score: float, bks: float) -> float:
    return 100.0 * (bks - score) / bks if bks > 0 else 0.0


def _summary(label: str, rows: list[Outcome], with_ortools: bool) -> list[str]:
    scored = [r for r in rows if r.case.bks is not None]
    mean = statistics.mean
    cells = [
        label,
        str(len(rows)),
        f"{min(r.case.n_points for r in rows)}–{max(r.case.n_points for r in rows)}",
    ]
    if scored:
        cells += [
            f"{mean(_gap(r.ours_score, r.case.bks) for r in scored):.2f}",  # type: ignore[arg-type]
            f"{max(_gap(r.ours_score, r.case.bks) for r in scored):.2f}",  # type: ignore[arg-type]
            f"{sum(r.ours_score >= r.case.bks - 1e-6 for r in scored)}/{len(scored)}",  # type: ignore[operator]
        ]
    else:
        cells += ["–", "–", "–"]
    cells += [
        f"{mean(r.ours_time_s for r in rows):.2f}",
        f"{mean(r.ours_best_found_s for r in rows):.2f}",
    ]
    if with_ortools:
        if scored:
            cells += [
                f"{mean(_gap(r.ortools_score, r.case.bks) for r in scored):.2f}",  # type: ignore[arg-type]
                f"{sum(r.ortools_score >= r.case.bks - 1e-6 for r in scored)}/{len(scored)}",  # type: ignore[operator]
            ]
        else:
            cells += ["–", "–"]
        cells += [
            f"{mean(r.ortools_time_s for r in rows):.2f}",  # type: ignore[misc]
            f"{mean(r.ours_score for r in rows):.1f} / {mean(r.ortools_score for r in rows):.1f}",  # type: ignore[misc]
            f"{sum(r.ours_score >= r.ortools_score for r in rows)}/{len(rows)}",  # type: ignore[operator]
        ]
    return cells


def _table(outcomes: list[Outcome], with_ortools: bool) -> str:
    head = [
        "set",
        "instances",
        "points",
        "ours gap %",
        "ours max gap %",
        "ours BKS hits",
        "ours time s",
        "ours time to best s",
    ]
    if with_ortools:
        head += [
            "OR-Tools gap %",
            "OR-Tools BKS hits",
            "OR-Tools time s",
            "mean score ours / OR-Tools",
            "ours ≥ OR-Tools",
        ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.case.set_name, []).append(outcome)
    for name, rows in groups.items():
        lines.append("| " + " | ".join(_summary(name, rows, with_ortools)) + " |")
    if len(groups) > 1:
        lines.append("| " + " | ".join(_summary("**all**", outcomes, with_ortools)) + " |")
    return "\n".join(lines)


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
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, choices=(1, 2))
    parser.add_argument("--no-ortools", action="store_true", help="run our solver only")
    parser.add_argument(
        "--root", type=Path, default=DEFAULT_ROOT, help="shared benchmarks/op folder"
    )
    parser.add_argument("--csv", type=Path, help="write per-instance results to this CSV file")
    args = parser.parse_args(argv)

    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    cases = _cases(args.root, sets, args.oplib, args.oplib_max_n)
    with_ortools = not args.no_ortools
    jobs = [(case, args.time_limit, args.seed, with_ortools) for case in cases]
    started = time.perf_counter()
    if args.workers == 1:
        outcomes = [_run(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            outcomes = list(pool.map(_run, jobs, chunksize=1))
    wall = time.perf_counter() - started

    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([*asdict(cases[0]).keys(), *list(asdict(outcomes[0]).keys())[1:]])
            for outcome in outcomes:
                row = asdict(outcome)
                writer.writerow([*row.pop("case").values(), *row.values()])

    command = "python benchmarks/op/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    print(
        f"<!-- {command} | {platform.python_version()} | {platform.machine()} | "
        f"{args.workers} worker(s) | wall {wall:.0f} s -->"
    )
    print(_table(outcomes, with_ortools))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
