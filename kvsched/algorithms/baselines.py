"""Baseline schedulers the paper compares against (SPEC section 3), all event-driven.

* ``fcfs`` (non-clairvoyant): vLLM-style continuous batching with recompute preemption.
* ``mcsf`` (clairvoyant): Memory-Constrained Shortest-First of Jaillet et al. (2025).
* ``sorted_f`` (clairvoyant): batches chosen by ``F(X) = sum_{i in X} o_i / |X|^2``
  (Wang, Ye, Zhou 2025).

Memory bookkeeping used throughout: a set of attempts started at ``a_i`` holds at step
``t`` the memory ``sum_i (s_i + t - a_i + 1) = K + N*t`` with ``K = sum_i (s_i - a_i + 1)``
and ``N`` the number of attempts, so the step at which a fixed set first exceeds ``M`` is
``floor((M - K) / N) + 1`` and no per-token loop is needed. Every schedule is checked by
:func:`kvsched.check` through :func:`~kvsched.algorithms.base.run_algorithm`.
"""
from __future__ import annotations

import heapq
from collections import deque

import numpy as np

from ..instance import Instance
from ..oracle import CompletionOracle
from ..schedule import Schedule
from .base import AlgorithmOutput, register


# ------------------------------------------------------------------------------------------
# FCFS with recompute preemption
# ------------------------------------------------------------------------------------------
@register("fcfs", clairvoyant=False,
          description="vLLM-style FCFS continuous batching, recompute preemption of the "
                      "most recently admitted job (non-clairvoyant baseline)")
def fcfs(oracle: CompletionOracle) -> AlgorithmOutput:
    """vLLM-style first-come-first-served continuous batching with recompute preemption.

    Jobs arrive in index order, all at step 0 (with release dates: each joins the back
    of the queue at its arrival event, ties by index). At every decision step ``t``:

    1. *Preempt.* While the running jobs' memory at step ``t``,
       ``sum_i (s_i + t - a_i + 1)`` (known without ``o``: prompt plus age), exceeds ``M``,
       kill the most recently admitted running job (its progress is lost) and put it at
       the FRONT of the waiting queue (so preempted jobs keep their FCFS order).
    2. *Admit* (only if nothing was preempted at ``t``, as in vLLM's scheduler): while the
       head ``j`` of the waiting queue fits, ``mem(t) + s_j + 1 <= M``, start it at ``t``.
       Admission is strictly in order: a head that does not fit blocks the queue.

    Decision steps are step 0, every completion, the first step at which the running set
    would overflow (``floor((M - K)/N) + 1``) and the step after a preemption (to re-admit).
    Between them memory only grows, so nothing else can be admitted or must be preempted.
    A lone running job never overflows (``s_i + o_i <= M``), so the oldest job always
    progresses and the loop ends.
    """
    s_view = oracle.s                     # live view (-1 until a job arrives)
    s = s_view.tolist()
    M = oracle.M
    waiting = deque(np.flatnonzero(oracle.arrived).tolist())
    running: dict[int, int] = {}          # job -> start, in admission order
    K = N = 0                             # running memory at step t is K + N*t
    t = oracle.now
    decisions = 0
    while oracle.n_done < oracle.n:
        decisions += 1
        preempted = False
        while K + N * t > M:
            job, a = running.popitem()    # LIFO: most recently admitted
            oracle.kill(job)
            K -= s[job] - a + 1
            N -= 1
            waiting.appendleft(job)
            preempted = True
        if not preempted:
            mem = K + N * t
            while waiting and mem + s[waiting[0]] + 1 <= M:
                job = waiting.popleft()
                oracle.start(job)
                running[job] = t
                K += s[job] - t + 1
                N += 1
                mem += s[job] + 1
        target = t + 1 if preempted else ((M - K) // N + 1 if N else None)
        for e in oracle.advance(until=target):
            if e.arrival:                 # joins the back of the queue
                s[e.job] = int(s_view[e.job])
                waiting.append(e.job)
                continue
            a = running.pop(e.job)
            K -= s[e.job] - a + 1
            N -= 1
        t = oracle.now
    return AlgorithmOutput(info={"decision_points": decisions})


# ------------------------------------------------------------------------------------------
# MC-SF
# ------------------------------------------------------------------------------------------
def future_peak(K_run: np.ndarray, end_run: np.ndarray) -> int:
    """Peak over all steps of the memory of jobs holding ``K_i + t`` at step ``t < end_i``
    (``K_i = s_i - a_i + 1`` for a job started at ``a_i``).

    The memory of a fixed set grows linearly between ends, so it peaks at the last step
    ``end_j - 1`` of some job ``j``; there it is ``sum_{i: end_i >= end_j} K_i +
    (end_j - 1) * #{i: end_i >= end_j}``. O(m log m) for m jobs.
    """
    order = np.argsort(end_run, kind="stable")
    e = end_run[order]
    k = K_run[order]
    suffK = np.cumsum(k[::-1])[::-1]                  # sum of K over jobs from j on
    cnt = np.arange(len(e), 0, -1)
    # jobs with equal ends: the first of the tie group sees them all
    first = np.searchsorted(e, e, side="left")
    peak = suffK[first] + (e - 1) * cnt[first]
    return int(peak.max())


def earliest_fit(K_run: np.ndarray, end_run: np.ndarray, s_j: int, o_j: int,
                 lo: int, hi: int, M: int) -> int | None:
    """First step ``tau`` in ``[lo, hi)`` at which job ``j`` started at ``tau`` keeps the
    future profile of the running jobs (holding ``K_i + t`` at ``t < end_i``) plus ``j``
    within ``M``, or ``None``. Requires ``hi <= min(end_run)`` (no running job ends before
    ``tau``, so the running set is fixed) and that the running jobs fit on their own.

    With the ends' last steps ``c_1 <= .. <= c_m`` and ``R(x)`` the running memory at
    step ``x``: at ``c_k <= tau + o_j - 1`` the memory is ``R(c_k) + s_j + c_k - tau + 1``
    (so a prefix maximum of ``R(c_k) + c_k`` gives all of them at once), and at ``j``'s own
    last step it is ``R(tau + o_j - 1) + s_j + o_j``. Vectorised over all ``tau``.
    """
    if hi <= lo:
        return None
    order = np.argsort(end_run, kind="stable")
    e = end_run[order]
    m = len(e)
    suffK = np.append(np.cumsum(K_run[order][::-1])[::-1], 0)

    def R(x: np.ndarray) -> np.ndarray:
        k = np.searchsorted(e, x, side="right")          # first job still running after x
        return suffK[k] + x * (m - k)

    c = e - 1
    prefmax = np.maximum.accumulate(R(c) + c)
    tau = np.arange(lo, hi, dtype=np.int64)
    last = tau + o_j - 1
    own = R(last) + s_j + o_j
    cnt = np.searchsorted(c, last, side="right")          # checkpoints j is running at
    shared = np.where(cnt > 0, prefmax[np.maximum(cnt - 1, 0)] + s_j + 1 - tau, 0)
    ok = np.flatnonzero(np.maximum(own, shared) <= M)
    return int(tau[ok[0]]) if ok.size else None


@register("mcsf", clairvoyant=True,
          description="MC-SF of Jaillet et al. 2025: admit shortest outputs first while "
                      "the future memory profile stays within M; never preempts "
                      "(clairvoyant baseline)", every_step=True)
def mcsf(instance: Instance, every_step: bool = True) -> AlgorithmOutput:
    """Memory-Constrained Shortest-First (Jaillet et al. 2025), offline, all jobs at 0.

    Waiting jobs are ordered by ``(o_i, i)``. At every step ``t`` the waiting jobs are
    taken in that order and started at ``t`` while the *future* memory profile of the
    running jobs plus the ones added stays ``<= M`` at every future step (a job started at
    ``a`` holds ``s_i + t' - a + 1`` at step ``t' < a + o_i``); the first job that would
    break it stops the admissions at ``t`` (the prefix rule: MC-SF adds the largest prefix
    of the sorted waiting list that fits). Jobs are never preempted, so no schedule has
    kills.

    Event-driven but exact per step: the decision steps are step 0, every completion, and
    the first step before the next completion at which the blocked head fits
    (:func:`earliest_fit`); at no other step can the rule admit anything. With
    ``every_step=False`` decisions are taken only at step 0 and at completions (a
    coarser variant, for comparison).

    Release dates: only jobs with ``r_i <= t`` are waiting at ``t``; releases are decision
    steps too (without release dates this is the batch rule, unchanged).
    """
    s, o, M = instance.s, instance.o, instance.M
    n = instance.n
    s_l, o_l, r_l = s.tolist(), o.tolist(), instance.r.tolist()
    by_r = sorted(range(n), key=lambda j: (r_l[j], j))     # release order
    waiting: list[tuple[int, int]] = []    # arrived, not started: (o_i, i)
    q = 0                                  # next job of by_r to arrive
    run_K: list[int] = []                  # K_i = s_i - a_i + 1 of running jobs
    run_end: list[int] = []
    heap: list[tuple[int, int]] = []       # (end, job) of running jobs
    jobs, starts = [], []
    t = 0
    decisions = between = 0
    while len(jobs) < n:
        decisions += 1
        while q < n and r_l[by_r[q]] <= t:
            heapq.heappush(waiting, (o_l[by_r[q]], by_r[q]))
            q += 1
        K_arr = np.array(run_K, dtype=np.int64)
        E_arr = np.array(run_end, dtype=np.int64)
        while waiting:
            j = waiting[0][1]
            K2 = np.append(K_arr, s_l[j] - t + 1)
            E2 = np.append(E_arr, t + o_l[j])
            if future_peak(K2, E2) > M:
                break
            heapq.heappop(waiting)
            K_arr, E_arr = K2, E2
            run_K.append(s_l[j] - t + 1)
            run_end.append(t + o_l[j])
            heapq.heappush(heap, (t + o_l[j], j))
            jobs.append(j)
            starts.append(t)
        if len(jobs) >= n:
            break
        t_arr = r_l[by_r[q]] if q < n else None
        if not heap:                       # nothing runs, nothing waits: next release
            t = t_arr
            continue
        t_next = heap[0][0] if t_arr is None else min(heap[0][0], t_arr)
        if every_step and waiting:
            j = waiting[0][1]
            tau = earliest_fit(K_arr, E_arr, s_l[j], o_l[j], t + 1, t_next, M)
            if tau is not None:
                t = tau
                between += 1
                continue
        t = t_next
        while heap and heap[0][0] <= t:
            heapq.heappop(heap)
        keep = [k for k, e in enumerate(run_end) if e > t]
        run_K = [run_K[k] for k in keep]
        run_end = [run_end[k] for k in keep]
    job_arr = np.array(jobs, dtype=np.int64)
    return AlgorithmOutput(Schedule(job_arr, np.array(starts, dtype=np.int64), o[job_arr]),
                           info={"decision_points": decisions,
                                 "admissions_between_completions": between})


# ------------------------------------------------------------------------------------------
# Sorted-F
# ------------------------------------------------------------------------------------------
def prefix_peak(s_sorted: np.ndarray, o_sorted: np.ndarray, k: int) -> int:
    """Peak memory of the first ``k`` jobs of a list sorted by ``o`` ascending, all
    started together at step 0.

    At step ``o_j - 1`` the jobs with ``o_i >= o_j`` run, each holding ``s_i + o_j``; in
    the sorted prefix that is ``S_k - S_j + (k - j) o_j`` (``S`` the prefix sums of ``s``;
    exact for the first ``j`` of a tie group, smaller for the others), so
    ``peak(k) = max_{j<k} (S_k - S_j + (k - j) o_j)``. Adding a job never lowers the
    memory at any step, so ``peak`` is non-decreasing in ``k``.
    """
    S = np.concatenate([[0], np.cumsum(s_sorted[:k])])
    j = np.arange(k)
    return int((S[k] - S[:-1] + (k - j) * o_sorted[:k]).max())


def feasible_prefix(s_sorted: np.ndarray, o_sorted: np.ndarray, M: int) -> int:
    """Largest ``k`` with ``prefix_peak(k) <= M`` (at least 1 since ``s_i + o_i <= M``):
    doubling then bisection, ``O(k log k)``."""
    m = len(o_sorted)
    lo, hi = 1, 2                       # peak(lo) <= M known
    while hi <= m and prefix_peak(s_sorted, o_sorted, hi) <= M:
        lo, hi = hi, 2 * hi
    hi = min(hi, m + 1)                 # peak(hi) > M, or hi = m + 1 (past the end)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if prefix_peak(s_sorted, o_sorted, mid) <= M:
            lo = mid
        else:
            hi = mid
    return lo


def argmin_F(o_prefix: np.ndarray) -> int:
    """Size ``k`` of the prefix minimising ``F(X_k) = (o_1+..+o_k) / k^2`` exactly
    (rational comparison among the float near-minima; ties go to the larger batch)."""
    P = np.cumsum(o_prefix)
    k = np.arange(1, len(P) + 1)
    f = P / (k.astype(float) ** 2)
    near = np.flatnonzero(f <= f.min() * (1 + 1e-9))
    best = int(near[0])
    for c in near[1:].tolist():
        if int(P[c]) * (best + 1) ** 2 <= int(P[best]) * (c + 1) ** 2:
            best = c
    return best + 1


@register("sorted_f", clairvoyant=True,
          description="Sorted-F of Wang, Ye, Zhou 2025: repeatedly run the batch (a prefix "
                      "by output length that fits when started together) minimising "
                      "F(X) = sum o / |X|^2, to completion (clairvoyant baseline)")
def sorted_f(instance: Instance) -> AlgorithmOutput:
    """Sorted-F batching (our reading of Wang, Ye, Zhou 2025).

    Sort the unfinished jobs by ``(o_i, i)``. A candidate batch is a prefix ``X_k`` of
    that order whose jobs, all started together, fit in memory at every step
    (``peak(X_k) <= M``, exact peak from :func:`prefix_peak`; it is monotone in ``k``).
    Among the feasible prefixes pick ``X`` minimising ``F(X) = sum_{i in X} o_i / |X|^2``
    (ties: the larger batch), start all its jobs at the current step, wait until the
    longest finishes (``max_{i in X} o_i`` steps), remove them, repeat. No kills.
    Each batch costs ``O(K log K)`` vectorised arithmetic, ``K`` the largest feasible
    prefix (:func:`feasible_prefix`).
    """
    if instance.r.any():
        return _sorted_f_online(instance)
    o, s = instance.o, instance.s
    order = np.lexsort((np.arange(instance.n), o))
    s_sorted, o_sorted = s[order], o[order]
    M = instance.M
    n = instance.n
    pos = 0
    t = 0
    starts = np.empty(n, dtype=np.int64)
    batches = 0
    while pos < n:
        rest_s, rest_o = s_sorted[pos:], o_sorted[pos:]
        feasible = feasible_prefix(rest_s, rest_o, M)
        size = argmin_F(rest_o[:feasible])
        starts[pos:pos + size] = t
        batches += 1
        t += int(rest_o[size - 1])
        pos += size
    return AlgorithmOutput(Schedule(order, starts, o_sorted),
                           info={"batches": batches})


# ------------------------------------------------------------------------------------------
# Priority continuous batching with recompute: MLFQ (FastServe-style) and random order
# ------------------------------------------------------------------------------------------
def _priority_batching(oracle: CompletionOracle, priority, quanta=None,
                       preempt_for_priority: bool = False) -> dict:
    """Continuous batching, recompute preemption, admission in priority order.

    ``priority(j, level)`` is a tuple (smaller first), ``level`` the job's current queue
    (0 without ``quanta``). At every decision step ``t``:

    1. *Demote* (``quanta`` given): a running job after ``L`` demotions whose attempt has
       run ``quanta(j, L)`` steps is demoted once more (it keeps running).
    2. *Overflow*: while the running memory ``K + N t`` exceeds ``M``, kill the running job
       of lowest priority; it waits again (its queue is kept, its progress is lost).
    3. *Priority preemption* (``preempt_for_priority``): if the best waiting job ``w`` does
       not fit and the running jobs of lower priority than ``w`` hold enough memory to make
       it fit, kill them, lowest priority first, until it does.
    4. *Admit* (not after an overflow kill, as in vLLM): while the best waiting job fits,
       ``mem(t) + s_w + 1 <= M``, start it (a head that does not fit blocks the queue).

    Decision steps: completions, arrivals, demotions, the first overflow step
    ``floor((M-K)/N) + 1`` and the step after an overflow kill. Only ``s``, ``M``, arrival
    and completion events are read. Returns counters for ``info``."""
    s_view = oracle.s
    s = s_view.tolist()
    M, n = oracle.M, oracle.n
    level = [0] * n
    waiting: list[tuple] = []
    for j in np.flatnonzero(oracle.arrived).tolist():
        heapq.heappush(waiting, (priority(j, 0), j))
    running: dict[int, tuple[int, int]] = {}      # job -> (start, level)
    worst: list[tuple] = []                       # max-heap of running priorities (lazy)
    demote: list[tuple[int, int, int]] = []       # (time, job, level) (lazy)
    K = N = 0
    t = oracle.now
    stats = {"decision_points": 0, "demotions": 0, "overflow_kills": 0, "priority_kills": 0}

    def neg(p):
        return tuple(-x for x in p)

    def push_running(j: int, a: int) -> None:
        running[j] = (a, level[j])
        heapq.heappush(worst, (neg(priority(j, level[j])), j, level[j], a))
        if quanta is not None:
            heapq.heappush(demote, (a + quanta(j, level[j]), j, level[j]))

    def pop_worst():
        while worst:
            _, j, lv, a = worst[0]
            if j in running and running[j] == (a, lv):
                return j
            heapq.heappop(worst)
        return None

    def kill(j: int) -> None:
        nonlocal K, N
        a, _ = running.pop(j)
        oracle.kill(j)
        K -= s[j] - a + 1
        N -= 1
        heapq.heappush(waiting, (priority(j, level[j]), j))

    while oracle.n_done < n:
        stats["decision_points"] += 1
        while demote and demote[0][0] <= t:
            _, j, lv = heapq.heappop(demote)
            if j in running and running[j][1] == lv and level[j] == lv:
                level[j] = lv + 1
                stats["demotions"] += 1
                push_running(j, running[j][0])
        preempted = False
        while K + N * t > M:
            kill(pop_worst())
            stats["overflow_kills"] += 1
            preempted = True
        if not preempted:
            mem = K + N * t
            if preempt_for_priority and waiting and mem + s[waiting[0][1]] + 1 > M:
                pw, w = waiting[0]
                deficit = mem + s[w] + 1 - M
                cand = sorted((j for j, (a, lv) in running.items()
                               if priority(j, lv) > pw),
                              key=lambda j: priority(j, level[j]), reverse=True)
                freed, victims = 0, []
                for j in cand:
                    if freed >= deficit:
                        break
                    freed += s[j] + t - running[j][0] + 1
                    victims.append(j)
                if freed >= deficit:
                    for j in victims:
                        kill(j)
                        stats["priority_kills"] += 1
                    mem = K + N * t
            while waiting and mem + s[waiting[0][1]] + 1 <= M:
                _, j = heapq.heappop(waiting)
                oracle.start(j)
                push_running(j, t)
                K += s[j] - t + 1
                N += 1
                mem += s[j] + 1
        if preempted:
            target = t + 1
        else:
            target = (M - K) // N + 1 if N else None
            while demote and (demote[0][1] not in running
                              or running[demote[0][1]][1] != demote[0][2]):
                heapq.heappop(demote)
            if demote and (target is None or demote[0][0] < target):
                target = demote[0][0]
        for e in oracle.advance(until=target):
            if e.arrival:
                s[e.job] = int(s_view[e.job])
                heapq.heappush(waiting, (priority(e.job, 0), e.job))
                continue
            a, _ = running.pop(e.job)
            K -= s[e.job] - a + 1
            N -= 1
        t = oracle.now
    return stats


MLFQ_Q0 = 8            # quantum of the top queue (decode steps)
MLFQ_PREFILL = 64      # prompt tokens per decode-step equivalent, for skip-join


@register("mlfq", clairvoyant=False, q0=MLFQ_Q0, prefill_rate=MLFQ_PREFILL,
          description="FastServe-style skip-join MLFQ: queues with quanta q0*2^k, a job "
                      "joins the queue whose quantum covers its prefill, demoted when its "
                      "attempt exhausts the quantum, preemption by priority with recompute "
                      "(non-clairvoyant peer)")
def mlfq(oracle: CompletionOracle, q0: int = MLFQ_Q0,
         prefill_rate: int = MLFQ_PREFILL) -> AlgorithmOutput:
    """Skip-join multi-level feedback queue (after FastServe, Wu et al. 2023), with
    recompute preemption instead of KV swapping.

    Queues ``L = 0, 1, ...`` with quanta ``q_L = q0 2^L``. *Skip-join*: a job arrives in
    the first queue whose quantum covers its prefill time, ``L_i = min{L : q_L >=
    ceil(s_i / prefill_rate)}`` (a long prompt starts at lower priority). Priority: queue,
    then release date, then index (FCFS inside a queue). A running job whose current
    attempt has run ``q_L`` steps is demoted to ``L + 1``. Memory and preemption as in
    :func:`_priority_batching`: overflow kills the lowest-priority running job; a waiting
    job of higher priority that does not fit preempts lower-priority running jobs when
    that frees enough memory. Killed jobs restart from scratch (recompute) and keep their
    queue. Non-clairvoyant: it reads ``s``, ``r`` (on arrival), ages and completion events.
    """
    from ..errors import KvschedError
    if int(q0) < 1 or int(prefill_rate) < 1:
        raise KvschedError(f"mlfq: q0 = {q0!r} and prefill_rate = {prefill_rate!r} must be >= 1")
    q0, rate = int(q0), int(prefill_rate)
    r_view = oracle.r
    s_view = oracle.s
    join: dict[int, int] = {}

    def first_level(j: int) -> int:
        if j not in join:
            need = -(-int(s_view[j]) // rate)
            L = 0
            while q0 << L < need:
                L += 1
            join[j] = L
        return join[j]

    def priority(j: int, level: int) -> tuple:
        return (first_level(j) + level, int(r_view[j]), j)

    stats = _priority_batching(oracle, priority,
                               quanta=lambda j, lv: q0 << (first_level(j) + lv),
                               preempt_for_priority=True)
    return AlgorithmOutput(info={"q0": q0, "prefill_rate": rate, **stats})


@register("random", clairvoyant=False, seed=0,
          description="continuous batching in a seeded random order, recompute preemption "
                      "of the lowest-priority running job (non-clairvoyant peer)")
def random_order(oracle: CompletionOracle, seed: int = 0) -> AlgorithmOutput:
    """FCFS's mechanism (:func:`_priority_batching`, no demotion, no priority preemption)
    with a uniformly random priority per job drawn from ``numpy.random.default_rng(seed)``
    (a permutation of ``0..n-1``; jobs not yet arrived are skipped when they come up)."""
    rank = np.random.default_rng(seed).permutation(oracle.n).tolist()
    stats = _priority_batching(oracle, lambda j, level: (rank[j],))
    return AlgorithmOutput(info={"seed": int(seed), **stats})


def _sorted_f_online(instance: Instance) -> AlgorithmOutput:
    """Sorted-F with release dates: each batch is chosen (as in :func:`sorted_f`) among
    the jobs released by the current step ``t``; with none released, ``t`` jumps to the
    next release. Jobs released during a batch wait for the next one."""
    o, s, r = instance.o, instance.s, instance.r
    n = instance.n
    by_r = np.lexsort((np.arange(n), r))
    pending = np.zeros(n, dtype=bool)         # released, not yet run
    q = 0
    t = 0
    jobs, starts = [], []
    batches = 0
    while len(jobs) < n:
        q2 = int(np.searchsorted(r[by_r], t, side="right"))
        pending[by_r[q:q2]] = True
        q = q2
        cand = np.flatnonzero(pending)
        if cand.size == 0:
            t = int(r[by_r[q]])
            continue
        cand = cand[np.lexsort((cand, o[cand]))]
        feasible = feasible_prefix(s[cand], o[cand], instance.M)
        size = argmin_F(o[cand][:feasible])
        batch = cand[:size]
        jobs.extend(batch.tolist())
        starts.extend([t] * size)
        pending[batch] = False
        batches += 1
        t += int(o[batch].max())
    j = np.asarray(jobs, dtype=np.int64)
    return AlgorithmOutput(Schedule(j, np.asarray(starts, dtype=np.int64), o[j]),
                           info={"batches": batches})
