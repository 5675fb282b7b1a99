"""Where GSA loses on a trace (issue 15, part 1): measured causes, one plot per cause.

    python bench/trace_losses.py [--trace ../shared/traces/AzureLLMInferenceTrace_conv.csv]
                                 [--memory 16384 65536 262144] [--out docs]
                                 [--json results/trace_losses.json]

For each ``M`` (batch setting, every schedule checked):

* the capacity decomposition ``M T = useful + wasted + idle`` of gsa, gsa_elastic, fcfs
  and gba (:func:`kvsched.loss_analysis.decomposition`);
* GSA per round: useful / wasted / fill-idle / barrier-idle steps and wasted tokens
  (``docs/trace_rounds_M<M>.png``), and memory used vs worst-case exposure vs ``M``
  over time (``docs/trace_memory_M<M>.png``);
* the first budgets: steps and tokens spent in rounds with ``tau_k`` below the median
  output length;
* the order and the first budget, measured on the barrier-free engine
  (:func:`kvsched.algorithms.gsa_variants.per_job_slicing`): kill vs extend, order
  area / index / level, first budget 1 vs learned.

The JSON is written atomically with provenance; the PNGs only with ``--out``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kvsched import CompletionOracle, check  # noqa: E402
from kvsched.algorithms import run_algorithm  # noqa: E402
from kvsched.algorithms.gsa_variants import per_job_slicing  # noqa: E402
from kvsched.loaders import load_instance  # noqa: E402
from kvsched import loss_analysis as la  # noqa: E402
from kvsched.results import atomic_write_json, provenance  # noqa: E402
from kvsched.schedule import memory_profile  # noqa: E402

TRACE = ROOT.parent / "shared" / "traces" / "AzureLLMInferenceTrace_conv.csv"
ABLATIONS = [  # (label, engine parameters)
    ("kill, area order, tau0=1 (gsa_pj)", dict(extend=False, order="area")),
    ("kill, index order", dict(extend=False, order="index")),
    ("kill, level order", dict(extend=False, order="level")),
    ("kill, learned first budget", dict(extend=False, order="area", learn=True)),
    ("extend, area order (gsa_elastic)", dict(extend=True, order="area")),
    ("extend, index order", dict(extend=True, order="index")),
    ("extend, level order (gsa_level)", dict(extend=True, order="level")),
    ("extend, learned first budget (gsa_elastic_learn)", dict(extend=True, learn=True)),
]


def ablation(inst, params: dict) -> dict:
    oracle = CompletionOracle(inst)
    t0 = time.perf_counter()
    per_job_slicing(oracle, **params)
    rep = check(oracle.schedule(), inst)
    return {"objective": rep.objective, "restarts": rep.restarts,
            "wasted_tokens": rep.wasted_tokens, "time_s": time.perf_counter() - t0}


def analyse(inst, out_dir: Path | None) -> dict:
    M = inst.M
    runs = {a: run_algorithm(a, inst) for a in ("gsa", "gsa_elastic", "fcfs", "gba")}
    gsa = runs["gsa"]
    rounds = la.round_losses(gsa, inst)
    rec = {"M": M, "objective": {a: r.objective for a, r in runs.items()},
           "decomposition": {a: la.decomposition(r.schedule, inst) for a, r in runs.items()},
           "gsa_rounds": rounds, "first_budgets": la.first_budget_waste(rounds, inst),
           "barrier_idle_steps": sum(r["barrier_idle_steps"] for r in rounds),
           "fill_idle_steps": sum(r["fill_idle_steps"] for r in rounds),
           "wasted_steps": sum(r["wasted_steps"] for r in rounds),
           "useful_steps": sum(r["useful_steps"] for r in rounds),
           "ablations": {lab: ablation(inst, p) for lab, p in ABLATIONS}}
    if out_dir is not None:
        from kvsched.figures import memory_exposure_figure, round_losses_figure
        from kvsched.plotting import _save
        _save(round_losses_figure(rounds, title=f"GSA on the conv trace, M = {M}: where "
                                               f"each round's time goes (checked schedule)"),
              out_dir / f"trace_rounds_M{M}.png")
        mem = memory_profile(gsa.schedule, inst.s)
        _save(memory_exposure_figure(mem, la.exposure_profile(gsa, inst), M,
                                     [r.start for r in gsa.rounds],
                                     title=f"GSA, M = {M}: memory used vs worst-case "
                                           f"exposure vs M (round starts as grey lines)"),
              out_dir / f"trace_memory_M{M}.png")
    return rec


def print_tables(recs: list[dict]) -> None:
    print("| M | algorithm | total latency | useful | wasted | idle |")
    print("|---|---|---|---|---|---|")
    for rec in recs:
        for a, d in rec["decomposition"].items():
            print(f"| {rec['M']} | {a} | {rec['objective'][a]:,} | {d['useful_share']:.1%} | "
                  f"{d['wasted_share']:.1%} | {d['idle_share']:.1%} |")
    print()
    print("| M | GSA makespan | useful steps | wasted steps | fill idle | barrier idle | "
          "rounds with tau_k < median o: steps (share) / wasted tokens |")
    print("|---|---|---|---|---|---|---|")
    for rec in recs:
        fb = rec["first_budgets"]
        T = fb["total_steps"]
        print(f"| {rec['M']} | {T:,} | {rec['useful_steps']:,.0f} | {rec['wasted_steps']:,.0f} | "
              f"{rec['fill_idle_steps']:,.0f} | {rec['barrier_idle_steps']:,.0f} | "
              f"{fb['steps_below_median']:,} ({fb['steps_below_median'] / T:.1%}) / "
              f"{fb['wasted_tokens_below_median']:,} |")
    print()
    labels = [lab for lab, _ in ABLATIONS]
    print("| engine variant | " + " | ".join(f"M={r['M']}: total latency / restarts"
                                              for r in recs) + " |")
    print("|---|" + "---|" * len(recs))
    for lab in labels:
        print(f"| {lab} | " + " | ".join(
            f"{r['ablations'][lab]['objective']:,} / {r['ablations'][lab]['restarts']:,}"
            for r in recs) + " |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trace", default=str(TRACE))
    ap.add_argument("--memory", type=int, nargs="+", default=[16384, 65536, 262144])
    ap.add_argument("--out", default=None, help="folder for the PNGs (e.g. docs)")
    ap.add_argument("--json", default=None, help="write the measurements here")
    args = ap.parse_args(argv)
    recs = []
    for M in args.memory:
        inst = load_instance(args.trace, M)
        recs.append(analyse(inst, Path(args.out) if args.out else None))
    print_tables(recs)
    if args.json:
        atomic_write_json(args.json, {"records": recs, "provenance": provenance(
            0, {"trace": args.trace, "memory": args.memory})})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
