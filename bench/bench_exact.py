"""Benchmark: exact optima on the fixed benchmark set: A*, and the MIP tight vs plain, HiGHS and CBC.

The set (``bench/instances/``, written by ``--make-instances``): ``M = 20``,
``o_i ~ U[1, 8]``, ``s_i ~ U[0, min(10, M - o_i)]`` (``kvsched.defaults.random_instance``),
``n = 6, 8, ..., 16``, seeds ``0..4``.

Run::

    python bench/bench_exact.py --make-instances          # (re)write the fixed set
    python bench/bench_exact.py                           # full run (long; background it)
    python bench/bench_exact.py --quick                   # n <= 10, seeds 0..1
    python bench/bench_exact.py --push                    # largest n A* proves within 60 s
    python bench/bench_exact.py --push --push-config highs-tight
    python bench/bench_exact.py --ablation --sizes 10 --out lp/results/bench_exact_ablation.json
    nice -n 10 python bench/bench_exact.py --compare --sizes 8 10 12 14 16 --seeds 2 \
        --cbc-max-n 14 --out lp/results/bench_exact_cpsat.json | tee lp/results/bench_exact_cpsat.log
    nice -n 10 python bench/bench_exact.py --push --push-config cpsat --push-from 12

Every configuration solves every instance in the same process, one thread, interleaved
per instance (so machine load hits all alike). Each run's schedule passed
``kvsched.check`` inside :func:`lp.exact.solve`. A run that hits its time limit is
"not proven optimal" and counts its time limit in the totals, so a speed-up against such a
run is a *lower bound* on the true speed-up (printed with ">="). Optima of proven runs must
agree across configurations, and every run's lower bound and checked schedule must bracket
them, or the script exits 1. Results go to
``lp/results/bench_exact.json`` (atomic write after every instance, with provenance).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from kvsched.defaults import random_instance
from kvsched.loaders import load_json
from kvsched.results import atomic_write_json, provenance
from kvsched.tables import Table, render
from lp.astar import RULES as ASTAR_RULES
from lp.exact import solve
from lp.formulation import DEFAULT_TRICKS

HERE = Path(__file__).resolve().parent
INSTANCES = HERE / "instances"
OUT = HERE.parent / "lp" / "results" / "bench_exact.json"
SIZES = (6, 8, 10, 12, 14, 16)
SEEDS = 5

CONFIGS = {
    "highs-plain": dict(solver="highs", formulation="plain", warm_start=False),
    "highs-tight": dict(solver="highs", formulation="tight"),
    "cbc-plain": dict(solver="cbc", formulation="plain", warm_start=False),
    "cbc-tight": dict(solver="cbc", formulation="tight"),
    "astar": dict(solver="astar"),
    "cpsat": dict(solver="cpsat"),      # OR-Tools CP-SAT, one worker (the cpsat extra)
}
# --compare: the four exact methods on the same instances (issue 16 part 3)
COMPARE_CONFIGS = ["astar", "highs-tight", "cbc-tight", "cpsat"]
# Ablation (--ablation): the tight HiGHS run with one speed-up removed at a time.
ABLATION = {"highs-tight-untuned": dict(solver="highs", formulation="tight", tuned=False),
            "highs-tight-no-warm-start": dict(solver="highs", formulation="tight",
                                              warm_start=False)}
for _trick in DEFAULT_TRICKS:
    ABLATION[f"highs-tight-no-{_trick}"] = dict(
        solver="highs", formulation="tight",
        tricks=tuple(t for t in DEFAULT_TRICKS if t != _trick))
ABLATION["highs-tight-with-count_cuts"] = dict(solver="highs", formulation="tight",
                                               tricks=(*DEFAULT_TRICKS, "count_cuts"))
# A* ablation (--astar-ablation): one pruning rule or bound term of lp.astar removed at a time.
ASTAR_ABLATION = {f"astar-no-{r}": dict(solver="astar",
                                        tricks=tuple(x for x in ASTAR_RULES if x != r))
                  for r in ASTAR_RULES}
CONFIGS.update(ABLATION)
CONFIGS.update(ASTAR_ABLATION)
MAIN_CONFIGS = ["astar", "highs-plain", "highs-tight", "cbc-plain", "cbc-tight"]


def make_instances() -> None:
    INSTANCES.mkdir(parents=True, exist_ok=True)
    index = []
    for n in SIZES:
        for seed in range(SEEDS):
            inst = random_instance(n, seed)
            path = INSTANCES / f"n{n:02d}_seed{seed}.json"
            atomic_write_json(path, inst.to_dict())
            index.append({"file": path.name, "n": n, "seed": seed})
    atomic_write_json(INSTANCES / "index.json", {
        "family": "kvsched.defaults.random_instance(n, seed): M=20, o~U[1,8], "
                  "s~U[0,min(10,M-o)]", "instances": index,
        "provenance": provenance(None, {"sizes": SIZES, "seeds": SEEDS})})
    print(f"wrote {len(index)} instances to {INSTANCES}")


def load_set(sizes, seeds):
    index = json.loads((INSTANCES / "index.json").read_text())["instances"]
    out = []
    for rec in index:
        if rec["n"] in sizes and rec["seed"] < seeds:
            inst = load_json(INSTANCES / rec["file"])
            if inst != random_instance(rec["n"], rec["seed"]):
                raise SystemExit(f"{rec['file']} differs from random_instance; re-make the set")
            out.append((rec["file"], rec["n"], rec["seed"], inst))
    return out


def run(args) -> int:
    sizes = (6, 8, 10) if args.quick else tuple(args.sizes)
    seeds = 2 if args.quick else args.seeds
    insts = load_set(sizes, seeds)
    limits = {c: (args.cbc_time_limit if c.startswith("cbc") else args.time_limit)
              for c in args.configs}
    records, bad = [], []
    for name, n, seed, inst in insts:
        rec = {"file": name, "n": n, "seed": seed, "runs": {}}
        for cfg in args.configs:
            if cfg.startswith("cbc") and n > args.cbc_max_n:
                continue
            res = solve(inst, time_limit=limits[cfg], threads=1, **CONFIGS[cfg])
            rec["runs"][cfg] = {"objective": res.objective, "status": res.status,
                                "proven_optimal": res.proven_optimal,
                                "lower_bound": res.lower_bound, "gap": res.gap,
                                "seconds": res.seconds, "time_limit": limits[cfg]}
        proven = {r["objective"] for r in rec["runs"].values() if r["proven_optimal"]}
        if len(proven) > 1:
            bad.append(f"{name}: proven optima differ {sorted(proven)}")
        for cfg, r in rec["runs"].items():   # every run must bracket a proven optimum
            if proven and r["lower_bound"] > min(proven):
                bad.append(f"{name} {cfg}: lower bound {r['lower_bound']} > OPT {min(proven)}")
            if proven and r["objective"] is not None and r["objective"] < min(proven):
                bad.append(f"{name} {cfg}: checked schedule {r['objective']} < OPT "
                           f"{min(proven)}")
        records.append(rec)
        print(name, " ".join(f"{c}={r['objective']}{'' if r['proven_optimal'] else '?'}"
                             f"/{r['seconds']:.2f}s" for c, r in rec["runs"].items()),
              flush=True)
        atomic_write_json(args.out, {"records": records, "problems": bad,
                                     "provenance": provenance(None, vars_json(args))})
    tables = summary(records, args.configs)
    if "cpsat" in args.configs and "astar" in args.configs:
        tables.append(versus(records, "cpsat", "astar"))
    render(tables)
    for b in bad:
        print("PROBLEM:", b)
    return 1 if bad else 0


def vars_json(args) -> dict:
    return {k: (list(v) if isinstance(v, (list, tuple)) else str(v) if isinstance(v, Path)
                else v) for k, v in vars(args).items()}


def summary(records, configs) -> list[Table]:
    t = Table("Exact solves per size (seconds, one thread; '?' runs hit the time limit)",
              ["n", "config", "instances", "proven optimal", "median s", "max s"])
    for n in sorted({r["n"] for r in records}):
        for cfg in configs:
            runs = [r["runs"][cfg] for r in records if r["n"] == n and cfg in r["runs"]]
            if not runs:
                continue
            secs = [x["seconds"] for x in runs]
            t.add(n, cfg, len(runs), sum(x["proven_optimal"] for x in runs),
                  statistics.median(secs), max(secs))
    s = Table("Speed-up over the plain formulation on the whole set (total time; '>=' when "
              "a plain run hit its time limit)",
              ["method", "vs", "instances", "plain total s", "method total s", "speed-up"])
    for backend in ("highs", "cbc"):
        for method in (f"{backend}-tight", "astar"):
            both = [r for r in records
                    if f"{backend}-plain" in r["runs"] and method in r["runs"]]
            if not both:
                continue
            p = sum(r["runs"][f"{backend}-plain"]["seconds"] for r in both)
            q = sum(r["runs"][method]["seconds"] for r in both)
            capped = any(not r["runs"][f"{backend}-plain"]["proven_optimal"] for r in both)
            unsolved = any(not r["runs"][method]["proven_optimal"] for r in both)
            ratio = f"{'>=' if capped else ''}{p / q:.2f}x" if not unsolved else \
                f"{p / q:.2f}x ({method} also hit limits: not a bound)"
            s.add(method, f"{backend}-plain", len(both), p, q, ratio)
    tot = Table("Total seconds per configuration", ["config", "instances", "proven optimal",
                                                    "total s"])
    for cfg in configs:
        runs = [r["runs"][cfg] for r in records if cfg in r["runs"]]
        if runs:
            tot.add(cfg, len(runs), sum(x["proven_optimal"] for x in runs),
                    sum(x["seconds"] for x in runs))
    return [t, *([s] if s.rows else []), tot]


def versus(records, slow: str, fast: str) -> Table:
    """Per n, the time ratio ``slow / fast`` on each instance (both solved in this process,
    interleaved, so machine load hits both alike); '>=' where ``slow`` hit its limit."""
    t = Table(f"{slow} time / {fast} time per instance (same process; >1: {fast} ahead)",
              ["n", "instances", "both proven", "min ratio", "median ratio", f"{fast} ahead on"])
    for n in sorted({r["n"] for r in records}):
        rs = [r for r in records if r["n"] == n and slow in r["runs"] and fast in r["runs"]]
        if not rs:
            continue
        ratios = [r["runs"][slow]["seconds"] / max(r["runs"][fast]["seconds"], 1e-9)
                  for r in rs]
        capped = any(not r["runs"][slow]["proven_optimal"] for r in rs)
        both = sum(r["runs"][slow]["proven_optimal"] and r["runs"][fast]["proven_optimal"]
                   for r in rs)
        pre = ">=" if capped else ""
        t.add(n, len(rs), both, f"{min(ratios):.1f}x", f"{pre}{statistics.median(ratios):.1f}x",
              f"{sum(x > 1 for x in ratios)} of {len(rs)}")
    return t


def push(args) -> int:
    """Largest n solved to optimality by ``--push-config`` within the time limit (seeds
    0..k-1 of the same generator, n = push_from, push_from + 2, ...)."""
    cfg = args.push_config
    t = Table(f"Pushing n: {cfg}, time limit {args.time_limit} s, seeds "
              f"0..{args.push_seeds - 1}", ["n", "seed", "objective", "status", "seconds"])
    largest, n = None, args.push_from
    recs = []
    while True:
        solved = 0
        for seed in range(args.push_seeds):
            inst = random_instance(n, seed)
            res = solve(inst, time_limit=args.time_limit, **CONFIGS[cfg])
            t.add(n, seed, res.objective, res.status, res.seconds)
            recs.append({"n": n, "seed": seed, "objective": res.objective,
                         "status": res.status, "seconds": res.seconds})
            print(n, seed, res.objective, res.status, f"{res.seconds:.2f}s", flush=True)
            solved += res.proven_optimal
        if solved == 0:
            break
        largest = n
        n += 2
    t.notes.append(f"largest n with at least one seed proven optimal within "
                   f"{args.time_limit} s: {largest}")
    render([t])
    name = "bench_exact_push.json" if cfg == "highs-tight" else f"bench_exact_push_{cfg}.json"
    atomic_write_json(Path(args.out).with_name(name),
                      {"records": recs, "largest_n": largest,
                       "provenance": provenance(None, vars_json(args))})
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--make-instances", action="store_true")
    ap.add_argument("--quick", action="store_true", help="n <= 10, seeds 0..1")
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--seeds", type=int, default=SEEDS)
    ap.add_argument("--configs", nargs="+", default=MAIN_CONFIGS, choices=list(CONFIGS))
    ap.add_argument("--ablation", action="store_true",
                    help="highs-plain, highs-tight and highs-tight minus each speed-up")
    ap.add_argument("--time-limit", type=float, default=60.0, help="HiGHS runs (s)")
    ap.add_argument("--cbc-time-limit", type=float, default=60.0, help="CBC runs (s)")
    ap.add_argument("--cbc-max-n", type=int, default=12, help="skip CBC above this n")
    ap.add_argument("--push", action="store_true", help="find the largest n within the limit")
    ap.add_argument("--push-from", type=int, default=16)
    ap.add_argument("--push-config", default="astar", choices=list(CONFIGS))
    ap.add_argument("--astar-ablation", action="store_true",
                    help="astar and astar minus each pruning rule or bound term")
    ap.add_argument("--push-seeds", type=int, default=3)
    ap.add_argument("--compare", action="store_true",
                    help="A*, HiGHS (tight), CBC (tight) and CP-SAT on the same instances")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if args.make_instances:
        make_instances()
        return 0
    if args.ablation:
        args.configs = ["highs-plain", "highs-tight", *ABLATION]
    if args.astar_ablation:
        args.configs = ["astar", *ASTAR_ABLATION]
    if args.compare:
        args.configs = list(COMPARE_CONFIGS)
    import os
    print(f"# bench_exact {' '.join(argv if argv is not None else sys.argv[1:])}: "
          f"process niceness {os.nice(0)}, load average {os.getloadavg()[0]:.1f} at start "
          f"(2 cores shared with other jobs: absolute seconds are inflated, ratios within "
          f"one process are the comparable figures)", flush=True)
    if args.push:
        return push(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
