"""GBA-LIST: a GBA variant whose round length is *provably* bounded (docs/proofs.md).

Budgets ``b_k = floor(alpha^k)`` computed exactly (``Fraction(alpha) ** k``; for integer
``alpha`` they equal :func:`kvsched.algorithms.pipeline.geometric_budgets`). Round ``k``
starts when round ``k-1`` ends; rounds with no candidate take no time.

Selection (as GBA): the unfinished jobs with ``o_i <= b_k`` in order of smallest area
``a_i = s_i o_i + o_i(o_i+1)/2`` (ties: ``o``, ``s``, index), the longest prefix whose area
is ``<= M b_k``. Any schedule completes by ``alpha^k`` only jobs with ``o_i <= b_k`` of total
area ``<= M b_k``, so the prefix is as large as anything such a schedule can do among the
remaining jobs (the count lemma).

Packing (what makes the length provable). Peak ``p_i = s_i + o_i``; *big* if ``2 p_i > M``.

1. big jobs one after another from the round start (``B = sum_big o_i`` steps; each has
   ``o_i < 4 a_i / M``);
2. then small jobs by list scheduling with *peak reservation*: each running small job
   reserves ``p_i`` for its whole run; at every event time (the phase start and every
   completion) the waiting jobs are scanned in selection order and every one with
   ``reserved + p_i <= M`` is started (skip and continue).

Memory is feasible because each job holds at most its peak. A small job ``j`` that starts
at ``S_j`` was refused at every step of ``[B, S_j)``, so the reservation exceeded
``M - p_j >= M/2`` there, and the reservations integrate to ``sum p_i o_i <= 2 A``: hence
``S_j - B < 4 A_small / M`` and the round lasts ``< 4 A / M + b_k <= 5 b_k`` steps
(``< (1 + 2/(1-eps)) b_k`` when every ``p_i <= eps M`` with ``eps <= 1/2``).

Release dates (the online setting, no guarantee proved): as GBA, a round selected at time
``R`` takes its candidates among the jobs with ``r_i <= R``; when no released job is left,
time jumps to the next release and ``k`` restarts at 0. Without release dates nothing changes.

``variant`` exists only for the tests that show the checks can fail: ``"largest-area"``
selects by largest area first, ``"no-reservation"`` starts small jobs whenever the *current*
true memory has room (it may overload memory later, so the checker rejects it, or lengthen
rounds), ``"serial"`` runs the round's jobs one after another (feasible, but a round of
many tiny jobs lasts far longer than ``5 b_k``).
"""
from __future__ import annotations

import heapq
from fractions import Fraction

import numpy as np

from ..errors import KvschedError
from ..instance import Instance
from ..schedule import Schedule
from .base import AlgorithmOutput, RoundRecord, register

GBA_LIST_ALPHA = 2          # minimiser of c * alpha^2/(alpha-1) for any constant c
VARIANTS = ("proved", "largest-area", "no-reservation", "serial")


def floor_budgets(alpha: float | Fraction, count: int) -> list[int]:
    """``b_k = floor(alpha^k)`` for ``k < count``, exactly (``alpha`` read as the exact
    rational value of the float)."""
    a = Fraction(alpha)
    if not a > 1:
        raise KvschedError(f"alpha = {alpha!r} must be > 1")
    out, p = [], Fraction(1)
    for _ in range(count):
        out.append(int(p.numerator // p.denominator))
        p *= a
    return out


class _Waiting:
    """The waiting small jobs of a list scheduler, in list order. :meth:`take` starts, in
    order, every job whose peak fits the room left (skip and continue): one numpy pass
    selects the jobs that fit the room at the start of the scan, and a Python pass over
    only those re-checks the shrinking room."""

    def __init__(self, jobs, peaks):
        self.jobs = np.asarray(jobs, dtype=np.int64)
        self.p = np.asarray(peaks, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.jobs)

    def take(self, room: int) -> list[int]:
        if not len(self.jobs):
            return []
        fit = np.flatnonzero(self.p <= room)
        if not fit.size:
            return []
        chosen = []
        for idx, pk in zip(fit.tolist(), self.p[fit].tolist()):
            if pk <= room:
                chosen.append(idx)
                room -= pk
        return self._remove(chosen)

    def take_strict(self, room: int) -> list[int]:
        """Strict list order (no skipping): start the head while its peak fits the room."""
        if not len(self.jobs):
            return []
        cum = np.cumsum(self.p)
        cnt = int(np.searchsorted(cum, room, side="right"))
        return self._remove(list(range(cnt)))

    def _remove(self, chosen: list[int]) -> list[int]:
        started = self.jobs[chosen].tolist()
        keep = np.ones(len(self.jobs), dtype=bool)
        keep[chosen] = False
        self.jobs, self.p = self.jobs[keep], self.p[keep]
        return started


def _list_schedule(jobs: list[int], s: np.ndarray, o: np.ndarray, M: int, t0: int,
                   reserve_peak: bool) -> tuple[dict[int, int], int]:
    """Event-driven list scheduling from local step ``t0``; returns local starts and the
    local end. With ``reserve_peak`` a job reserves ``p = s + o`` for its whole run (the
    proof's rule); without it (a deliberately broken mutant) the test is the current true
    memory ``sum (s_i + age_i + 1)`` of running jobs plus ``s_j + 1``."""
    waiting = list(jobs)
    starts: dict[int, int] = {}
    running: list[tuple[int, int]] = []       # heap of (end, job)
    reserved = 0
    t = t0
    end = t0
    wait: _Waiting | None = None
    while waiting:
        while running and running[0][0] <= t:
            _e, i = heapq.heappop(running)
            reserved -= int(s[i] + o[i])
        if reserve_peak:
            if wait is None:
                wait = _Waiting(waiting, s[waiting] + o[waiting])
            for i in wait.take(M - reserved):
                p = int(s[i] + o[i])
                starts[i] = t
                reserved += p
                heapq.heappush(running, (t + int(o[i]), i))
                end = max(end, t + int(o[i]))
            waiting = waiting if len(wait) else []
        else:
            cur = sum(int(s[i]) + (t - starts[i]) + 1 for _e, i in running)
            still = []
            for i in waiting:
                need = int(s[i]) + 1
                if cur + need <= M:
                    starts[i] = t
                    cur += need
                    reserved += int(s[i] + o[i])
                    heapq.heappush(running, (t + int(o[i]), i))
                    end = max(end, t + int(o[i]))
                else:
                    still.append(i)
            waiting = still
        if waiting:
            if not running:              # cannot happen: p_i <= M always fits alone
                raise AssertionError("list scheduling stalled with nothing running")
            t = running[0][0] if reserve_peak else t + 1
    return starts, end


@register("gba_list", clairvoyant=True, alpha=GBA_LIST_ALPHA, variant="proved",
          description="GBA-LIST: GBA's area-order selection (budgets floor(alpha^k)), big jobs "
                      "(2p > M) in sequence then list scheduling with peak reservation; "
                      "round length < 5 b_k proved (docs/proofs.md)")
def gba_list(instance: Instance, alpha: float = GBA_LIST_ALPHA,
             variant: str = "proved") -> AlgorithmOutput:
    """GBA-LIST(alpha): see the module docstring and docs/proofs.md."""
    if variant not in VARIANTS:
        raise KvschedError(f"variant = {variant!r}: choose from {', '.join(VARIANTS)}")
    a = Fraction(alpha)
    if not a > 1:
        raise KvschedError(f"alpha = {alpha!r} must be > 1")
    s, o, M = instance.s, instance.o, int(instance.M)
    area = instance.area
    key = -area if variant == "largest-area" else area
    order = np.lexsort((np.arange(instance.n), s, o, key))
    o_sorted = o[order]
    unfinished = np.ones(instance.n, dtype=bool)
    jobs, starts, steps = [], [], []
    rounds: list[RoundRecord] = []
    R, k, power = 0, 0, Fraction(1)
    n_left = instance.n
    online = bool(instance.r.any())
    r_sorted = instance.r[order]
    while n_left:
        if online and not (unfinished[order] & (r_sorted <= R)).any():
            R = int(instance.r[unfinished].min())     # idle: next busy period, k from 0
            k, power = 0, Fraction(1)
        b = int(power.numerator // power.denominator)
        power *= a
        avail = unfinished[order] & (r_sorted <= R) if online else unfinished[order]
        cand = order[(o_sorted <= b) & avail]
        if cand.size == 0:
            k += 1
            continue
        budget = M * b
        sel: list[int] = []
        sel_area = 0
        for i in cand.tolist():
            ai = int(area[i])
            if sel_area + ai > budget:
                break
            sel.append(i)
            sel_area += ai
        peak = s[sel] + o[sel]
        serial = variant == "serial"
        big = [i for i, p in zip(sel, peak.tolist()) if serial or 2 * p > M]
        small = [i for i, p in zip(sel, peak.tolist()) if not serial and 2 * p <= M]
        local: dict[int, int] = {}
        t = 0
        for i in big:
            local[i] = t
            t += int(o[i])
        B = t
        st, end = _list_schedule(small, s, o, M, B, reserve_peak=(variant != "no-reservation"))
        local.update(st)
        length = max(B, end)
        for i in sel:
            jobs.append(i)
            starts.append(R + local[i])
            steps.append(int(o[i]))
            unfinished[i] = False
        n_left -= len(sel)
        rounds.append(RoundRecord(
            k=k, start=R, end=R + length, budget=b, attempted=len(sel), finished=len(sel),
            peak_memory=None, wasted_tokens=0,
            extra={"candidates": int(cand.size), "selected": len(sel),
                   "selected_area": sel_area, "area_budget": budget, "length": length,
                   "big": len(big), "big_phase": B,
                   "big_area": int(area[big].sum()) if big else 0,
                   "length_bound": 5 * b, "killed": 0}))
        R += length
        k += 1
    schedule = Schedule(np.asarray(jobs, dtype=np.int64), np.asarray(starts, dtype=np.int64),
                        np.asarray(steps, dtype=np.int64))
    return AlgorithmOutput(schedule, rounds,
                           info={"alpha": float(alpha), "variant": variant,
                                 "rounds": len(rounds), "last_k": k - 1,
                                 "budgets": [r.budget for r in rounds]})


# --- GBA-LIST-OVERLAP: rounds pipelined through one list scheduler ------------------------
GBA_LIST_OVERLAP_ALPHA = 1.8165   # ~ 1 + sqrt(6)/3, minimiser of 2a^2/(a-1) + a (large memory)


@register("gba_list_overlap", clairvoyant=True, alpha=GBA_LIST_OVERLAP_ALPHA,
          description="GBA-LIST with overlapping rounds: one list scheduler with peak "
                      "reservation; round k+1 is selected as soon as round k's last job has "
                      "started; big jobs (2p > M) wait for a drain and run alone "
                      "(docs/proofs.md section 10)")
def gba_list_overlap(instance: Instance, alpha: float = GBA_LIST_OVERLAP_ALPHA,
                     variant: str = "proved") -> AlgorithmOutput:
    """GBA-LIST-OVERLAP(alpha).

    One event-driven list scheduler with peak reservation (``reserved = sum p_i`` of the
    running jobs ``<= M``) and a queue ``Q`` of selected, unstarted jobs. Whenever ``Q`` is
    empty (at time 0, and as soon as the last job of the previous round has *started*), the
    next round ``k`` is selected exactly as in GBA-LIST (budget ``b_k = floor(alpha^k)``,
    smallest-area prefix of the unselected jobs with ``o <= b_k``, area ``<= M b_k``) and
    appended to ``Q``: its big jobs (``2 p > M``) first, then its small jobs. At every event
    time (time 0 and every completion) ``Q`` is scanned in order: a big job starts only
    when nothing is running (a *drain*), and blocks the jobs behind it until then; a small
    job starts if ``reserved + p_i <= M`` (skip and continue). Round ``k`` completes by
    ``F_k < 4 W_k / M + sum_{r<=k} b_{r-1} + b_k <= 5 T_k`` (``W_k`` the area selected in
    rounds ``<= k``), and by ``F_k < 2 W_k/((1-eps) M) + b_k`` when every peak is
    ``<= eps M <= M/2`` (no big jobs, no drains). ``variant="serial"`` (for the tests) runs
    every job alone.
    """
    if variant not in ("proved", "serial"):
        raise KvschedError(f"variant = {variant!r}: choose from proved, serial")
    return _overlap_core(instance, alpha, serial=(variant == "serial"), strict=False,
                         reverse=False, variant=variant)


def _overlap_core(instance: Instance, alpha, *, serial: bool, strict: bool, reverse: bool,
                  variant: str, largest: bool = False) -> AlgorithmOutput:
    """The one list scheduler of GBA-LIST-OVERLAP (``strict=False``: skip and continue)
    and GBA-LIST-FIFO (``strict=True``: the head of ``Q`` blocks everything behind it).
    ``reverse`` (a mutant) reverses the order of each round's small jobs; ``largest`` (a
    deliberately broken mutant) selects by *largest* area first."""
    a = Fraction(alpha)
    if not a > 1:
        raise KvschedError(f"alpha = {alpha!r} must be > 1")
    s, o, M = instance.s, instance.o, int(instance.M)
    area = instance.area
    peak = (s + o).astype(np.int64)
    order = np.lexsort((np.arange(instance.n), s, o, -area if largest else area))
    o_sorted = o[order]
    unselected = np.ones(instance.n, dtype=bool)
    start = np.full(instance.n, -1, dtype=np.int64)
    rounds: list[RoundRecord] = []
    round_jobs: list[list[int]] = []
    Q = False                                    # is some selected job waiting?
    Q_big: list[int] = []
    Q_small = _Waiting([], [])
    running: list[tuple[int, int]] = []          # heap of (end, job)
    reserved = 0
    k, power, t = -1, Fraction(1) / a, 0
    n_unsel = instance.n
    drain_from: int | None = None
    queue: list[int] = []                        # Q's order, for the checks
    online = bool(instance.r.any())
    r_sorted = instance.r[order]

    def is_big(i: int) -> bool:
        return serial or 2 * int(peak[i]) > M

    while True:
        while running and running[0][0] <= t:
            _e, i = heapq.heappop(running)
            reserved -= int(peak[i])
        progress = True
        while progress:
            progress = False
            if not Q and n_unsel and online and not (unselected[order] & (r_sorted <= t)).any():
                k, power = -1, Fraction(1) / a          # nothing released: wait, then restart
            elif not Q and n_unsel:
                avail = unselected[order] & (r_sorted <= t) if online else unselected[order]
                cand = np.empty(0, dtype=np.int64)
                while cand.size == 0:
                    k += 1
                    power *= a
                    b = int(power.numerator // power.denominator)
                    cand = order[(o_sorted <= b) & avail]
                sel, sel_area = [], 0
                for i in cand.tolist():
                    if sel_area + int(area[i]) > M * b:
                        break
                    sel.append(i)
                    sel_area += int(area[i])
                unselected[sel] = False
                n_unsel -= len(sel)
                big = [i for i in sel if is_big(i)]
                small = [i for i in sel if not is_big(i)]
                if reverse:
                    small = small[::-1]
                queue += big + small
                Q_big = big
                Q_small = _Waiting(small, peak[small])
                round_jobs.append(sel)
                rounds.append(RoundRecord(
                    k=k, start=t, end=t, budget=b, attempted=len(sel), finished=len(sel),
                    extra={"candidates": int(cand.size), "selected": len(sel),
                           "selected_area": sel_area, "area_budget": M * b,
                           "big": len(big), "drain": 0, "selected_at": t, "killed": 0}))
                drain_from = t if big else None
            if Q_big:                              # a big job heads Q: nothing behind it starts
                if reserved == 0:
                    i = Q_big.pop(0)
                    if drain_from is not None:
                        rounds[-1].extra["drain"] = t - drain_from
                        drain_from = None
                    start[i] = t
                    reserved += int(peak[i])
                    heapq.heappush(running, (t + int(o[i]), i))
                    progress = True
            else:
                for i in (Q_small.take_strict(M - reserved) if strict
                          else Q_small.take(M - reserved)):
                    start[i] = t
                    reserved += int(peak[i])
                    heapq.heappush(running, (t + int(o[i]), i))
                    progress = True
            Q = bool(Q_big) or bool(len(Q_small))
            if not Q and n_unsel and (not online or (unselected[order] & (r_sorted <= t)).any()):
                progress = True                    # select the next round at the same t
        if not Q and not n_unsel:
            break
        nxt = [running[0][0]] if running else []
        if not Q and online:                       # waiting for a release
            nxt.append(int(instance.r[unselected].min()))
        t = min(nxt)
    jobs = np.arange(instance.n, dtype=np.int64)
    for rec, sel in zip(rounds, round_jobs):
        rec.end = int((start[sel] + o[sel]).max())
        rec.extra["last_start"] = int(start[sel].max())
        rec.extra["length"] = rec.end - rec.start
    schedule = Schedule(jobs, start, o.astype(np.int64))
    return AlgorithmOutput(schedule, rounds,
                           info={"alpha": float(alpha), "variant": variant,
                                 "rounds": len(rounds), "last_k": k,
                                 "budgets": [r.budget for r in rounds],
                                 "queue": queue})


# --- GBA-LIST-FIFO: the overlapped list scheduler in strict queue order -------------------
GBA_LIST_FIFO_ALPHA = 2.4142   # ~ 1 + sqrt(2), minimiser of 2(2a-1)/(a-1) + a (large memory)
FIFO_VARIANTS = ("proved", "skip", "reversed", "largest-area", "serial")


@register("gba_list_fifo", clairvoyant=True, alpha=GBA_LIST_FIFO_ALPHA, variant="proved",
          description="GBA-LIST-FIFO: GBA-LIST-OVERLAP with a strict queue (no skipping: the "
                      "first unstarted job blocks the rest); a job's start is bounded by the "
                      "area queued before it, so partial rounds count (large memory: "
                      "5 + 2 sqrt 2 = 7.83, docs/proofs.md section 13)")
def gba_list_fifo(instance: Instance, alpha: float = GBA_LIST_FIFO_ALPHA,
                  variant: str = "proved") -> AlgorithmOutput:
    """GBA-LIST-FIFO(alpha): rounds selected as in GBA-LIST (``b_k = floor(alpha^k)``,
    smallest-area prefix with area ``<= M b_k``), queued round after round (big jobs of a
    round first, then its small jobs in area order); at every event the head of the queue
    starts if it fits (small: ``reserved + p <= M``; big, ``2p > M``: ``reserved == 0``),
    and nothing behind a blocked head starts. Every step before the start of job ``j`` has
    a refused head, so ``S_j (M - P + 1) <= sum of p_i o_i over the jobs queued before j``
    when every peak ``<= P <= M/2``. ``variant``: ``"skip"`` (skip and continue: the
    overlapped variant's rule), ``"reversed"`` (small jobs of a round in decreasing area),
    ``"largest-area"`` (rounds select the largest areas first), ``"serial"`` (every job
    alone) exist for the tests that show the checks can fail."""
    if variant not in FIFO_VARIANTS:
        raise KvschedError(f"variant = {variant!r}: choose from {', '.join(FIFO_VARIANTS)}")
    return _overlap_core(instance, alpha, serial=(variant == "serial"),
                         strict=(variant != "skip"), reverse=(variant == "reversed"),
                         variant=variant, largest=(variant == "largest-area"))
