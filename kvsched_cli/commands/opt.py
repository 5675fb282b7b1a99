"""Solve an instance exactly (by default the A* search of ``lp.astar``, the fastest; or the
time-indexed integer program with HiGHS or CBC; or CP-SAT with the ``cpsat`` extra) and
report the optimum, the solver status, gap and time. A run
that hits its time limit reports "not proven optimal" with the best schedule found; the schedule is always checked."""
from __future__ import annotations

import argparse

from kvsched.errors import KvschedError
from kvsched.results import provenance
from kvsched.tables import Table
from .common import add_instance_arguments, add_output_arguments, emit, instance_from_args

HELP = ("exact optimum of a small instance (A* search by default, the fastest; or the "
        "time-indexed MIP on HiGHS or CBC; or CP-SAT)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_instance_arguments(p)
    p.add_argument("--solver", choices=["astar", "highs", "cbc", "cpsat"], default="astar",
                   help="astar (default: combinatorial search, the fastest; falls back to "
                        "highs if it runs out of states; ignores --formulation and "
                        "--threads), highs, cbc (time-indexed MIP), or cpsat (OR-Tools "
                        "CP-SAT: pip install 'kvsched[cpsat]')")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    p.add_argument("--formulation", choices=["tight", "plain"], default="tight",
                   help="tight (default: proven speed-ups) or plain (reference)")
    p.add_argument("--threads", type=int, default=1, help="solver threads (default 1)")
    add_output_arguments(p, seed=False)


def main(args: argparse.Namespace) -> int:
    import math
    import sys

    from lp.exact import MAX_COLUMNS, size_problem, solve, solve_fastest

    if args.time_limit is not None and not (math.isfinite(args.time_limit)
                                            and args.time_limit > 0):
        raise KvschedError(f"--time-limit must be a finite number > 0, got {args.time_limit}")
    if args.threads < 1:
        raise KvschedError(f"--threads must be >= 1, got {args.threads}")
    inst = instance_from_args(args)
    problem = size_problem(inst, args.solver, MAX_COLUMNS)
    if problem is not None:             # refused before any solve (or heuristic) runs
        raise KvschedError(problem)
    if args.solver == "astar":
        res, message = solve_fastest(inst, time_limit=args.time_limit,
                                     max_columns=MAX_COLUMNS)
        if message:
            print(f"kvsched: {message}", file=sys.stderr)
    else:
        res = solve(inst, solver=args.solver, time_limit=args.time_limit,
                    threads=args.threads, formulation=args.formulation)
    t = Table(f"Exact optimum of {inst.name or args.file} (n={inst.n}, M={inst.M}, "
              f"max(s+o)/M={inst.large_memory_ratio:.3g}); solver {res.solver}"
              + ("" if res.solver in ("astar", "cpsat") else f", {res.formulation} formulation")
              + "; schedule checked", ["metric", "value"])
    t.add("objective", res.objective)
    t.add("status", res.status)
    t.add("gap", res.gap)
    t.add("lower_bound", res.lower_bound)
    t.add("seconds", round(res.seconds, 3))
    summary = {}
    if res.report is not None:          # lp.exact's kvsched.check verdict on the schedule
        summary = res.report.summary()
        for k, v in summary.items():
            if k != "objective":
                t.add(k, v)
    if "fallback" in res.info:
        t.notes.append(f"the solver found no better schedule in time; reporting the "
                       f"{res.info['fallback']}")
    if not res.proven_optimal:
        t.notes.append("not proven optimal: the objective is an upper bound on OPT and "
                       "lower_bound a proven lower bound")
        if args.solver != "astar":
            t.notes.append("--solver astar (the default, combinatorial search) is usually "
                           "much faster on small instances; see docs/exact.md")
    emit(args, [t], {**res.to_dict(), "n": inst.n, "M": inst.M,
                     "large_memory_ratio": inst.large_memory_ratio, "summary": summary,
                     "checked": res.report is not None,
                     "provenance": provenance(None, {"solver": args.solver,
                                                     "time_limit": args.time_limit,
                                                     "formulation": args.formulation,
                                                     "threads": args.threads})})
    return 0
