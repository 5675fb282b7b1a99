"""GSA, the Geometric Slicing Algorithm (non-clairvoyant), and its ablations.

Pseudo-code and invariants: docs/algorithms.md. GSA receives a
:class:`~kvsched.oracle.CompletionOracle`, never the instance: it sees ``s``, ``M``, ``n``
and learns about ``o_i`` only that an attempt completed or was killed at its limit.

Round ``k`` (budget ``tau_k``, as in GBA) starts when every attempt of round ``k-1`` has
ended. Job ``i``'s slice is ``l_i = min(tau_k, M - s_i)`` (validity ``s_i + o_i <= M``
is public, so ``o_i <= M - s_i``: a slice of ``M - s_i`` always completes) and its planned
exposure is the worst-case profile ``s_i + 1, ..., s_i + l_i``. The unfinished jobs are
taken in order of smallest truncated area ``s_i l_i + l_i (l_i+1)/2`` (ties: smaller
``s``, lower index) while the selected truncated area stays ``<= M * tau_k``. They are
placed one by one in the staggered pipeline (:mod:`.pipeline`): each placement uses what
was revealed up to its earliest admissible start (the clock is advanced there before the
job is planned) and an attempt that completes early releases the rest of its
reservation at once; a job that does not fit within the round's length bound is left
for a later round. Each attempt is started with ``limit = l_i``: the
engine kills it exactly at its slice end if ``o_i > l_i`` (then ``l_i = tau_k``), and it
is retried in a later round with a larger slice.

Ablations (same rounds, budgets and selection):

* ``gsa_no_stagger``: the round's attempts start in synchronous batches: the longest
  selection-order prefix whose worst-case peaks ``sum (s_i + l_i)`` fit in ``M`` starts
  together at the round start, the next batch when every attempt of the previous one
  has ended, and so on.
* ``gsa_no_restart``: each job is started once with no limit and never killed. Without
  kills the only safe reservation is the worst case ``s_i + (M - s_i) = M``, so attempts
  cannot overlap: the pipeline degenerates to one job at a time in GSA's order
  (smallest ``s`` first). One round record (``k = 0``, ``budget = M``).
"""
from __future__ import annotations

import numpy as np

from ..oracle import CompletionOracle
from .base import AlgorithmOutput, RoundRecord, register
from .pipeline import Budgets, StaggeredPipeline

GSA_ALPHA = (1 + 13 ** 0.5) / 2   # minimiser of 2a^3 (a+2)/(a-1)^2 (SPEC section 4, general)
GSA_ALPHA_LARGE = 2.0            # minimiser of 2a^4/(a-1)^2 (large-memory regime)
DEFAULT_DILATION = 2.0


def _check_params(alpha: float, dilation: float | None) -> None:
    from ..errors import KvschedError
    if not alpha > 1:
        raise KvschedError(f"alpha = {alpha!r} must be > 1")
    if dilation is not None and not dilation >= 1:
        raise KvschedError(f"dilation = {dilation!r} must be >= 1 (or None: unbounded rounds)")


def _phase_order(s: np.ndarray, M: int, tau: int, unfinished: np.ndarray):
    """Phase ``k``'s jobs: every unfinished job, by smallest truncated area
    ``s_i l_i + l_i(l_i+1)/2`` with slice ``l_i = min(tau, M - s_i)`` (ties: ``s``, index).
    Returns (jobs, slices, truncated areas) in that order."""
    cand = np.flatnonzero(unfinished)
    sl = np.minimum(tau, M - s[cand])
    tarea = s[cand] * sl + sl * (sl + 1) // 2
    order = np.lexsort((cand, s[cand], tarea))
    return cand[order], sl[order], tarea[order]


def _record(k, R, end, tau, attempted, finished, wasted, **extra) -> RoundRecord:
    return RoundRecord(k=k, start=R, end=end, budget=tau, attempted=attempted,
                       finished=finished, peak_memory=None, wasted_tokens=wasted,
                       extra=extra)


def _staggered_round(oracle: CompletionOracle, jobs, slices, cap, R: int, *,
                     pace: bool = True, kill: bool = True):
    """Event-driven paced earliest fit of one round. Returns (attempted, finished, killed,
    wasted, skipped, planned_peak). ``pace=False`` drops the pacing constraint;
    ``kill=False`` starts attempts without a limit (only safe when slice = M - s)."""
    M = oracle.M
    s = oracle.s
    pipe = StaggeredPipeline(M, cap)
    live: dict[int, tuple[int, int]] = {}     # job -> (local start, slice)
    attempted = finished = killed = wasted = skipped = 0
    planned_area = 0
    last_start = 0
    peak = 0
    delayed = 0

    def absorb(events) -> None:
        nonlocal finished, killed, wasted, planned_area
        for e in events:
            t0, ln = live.pop(e.job)
            if e.completed:
                finished += 1
                si = int(s[e.job])
                pipe.release(t0, si, ln, e.time - R)
                d = e.time - e.start       # revealed: the attempt needed only d steps
                planned_area -= si * (ln - d) + (ln * (ln + 1) - d * (d + 1)) // 2
            else:
                killed += 1
                wasted += e.time - e.start

    for job, ln in zip(jobs.tolist(), slices.tolist()):
        si = int(s[job])
        t_min = max(last_start, planned_area // M if pace else 0)
        if cap is not None and t_min + ln > cap:
            skipped += 1                   # cannot end within the round's length bound
            continue
        while oracle.now < R + t_min:       # learn everything that ends before t_min
            absorb(oracle.advance(until=R + t_min))
        t = pipe.earliest_fit(si, ln, max(t_min, oracle.now - R))
        # A start in the future is committed only when the clock reaches it: an attempt
        # that completes before then releases memory and may allow an earlier start.
        while t is not None and R + t > oracle.now and live:
            events = oracle.advance(until=R + t)
            if not events:
                break                       # the clock is at R + t
            absorb(events)
            t = pipe.earliest_fit(si, ln, max(t_min, oracle.now - R))
        if t is None:                      # does not fit in the round: a later round
            skipped += 1
            continue
        delayed += t > t_min
        pipe.reserve(t, si, ln)
        peak = max(peak, int(pipe.P[t:t + ln].max()))
        oracle.start(job, at=R + t, limit=ln if kill else None)
        live[job] = (t, ln)
        attempted += 1
        last_start = t
        planned_area += si * ln + ln * (ln + 1) // 2
        while oracle.now < R + t:           # learn everything that ends up to this start
            absorb(oracle.advance(until=R + t))
    while live:
        absorb(oracle.advance())
    return attempted, finished, killed, wasted, skipped, peak, delayed


def _batched_round(oracle: CompletionOracle, jobs, slices, cap, R: int):
    """Synchronous batches (no stagger). Returns the same tuple as _staggered_round."""
    s = oracle.s
    M = oracle.M
    attempted = finished = killed = wasted = skipped = 0
    peak = 0
    q = 0
    while q < len(jobs):
        # the next batch: longest prefix with sum of worst-case peaks <= M
        expo = 0
        batch = []
        while q < len(jobs):
            e = int(s[jobs[q]]) + int(slices[q])
            if expo + e > M:
                break
            expo += e
            batch.append((int(jobs[q]), int(slices[q])))
            q += 1
        now = oracle.now
        keep = [(j, ln) for j, ln in batch if cap is None or now - R + ln <= cap]
        skipped += len(batch) - len(keep)
        if not keep:
            continue
        peak = max(peak, sum(int(s[j]) + ln for j, ln in keep))
        for j, ln in keep:
            oracle.start(j, limit=ln)
            attempted += 1
        while oracle.running():
            for e in oracle.advance():
                if e.completed:
                    finished += 1
                else:
                    killed += 1
                    wasted += e.time - e.start
    return attempted, finished, killed, wasted, skipped, peak, 0


def _geometric_slicing(oracle: CompletionOracle, alpha: float,
                       stagger: bool) -> AlgorithmOutput:
    _check_params(alpha, None)
    s, M = np.asarray(oracle.s), oracle.M
    budgets = Budgets(alpha)
    rounds: list[RoundRecord] = []
    k = 0
    run_round = _staggered_round if stagger else _batched_round
    total_wasted = 0
    while oracle.n_done < oracle.n:
        tau = budgets[k]
        jobs, slices, tareas = _phase_order(s, M, tau, ~oracle.done)
        R = oracle.now
        W = int(tareas.sum())
        att, fin, kil, wst, skp, peak, delayed = run_round(oracle, jobs, slices, None, R)
        total_wasted += wst
        rounds.append(_record(
            k, R, oracle.now, tau, att, fin, wst,
            candidates=int(len(jobs)), planned_area=W,
            pace_bound=-(-W // M) + tau, length=oracle.now - R, killed=kil,
            delayed_starts=delayed, planned_peak=peak,
            max_slice=int(slices.max())))
        k += 1
    return AlgorithmOutput(rounds=rounds, info={
        "alpha": float(alpha), "stagger": stagger,
        "rounds": len(rounds), "budgets": [r.budget for r in rounds],
        "killed": sum(r.extra["killed"] for r in rounds), "wasted_tokens": total_wasted})


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
    s = np.asarray(oracle.s)
    order = np.lexsort((np.arange(oracle.n), s))
    for job in order.tolist():
        oracle.start(job)
        oracle.advance()
    rec = RoundRecord(k=0, start=0, end=oracle.now, budget=oracle.M, attempted=oracle.n,
                      finished=oracle.n_done, wasted_tokens=0,
                      extra={"candidates": oracle.n, "killed": 0, "length": oracle.now,
                             "reserved_exposure": oracle.M})
    return AlgorithmOutput(rounds=[rec], info={"rounds": 1, "killed": 0})
