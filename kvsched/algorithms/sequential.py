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
    """Shortest output first (ties: ``s``, index), back to back; with release dates, the
    shortest *arrived* job whenever the machine is free (idle until the next release if
    none has arrived)."""
    order = np.lexsort((instance.s, instance.o))
    if not instance.r.any():
        o = instance.o[order]
        start = np.concatenate([[0], np.cumsum(o)[:-1]])
        return AlgorithmOutput(Schedule(order, start, o))
    import heapq
    s, o, r = instance.s.tolist(), instance.o.tolist(), instance.r.tolist()
    by_r = sorted(range(instance.n), key=lambda j: (r[j], j))
    heap: list[tuple[int, int, int]] = []
    jobs, starts = [], []
    t, q = 0, 0
    while len(jobs) < instance.n:
        while q < len(by_r) and r[by_r[q]] <= t:
            j = by_r[q]
            heapq.heappush(heap, (o[j], s[j], j))
            q += 1
        if not heap:
            t = r[by_r[q]]
            continue
        _, _, j = heapq.heappop(heap)
        jobs.append(j)
        starts.append(t)
        t += o[j]
    jobs_a = np.asarray(jobs, dtype=np.int64)
    return AlgorithmOutput(Schedule(jobs_a, np.asarray(starts, dtype=np.int64),
                                    instance.o[jobs_a]))


@register("sequential_nc", clairvoyant=False,
          description="one job at a time, smallest prompt first (non-clairvoyant reference)")
def sequential_nc(oracle: CompletionOracle) -> AlgorithmOutput:
    one_at_a_time(oracle)
    return AlgorithmOutput()


def one_at_a_time(oracle: CompletionOracle) -> None:
    """Run jobs one at a time, never killed: whenever nothing runs, the arrived
    unfinished job of smallest ``s`` (ties: index); with nothing arrived, wait for the
    next arrival. In the batch setting: all jobs in ``(s, index)`` order, back to back."""
    import heapq
    s = oracle.s                           # live view (-1 until a job arrives)
    heap = [(int(s[j]), j) for j in np.flatnonzero(oracle.arrived).tolist()]
    heapq.heapify(heap)
    while oracle.n_done < oracle.n:
        if not heap:
            events = oracle.advance()      # nothing runs: wait for the next arrival
        else:
            _, job = heapq.heappop(heap)
            oracle.start(job)
            events = []
            while not oracle.is_done(job):
                events += oracle.advance()
        for e in events:
            if e.arrival:
                heapq.heappush(heap, (int(s[e.job]), e.job))
