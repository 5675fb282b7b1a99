"""Benchmark: every registered scheduler on the full Azure conversation trace.

Run: ``python bench/bench_trace.py [--trace CSV] [--memory 65536 16384] [--algs a,b]
[--repeat 2] [--json out.json]``.

For each budget ``M`` and each algorithm (default: all registered), it reports the time of
``run_algorithm`` (the scheduler *and* the independent check of its schedule), the checked
objective, the ratio to the best lower bound (an estimate) and the time as a multiple of the
same-process baseline ``sequential_spt`` + check. Target: < 10 s per algorithm on 2 cores.
It then times each algorithm on the first 1/4, 1/2 and all requests and fits the growth
exponent ``b`` in ``time ~ tokens^b`` (least squares on logs; target near-linear, ``b``
about 1). Nothing here is a test assertion; targets are printed as PASS/MISS.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from kvsched import best_lower_bound, load_instance
from kvsched.algorithms import REGISTRY, run_algorithm
from kvsched.results import atomic_write_json, provenance

TRACE = Path(__file__).resolve().parents[2] / "shared" / "traces" / \
    "AzureLLMInferenceTrace_conv.csv"
TARGET_SECONDS = 10.0
BASELINE = "sequential_spt"


def timed(name: str, inst, repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` checked runs (one run if the first takes > 5 s)."""
    best, res = float("inf"), None
    for k in range(repeat):
        t0 = time.perf_counter()
        res = run_algorithm(name, inst)
        best = min(best, time.perf_counter() - t0)
        if best > 5:
            break
    return best, res


def growth_exponent(tokens: list[int], seconds: list[float]) -> float:
    """Slope of ``log(seconds)`` against ``log(tokens)``."""
    return float(np.polyfit(np.log(tokens), np.log(seconds), 1)[0])


def bench_memory(trace: Path, M: int, algs: list[str], repeat: int, scaling: bool) -> dict:
    inst = load_instance(trace, M)
    lb, lb_name = best_lower_bound(inst)
    base_t, _ = timed(BASELINE, inst, max(repeat, 3))
    print(f"\n== M = {M}: n = {inst.n}, tokens = {inst.total_tokens:,}, "
          f"max(s+o)/M = {inst.large_memory_ratio:.3f}, lower bound {lb:,} ({lb_name})")
    print(f"baseline {BASELINE} + check: {base_t:.3f} s")
    head = (f"{'algorithm':16s} {'time_s':>8s} {'x base':>8s} {'target':>6s} "
            f"{'objective':>14s} {'ALG/LB(est.)':>12s} {'restarts':>8s} {'util':>6s}")
    print(head)
    rows = []
    for name in algs:
        t, res = timed(name, inst, repeat)
        rep = res.report
        row = {"algorithm": name, "seconds": t, "x_baseline": t / base_t,
               "target_met": t < TARGET_SECONDS, "objective": rep.objective,
               "ratio_to_lower_bound": rep.objective / lb, "ratio_label": "estimate",
               "restarts": rep.restarts, "wasted_tokens": rep.wasted_tokens,
               "utilisation": rep.mean_utilisation, "checked": True}
        print(f"{name:16s} {t:8.3f} {t / base_t:8.1f} {'PASS' if t < TARGET_SECONDS else 'MISS':>6s} "
              f"{rep.objective:14,d} {rep.objective / lb:12.4f} {rep.restarts:8d} "
              f"{rep.mean_utilisation:6.3f}")
        rows.append(row)
    best = min(rows, key=lambda r: r["objective"])
    for r in rows:
        r["ratio_to_best"] = r["objective"] / best["objective"]
    second = sorted(rows, key=lambda r: r["objective"])[1:2]
    print(f"winner: {best['algorithm']}"
          + (f" ({100 * (second[0]['ratio_to_best'] - 1):.2f}% below {second[0]['algorithm']})"
             if second else ""))

    if scaling:
        fractions = (0.25, 0.5, 1.0)
        parts = [load_instance(trace, M, limit=int(round(f * inst.n))) for f in fractions]
        tokens = [p.total_tokens for p in parts]
        print(f"scaling over the first 1/4, 1/2, all requests (tokens {tokens}):")
        for name in [BASELINE] + algs:
            secs = [timed(name, p, repeat)[0] for p in parts]
            b = growth_exponent(tokens, secs)
            print(f"  {name:16s} " + "  ".join(f"{s:7.3f}s" for s in secs)
                  + f"   exponent {b:5.2f}")
            row = next((r for r in rows if r["algorithm"] == name), None)
            if row is not None:
                row["scaling"] = {"tokens": tokens, "seconds": secs, "exponent": b}
    return {"M": M, "n": inst.n, "tokens": inst.total_tokens, "lower_bound": lb,
            "lower_bound_name": lb_name, "baseline": {"algorithm": BASELINE,
                                                       "seconds": base_t},
            "rows": rows, "winner": best["algorithm"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trace", type=Path, default=TRACE)
    p.add_argument("--memory", type=int, nargs="+", default=[65536, 16384])
    p.add_argument("--algs", default=None, help="comma-separated (default: all registered "
                   "except the sequential references)")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--no-scaling", action="store_true")
    p.add_argument("--json", type=Path, default=None, help="also save the results here")
    args = p.parse_args()
    algs = (args.algs.split(",") if args.algs else
            [a for a in sorted(REGISTRY) if not a.startswith("sequential")])
    out = [bench_memory(args.trace, M, algs, args.repeat, not args.no_scaling)
           for M in args.memory]
    if args.json:
        atomic_write_json(args.json, {"results": out, "provenance": provenance(
            None, {"trace": str(args.trace), "memory": args.memory, "algs": algs,
                   "repeat": args.repeat})})
        print(f"saved {args.json}")


if __name__ == "__main__":
    main()
