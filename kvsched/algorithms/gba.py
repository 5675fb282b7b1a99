"""GBA, the Geometric Batching Algorithm (clairvoyant); pseudo-code in docs/algorithms.md.

Rounds ``k = 0, 1, ...`` with strictly increasing integer budgets
``tau_k = max(tau_{k-1} + 1, ceil(alpha^k))``. Round ``k`` starts when round ``k-1``'s last
attempt ends. Its candidates are the unfinished jobs with ``o_i <= tau_k``, taken in order
of smallest area ``a_i = s_i o_i + o_i(o_i+1)/2`` (ties: smaller ``o``, smaller ``s``, lower
index) while the selected area stays ``<= M * tau_k``. Each is placed in the staggered
pipeline (:mod:`.pipeline`) with its exact profile, paced so that area enters at rate
``<= M`` per step. By default a round has no hard length cap (``dilation=None``); with
``dilation = c`` every attempt must end within ``ceil(c * tau_k)`` steps of the round start
and a candidate that cannot is left for a later round. Every attempt runs ``o_i`` steps:
GBA never kills.

Release dates (the online setting): a round starting at ``R`` takes its candidates among
the jobs with ``r_i <= R`` only (jobs released during a round wait for the next one);
when no released job is unfinished, ``R`` jumps to the next release and ``k`` restarts at
0 (a new busy period). Without release dates this is the batch algorithm, unchanged.

Why area order: the unfinished jobs an optimal schedule completes by ``tau_k`` all have
``o_i <= tau_k`` and total area ``<= M * tau_k``, so the area-order prefix selected here is
at least as many jobs (the counting lemma; it holds for the selection, and for the
completions whenever a length cap does not cut the selection, see
``extra["skipped_by_length"]``, always 0 with the default ``dilation=None``).
"""
from __future__ import annotations

import numpy as np

from ..instance import Instance
from ..schedule import Schedule
from .base import AlgorithmOutput, RoundRecord, register
from .pipeline import Budgets, StaggeredPipeline, round_cap

GBA_ALPHA = 4.0            # minimiser of a^2 (a+2) / (a-1)^2 (SPEC section 4, general)
GBA_ALPHA_LARGE = 3.0      # minimiser of a^3 / (a-1)^2 (large-memory regime)
DEFAULT_DILATION = None    # no hard round length cap: the selection alone decides


def _check_dilation(dilation: float | None) -> None:
    from ..errors import KvschedError
    if dilation is not None and not dilation >= 1:
        raise KvschedError(f"dilation = {dilation!r} must be >= 1 (or None: unbounded rounds)")


@register("gba", clairvoyant=True, alpha=GBA_ALPHA, dilation=DEFAULT_DILATION,
          description="Geometric Batching Algorithm: area-order selection of jobs with "
                      "o_i <= tau_k, staggered pipeline per round (clairvoyant)")
def gba(instance: Instance, alpha: float = GBA_ALPHA,
        dilation: float | None = DEFAULT_DILATION) -> AlgorithmOutput:
    """GBA(alpha): see the module docstring and docs/algorithms.md."""
    budgets = Budgets(alpha)              # raises KvschedError unless alpha > 1
    _check_dilation(dilation)
    s, o, M = instance.s, instance.o, instance.M
    area = instance.area
    # one global order; a round's candidates are a filtered subsequence of it
    order = np.lexsort((np.arange(instance.n), s, o, area))
    o_sorted = o[order]
    unfinished = np.ones(instance.n, dtype=bool)
    jobs, starts, steps = [], [], []
    rounds: list[RoundRecord] = []
    R, k = 0, 0
    n_left = instance.n
    online = bool(instance.r.any())
    r_sorted = instance.r[order]
    while n_left:
        tau = budgets[k]
        if online:
            # a round starts with what has arrived; an idle system restarts at k = 0
            arrived = unfinished[order] & (r_sorted <= R)
            if not arrived.any():
                R = int(instance.r[unfinished].min())
                k = 0
                continue
            cand = order[(o_sorted <= tau) & arrived]
        else:
            cand = order[(o_sorted <= tau) & unfinished[order]]
        if cand.size == 0:
            k += 1
            continue
        cap = round_cap(tau, dilation)
        pipe = StaggeredPipeline(M, cap)
        budget = M * tau
        placed_area = 0
        last_start = 0
        skipped = delayed = 0
        n_sel = 0
        round_end = 0
        for i in cand.tolist():
            ai = int(area[i])
            if placed_area + ai > budget:
                break                      # later candidates have area >= a_i: none fits
            si, oi = int(s[i]), int(o[i])
            t_min = max(last_start, placed_area // M)
            t = pipe.earliest_fit(si, oi, t_min)
            if t is None:
                skipped += 1
                continue
            delayed += t > t_min
            pipe.reserve(t, si, oi)
            placed_area += ai
            last_start = t
            n_sel += 1
            unfinished[i] = False
            jobs.append(i)
            starts.append(R + t)
            steps.append(oi)
            round_end = max(round_end, t + oi)
        n_left -= n_sel
        rounds.append(RoundRecord(
            k=k, start=R, end=R + round_end, budget=tau, attempted=n_sel, finished=n_sel,
            peak_memory=None, wasted_tokens=0,
            extra={"candidates": int(cand.size), "selected": n_sel,
                   "selected_area": placed_area, "area_budget": budget,
                   "length_cap": cap, "length": round_end,
                   "pace_bound": -(-placed_area // M) + tau,
                   "skipped_by_length": skipped, "delayed_starts": delayed,
                   "killed": 0, "planned_peak": pipe.peak}))
        R += round_end
        k += 1
    schedule = Schedule(np.asarray(jobs, dtype=np.int64), np.asarray(starts, dtype=np.int64),
                        np.asarray(steps, dtype=np.int64))
    return AlgorithmOutput(schedule, rounds,
                           info={"alpha": float(alpha), "dilation": dilation,
                                 "rounds": len(rounds), "last_k": k - 1,
                                 "budgets": [r.budget for r in rounds]})
