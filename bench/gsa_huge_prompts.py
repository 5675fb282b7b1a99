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


def family(L: int, n: int, h: int) -> Instance:
    M = n * L
    return Instance(s=[M - L] * h + [0] * n, o=[L] * (h + n), M=M,
                    name=f"gsa-huge-prompts-L{L}-n{n}-h{h}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--L", type=int, default=14)
    ap.add_argument("--n", type=int, default=3072)
    ap.add_argument("--h", type=int, default=78)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    inst = family(args.L, args.n, args.h)
    alg = run_algorithm("gsa", inst)
    ref = run_algorithm("gba_list", inst)
    lb, how = best_lower_bound(inst)
    rec = {"instance": inst.to_dict(),
           "algorithm": {"name": "gsa", "params": alg.params, "objective": alg.objective,
                         "schedule": alg.schedule.to_dict()},
           "reference": {"name": "gba_list", "params": ref.params, "objective": ref.objective,
                         "schedule": ref.schedule.to_dict()},
           "lower_bound": lb, "lower_bound_kind": how,
           "alg_over_ref_certified": alg.objective / ref.objective,
           "alg_over_lb_estimate": alg.objective / lb,
           "claim_refuted": "GSA <= 61.92 (general instances), for kvsched's gsa",
           **provenance(None, {"L": args.L, "n": args.n, "h": args.h})}
    atomic_write_text(args.out, json.dumps(rec, separators=(",", ":")) + "\n")
    print(f"{inst.name}: GSA {alg.objective}, GBA-LIST {ref.objective}, LB {lb}: "
          f"ALG/REF = {alg.objective / ref.objective:.2f} (certified lower bound on GSA/OPT), "
          f"ALG/LB = {alg.objective / lb:.2f} (estimate) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
