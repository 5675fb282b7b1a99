"""The model's and the algorithms' sections of ``kvsched verify`` (the runner is
:mod:`kvsched_cli.verify`).

Sections are functions ``section(seed, quick) -> Table | list[Table]`` listed in
:data:`SECTIONS` as ``"module:function"``; each component contributes its own (every
listed module ships with the package). A section that finds a failure marks its table
``ok=False`` and ``kvsched verify`` exits 1.
"""
from __future__ import annotations

import numpy as np

from .checker import check
from .defaults import small_instances
from .errors import InfeasibleScheduleError
from .instance import Instance
from .lower_bounds import all_lower_bounds
from .schedule import Schedule
from .tables import Table




def _violations() -> list[tuple[str, Instance, Schedule]]:
    """One deliberately infeasible schedule per rule of the checker."""
    I = Instance(s=[2, 1], o=[3, 2], M=8)
    return [
        ("memory", Instance(s=[2, 1], o=[3, 2], M=7),
         Schedule.from_attempts([(0, 0, 3), (1, 1, 2)])),
        ("overlap", I, Schedule.from_attempts([(0, 0, 2), (0, 1, 3), (1, 5, 2)])),
        ("not-completed", I, Schedule.from_attempts([(0, 0, 3), (1, 0, 1)])),
        ("too-long", I, Schedule.from_attempts([(0, 0, 4), (1, 0, 2)])),
        ("completed-twice", I, Schedule.from_attempts([(0, 0, 3), (0, 3, 3), (1, 0, 2)])),
        ("after-completion", I, Schedule.from_attempts([(0, 0, 3), (0, 3, 1), (1, 0, 2)])),
        ("negative-start", I, Schedule.from_attempts([(0, -1, 3), (1, 2, 2)])),
    ]


def section_model(seed: int, quick: bool) -> list[Table]:
    """The model: lower bounds on the default instances, and the checker's self-test."""
    from .algorithms import run_algorithm

    t = Table("Model: default instances, lower bounds, a checked reference schedule",
              ["instance", "n", "M", "max(s+o)/M", "LB sum_o", "LB area", "LB combined",
               "sequential_spt (checked)"])
    for inst in small_instances(seed):
        lbs = all_lower_bounds(inst)
        obj = run_algorithm("sequential_spt", inst).objective
        t.add(inst.name, inst.n, inst.M, round(inst.large_memory_ratio, 3), lbs["sum_o"],
              lbs["area"], lbs["combined"], obj)
        if not lbs["combined"] <= obj:
            t.ok = False
            t.notes.append(f"{inst.name}: lower bound {lbs['combined']} > feasible cost {obj}")
    c = Table("Checker self-test: each rule rejects a violating schedule",
              ["rule", "rejected", "message"])
    for kind, inst, sched in _violations():
        try:
            check(sched, inst)
            c.add(kind, False, "accepted an infeasible schedule")
            c.ok = False
        except InfeasibleScheduleError as e:
            c.add(kind, e.kind == kind, str(e)[:90])
            c.ok &= e.kind == kind
    return [t, c]


def section_algorithms(seed: int, quick: bool) -> Table:
    """Every registered algorithm on the default instances; ratios against the best lower
    bound are estimates (upper estimates of ALG/OPT)."""
    from .algorithms import REGISTRY, run_algorithm
    from .lower_bounds import best_lower_bound

    insts = small_instances(seed)
    lbs = [best_lower_bound(inst)[0] for inst in insts]
    t = Table("Algorithms on the default instances (every schedule checked)",
              ["algorithm", "clairvoyant", "instances", "mean ALG/LB (estimate)",
               "worst ALG/LB (estimate)", "restarts", "wasted tokens"])
    for name, spec in sorted(REGISTRY.items()):
        ratios, restarts, wasted = [], 0, 0
        for inst, lb in zip(insts, lbs):
            res = run_algorithm(name, inst)
            ratios.append(res.objective / lb)
            restarts += res.report.restarts
            wasted += res.report.wasted_tokens
        t.add(name, spec.clairvoyant, len(insts), float(np.mean(ratios)), float(max(ratios)),
              restarts, wasted)
    return t
