"""Benchmark: GSA and GBA on the Azure conversation trace (19,366 requests), schedule checked.

Run: ``python bench/bench_gsa_gba.py [--trace PATH] [--json OUT]``. For M = 65536 and
M = 16384 and the first 1/4, 1/2 and all of the trace, it reports the wall time of
``run_algorithm`` (the scheduler plus the independent check), the growth exponent
``b`` of ``time ~ tokens^b`` (least squares over the three sizes; near 1 means
near-linear), and the same-process baseline ``sequential_spt`` + check on the full trace,
so the figures can be compared across machines as ratios. Target: under 10 s each on
the full trace on a 2-core machine.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from kvsched.algorithms import run_algorithm
from kvsched.loaders import load_azure_trace
from kvsched.lower_bounds import best_lower_bound
from kvsched.results import atomic_write_json, provenance

TRACE = Path(__file__).resolve().parents[2] / "shared" / "traces" / "AzureLLMInferenceTrace_conv.csv"
FRACTIONS = (0.25, 0.5, 1.0)
MEMORIES = (65536, 16384)


def timed(name: str, inst, repeat: int = 1):
    """Best wall time over ``repeat`` runs, its CPU time (immune to other processes on a
    shared machine) and the result."""
    best, cpu, res = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        res = run_algorithm(name, inst)
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return best, cpu, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trace", default=str(TRACE))
    ap.add_argument("--json", default=None, help="also save the figures here")
    args = ap.parse_args()
    n_all = load_azure_trace(args.trace, max(MEMORIES)).n
    records = []
    for M in MEMORIES:
        base_t, base_cpu, _ = timed("sequential_spt", load_azure_trace(args.trace, M), repeat=3)
        print(f"M = {M}: baseline sequential_spt + check on the full trace: {base_t:.3f} s "
              f"(cpu {base_cpu:.3f} s)")
        for name in ("gba", "gsa"):
            sizes, times, cpus = [], [], []
            for f in FRACTIONS:
                inst = load_azure_trace(args.trace, M, limit=int(round(f * n_all)))
                t, cpu, res = timed(name, inst)
                lb, lb_name = best_lower_bound(inst)
                sizes.append(inst.total_tokens)
                times.append(t)
                cpus.append(cpu)
                rec = {"M": M, "algorithm": name, "fraction": f, "jobs": inst.n,
                       "tokens": inst.total_tokens, "seconds": t, "cpu_seconds": cpu,
                       "baseline_seconds": base_t if f == 1.0 else None,
                       "objective": res.objective, "lower_bound": lb, "lb_name": lb_name,
                       "ratio_vs_lb_estimate": res.objective / lb,
                       "rounds": len(res.rounds), "restarts": res.report.restarts,
                       "mean_utilisation": res.report.mean_utilisation}
                records.append(rec)
                print(f"  {name:4s} {f:4.2f} of trace: {inst.n:6d} jobs {inst.total_tokens:9d} "
                      f"tokens  {t:6.2f} s (cpu {cpu:5.2f})  ALG/LB = {res.objective / lb:.3f} (estimate)  "
                      f"rounds {len(res.rounds)}  restarts {res.report.restarts}")
            b = float(np.polyfit(np.log(sizes), np.log(times), 1)[0])
            b_cpu = float(np.polyfit(np.log(sizes), np.log(cpus), 1)[0])
            print(f"  {name}: growth exponent b = {b:.2f} wall, {b_cpu:.2f} cpu "
                  f"(time ~ tokens^b); full trace {times[-1]:.2f} s = "
                  f"{times[-1] / base_t:.1f}x the baseline (cpu {cpus[-1] / base_cpu:.1f}x)")
            records.append({"M": M, "algorithm": name, "growth_exponent": b,
                            "growth_exponent_cpu": b_cpu})
    if args.json:
        atomic_write_json(args.json, {"provenance": provenance(None, {"trace": args.trace}),
                                      "records": records})


if __name__ == "__main__":
    main()
