"""Exhaustive verification of a small box: every instance with n <= N jobs and memory
M <= M_max, once up to job permutation; per (algorithm, n, M) the exact worst ratio
ALG/OPT (certified, witness replayable with `kvsched search --replay`), the ratio
histogram, and per behavioural lemma of the ledger "holds on all X instances" or the
smallest violating instance (adversary.exhaust; docs/exhaustive.md).

  kvsched exhaust --alg gsa --n-max 3 --M-max 8
  kvsched exhaust --alg gsa,gba --n-max 4 --M-max 12 --workers 2 --yes
  kvsched exhaust --alg gsa --n-max 4 --M-max 12 --count-only
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from kvsched.errors import KvschedError
from kvsched.tables import Table
from .common import check_alpha, emit

HELP = "every instance of a small box: exact worst ratio, histogram, lemma verdicts"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--alg", default="gsa",
                   help="algorithm(s), comma-separated (default gsa)")
    p.add_argument("--alpha", type=float, default=None,
                   help="alpha of the ratio run (default: each algorithm's default)")
    p.add_argument("--n-max", type=int, required=True, help="jobs per instance: 1..N")
    p.add_argument("--M-max", type=int, required=True, help="memory: 1..M_max")
    p.add_argument("--workers", type=int, default=2,
                   help="Dask LocalCluster worker processes (0: in-process; default 2)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on the Dask cluster at ADDRESS instead of a local one")
    p.add_argument("--out", default="adversary/results/exhaust",
                   help="results folder (checkpoints under OUT/chunks)")
    p.add_argument("--no-lemmas", action="store_true", help="skip the lemma checks")
    p.add_argument("--max-minutes", type=float, default=10.0,
                   help="refuse a box estimated to take longer unless --yes (default 10)")
    p.add_argument("--yes", action="store_true", help="run even if the estimate is long")
    p.add_argument("--count-only", action="store_true",
                   help="print the count and the time estimate, run nothing")
    p.add_argument("--calibrate-seconds", type=float, default=3.0,
                   help="time spent measuring the per-instance cost first (default 3)")
    p.add_argument("--task-size", type=int, default=2000,
                   help="instances per Dask task (default 2000)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-plot", action="store_true", help="no histogram PNG")
    p.add_argument("--update-doc", metavar="MD", default=None,
                   help="afterwards rewrite the boxes table of MD from every summary in OUT")
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")


def main(args: argparse.Namespace) -> int:
    import sys
    from adversary.exhaust import report, run as R
    check_alpha(args.alpha)
    algs = [a.strip() for a in args.alg.split(",") if a.strip()]
    if not algs:
        raise KvschedError("exhaust: --alg names no algorithm")
    if args.workers < 0:
        raise KvschedError(f"exhaust: --workers {args.workers} must be >= 0")
    if args.task_size < 1:
        raise KvschedError(f"exhaust: --task-size {args.task_size} must be >= 1")
    cfg = R.ExhaustConfig(algorithms=algs, n_max=args.n_max, M_max=args.M_max,
                          alpha=args.alpha, lemmas=not args.no_lemmas, out=args.out,
                          workers=args.workers, scheduler=args.scheduler,
                          task_size=args.task_size)
    p = R.plan(cfg, calibrate_budget=max(args.calibrate_seconds, 0.05))
    print(f"kvsched exhaust: {p.text(cfg)}", file=sys.stderr, flush=True)
    if args.count_only:
        payload = {"instances": p.total, "to_do": p.todo_instances,
                   "estimated_seconds": p.estimate_seconds,
                   "seconds_per_instance": p.seconds_per_instance, "workers": p.workers}
        if args.json:
            emit(args, [], payload)
        else:
            print(f"{p.total} instances; {p.todo_instances} to do; estimated "
                  f"{p.estimate_seconds:.0f} s")
        return 0
    if p.estimate_seconds > 60 * args.max_minutes and not args.yes:
        raise KvschedError(f"exhaust: the box has {p.total:,} instances and is estimated "
                           f"to take {p.estimate_seconds / 60:.1f} min (> --max-minutes "
                           f"{args.max_minutes:g}); add --yes to run it anyway")
    t0 = time.perf_counter()
    stats = R.execute(cfg, p, progress=not args.no_progress)
    wall = time.perf_counter() - t0
    tables, out = [], []
    for a in algs:
        per = R.collect(cfg, a)
        st = {"wall_seconds_this_run": round(wall, 2), "executor": stats.executor,
              "workers": stats.workers, "computed_chunks": stats.computed_chunks,
              "reused_chunks": stats.reused_chunks,
              "computed_instances": stats.computed_instances}
        d = report.summary(cfg, a, per, st, root=Path.cwd())
        path = report.write_summary(cfg, a, d)
        if not args.no_plot:
            png = report.plot_histogram(d, Path(cfg.out) / f"{report.stem(cfg, a)}-hist.png")
            d["histogram_plot"] = str(png)
            report.write_summary(cfg, a, d)
        al = "" if d["alpha"] is None else f" (alpha {d['alpha']:.6g})"
        t = Table(f"{a}{al}: every instance of n <= {cfg.n_max}, "
                  f"M <= {cfg.M_max} ({d['instances']:,}); worst ratio "
                  f"{d['worst_ratio']['exact']} = {d['worst_ratio']['value']:.4f} "
                  "(certified, exact)",
                  ["n", "M", "instances", "worst ALG/OPT (certified, exact)",
                   "share optimal", "mean ratio"])
        for row in report.table_rows(d):
            t.add(*row)
        for name, L in d["lemmas"].items():
            t.notes.append(f"lemma {name}: " + (
                f"holds on all {L['checked']:,} instances (worst slack {L['worst_slack']:.4g})"
                if L["holds"] else
                f"VIOLATED on {L['violations']:,} of {L['checked']:,}; smallest "
                f"{L['smallest_violation']['file'] if L['smallest_violation'] else '-'}"
                + (f"; {L['inconclusive']} inconclusive" if L["inconclusive"] else "")))
        t.notes.append(f"summary {path}; witness {d['worst_ratio']['witness']}; "
                       f"{stats.computed_instances:,} instances computed now in "
                       f"{wall:.1f} s, {stats.reused_chunks} chunks from checkpoints")
        tables.append(t)
        out.append(d)
    if args.update_doc:
        report.update_doc(args.update_doc, cfg.out, root=Path.cwd())
    emit(args, tables, out)
    return 0
