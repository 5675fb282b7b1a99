"""Run one scheduler on an instance, check its schedule, and report its cost.

The ratio printed is against the best lower bound, so it is an *estimate* (an upper
estimate of ALG/OPT), and labelled so.
"""
from __future__ import annotations

import argparse
import inspect

from ..errors import KvschedError
from ..lower_bounds import best_lower_bound
from ..tables import Table
from .common import add_instance_arguments, add_output_arguments, emit, instance_from_args

HELP = "run one algorithm on an instance file and report its checked cost"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_instance_arguments(p)
    p.add_argument("--alg", default="gsa", help="algorithm name (see `kvsched run --list`)")
    p.add_argument("--alpha", type=float, default=None, help="geometric ratio alpha > 1")
    p.add_argument("--plot", metavar="PNG", default=None,
                   help="draw memory over time and the attempts to this PNG file")
    add_output_arguments(p)


def algorithm_params(spec, alpha: float | None) -> dict:
    params = {}
    if alpha is not None:
        if "alpha" not in inspect.signature(spec.func).parameters:
            raise KvschedError(f"algorithm {spec.name} takes no --alpha")
        if not alpha > 1:
            raise KvschedError(f"--alpha must be > 1, got {alpha}")
        params["alpha"] = alpha
    return params


def main(args: argparse.Namespace) -> int:
    from ..algorithms import get_algorithm, run_algorithm

    inst = instance_from_args(args)
    spec = get_algorithm(args.alg)
    res = run_algorithm(spec.name, inst, **algorithm_params(spec, args.alpha))
    lb, lb_name = best_lower_bound(inst)
    rep = res.report
    t = Table(f"{spec.name} on {inst.name or args.file} (n={inst.n}, M={inst.M}, "
              f"max(s+o)/M={inst.large_memory_ratio:.3g}); schedule checked",
              ["metric", "value"])
    for k, v in rep.summary().items():
        t.add(k, v)
    t.add("lower_bound", f"{lb} ({lb_name})")
    t.add("ratio_to_lower_bound (estimate)", rep.objective / lb)
    if args.plot:
        from ..plotting import plot_schedule
        plot_schedule(res.schedule, inst, args.plot, title=f"{spec.name} on {inst.name}")
        t.notes.append(f"plot written to {args.plot}")
    emit(args, [t], {"algorithm": spec.name, "params": res.params, "n": inst.n, "M": inst.M,
                     "large_memory_ratio": inst.large_memory_ratio, **rep.summary(),
                     "lower_bound": lb, "lower_bound_name": lb_name,
                     "ratio_to_lower_bound": rep.objective / lb,
                     "ratio_label": "estimate", "checked": True})
    return 0
