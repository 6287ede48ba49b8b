"""Fingerprinted copies, measured: PSNR, detection and false attribution per attack, the
averaging collusion of two, and the time to fingerprint and to trace a frame.

    .venv/bin/python benchmarks/custody/fingerprint.py --frame 8000x6000 --copies 200

``--frame`` is the real-size frame (PSNR, times, and ``--frame-copies`` attacked copies per
attack traced on it); ``--copies`` attacked copies per attack are traced on ``--small``
frames (each a new frame, a new object key and a new delivery: every copy is a fresh draw).
Each trace scores ``--recipients`` deliveries of which one (or two, colluding) leaked: the
others are innocents, and any of them named is a false attribution. Imagery: synthetic
aerial frames (tests/unit/custody/_imagery.py), made here. Results go to stdout as JSON,
one line per small frame to stderr; ``--merge ERR...`` sums the lines of several runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.unit.custody._imagery import attacks, psnr, terrain

from openskies.custody.fingerprint import (
    ArraySource,
    Carrier,
    Delivery,
    FingerprintParams,
    code_of,
    embed_strips,
    image_scale,
    luminance,
    trace,
)

ATTACKS = ["jpeg75", "crop70", "scale50", "rotate3", "combined"]


def deliveries(count: int, salt: int) -> list[Delivery]:
    return [Delivery(f"d{salt}-{i}", f"R{i:02d}", b"%d-%d" % (salt, i), i) for i in range(count)]


def fingerprint(image: np.ndarray, carrier: Carrier, delivery: Delivery) -> np.ndarray:
    bits = code_of(carrier).codeword(delivery.seed)
    return np.concatenate(list(embed_strips(ArraySource(image), carrier, bits)), axis=0)


def one_trace(
    image: np.ndarray,
    carrier: Carrier,
    group: list[Delivery],
    suspect: np.ndarray,
    leakers: set[str],
) -> dict[str, Any]:
    result = trace(ArraySource(image), carrier, group, luminance(suspect))
    named = {t.delivery.recipient for t in result.named}
    return {
        "detected": leakers <= named,
        "any_detected": bool(named & leakers),
        "false": len(named - leakers),
        "undecided": not result.decided,
        "score": [t.score for t in result.scored if t.delivery.recipient in leakers],
        "best_innocent": max(
            (t.score for t in result.scored if t.delivery.recipient not in leakers), default=0.0
        ),
        "threshold": result.threshold,
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    innocents = sum(r["innocents"] for r in rows)
    return {
        "copies": n,
        "detected": sum(r["detected"] for r in rows),
        "detection_rate": round(sum(r["detected"] for r in rows) / n, 4),
        "false_attributions": sum(r["false"] for r in rows),
        "innocent_tests": innocents,
        "undecided": sum(r["undecided"] for r in rows),
        "min_leaker_score": round(
            min((min(r["score"]) for r in rows if r["score"]), default=0.0), 2
        ),
        "max_innocent_score": round(max(r["best_innocent"] for r in rows), 2),
        "mean_threshold": round(
            float(np.mean([r["threshold"] for r in rows if np.isfinite(r["threshold"])])), 2
        ),
    }


def run_small(size: int, copies: int, recipients: int, offset: int = 0) -> dict[str, Any]:
    per_attack: dict[str, list[dict[str, Any]]] = {a: [] for a in [*ATTACKS, "collusion2"]}
    psnrs = []
    for k in range(offset, offset + copies):
        image = terrain(size, size, seed=1000 + k, colour=k % 4 == 3)
        carrier = Carrier(
            b"key-%d" % k, size, size, image_scale(ArraySource(image)), FingerprintParams()
        )
        group = deliveries(recipients, k)
        first, second = fingerprint(image, carrier, group[0]), fingerprint(image, carrier, group[1])
        psnrs.append(psnr(image, first))
        for name in ATTACKS:
            row = one_trace(image, carrier, group, attacks(k)[name](first), {"R00"})
            per_attack[name].append({**row, "innocents": recipients - 1})
        average = np.rint((first.astype(np.float32) + second) / 2).astype(np.uint8)
        row = one_trace(image, carrier, group, attacks(k)["combined"](average), {"R00", "R01"})
        per_attack["collusion2"].append({**row, "innocents": recipients - 2})
        line = {name: rows[-1] for name, rows in per_attack.items()}
        print(json.dumps({"k": k, "psnr": psnrs[-1], **line}), file=sys.stderr, flush=True)
    return {
        "frame": f"{size}x{size}",
        "psnr_db_min": round(min(psnrs), 2),
        "psnr_db_mean": round(float(np.mean(psnrs)), 2),
        "attacks": {name: summarise(rows) for name, rows in per_attack.items()},
    }


def run_frame(width: int, height: int, copies: int, recipients: int) -> dict[str, Any]:
    image = terrain(height, width, seed=7)
    source = ArraySource(image)
    carrier = Carrier(b"frame-key", height, width, image_scale(source), FingerprintParams())
    group = deliveries(recipients, 0)
    start, cpu = time.perf_counter(), time.process_time()
    first = fingerprint(image, carrier, group[0])
    embed = (time.perf_counter() - start, time.process_time() - cpu)
    second = fingerprint(image, carrier, group[1])
    out: dict[str, Any] = {
        "frame": f"{width}x{height}",
        "code_length": carrier.length,
        "psnr_db": [round(psnr(image, first), 2), round(psnr(image, second), 2)],
        "fingerprint_s": {"wall": round(embed[0], 2), "cpu": round(embed[1], 2)},
        "attacks": {},
    }
    timings = []
    for name in ["none", *ATTACKS, "collusion2"]:
        rows = []
        for k in range(copies):
            if name == "collusion2":
                suspect = attacks(k)["combined"](
                    np.rint((first.astype(np.float32) + second) / 2).astype(np.uint8)
                )
                leakers = {"R00", "R01"}
            else:
                suspect = attacks(k)[name](first)
                leakers = {"R00"}
            start, cpu = time.perf_counter(), time.process_time()
            row = one_trace(image, carrier, group, suspect, leakers)
            timings.append((name, time.perf_counter() - start, time.process_time() - cpu))
            rows.append({**row, "innocents": recipients - len(leakers)})
            print(f"frame {name} {k + 1}/{copies}", file=sys.stderr, flush=True)
        out["attacks"][name] = summarise(rows)
    out["trace_s"] = {
        name: {
            "wall": round(float(np.mean([t[1] for t in timings if t[0] == name])), 2),
            "cpu": round(float(np.mean([t[2] for t in timings if t[0] == name])), 2),
        }
        for name in dict.fromkeys(t[0] for t in timings)
    }
    return out


def merge_lines(paths: list[str]) -> dict[str, Any]:
    """The summary of per-copy lines (stderr of runs with different ``--offset``)."""
    by_k: dict[int, dict[str, Any]] = {}
    for path in paths:
        for text in Path(path).read_text(encoding="utf-8").splitlines():
            if text.startswith("{"):
                line = json.loads(text)
                by_k[line["k"]] = line
    lines = [by_k[k] for k in sorted(by_k)]
    names = [*ATTACKS, "collusion2"]
    return {
        "copies": len(lines),
        "psnr_db_min": round(min(line["psnr"] for line in lines), 2),
        "psnr_db_mean": round(float(np.mean([line["psnr"] for line in lines])), 2),
        "attacks": {name: summarise([line[name] for line in lines]) for name in names},
    }


def main() -> None:
    if sys.argv[1:2] == ["--merge"]:
        print(json.dumps(merge_lines(sys.argv[2:]), indent=1))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frame", default="8000x6000", help="real-size frame, WxH")
    parser.add_argument("--frame-copies", type=int, default=2, help="attacked copies per attack")
    parser.add_argument("--small", type=int, default=512, help="side of the many-copy frames")
    parser.add_argument("--copies", type=int, default=200, help="attacked copies per attack")
    parser.add_argument("--recipients", type=int, default=30, help="deliveries per object")
    parser.add_argument("--offset", type=int, default=0, help="first small frame's number")
    args = parser.parse_args()
    width, height = (int(v) for v in args.frame.split("x"))
    report: dict[str, Any] = {"load_average_before": os.getloadavg(), "cores": os.cpu_count()}
    if args.frame_copies:
        report["frame"] = run_frame(width, height, args.frame_copies, args.recipients)
    if args.copies:
        report["small"] = run_small(args.small, args.copies, args.recipients, args.offset)
    report["load_average_after"] = os.getloadavg()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
