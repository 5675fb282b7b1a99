"""Trivial reference schedulers: one job at a time (always feasible since s_i + o_i <= M).

* ``sequential_spt`` (clairvoyant): shortest output first, back to back. Its cost is an
  upper bound on OPT and a warm start for exact solvers.
* ``sequential_nc`` (non-clairvoyant): smallest prompt first, one at a time, never killed.
"""
from __future__ import annotations

import numpy as np

from ..instance import Instance
from ..oracle import CompletionOracle
from ..schedule import Schedule
from .base import AlgorithmOutput, register


@register("sequential_spt", clairvoyant=True,
          description="one job at a time, shortest output first (clairvoyant reference)")
def sequential_spt(instance: Instance) -> AlgorithmOutput:
    order = np.lexsort((instance.s, instance.o))
    o = instance.o[order]
    start = np.concatenate([[0], np.cumsum(o)[:-1]])
    return AlgorithmOutput(Schedule(order, start, o))


@register("sequential_nc", clairvoyant=False,
          description="one job at a time, smallest prompt first (non-clairvoyant reference)")
def sequential_nc(oracle: CompletionOracle) -> AlgorithmOutput:
    for job in np.argsort(oracle.s, kind="stable"):
        oracle.start(int(job))
        oracle.advance()
    return AlgorithmOutput()
