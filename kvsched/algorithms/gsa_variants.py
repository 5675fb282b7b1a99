"""Non-clairvoyant GSA variants without round barriers (issue 15), event-driven.

All read ``s``, ``M`` and completion (and arrival) events only, through the
:class:`~kvsched.oracle.CompletionOracle`. Common structure (*per-job geometric slices*):

* job ``i`` carries a level ``lvl_i`` and the budget ``b_i = tau_{lvl_i}`` of GSA's budget
  rule (:class:`~kvsched.algorithms.pipeline.Budgets`: ``1, 2, 4, ...`` at ``alpha = 2``);
  ``lvl_i`` starts at the smallest ``k`` with ``tau_k >= tau0`` (or ``>=`` the learned
  first budget) and grows by one at every slice end; an attempt of ``i`` started at ``a``
  *reserves* the worst-case profile ``s_i + (t - a + 1)`` for ``t in [a, a + l)`` with
  slice ``l = min(b_i, M - s_i)`` (``s_i + o_i <= M`` is public, so a slice of ``M - s_i``
  always completes);
* feasibility is kept on reservations: the reserved profile ``P`` (sum of the reserved
  profiles, one absolute time axis, :class:`~kvsched.algorithms.pipeline.StaggeredPipeline`)
  stays ``<= M`` at every step; every attempt holds at most what it reserved, so the
  executed schedule is feasible whatever the hidden lengths; a completion releases the
  rest of its reservation at once;
* waiting (arrived, unfinished, not running) jobs are admitted in priority order while
  the head's reservation fits now (prefix rule: a head that does not fit blocks), at
  every completion, slice end and arrival, and at the first step at which the blocked
  head's reservation fits (``earliest_fit``);
* priority: ``order="area"``: smallest truncated area ``s_i l + l(l+1)/2`` with the job's
  current slice ``l`` (ties: ``s``, index); ``order="level"``: smallest level first, then
  truncated area (the rounds of GSA pipelined into each other: a level-``k`` slice never
  waits for a level-``k+1`` one, but no barrier separates them); ``order="index"``: by
  index (FIFO for a trace in arrival order; used to measure the effect of the order);
* at a slice end (the job is seen *not* to have completed after ``l`` steps):

  - ``lvl_i += 1`` first; then
  - ``extend=False`` (``gsa_pj``, per-job doubling): kill; back to the queue with the
    next budget ``tau_{lvl_i}``;
  - ``extend=True`` (``gsa_elastic``, ``gsa_elastic_learn``, ``gsa_level``,
    ``gsa_polite``): try to *extend* the running attempt's reservation to
    ``l' = min(tau_{lvl_i}, M - s_i)`` steps; if the added segment fits, the attempt
    continues (no progress lost); otherwise it is killed as above.
    Extensions are tried (in priority order) before any admission at that step.

* ``polite="level"`` with ``slack = D`` (``gsa_polite``): an extension that fits is still
  refused -- the job is killed instead -- when the head of the waiting queue has a level
  more than ``D`` below the job's new level, fits now without the extension and would not
  fit with it. The head of the queue is thus never kept out by an extension to a level
  above its own plus ``D``: the blocking that breaks ``gsa_elastic``'s guarantee (a long
  job extended to completion while short ones wait, docs/trace.md section 4) is bounded
  for the next job to be admitted.
  (``polite="key"``: the same test against the queue keys; measured, not registered.)

``backfill = B`` (``gsa_polite``): when the head of the queue does not fit, the next ``B``
waiting jobs in priority order are started if their reservations fit now (the head keeps
its place; no other rule changes).

``learn=True``: a job's first budget is the median of the output lengths *completed so
far* (at least ``tau0``) -- revealed information only, so non-clairvoyant about each job.

Pseudo-code and the guarantee chains (conditional on named lemmas): ``docs/trace.md``
and ``bounds/chain_variants.py``. Cost: one ``O(l)`` numpy test per admission or
extension, ``earliest_fit`` once per decision point; no per-token Python loop.
"""
from __future__ import annotations

import bisect
import heapq

import numpy as np

from ..oracle import CompletionOracle
from .base import AlgorithmOutput, register
from .pipeline import Budgets, StaggeredPipeline

VARIANT_ALPHA = 2.0
ORDERS = ("area", "level", "index")


def per_job_slicing(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA, tau0: int = 1,
                    extend: bool = False, learn: bool = False,
                    order: str = "area", polite: bool | str = False,
                    slack: int = 0, backfill: int = 0) -> AlgorithmOutput:
    """The common engine of the variants (module docstring)."""
    from ..errors import KvschedError
    if not alpha > 1:
        raise KvschedError(f"alpha = {alpha!r} must be > 1")
    if int(tau0) < 1:
        raise KvschedError(f"tau0 = {tau0!r} must be >= 1")
    if order not in ORDERS:
        raise KvschedError(f"order = {order!r} must be one of {', '.join(ORDERS)}")
    tau0 = int(tau0)
    taus = Budgets(alpha)                    # GSA's budget rule tau_0 = 1, tau_1, ...

    def level_of(b: int) -> int:
        """Smallest k with tau_k >= b (a job's budgets are always some tau_k)."""
        k = 0
        while taus[k] < b:
            k += 1
        return k

    base = level_of(tau0)
    M, n = oracle.M, oracle.n
    s_view = oracle.s                        # live view: -1 until a job arrives
    s = [0] * n
    budget = [0] * n                         # 0: not yet admitted (gets tau0 / learned)
    level = [0] * n
    seen: list[int] = []                     # revealed output lengths, sorted
    pipe = StaggeredPipeline(M, None)        # reserved profile on the absolute time axis
    start: dict[int, int] = {}               # running job -> attempt start
    slice_len: dict[int, int] = {}           # running job -> current slice (steps)
    heap: list[tuple] = []                   # waiting jobs by priority
    ends: list[tuple[int, int]] = []         # (slice end, job) of running attempts
    stats = {"extensions": 0, "kills": 0, "decision_points": 0, "admissions": 0,
             "yields": 0, "backfilled": 0}
    by_level_waste: dict[int, int] = {}

    def key(j: int) -> tuple:
        ln = min(budget[j] or taus[base], M - s[j])
        ta = s[j] * ln + ln * (ln + 1) // 2
        if order == "level":
            return (level[j], ta, s[j], j)
        return (ta, s[j], j) if order == "area" else (j,)

    def requeue_key(j: int, b: int) -> tuple:
        """``j``'s queue key if it were killed now and re-queued with budget ``b``."""
        old_b = budget[j]
        budget[j] = b
        k = key(j)
        budget[j] = old_b
        return k

    def arrive(jobs) -> None:
        for j in jobs:
            s[j] = int(s_view[j])
            heapq.heappush(heap, key(j))

    def first_budget() -> int:
        if learn and seen:
            return max(tau0, seen[len(seen) // 2])
        return tau0

    def admit(t: int) -> None:
        while heap:
            j = heap[0][-1]
            if budget[j] == 0:
                level[j] = level_of(first_budget())
                budget[j] = taus[level[j]]
                heapq.heapreplace(heap, key(j))
                continue
            ln = min(budget[j], M - s[j])
            if not pipe.fits_at(t, s[j], ln):
                if backfill:
                    fill(t)
                return
            heapq.heappop(heap)
            launch(j, t, ln)

    def launch(j: int, t: int, ln: int) -> None:
        oracle.start(j)
        stats["admissions"] += 1
        start[j], slice_len[j] = t, ln
        pipe.reserve(t, s[j], ln)
        heapq.heappush(ends, (t + ln, j))

    def fill(t: int) -> None:
        """Backfilling: the next ``backfill`` waiting jobs behind the blocked head, in
        priority order, each started if its reservation fits now."""
        held = [heapq.heappop(heap)]                    # the blocked head
        for _ in range(min(backfill, len(heap))):
            item = heapq.heappop(heap)
            j = item[-1]
            if budget[j] == 0:
                level[j] = level_of(first_budget())
                budget[j] = taus[level[j]]
                item = key(j)
            ln = min(budget[j], M - s[j])
            if pipe.fits_at(t, s[j], ln):
                launch(j, t, ln)
                stats["backfilled"] += 1
            else:
                held.append(item)
        for item in held:
            heapq.heappush(heap, item)

    def head_fit_time(t: int) -> int | None:
        """First step after ``t`` at which the blocked head's reservation fits (the
        reserved profile only shrinks between events, so this is a safe wake-up)."""
        if not heap or not start:
            return None
        j = heap[0][-1]
        if budget[j] == 0:
            return None
        return pipe.earliest_fit(s[j], min(budget[j], M - s[j]), t + 1)

    arrive(np.flatnonzero(oracle.arrived).tolist())
    t = oracle.now
    admit(t)
    while oracle.n_done < n:
        stats["decision_points"] += 1
        while ends and ends[0][1] not in start:
            heapq.heappop(ends)
        target = ends[0][0] if ends else None
        h = head_fit_time(t)
        if h is not None and (target is None or h < target):
            target = h
        events = oracle.advance(until=target)
        t = oracle.now
        arrivals = []
        for e in events:
            j = e.job
            if e.arrival:
                arrivals.append(j)
                continue
            # completion (no engine limits are set: kills are ours)
            pipe.release(start[j], s[j], slice_len[j], t)
            del start[j], slice_len[j]
            bisect.insort(seen, e.time - e.start)
        expired = []
        while ends and ends[0][0] <= t:
            end, j = heapq.heappop(ends)
            if j in start and start[j] + slice_len[j] == end:
                expired.append(j)
        expired.sort(key=key)
        for j in expired:
            a, ln = start[j], slice_len[j]
            new = min(taus[level[j] + 1], M - s[j])
            level[j] += 1
            if extend and pipe.fits_extension(a, s[j], ln, new):
                head_fits = False
                if polite and heap and (heap[0] < requeue_key(j, new) if polite == "key"
                                        else level[heap[0][-1]] + slack < level[j]):
                    h = heap[0][-1]          # a waiting job of higher priority than j
                    lh = min(budget[h] or taus[level_of(first_budget())], M - s[h])
                    head_fits = pipe.fits_at(t, s[h], lh)   # j's reservation ended at t
                pipe.extend(a, s[j], ln, new)
                if head_fits and not pipe.fits_at(t, s[h], lh):
                    pipe.release(a, s[j], new, a + ln)      # undo: j yields to h
                    stats["yields"] += 1
                    new = -1
                if new > 0:
                    slice_len[j] = new
                    heapq.heappush(ends, (a + new, j))
                    stats["extensions"] += 1
                    continue
                new = min(taus[level[j]], M - s[j])
            oracle.kill(j)                   # its reservation ends exactly at t
            stats["kills"] += 1
            by_level_waste[level[j] - 1] = by_level_waste.get(level[j] - 1, 0) + ln
            del start[j], slice_len[j]
            budget[j] = taus[level[j]]
            heapq.heappush(heap, key(j))
        arrive(arrivals)
        admit(t)
    return AlgorithmOutput(info={"alpha": float(alpha), "tau0": tau0, "learn": learn,
                                 "extend": extend, "order": order, "polite": polite, **stats,
                                 "max_level": max(level) if n else 0,
                                 "wasted_by_level": dict(sorted(by_level_waste.items()))})


@register("gsa_pj", clairvoyant=False, alpha=VARIANT_ALPHA, tau0=1,
          description="GSA variant: per-job geometric slices (kill at slice end, budget "
                      "x alpha), no round barriers, reservation-checked admission in "
                      "truncated-area order (non-clairvoyant)")
def gsa_pj(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA,
           tau0: int = 1) -> AlgorithmOutput:
    """Per-job doubling (module docstring)."""
    return per_job_slicing(oracle, alpha, tau0, extend=False)


@register("gsa_elastic", clairvoyant=False, alpha=VARIANT_ALPHA, tau0=1,
          description="GSA variant: per-job geometric slices, a slice that ends is "
                      "extended x alpha when its reservation still fits, killed only "
                      "when memory is needed (non-clairvoyant; no constant competitive "
                      "ratio: docs/trace.md section 4)")
def gsa_elastic(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA,
                tau0: int = 1) -> AlgorithmOutput:
    """Per-job doubling with extension instead of kill when it fits (module docstring)."""
    return per_job_slicing(oracle, alpha, tau0, extend=True)


@register("gsa_elastic_learn", clairvoyant=False, alpha=VARIANT_ALPHA, tau0=1,
          description="gsa_elastic whose first slice is the median output length "
                      "completed so far (revealed information only; non-clairvoyant)")
def gsa_elastic_learn(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA,
                      tau0: int = 1) -> AlgorithmOutput:
    """gsa_elastic with a learned first budget (module docstring)."""
    return per_job_slicing(oracle, alpha, tau0, extend=True, learn=True)


@register("gsa_polite", clairvoyant=False, alpha=VARIANT_ALPHA, tau0=1, slack=3,
          backfill=8,
          description="GSA variant: gsa_elastic whose extension yields to a waiting job "
                      "more than `slack` levels behind (it is killed when that job fits "
                      "only without the extension), with backfilling of the next "
                      "`backfill` waiting jobs behind a blocked head; non-clairvoyant")
def gsa_polite(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA, tau0: int = 1,
               slack: int = 3, backfill: int = 8) -> AlgorithmOutput:
    """gsa_elastic with bounded blocking and backfilling (module docstring)."""
    return per_job_slicing(oracle, alpha, tau0, extend=True, polite="level", slack=slack,
                           backfill=backfill)


@register("gsa_level", clairvoyant=False, alpha=VARIANT_ALPHA, tau0=1,
          description="GSA variant: GSA's rounds pipelined into each other (level-k "
                      "slices before level-k+1 ones, no barrier), slices extended when "
                      "they fit (non-clairvoyant)")
def gsa_level(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA,
              tau0: int = 1) -> AlgorithmOutput:
    """gsa_elastic with level-first priority (module docstring)."""
    return per_job_slicing(oracle, alpha, tau0, extend=True, order="level")
