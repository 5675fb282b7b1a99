"""Run several schedulers on one request trace and print one row per algorithm: total
latency (the objective ``sum_i (C_i - r_i)``; ``sum_i C_i`` in the batch setting), mean and
p50/p90/p99 latency, restarts, wasted tokens, peak memory, mean utilisation, time, the
ratio to the best lower bound (an *estimate*: an upper estimate of ALG/OPT) and the ratio
to the best schedule in the table (*certified*: the denominator is a checked feasible
schedule, so ALG/best <= ALG/OPT is a certified lower bound on ALG's true ratio). The
winner is the smallest checked objective. A rich progress bar (one tick per algorithm)
goes to stderr unless ``--json``.

Settings: by default every request is present at step 0 (the paper's offline batch
setting); ``--arrivals`` keeps the trace's timestamps as release dates at
``--tokens-per-second`` decode steps per second (``kvsched.loaders.release_dates``), and
the lower bound is then the flow-time bound with releases. ``--algs all`` runs every
registered algorithm (the default with ``--arrivals``). ``--cdf PNG`` draws the latency
CDFs, ``--plot PNG`` the memory utilisation over time.

Every schedule passes the independent checker before it is counted. An algorithm whose
schedule the checker rejects is shown as INFEASIBLE and the exit status is 1; bad input
(unknown algorithm, file, budget) is one error line and exit status 2.
"""
from __future__ import annotations

import argparse
import time

from kvsched.errors import InfeasibleScheduleError, KvschedError
from kvsched.loaders import DEFAULT_TOKENS_PER_SECOND, load_instance
from kvsched.lower_bounds import best_flow_lower_bound, best_lower_bound
from kvsched.results import provenance
from kvsched.tables import Table
from .common import check_alpha, emit

HELP = "compare algorithms on a request trace (e.g. the Azure conversation trace)"

COLUMNS = ["algorithm", "clairvoyant", "total_latency", "mean_latency", "p50", "p90", "p99",
           "restarts", "wasted_tokens", "peak_memory", "utilisation", "time_s",
           "ratio_to_lower_bound (estimate)", "ratio_to_best (certified)"]
BATCH_DEFAULT = "gsa,gba,fcfs,mcsf,sorted_f"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trace", required=True, help="trace CSV (Azure format or s,o)")
    p.add_argument("--memory", "-M", type=int, required=True, help="memory budget M")
    p.add_argument("--algs", default=None,
                   help=f"comma-separated algorithm names (see `kvsched run --list`), or "
                        f"'all'; default {BATCH_DEFAULT} (batch), all (--arrivals)")
    p.add_argument("--arrivals", action="store_true",
                   help="release dates from the trace's TIMESTAMP column (online setting; "
                        "objective sum of C_i - r_i)")
    p.add_argument("--tokens-per-second", type=float, default=DEFAULT_TOKENS_PER_SECOND,
                   help="decode steps per second of trace time, with --arrivals "
                        f"(default {DEFAULT_TOKENS_PER_SECOND:g})")
    p.add_argument("--cdf", metavar="PNG", default=None,
                   help="draw the algorithms' latency CDFs in this PNG file")
    p.add_argument("--alpha", type=float, default=None,
                   help="alpha for the algorithms that take one (GSA/GBA)")
    p.add_argument("--limit", type=int, default=None, help="keep only the first N requests")
    p.add_argument("--sample", type=int, default=None, help="then keep N drawn with --seed")
    p.add_argument("--drop-oversized", action="store_true",
                   help="drop requests with s+o > M instead of rejecting the trace")
    p.add_argument("--plot", metavar="PNG", default=None,
                   help="overlay the algorithms' memory utilisation in this PNG file")
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")
    p.add_argument("--seed", type=int, default=0, help="random seed for --sample")


def parse_algorithms(text: str) -> list[str]:
    """Names from ``a,b,c``; every one must be registered (checked before any run)."""
    from kvsched.algorithms import REGISTRY

    if text.strip() == "all":
        return sorted(REGISTRY)
    names = [a.strip() for a in text.split(",") if a.strip()]
    if not names:
        raise KvschedError("--algs names no algorithm")
    unknown = [a for a in names if a not in REGISTRY]
    if unknown:
        raise KvschedError(f"unknown algorithm(s) {', '.join(map(repr, unknown))}; "
                           f"choose from {', '.join(sorted(REGISTRY))}")
    dup = sorted({a for a in names if names.count(a) > 1})
    if dup:
        raise KvschedError(f"algorithm(s) listed twice in --algs: {', '.join(dup)}")
    return names


def params_for(spec, alpha: float | None) -> dict:
    """``alpha`` goes to the algorithms whose function takes it, and only to them."""
    if alpha is None or not spec.accepts("alpha"):
        return {}
    return {"alpha": alpha}


def compare(instance, names: list[str], alpha: float | None = None, progress: bool = False):
    """Run each algorithm on ``instance`` (checked); return ``(rows, results)`` where a row
    is a dict of :data:`COLUMNS` plus ``error`` for a rejected schedule."""
    from kvsched.algorithms import get_algorithm, run_algorithm

    rows, results = [], {}
    bar = None
    if progress:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn)
        console = Console(stderr=True)
        if console.is_terminal:         # nothing on a redirected stderr (TTY_COMPATIBLE=1 forces it)
            bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                           MofNCompleteColumn(), TimeElapsedColumn(),
                           console=console, transient=True)
            bar.start()
            task = bar.add_task("algorithms", total=len(names))
    try:
        for name in names:
            spec = get_algorithm(name)
            if bar is not None:
                bar.update(task, description=f"running {name}")
            t0 = time.perf_counter()
            try:
                res = run_algorithm(name, instance, **params_for(spec, alpha))
            except InfeasibleScheduleError as e:
                rows.append({"algorithm": name, "clairvoyant": spec.clairvoyant,
                             "error": f"INFEASIBLE ({e.kind}): {e}",
                             "time_s": time.perf_counter() - t0})
            else:
                rep = res.report
                results[name] = res
                rows.append({"algorithm": name, "clairvoyant": spec.clairvoyant,
                             "params": res.params, "objective": rep.flow_time,
                             "sum_completion": rep.objective,
                             "mean_latency": rep.mean_latency, "makespan": rep.makespan,
                             "p50_latency": rep.latency_percentile(50),
                             "p90_latency": rep.latency_percentile(90),
                             "p99_latency": rep.latency_percentile(99),
                             "restarts": rep.restarts, "wasted_tokens": rep.wasted_tokens,
                             "peak_memory": rep.peak_memory,
                             "utilisation": rep.mean_utilisation,
                             "time_s": time.perf_counter() - t0})
            if bar is not None:
                bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()
    return rows, results


def group_winners(rows: list[dict]) -> dict[str, list[dict]]:
    """Checked rows by kind (``clairvoyant`` / ``non-clairvoyant``), best objective first."""
    out = {}
    for kind, flag in (("non-clairvoyant", False), ("clairvoyant", True)):
        rows_k = sorted((r for r in rows if r["clairvoyant"] is flag),
                        key=lambda r: r["objective"])
        if rows_k:
            out[kind] = rows_k
    return out


def main(args: argparse.Namespace) -> int:
    algs = args.algs if args.algs is not None else ("all" if args.arrivals else BATCH_DEFAULT)
    names = parse_algorithms(algs)
    check_alpha(args.alpha)
    inst = load_instance(args.trace, args.memory, limit=args.limit, sample=args.sample,
                         seed=args.seed, drop_oversized=args.drop_oversized,
                         arrivals=args.arrivals, tokens_per_second=args.tokens_per_second)
    lb, lb_name = best_flow_lower_bound(inst) if inst.r.any() else best_lower_bound(inst)
    rows, results = compare(inst, names, args.alpha,
                            progress=not args.json)
    ok_rows = [r for r in rows if "error" not in r]
    best = min(ok_rows, key=lambda r: r["objective"]) if ok_rows else None
    for r in ok_rows:
        r["ratio_to_lower_bound"] = r["objective"] / lb
        r["ratio_to_best"] = r["objective"] / best["objective"]
        r["winner"] = r is best

    name = inst.name or str(args.trace)
    setting = (f"arrivals at {args.tokens_per_second:g} tokens/s" if args.arrivals
               else "batch (all at step 0)")
    t = Table(f"{name}: n={inst.n}, M={inst.M}, {setting}, "
              f"max(s+o)/M={inst.large_memory_ratio:.3g}, lower bound {lb} ({lb_name}); "
              f"latencies C_i - r_i in steps; every schedule checked", COLUMNS)
    for r in rows:
        if "error" in r:
            t.add(r["algorithm"], r["clairvoyant"], r["error"], *["-"] * (len(COLUMNS) - 3))
            continue
        t.add(r["algorithm"] + (" *" if r["winner"] else ""), r["clairvoyant"],
              r["objective"], r["mean_latency"], r["p50_latency"], r["p90_latency"],
              r["p99_latency"], r["restarts"], r["wasted_tokens"],
              r["peak_memory"], r["utilisation"], r["time_s"], r["ratio_to_lower_bound"],
              r["ratio_to_best"])
    t.ok = len(ok_rows) == len(rows)
    if best is not None:
        runner = sorted(ok_rows, key=lambda r: r["objective"])[1:2]
        margin = (f"; next best {runner[0]['algorithm']} is "
                  f"{100 * (runner[0]['ratio_to_best'] - 1):.2f}% higher" if runner else "")
        t.notes.append(f"winner (smallest checked objective): {best['algorithm']}{margin}")
        for kind, rows_k in group_winners(ok_rows).items():
            t.notes.append(f"best {kind}: {rows_k[0]['algorithm']}" + (
                f"; next best {rows_k[1]['algorithm']} is "
                f"{100 * (rows_k[1]['objective'] / rows_k[0]['objective'] - 1):.2f}% higher"
                if len(rows_k) > 1 else ""))
    t.notes.append("ratio_to_lower_bound is an estimate (upper estimate of ALG/OPT); "
                   "ratio_to_best is certified (denominator is a checked schedule)")
    if args.alpha is not None:
        t.notes.append(f"--alpha {args.alpha} applied to: "
                       + (", ".join(r["algorithm"] for r in ok_rows if r.get("params", {})
                                    .get("alpha") == args.alpha) or "none"))
    if args.plot and results:
        from kvsched.plotting import plot_memory_profiles
        plot_memory_profiles(results, inst, args.plot,
                             title=f"{name}: memory utilisation, n={inst.n}, M={inst.M}")
        t.notes.append(f"plot written to {args.plot}")
    if args.cdf and results:
        from kvsched.plotting import plot_latency_cdfs
        plot_latency_cdfs(results, args.cdf,
                          title=f"{name}: latency CDF ({setting}), n={inst.n}, M={inst.M}")
        t.notes.append(f"latency CDFs written to {args.cdf}")
    t.notes.append(f"total_latency = sum_i (C_i - r_i) = the objective; time_s includes "
                   f"the checker")
    emit(args, [t], {
        "instance": name, "n": inst.n, "M": inst.M, "arrivals": bool(args.arrivals),
        "tokens_per_second": args.tokens_per_second if args.arrivals else None,
        "objective": "sum_i (C_i - r_i)",
        "large_memory_ratio": inst.large_memory_ratio,
        "lower_bound": lb, "lower_bound_name": lb_name,
        "ratio_labels": {"ratio_to_lower_bound": "estimate", "ratio_to_best": "certified"},
        "checked": True, "rows": rows,
        "winner": best["algorithm"] if best else None,
        **{f"winner_{kind.replace('-', '_')}": rows_k[0]["algorithm"]
           for kind, rows_k in group_winners(ok_rows).items()},
        "provenance": provenance(args.seed, {"algs": names, "alpha": args.alpha,
                                             "limit": args.limit, "sample": args.sample,
                                             "memory": args.memory,
                                             "arrivals": args.arrivals,
                                             "tokens_per_second": args.tokens_per_second,
                                             "drop_oversized": args.drop_oversized,
                                             "trace": str(args.trace)})})
    return 0 if t.ok else 1
