"""The cost of the provable GBA variants on the Azure conversation trace.

Run: ``python bench/proved_trace.py [--n 2000] [--memory 16384 65536] [--json OUT]``.
For the first ``n`` requests (oversized ones dropped) at each ``M`` it runs ``gba`` (the
implemented, unproved GBA) and the proved ``gba_list`` / ``gba_list_overlap`` (docs/proofs.md)
through ``run_algorithm`` (every schedule checked) and prints ALG/LB, an **estimate**
(LB = the best combinatorial lower bound, not OPT), beside the proved ratio at that alpha.
Deterministic (no sampling); the JSON records the parameters and the package version.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import sympy as sp

from bounds.algebra import alpha as ALPHA
from bounds.proved import eps, proved_ratio, ratio_eps, ratio_eps_overlap
from kvsched.algorithms import run_algorithm
from kvsched.loaders import load_azure_trace
from kvsched.lower_bounds import best_lower_bound
from kvsched.results import atomic_write_json, provenance

TRACE = Path(__file__).resolve().parents[2] / "shared" / "traces" / "AzureLLMInferenceTrace_conv.csv"
RUNS = (("gba", 4.0), ("gba", 3.0), ("gba_list", 2.0), ("gba_list", 3.0),
        ("gba_list_overlap", 1.8165), ("gba_list_overlap", 2.0))


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
        print(f"M={M} n={inst.n} max(s+o)/M={inst.large_memory_ratio:.4f} LB={lb} ({how})")
        for name, a in RUNS:
            t0 = time.perf_counter()
            run = run_algorithm(name, inst, alpha=a)
            dt = time.perf_counter() - t0
            proved = proved_eps = None
            peak = int((inst.s + inst.o).max())
            if name != "gba":
                proved = float(proved_ratio(name, "general")["expression"].subs(
                    ALPHA, sp.Rational(a)))
                if 2 * peak <= M:
                    r_eps = ratio_eps() if name == "gba_list" else ratio_eps_overlap()
                    proved_eps = float(r_eps.subs({ALPHA: sp.Rational(a),
                                                   eps: sp.Rational(peak, M)}))
            rows.append({"M": M, "n": inst.n, "algorithm": name, "alpha": a,
                         "objective": run.objective, "lower_bound": lb,
                         "alg_over_lb_estimate": run.objective / lb,
                         "proved_general_ratio_at_alpha": proved,
                         "proved_eps_ratio_at_alpha": proved_eps, "seconds": dt})
            print(f"  {name:17s} alpha={a:<7g} ALG={run.objective:>11d} "
                  f"ALG/LB={run.objective / lb:.3f} (estimate)  proved general ratio: "
                  f"{'-' if proved is None else f'{proved:.2f}'}"
                  f"{'' if proved_eps is None else f' (eps form {proved_eps:.2f})'}  {dt:.2f}s")
    if args.json:
        atomic_write_json(args.json, {"rows": rows, "trace": args.trace, "n": args.n,
                                      "memory": args.memory,
                                      **provenance(None, {"n": args.n, "memory": args.memory})})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
