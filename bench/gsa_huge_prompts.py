"""A certified counterexample to "GSA <= 61.92" for the implemented GSA (round-robin doubling).

Family (docs/proofs.md section 12): ``h`` jobs with a huge prompt ``s = M - L`` (no two
overlap) and ``n`` jobs with ``s = 0``, all of length ``o = L``, ``M = n L``. GSA gives every
unfinished job a slice in every round, so every round ``k`` with ``tau_k < L`` lasts at least
``h tau_k`` (the huge jobs serialise) and the ``n`` small jobs, killed in each such round,
finish only after ``h * sum_{tau_k < L} tau_k`` steps; an optimal schedule runs the small jobs
first, all at once (``M = n L``). ALG/OPT grows like ``sqrt(n)`` at ``h ~ sqrt(2n)``.

Run: ``python bench/gsa_huge_prompts.py [--L 14 --n 3072 --h 78] [--out FILE]``. Both
schedules pass ``kvsched.check``; the reference is GBA-LIST's checked schedule, whose cost
is an upper bound on OPT, so ALG/REF is a *certified lower bound* on GSA's ratio.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from kvsched.algorithms import run_algorithm
from kvsched.instance import Instance
from kvsched.lower_bounds import best_lower_bound
from kvsched.results import atomic_write_text, provenance

OUT = Path(__file__).resolve().parents[1] / "docs" / "counterexamples" / "gsa-huge-prompts.json"


def family(L: int, n: int, h: int, eps: float = 1.0) -> Instance:
    """``h`` jobs of peak ``eps M`` (prompt ``floor(eps M) - L``) and ``n`` jobs with
    ``s = 0``, all of length ``L``, ``M = n L``. ``eps = 1``: the huge jobs serialise; small
    ``eps``: the large-memory form (every peak ``<= eps M``)."""
    M = n * L
    big = int(eps * M) - L
    tag = "" if eps == 1.0 else f"-eps{eps:g}"
    return Instance(s=[big] * h + [0] * n, o=[L] * (h + n), M=M,
                    name=f"gsa-huge-prompts-L{L}-n{n}-h{h}{tag}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--L", type=int, default=14)
    ap.add_argument("--n", type=int, default=3072)
    ap.add_argument("--h", type=int, default=78)
    ap.add_argument("--eps", type=float, default=1.0,
                    help="peak of the prompt-heavy jobs as a fraction of M (1: huge prompts)")
    ap.add_argument("--alpha", type=float, default=None, help="GSA's alpha (default: its own)")
    ap.add_argument("--out", default=str(OUT), help="'-' to print only")
    args = ap.parse_args()
    inst = family(args.L, args.n, args.h, args.eps)
    alg = run_algorithm("gsa", inst, **({} if args.alpha is None else {"alpha": args.alpha}))
    ref = min((run_algorithm(a, inst) for a in ("gba_list", "gba_list_overlap")),
              key=lambda r: r.objective)
    lb, how = best_lower_bound(inst)
    rec = {"instance": inst.to_dict(),
           "algorithm": {"name": "gsa", "params": alg.params, "objective": alg.objective,
                         "schedule": alg.schedule.to_dict()},
           "reference": {"name": ref.algorithm, "params": ref.params, "objective": ref.objective,
                         "schedule": ref.schedule.to_dict()},
           "lower_bound": lb, "lower_bound_kind": how,
           "alg_over_ref_certified": alg.objective / ref.objective,
           "alg_over_lb_estimate": alg.objective / lb,
           "claim_refuted": "GSA <= 61.92 (general instances), for kvsched's gsa",
           "max_peak_over_M": inst.large_memory_ratio,
           **provenance(None, {"L": args.L, "n": args.n, "h": args.h, "eps": args.eps,
                               "alpha": args.alpha})}
    if args.out != "-":
        atomic_write_text(args.out, json.dumps(rec, separators=(",", ":")) + "\n")
    print(f"{inst.name} (max peak/M = {inst.large_memory_ratio:.4f}): GSA(alpha = "
          f"{alg.params['alpha']:.4g}) {alg.objective}, {ref.algorithm} {ref.objective}, LB {lb}: "
          f"ALG/REF = {alg.objective / ref.objective:.2f} (certified lower bound on GSA/OPT), "
          f"ALG/LB = {alg.objective / lb:.2f} (estimate) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
