"""GBA-LIST-FIFO (docs/proofs.md section 13) against GBA-LIST-OVERLAP and GBA on the trace.

Run: ``python bench/fifo_trace.py [--n 2000] [--memory 16384 65536] [--json OUT]``.
For the first ``n`` requests (oversized ones dropped) at each ``M``: every schedule checked
(``run_algorithm``); prints ALG/LB, an **estimate** (LB = best combinatorial lower bound, not
OPT), the ratio to gba_list_overlap in the same process, and the proved eps ratio at that
alpha when every peak is ``<= M/2``. Deterministic; the JSON records parameters and version.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import sympy as sp

from bounds.algebra import alpha as ALPHA
from bounds.proved import eps, ratio_eps_fifo, ratio_eps_overlap
from kvsched.algorithms import run_algorithm
from kvsched.loaders import load_azure_trace
from kvsched.lower_bounds import best_lower_bound
from kvsched.results import atomic_write_json, provenance

TRACE = Path(__file__).resolve().parents[2] / "shared" / "traces" / "AzureLLMInferenceTrace_conv.csv"
RUNS = (("gba", 4.0), ("gba_list_overlap", 1.8165), ("gba_list_fifo", 2.4142),
        ("gba_list_fifo", 2.0))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trace", default=str(TRACE))
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--memory", type=int, nargs="+", default=[16384, 65536])
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    rows = []
    for M in args.memory:
        inst = load_azure_trace(args.trace, M, limit=args.n, drop_oversized=True)
        lb, how = best_lower_bound(inst)
        peak = int((inst.s + inst.o).max())
        print(f"M={M} n={inst.n} max(s+o)/M={inst.large_memory_ratio:.4f} LB={lb} ({how})")
        base = None
        for name, a in RUNS:
            t0 = time.perf_counter()
            run = run_algorithm(name, inst, alpha=a)
            dt = time.perf_counter() - t0
            if name == "gba_list_overlap":
                base = run.objective
            proved = None
            if name != "gba" and 2 * peak <= M:
                r = ratio_eps_fifo() if name == "gba_list_fifo" else ratio_eps_overlap()
                proved = float(r.subs({ALPHA: sp.Rational(a), eps: sp.Rational(peak, M)}))
            rows.append({"M": M, "n": inst.n, "algorithm": name, "alpha": a,
                         "objective": run.objective, "lower_bound": lb,
                         "alg_over_lb_estimate": run.objective / lb,
                         "over_overlap_same_process": run.objective / base if base else None,
                         "proved_eps_ratio_at_alpha": proved, "seconds": dt})
            print(f"  {name:17s} alpha={a:<7g} ALG/LB (estimate)={run.objective / lb:.4f} "
                  f"vs overlap={run.objective / base if base else float('nan'):.4f} "
                  f"proved(eps)={proved if proved is None else round(proved, 3)} {dt:.1f}s")
    if args.json:
        atomic_write_json(args.json, {"rows": rows, "params": vars(args),
                                      "provenance": provenance()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
