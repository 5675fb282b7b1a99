"""Run one scheduler on an instance, check its schedule, and report its cost.

Printed: objective (sum of completion times), mean latency, makespan, restarts, wasted
tokens, peak memory, mean utilisation, ``max(s+o)/M`` and the ratio to the best lower
bound. That ratio is against a lower bound, so it is an *estimate* (an upper estimate of
ALG/OPT), and labelled so. ``--list`` shows the registered algorithms.
"""
from __future__ import annotations

import argparse
import time

from kvsched.errors import KvschedError
from kvsched.lower_bounds import best_lower_bound
from kvsched.results import provenance
from kvsched.tables import Table
from .common import (add_instance_arguments, add_output_arguments, check_alpha, emit,
                     instance_from_args)

HELP = "run one algorithm on an instance file and report its checked cost"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_instance_arguments(p, file_required=False)
    p.add_argument("--alg", default="gsa", help="algorithm name (see `kvsched run --list`)")
    p.add_argument("--alpha", type=float, default=None, help="geometric ratio alpha > 1")
    p.add_argument("--arrivals", action="store_true",
                   help="Azure traces: release dates from the TIMESTAMP column (the ratio "
                        "is then flow time over the flow-time lower bound)")
    p.add_argument("--tokens-per-second", type=float, default=50.0,
                   help="decode steps per second of trace time, with --arrivals")
    p.add_argument("--plot", metavar="PNG", default=None,
                   help="draw memory over time and the attempts to this PNG file")
    p.add_argument("--list", action="store_true",
                   help="list the registered algorithms (name, clairvoyant, description)")
    add_output_arguments(p)


def algorithm_params(spec, alpha: float | None) -> dict:
    """``{"alpha": alpha}`` if given; an algorithm without that parameter is an error."""
    if alpha is None:
        return {}
    if not spec.accepts("alpha"):
        raise KvschedError(f"algorithm {spec.name} takes no --alpha")
    check_alpha(alpha)
    return {"alpha": alpha}


def algorithm_table() -> Table:
    """One row per registered algorithm: name, clairvoyant or not, defaults, description."""
    from kvsched.algorithms import REGISTRY

    t = Table("Registered algorithms", ["name", "clairvoyant", "defaults", "description"])
    for name in sorted(REGISTRY):
        spec = REGISTRY[name]
        t.add(name, spec.clairvoyant,
              ", ".join(f"{k}={v}" for k, v in spec.defaults.items()) or "-",
              spec.description)
    return t


def main(args: argparse.Namespace) -> int:
    from kvsched.algorithms import get_algorithm, run_algorithm

    if args.list:
        t = algorithm_table()
        emit(args, [t], t.records())
        return 0
    if args.file is None:
        raise KvschedError("an instance FILE is needed (or --list)")
    if args.arrivals:
        from kvsched.loaders import load_instance
        inst = load_instance(args.file, args.memory, limit=args.limit, sample=args.sample,
                             seed=args.seed, drop_oversized=args.drop_oversized,
                             arrivals=True, tokens_per_second=args.tokens_per_second)
    else:
        inst = instance_from_args(args)
    spec = get_algorithm(args.alg)
    params = algorithm_params(spec, args.alpha)
    t0 = time.perf_counter()
    res = run_algorithm(spec.name, inst, **params)        # checks the schedule
    seconds = time.perf_counter() - t0
    rep = res.report
    if inst.r.any():          # release dates: the objective is the flow time sum (C_i - r_i)
        from kvsched.lower_bounds import best_flow_lower_bound
        lb, lb_name = best_flow_lower_bound(inst)
        value = rep.flow_time
    else:
        lb, lb_name = best_lower_bound(inst)
        value = rep.objective
    name = inst.name or str(args.file)
    t = Table(f"{spec.name} on {name} (n={inst.n}, M={inst.M}); schedule checked",
              ["metric", "value"])
    for k, v in rep.summary().items():
        t.add(k, v)
    t.add("max(s+o)/M", inst.large_memory_ratio)
    t.add("lower_bound", f"{lb} ({lb_name})")
    t.add("ratio_to_lower_bound (estimate)", value / lb)
    t.add("time_s (run + check)", seconds)
    if args.plot:
        from kvsched.plotting import plot_schedule
        plot_schedule(res.schedule, inst, args.plot,
                      title=f"{spec.name} on {name}: objective {rep.objective}, "
                            f"{rep.restarts} restarts (checked)")
        t.notes.append(f"plot written to {args.plot}")
    emit(args, [t], {"algorithm": spec.name, "clairvoyant": spec.clairvoyant,
                     "params": res.params, "instance": name, "n": inst.n, "M": inst.M,
                     "large_memory_ratio": inst.large_memory_ratio, **rep.summary(),
                     "lower_bound": lb, "lower_bound_name": lb_name,
                     "ratio_to_lower_bound": value / lb,
                     "ratio_objective": "flow_time" if inst.r.any() else "objective",
                     "ratio_label": "estimate", "checked": True, "time_s": seconds,
                     "info": res.info,
                     "provenance": provenance(args.seed, {"alg": spec.name, **res.params,
                                                          "file": str(args.file),
                                                          "memory": args.memory,
                                                          "limit": args.limit,
                                                          "sample": args.sample,
                                                          "drop_oversized":
                                                              args.drop_oversized})})
    return 0
