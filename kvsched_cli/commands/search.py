"""Adversarial search for job sets that maximise ALG/OPT for GSA or GBA.

Every improvement is saved at once (atomically) as a self-contained JSON file under
OUT/<alg>-<regime>-n<N>-seed<S>/, with both schedules (checked), the ratio and its label:
"certified" (ALG/OPT, OPT proven by lp.exact) or "certified lower bound" (ALG/UB, UB a
checked feasible schedule). ALG/LB is shown beside it as an "estimate". The run
checkpoints after every generation and resumes from OUT after a kill.

  kvsched search --alg gsa --n 6 --evals 2000 --seed 1      # deterministic in the seed
  kvsched search --alg gba --regime large --budget 600      # wall-clock budget
  kvsched search --replay OUT/gsa-general-n6-seed1/best.json
  kvsched search --shrink OUT/gsa-general-n6-seed1/best.json  # smaller witness
  kvsched search --summary OUT                              # markdown table of the best
"""
from __future__ import annotations

import argparse
import sys

from kvsched.errors import KvschedError
from kvsched.results import dumps
from kvsched.tables import Table
from .common import emit

HELP = "adversarial search for worst-case instances (and --replay FILE)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--alg", default="gsa", help="algorithm to attack: gsa or gba (any "
                   "registered algorithm is accepted)")
    p.add_argument("--regime", choices=["general", "large"], default="general")
    p.add_argument("--n", type=int, default=6, help="at most N jobs per instance (default 6)")
    p.add_argument("--budget", type=float, default=None,
                   help="seconds of search in this invocation (default 60 unless --evals)")
    p.add_argument("--evals", type=int, default=None,
                   help="total evaluations (deterministic: same seed and --evals, same result)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", default="search-results", help="output folder (resumed from)")
    p.add_argument("--replay", metavar="FILE", default=None, help="recompute a saved result")
    p.add_argument("--shrink", metavar="FILE", default=None,
                   help="greedily shrink a saved result to a smaller witness of its ratio")
    p.add_argument("--summary", metavar="DIR", default=None,
                   help="print the best saved result per algorithm, regime and n as markdown")
    p.add_argument("--update-doc", metavar="MD", default=None,
                   help="with --summary: rewrite the table between the markers of MD")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run evaluations on the Dask cluster at ADDRESS (e.g. tcp://host:8786)")
    p.add_argument("--workers", type=int, default=2, help="local worker processes (default 2)")
    p.add_argument("--alpha", type=float, default=None,
                   help="alpha of the algorithm (default: regime large uses the minimiser of the "
                        "derived large-regime ratio, else the registered default)")
    p.add_argument("--strategy", choices=["anneal", "restarts"], default="anneal",
                   help="simulated annealing, or hill climbing with random restarts")
    p.add_argument("--walkers", type=int, default=8, help="candidates per generation")
    p.add_argument("--o-max", type=int, default=12, help="largest output length")
    p.add_argument("--M-max", type=int, default=None, help="largest memory budget")
    p.add_argument("--large-threshold", type=float, default=None,
                   help="regime large: keep max(s+o)/M <= this (default 0.25; with --family "
                        "0.10)")
    p.add_argument("--reference", choices=["lazy", "auto", "exact", "registered"],
                   default="lazy",
                   help="denominator: lazy (default: lp.exact only for candidates whose "
                        "ALG/LB exceeds the best so far, else the best registered "
                        "algorithm), exact (lp.exact for every candidate; auto is a "
                        "deprecated alias), registered")
    p.add_argument("--time-limit", type=float, default=10.0, help="seconds per exact solve")
    p.add_argument("--solver", choices=["highs", "cbc", "astar"], default="highs",
                   help="exact solver of the reference (lp.exact): highs (default), cbc, or "
                        "astar (combinatorial, much faster beyond n = 8)")
    p.add_argument("--family", action="store_true",
                   help="search the parameters of the structured family (adversary."
                        "family_search: classes just above the budgets, blockers, half-memory "
                        "jobs, identical jobs, job order, M) with CMA-ES; certified ALG/REF "
                        "at any n (adversary.reference)")
    p.add_argument("--objective", default="ratio",
                   help="with --family: ratio (default) or a behavioural lemma of the ledger, "
                        "e.g. gba-length-general, gsa-count (maximise its violation)")
    p.add_argument("--n-max", type=int, default=400,
                   help="with --family: candidates with more jobs are skipped (default 400)")
    p.add_argument("--count-max", type=int, default=150,
                   help="with --family: largest size of one class (default 150)")
    p.add_argument("--popsize", type=int, default=12, help="with --family: CMA-ES population")
    p.add_argument("--polish", type=int, default=0,
                   help="with --family: instance-level moves on the best after CMA-ES")
    p.add_argument("--family-alpha", type=float, default=None,
                   help="with --family: the budgets tau_k(alpha) the classes sit above "
                        "(default: the attacked algorithm's alpha, or 2 for the baselines)")
    p.add_argument("--prune", action="store_true",
                   help="with --family: delete an improvement file once a later one "
                        "supersedes it (keeps result folders small)")
    p.add_argument("--growth", metavar="FILE", nargs="+", default=None,
                   help="growth curves (ratio vs n up to --growth-n-max, vs alpha, vs M) of "
                        "saved family records; saved beside each as growth-<axis>.json")
    p.add_argument("--growth-n-max", type=int, default=10_000,
                   help="with --growth: largest n of the n and M curves (default 10^4)")
    p.add_argument("--plot", metavar="PNG", default=None,
                   help="with --growth: draw the curves (and those of --growth-dir) into PNG")
    p.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")


def _replay(args: argparse.Namespace) -> int:
    from adversary.records import replay
    rep = replay(args.replay, time_limit=max(args.time_limit, 60.0),
                 reference=None if args.reference in ("auto", "lazy") else args.reference)
    t = Table(f"Replay of {args.replay}: " + ("confirmed" if rep.ok else "MISMATCH"),
              ["check", "ok", "detail"])
    for what, ok, detail in rep.checks:
        t.add(what, ok, detail)
    t.ok = rep.ok
    emit(args, [t], rep.to_dict())
    return 0 if rep.ok else 1


def _shrink(args: argparse.Namespace) -> int:
    from adversary.records import describe_instance
    from adversary.shrink import shrink
    from pathlib import Path
    rec, used = shrink(args.shrink, time_limit=args.time_limit,
                       reference="exact" if args.reference == "lazy" else args.reference)
    out = Path(args.shrink).with_name(Path(args.shrink).stem + "-shrunk.json")
    t = Table(f"Shrunk {args.shrink} ({used} evaluations) -> {out}", ["metric", "value"])
    t.add(f"ratio ({rec['ratio_label']})", rec["ratio"])
    t.add("n", rec["n"])
    t.add("instance", describe_instance(rec["instance"]))
    emit(args, [t], {"file": str(out), "evaluations": used, "record": rec})
    return 0


def _summary(args: argparse.Namespace) -> int:
    from adversary.records import summary_markdown, summary_rows, update_doc
    if args.update_doc:
        sys.stdout.write(update_doc(args.update_doc, args.summary))
    elif args.json:
        sys.stdout.write(dumps(summary_rows(args.summary)) + "\n")
    else:
        sys.stdout.write(summary_markdown(args.summary))
    return 0


def _family(args: argparse.Namespace) -> int:
    from adversary.family_search import FamilyConfig, optimise
    from adversary.execution import make_executor
    if args.evals is None and args.budget is None:
        raise KvschedError("--family needs --evals or --budget")
    cfg = FamilyConfig(alg=args.alg, regime=args.regime, objective=args.objective,
                       seed=args.seed, alpha=args.alpha, n_max=args.n_max,
                       M_hi=args.M_max, count_hi=args.count_max,
                       large_threshold=(0.10 if args.large_threshold is None
                                        else args.large_threshold),
                       popsize=args.popsize, polish=args.polish,
                       family_alpha=args.family_alpha)
    ex = make_executor(args.workers, args.scheduler)
    try:
        res = optimise(cfg, args.out, evals=args.evals, budget=args.budget, executor=ex,
                       resume=not args.fresh, prune=args.prune)
    finally:
        ex.close()
    b = res["best"]
    t = Table(f"Family search: {cfg.alg}, regime {cfg.regime}, objective {cfg.objective}, "
              f"alpha = {cfg.used_alpha()}, seed {cfg.seed} (every schedule checked)",
              ["metric", "value"])
    t.add("evaluations (total / this run)", f"{res['evals']} / {res['evals_this_run']}")
    t.add("evaluations per second", res["evals_per_second"])
    if b is not None:
        t.add(f"best value ({b['label']})", b["value"])
        if b.get("estimate") is not None:
            t.add("ALG/LB of that instance (estimate)", b["estimate"])
        t.add("n", b["n"])
        t.add("family parameters", b["origin"].get("values"))
        t.add("best file", f"{res['run_dir']}/{b['file']}")
    emit(args, [t], res)
    return 0


def _growth(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path
    from adversary.growth import AXES, curve, plot
    from kvsched.results import atomic_write_json
    curves = []
    t = Table("Growth curves (every point checked; ratio = ALG/REF, certified lower bound "
              "unless n is small enough for a proven optimum; ALG/LB = estimate)",
              ["record", "axis", "points", "ratio first -> last", "ALG/LB last (estimate)",
               "file"])
    for f in args.growth:
        try:
            rec = json.loads(Path(f).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise KvschedError(f"{f}: cannot read a family record ({e})") from None
        for axis in AXES:
            if axis == "alpha" and rec.get("alpha") is None:
                continue
            c = curve(rec, axis, n_max=args.growth_n_max, source=str(f))
            out = Path(f).with_name(f"growth-{axis}.json")
            atomic_write_json(out, c)
            curves.append(c)
            pts = c["points"]
            t.add(f, axis, len(pts), f"{pts[0]['ratio']:.4g} -> {pts[-1]['ratio']:.4g}",
                  pts[-1]["ratio_to_lower_bound"], str(out))
    if args.plot:
        plot(curves, args.plot)
        t.notes.append(f"figure written to {args.plot}")
    emit(args, [t], {"curves": curves, "plot": args.plot})
    return 0


def _plot(args: argparse.Namespace) -> int:
    """Redraw the growth figure from saved growth-*.json files (no recomputation)."""
    import json
    from pathlib import Path
    from adversary.growth import KIND, plot
    folder = Path(args.summary or "adversary/results")
    curves = []
    for f in sorted(folder.rglob("growth-*.json")):
        rec = json.loads(f.read_text())
        if rec.get("kind") == KIND:
            curves.append(rec)
    if not curves:
        raise KvschedError(f"no growth curves (growth-*.json) under {folder}")
    plot(curves, args.plot)
    t = Table(f"Growth figure {args.plot}", ["curves", "from"])
    t.add(len(curves), str(folder))
    emit(args, [t], {"plot": args.plot, "curves": len(curves)})
    return 0


def _progress(args, total: float, by_evals: bool):
    """A rich progress bar on stderr showing the best ratio so far."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    prog = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.completed:.0f}/{task.total:.0f}" +
                               (" evals" if by_evals else " s")),
                    TimeElapsedColumn(), TextColumn("best {task.fields[best]}"),
                    console=Console(stderr=True), disable=args.quiet, transient=False)
    task = prog.add_task(f"search {args.alg}/{args.regime} n<={args.n}", total=total,
                         best="-")
    return prog, task


def main(args: argparse.Namespace) -> int:
    if args.replay:
        return _replay(args)
    if args.plot and not args.growth:
        return _plot(args)          # reads growth curves under --summary DIR
    if args.summary:
        return _summary(args)
    if args.shrink:
        return _shrink(args)
    if args.growth:
        return _growth(args)
    if args.plot:
        return _plot(args)
    if args.family:
        return _family(args)
    if args.large_threshold is None:
        args.large_threshold = 0.25
    from adversary.evaluate import bound_value
    from adversary.search import SearchConfig, run_search

    if args.evals is not None and args.evals < 1:
        raise KvschedError(f"--evals must be at least 1, got {args.evals}")
    if args.budget is not None and args.budget <= 0:
        raise KvschedError(f"--budget must be positive, got {args.budget}")
    if args.workers < 1:
        raise KvschedError(f"--workers must be at least 1, got {args.workers}")
    budget = args.budget if args.budget is not None else (None if args.evals else 60.0)
    cfg = SearchConfig(alg=args.alg, regime=args.regime, n=args.n, seed=args.seed,
                       alpha=args.alpha, strategy=args.strategy, walkers=args.walkers,
                       o_max=args.o_max, M_max=args.M_max,
                       large_threshold=args.large_threshold, reference=args.reference,
                       time_limit=args.time_limit, solver=args.solver)
    by_evals = args.evals is not None
    prog, task = _progress(args, args.evals if by_evals else budget, by_evals)
    elapsed_total = budget or 0.0

    def update(p: dict) -> None:
        b = p["best"]
        best = "-" if b is None else f"{b['ratio']:.4f} ({b['label']})"
        prog.update(task, completed=p["evals"] if by_evals else min(p["elapsed"], elapsed_total),
                    best=best)

    with prog:
        res = run_search(cfg, args.out, evals=args.evals, budget=budget, workers=args.workers,
                         scheduler=args.scheduler, resume=not args.fresh, on_generation=update)
    alpha = cfg.used_alpha
    b = res.best
    t = Table(f"Adversarial search: {cfg.alg}, regime {cfg.regime}, n <= {cfg.n}, "
              f"alpha = {alpha}, seed {cfg.seed} (every schedule checked)", ["metric", "value"])
    t.add("evaluations (total / this run)", f"{res.evals} / {res.evals_this_run}")
    t.add("against a proven optimum", res.certified_evals)
    t.add("evaluations per second", res.evals_per_second)
    if b is not None:
        t.add(f"best ratio ({b['ratio_label']})", b["ratio"])
        t.add("ALG/LB of that instance (estimate)", b["ratio_to_lower_bound"])
        t.add("max(s+o)/M of that instance", b["large_memory_ratio"])
        t.add("instance", b["instance"])
    t.add("bound at alpha (general)", bound_value(cfg.alg, "general", alpha))
    if cfg.regime != "general":
        t.add(f"bound at alpha ({cfg.regime}; holds in the limit max(s+o)/M -> 0)",
              bound_value(cfg.alg, cfg.regime, alpha))
    t.add("best file", None if b is None else str(res.run_dir / "best.json"))
    if res.inconsistent:
        t.ok = False
        t.notes.append(f"{len(res.inconsistent)} inconsistent evaluations saved in "
                       f"{res.run_dir} (lower bound above a feasible cost, or a proven "
                       f"optimum above ALG)")
    emit(args, [t], {"config": cfg.to_dict(), "alpha": alpha, "run_dir": str(res.run_dir),
                     "evals": res.evals, "evals_this_run": res.evals_this_run,
                     "certified_evals": res.certified_evals,
                     "evals_per_second": res.evals_per_second,
                     "best": b, "improvements": res.improvements,
                     "inconsistent": res.inconsistent,
                     "bound_general": bound_value(cfg.alg, "general", alpha),
                     "bound_regime": bound_value(cfg.alg, cfg.regime, alpha)})
    return 0
