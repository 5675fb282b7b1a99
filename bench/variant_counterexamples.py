"""Counterexamples to the extension variants' chains (docs/trace.md section 4), saved with
both schedules so that each is reproducible from its file alone.

    python bench/variant_counterexamples.py [--out docs/counterexamples]

1. *Blocking family* ``B(M)``: one job ``(s, o) = (1, M - 2)`` and ``n = round(sqrt M)``
   blockers ``(M - 1, 1)``. ``gsa_elastic`` admits the long job first (smaller truncated
   area), extends it to completion (nothing else can run beside it), then runs the
   blockers one at a time: ``ALG ~ n M``, while a checked schedule (MC-SF) runs the
   blockers first: ``~ n^2/2 + M``. The certified ratio ``ALG/UB <= ALG/OPT`` grows like
   ``sqrt(M)/1.5``: no constant bound holds for ``gsa_elastic`` (nor for ``gsa_level`` /
   ``gsa_elastic_learn``, which behave the same here).
2. The two-job instance ``M = 36``, jobs ``(1, 34), (35, 1)``: the on-time lemma
   ``N(2 c(a) T_1) >= N_S(tau_0)`` fails against the exact optimum.

Every schedule is checked (``run_algorithm``); files are written atomically with
provenance.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kvsched import Instance  # noqa: E402
from kvsched.algorithms import run_algorithm  # noqa: E402
from kvsched.results import atomic_write_json, provenance  # noqa: E402

REFERENCES = ("mcsf", "sequential_spt", "fcfs", "gsa_pj", "gsa_polite")


def blocking(M: int) -> Instance:
    n = int(round(M ** 0.5))
    return Instance(s=[1] + [M - 1] * n, o=[M - 2] + [1] * n, M=M,
                    name=f"blocking-M{M}-n{n}")


def record(inst: Instance, alg: str) -> dict:
    res = run_algorithm(alg, inst)
    ref = min((run_algorithm(a, inst) for a in REFERENCES), key=lambda r: r.objective)
    return {"instance": inst.to_dict(), "algorithm": alg,
            "algorithm_schedule": res.schedule.to_dict(), "algorithm_objective": res.objective,
            "reference_algorithm": ref.algorithm, "reference_schedule": ref.schedule.to_dict(),
            "reference_objective": ref.objective,
            "ratio_to_reference": res.objective / ref.objective,
            "ratio_label": "certified lower bound on ALG/OPT (reference is a checked "
                           "feasible schedule)", "checked": True}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "counterexamples"))
    ap.add_argument("--memory", type=int, nargs="+", default=[36, 400, 3600, 40000])
    args = ap.parse_args(argv)
    out = Path(args.out)
    print("| M | n | gsa_elastic | best checked reference | ALG/UB (certified) |")
    print("|---|---|---|---|---|")
    for M in args.memory:
        rec = record(blocking(M), "gsa_elastic")
        rec["provenance"] = provenance(None, {"family": "blocking", "M": M})
        atomic_write_json(out / f"gsa_elastic-blocking-M{M}.json", rec)
        print(f"| {M} | {rec['instance']['jobs'].__len__() - 1} | {rec['algorithm_objective']:,} | "
              f"{rec['reference_algorithm']} {rec['reference_objective']:,} | "
              f"{rec['ratio_to_reference']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
