"""GSA, the Geometric Slicing Algorithm (non-clairvoyant), and its ablations.

Pseudo-code and invariants: docs/algorithms.md. GSA receives a
:class:`~kvsched.oracle.CompletionOracle`, never the instance: it sees ``s``, ``M``, ``n``
and learns about ``o_i`` only that an attempt completed or was killed at its limit.

Round (phase) ``k`` has the budget ``tau_k`` of GBA and starts when every attempt of round
``k-1`` has ended. *Every* job unfinished at the round start gets exactly one attempt in
round ``k``, with slice ``l_i = min(tau_k, M - s_i)`` (validity ``s_i + o_i <= M`` is
public, so a slice of ``M - s_i`` always completes). The jobs are taken in order of
smallest truncated area ``s_i l_i + l_i(l_i+1)/2`` (ties: smaller ``s``, lower index) and
placed one by one in the staggered pipeline (:mod:`.pipeline`) with their worst-case
profile ``s_i + 1 .. s_i + l_i``, paced so that planned area enters at rate ``<= M`` per
step. A planned start in the future is committed only when the clock reaches it; an
attempt that completes early releases the rest of its reservation (and its unused
planned area) at once, which may allow the next start earlier. Each attempt is started
with ``limit = l_i``: the engine kills it exactly at its slice end if ``o_i > l_i``
(then ``l_i = tau_k``), and it is retried in round ``k+1`` with a larger slice.

Ablations (same rounds, budgets, slices and order):

* ``gsa_no_stagger``: synchronous batches: the longest prefix of the round's order whose
  worst-case peaks ``sum (s_i + l_i)`` fit in ``M`` starts together at the round start,
  the next batch when every attempt of the previous one has ended, and so on.
* ``gsa_no_restart``: each job is started once with no limit and never killed. Without
  kills the only safe reservation is the worst case ``s_i + 1 .. M`` (``o_i <= M - s_i``
  is all that is known); two such reservations cannot overlap, so jobs run one at a time,
  smallest ``s`` first. One round record (``k = 0``, ``budget = M``).
"""
from __future__ import annotations

import numpy as np

from ..oracle import CompletionOracle
from .base import AlgorithmOutput, RoundRecord, register
from .pipeline import Budgets, StaggeredPipeline
from .sequential import one_at_a_time

GSA_ALPHA = (1 + 13 ** 0.5) / 2   # minimiser of 2a^3 (a+2)/(a-1)^2 (SPEC section 4, general)
GSA_ALPHA_LARGE = 2.0            # minimiser of 2a^4/(a-1)^2 (large-memory regime)


def round_order(s: np.ndarray, M: int, tau: int, unfinished: np.ndarray):
    """Round ``k``'s jobs: every unfinished job, by smallest truncated area
    ``s_i l_i + l_i(l_i+1)/2`` with slice ``l_i = min(tau, M - s_i)`` (ties: ``s``, index).
    Returns (jobs, slices, truncated areas) in that order."""
    cand = np.flatnonzero(unfinished)
    sl = np.minimum(tau, M - s[cand])
    tarea = s[cand] * sl + sl * (sl + 1) // 2
    order = np.lexsort((cand, s[cand], tarea))
    return cand[order], sl[order], tarea[order]


class _Tally:
    """Counts of one round, updated from the oracle's events."""

    def __init__(self) -> None:
        self.attempted = self.finished = self.killed = self.wasted = self.delayed = 0


def _online_round_order(s: np.ndarray, M: int, level: np.ndarray, budgets,
                        waiting: np.ndarray):
    """With release dates: a round takes every arrived unfinished job, each with the
    slice of its own level, ``l_i = min(tau_{lvl_i}, M - s_i)`` (``lvl_i`` = slices job
    ``i`` has had; in the batch setting every job of round ``k`` has ``lvl_i = k``, so
    this is :func:`round_order`), ordered by truncated area (ties: ``s``, index)."""
    cand = np.flatnonzero(waiting)
    taus = np.array([budgets[int(x)] for x in level[cand].tolist()], dtype=np.int64)
    sl = np.minimum(taus, M - s[cand])
    tarea = s[cand] * sl + sl * (sl + 1) // 2
    order = np.lexsort((cand, s[cand], tarea))
    return cand[order], sl[order], tarea[order]


def _staggered_round(oracle: CompletionOracle, jobs, slices, R: int) -> _Tally:
    """Paced earliest fit with worst-case reservations, event-driven (module doc)."""
    M, s = oracle.M, oracle.s.tolist()
    pipe = StaggeredPipeline(M, None)
    live: dict[int, tuple[int, int]] = {}     # job -> (local start, slice)
    tally = _Tally()
    planned_area = 0                          # worst case; realised for completed attempts
    last_start = 0

    def absorb(events) -> bool:
        """Book the events; True if a completion released planned memory."""
        nonlocal planned_area
        released = False
        for e in events:
            if e.arrival:                    # waits for the next round
                continue
            t0, ln = live.pop(e.job)
            if e.completed:
                tally.finished += 1
                si = s[e.job]
                pipe.release(t0, si, ln, e.time - R)
                d = e.time - e.start         # revealed: the attempt needed only d steps
                planned_area -= si * (ln - d) + (ln * (ln + 1) - d * (d + 1)) // 2
                released = released or d < ln
            else:
                tally.killed += 1
                tally.wasted += e.time - e.start
        return released

    for job, ln in zip(jobs.tolist(), slices.tolist()):
        si = s[job]
        t_min = max(last_start, planned_area // M)
        while oracle.now < R + t_min:           # learn what ends before the paced start
            absorb(oracle.advance(until=R + t_min))
        t = pipe.earliest_fit(si, ln, max(t_min, oracle.now - R))
        # commit a future start only when the clock reaches it: an attempt completing
        # before then releases memory and may allow an earlier start
        while R + t > oracle.now and live:
            events = oracle.advance(until=R + t)
            if not events:
                break                           # the clock is at R + t
            if absorb(events):              # only a release can move the fit earlier
                t = pipe.earliest_fit(si, ln, max(t_min, oracle.now - R))
        tally.delayed += t > t_min
        pipe.reserve(t, si, ln)
        oracle.start(job, at=R + t, limit=ln)
        live[job] = (t, ln)
        tally.attempted += 1
        last_start = t
        planned_area += si * ln + ln * (ln + 1) // 2
    while live:
        absorb(oracle.advance())
    return tally


def _batched_round(oracle: CompletionOracle, jobs, slices, R: int) -> _Tally:
    """Synchronous batches of worst-case peak sum <= M (the no-stagger ablation)."""
    M, s = oracle.M, oracle.s
    tally = _Tally()
    q = 0
    while q < len(jobs):
        exposure = 0
        while q < len(jobs) and exposure + int(s[jobs[q]]) + int(slices[q]) <= M:
            exposure += int(s[jobs[q]]) + int(slices[q])
            oracle.start(int(jobs[q]), limit=int(slices[q]))
            tally.attempted += 1
            q += 1
        while oracle.running():
            for e in oracle.advance():
                if e.arrival:
                    continue
                if e.completed:
                    tally.finished += 1
                else:
                    tally.killed += 1
                    tally.wasted += e.time - e.start
    return tally


def _geometric_slicing(oracle: CompletionOracle, alpha: float,
                       stagger: bool) -> AlgorithmOutput:
    budgets = Budgets(alpha)                  # raises KvschedError unless alpha > 1
    s, M = oracle.s, oracle.M                 # live view (-1 for jobs still to come)
    run_round = _staggered_round if stagger else _batched_round
    rounds: list[RoundRecord] = []
    level = np.zeros(oracle.n, dtype=np.int64)    # slices each job has had
    k = 0
    while oracle.n_done < oracle.n:
        waiting = ~oracle.done & oracle.arrived
        if not waiting.any():                 # online: nothing arrived yet -> wait
            oracle.advance()
            continue
        tau = budgets[k]
        if oracle.all_arrived and oracle.r is not None and not oracle.r.any():
            jobs, slices, tareas = round_order(s, M, tau, waiting)
        else:
            jobs, slices, tareas = _online_round_order(s, M, level, budgets, waiting)
            tau = budgets[int(level[jobs].max())]
        level[jobs] += 1
        R = oracle.now
        W = int(tareas.sum())
        tally = run_round(oracle, jobs, slices, R)
        rounds.append(RoundRecord(
            k=k, start=R, end=oracle.now, budget=tau, attempted=tally.attempted,
            finished=tally.finished, peak_memory=None, wasted_tokens=tally.wasted,
            extra={"candidates": int(len(jobs)), "killed": tally.killed,
                   "planned_area": W, "pace_bound": -(-W // M) + tau,
                   "length": oracle.now - R, "delayed_starts": tally.delayed,
                   "max_slice": int(slices.max())}))
        k += 1
    return AlgorithmOutput(rounds=rounds, info={
        "alpha": float(alpha), "stagger": stagger, "rounds": len(rounds),
        "budgets": [r.budget for r in rounds]})


@register("gsa", clairvoyant=False, alpha=GSA_ALPHA,
          description="Geometric Slicing Algorithm: slices tau_k, kill and retry, staggered "
                      "pipeline with worst-case exposure (non-clairvoyant)")
def gsa(oracle: CompletionOracle, alpha: float = GSA_ALPHA) -> AlgorithmOutput:
    """GSA(alpha): see the module docstring and docs/algorithms.md."""
    return _geometric_slicing(oracle, alpha, stagger=True)


@register("gsa_no_stagger", clairvoyant=False, alpha=GSA_ALPHA,
          description="GSA ablation: each round's attempts start in synchronous batches")
def gsa_no_stagger(oracle: CompletionOracle, alpha: float = GSA_ALPHA) -> AlgorithmOutput:
    return _geometric_slicing(oracle, alpha, stagger=False)


@register("gsa_no_restart", clairvoyant=False,
          description="GSA ablation: never kill; worst-case reservation M per job forces "
                      "one job at a time, smallest prompt first")
def gsa_no_restart(oracle: CompletionOracle) -> AlgorithmOutput:
    """Never kill. Non-clairvoyantly ``o_i`` is only known to be ``<= M - s_i``, so a
    never-killed attempt must reserve the worst-case profile ``s_i + 1 .. M``; two such
    reservations overlap at the first one's last step with at least ``M + s_j + 1 > M``, so
    attempts run one at a time (smallest ``s`` first, ties by index), each started the
    moment the previous one is seen to complete."""
    one_at_a_time(oracle)
    rec = RoundRecord(k=0, start=0, end=oracle.now, budget=oracle.M, attempted=oracle.n,
                      finished=oracle.n_done, wasted_tokens=0,
                      extra={"candidates": oracle.n, "killed": 0, "length": oracle.now,
                             "reserved_exposure": oracle.M})
    return AlgorithmOutput(rounds=[rec], info={"rounds": 1})
