"""Non-clairvoyant GSA variants without round barriers (issue 15), event-driven.

All read ``s``, ``M`` and completion events only, through the
:class:`~kvsched.oracle.CompletionOracle`. Common structure (*per-job geometric slices*):

* job ``i`` carries a budget ``b_i`` (initially ``tau_0``); an attempt of ``i`` started at
  ``a`` *reserves* the worst-case profile ``s_i + (t - a + 1)`` for ``t in [a, a + l)``
  with slice ``l = min(b_i, M - s_i)`` (``s_i + o_i <= M`` is public, so a slice of
  ``M - s_i`` always completes);
* feasibility is kept on reservations: the future peak of all reserved profiles
  (:func:`~kvsched.algorithms.baselines.future_peak`) stays ``<= M``; every attempt holds
  at most what it reserved, so the executed schedule is feasible;
* waiting jobs are admitted in order of smallest truncated area ``s_i l + l(l+1)/2``
  (ties: ``s``, index) while the reservation fits (prefix rule), at every completion, at
  every slice end, and at the first step at which the blocked head fits;
* at a slice end (the job is seen *not* to have completed after ``l`` steps):

  - ``gsa_pj`` (per-job doubling): kill; ``b_i <- alpha b_i``; back to the queue;
  - ``gsa_elastic`` (kill only when memory is needed): try to *extend* the running
    attempt's reservation to ``min(alpha l, M - s_i)`` steps; if the extended profile
    fits, the attempt continues (no progress lost), otherwise it is killed as in
    ``gsa_pj``. Extensions are tried before any admission at that step.

The budgets are the per-job geometric sequence ``tau_0 alpha^j``; ``tau_0`` is a public
parameter (``1`` reproduces GSA's first budget). With ``learn=True`` the starting budget
of a job at its first admission is the median of the output lengths *completed so far*
(at least ``tau_0``): this uses revealed information only (non-clairvoyant about each
job). Pseudo-code and the guarantee chain: docs/trace.md and bounds/chain_gsa_variants.py.
"""
from __future__ import annotations

import heapq

import numpy as np

from ..oracle import CompletionOracle
from .base import AlgorithmOutput, register
from .baselines import earliest_fit, future_peak

VARIANT_ALPHA = 2.0


class _Reservations:
    """Reserved profiles of the running attempts: ``K_j + t`` at steps ``t < E_j`` with
    ``K_j = s_j - a_j + 1``; the fit test is :func:`future_peak` (exact, O(m log m))."""

    def __init__(self, M: int):
        self.M = M
        self.K: dict[int, int] = {}
        self.E: dict[int, int] = {}

    def arrays(self):
        return (np.fromiter(self.K.values(), np.int64, len(self.K)),
                np.fromiter(self.E.values(), np.int64, len(self.E)))

    def fits_with(self, K_new: int, E_new: int, drop: int | None = None) -> bool:
        K, E = self.K, self.E
        keys = [j for j in K if j != drop]
        Ka = np.fromiter((K[j] for j in keys), np.int64, len(keys))
        Ea = np.fromiter((E[j] for j in keys), np.int64, len(keys))
        return future_peak(np.append(Ka, K_new), np.append(Ea, E_new)) <= self.M


def _per_job_slicing(oracle: CompletionOracle, alpha: float, tau0: int, extend: bool,
                     learn: bool) -> AlgorithmOutput:
    from ..errors import KvschedError
    if not alpha > 1:
        raise KvschedError(f"alpha = {alpha!r} must be > 1")
    if int(tau0) < 1:
        raise KvschedError(f"tau0 = {tau0!r} must be >= 1")
    M, n = oracle.M, oracle.n
    s = oracle.s.tolist()
    budget = [0] * n                         # 0: not yet admitted (gets tau0 / learned)
    seen: list[int] = []                     # revealed output lengths (completions)
    res = _Reservations(M)
    start: dict[int, int] = {}               # running job -> attempt start
    slice_len: dict[int, int] = {}           # running job -> current slice (steps)
    heap: list[tuple[int, int, int]] = []    # waiting: (truncated area, s, job)
    ends: list[tuple[int, int]] = []         # (slice end, job) of running attempts
    stats = {"extensions": 0, "kills": 0, "decision_points": 0}

    def key(j: int) -> tuple[int, int, int]:
        b = budget[j] or tau0
        ln = min(b, M - s[j])
        return (s[j] * ln + ln * (ln + 1) // 2, s[j], j)

    for j in range(n):
        heap.append(key(j))
    heapq.heapify(heap)

    def first_budget() -> int:
        if learn and seen:
            return max(tau0, int(np.median(seen)))
        return tau0

    def admit(t: int) -> None:
        while heap:
            _, _, j = heap[0]
            if budget[j] == 0:
                budget[j] = first_budget()
                heapq.heapreplace(heap, key(j))
                continue
            ln = min(budget[j], M - s[j])
            if not res.fits_with(s[j] - t + 1, t + ln):
                return
            heapq.heappop(heap)
            oracle.start(j)
            start[j], slice_len[j] = t, ln
            res.K[j], res.E[j] = s[j] - t + 1, t + ln
            heapq.heappush(ends, (t + ln, j))

    def head_fit_time(t: int) -> int | None:
        """First step in (t, next slice end) at which the blocked head fits."""
        if not heap or not res.K:
            return None
        _, _, j = heap[0]
        if budget[j] == 0:
            return None
        ln = min(budget[j], M - s[j])
        K, E = res.arrays()
        hi = int(E.min())
        return earliest_fit(K, E, s[j], ln, t + 1, hi, M)

    t = 0
    admit(0)
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
        for e in events:                      # completions only (no limits are set)
            j = e.job
            del start[j], slice_len[j], res.K[j], res.E[j]
            seen.append(e.time - e.start)
        # slice ends at t: the job has run l steps without completing
        expired = []
        while ends and ends[0][0] <= t:
            end, j = heapq.heappop(ends)
            if j in start and res.E[j] == end:
                expired.append(j)
        expired.sort(key=lambda j: key(j))
        for j in expired:
            ln = slice_len[j]
            new = min(int(np.ceil(alpha * ln - 1e-9)), M - s[j])
            new = max(new, ln + 1)
            if extend and res.fits_with(res.K[j], start[j] + new, drop=j):
                slice_len[j] = new
                res.E[j] = start[j] + new
                heapq.heappush(ends, (start[j] + new, j))
                stats["extensions"] += 1
                continue
            oracle.kill(j)
            stats["kills"] += 1
            del start[j], slice_len[j], res.K[j], res.E[j]
            budget[j] = max(int(np.ceil(alpha * budget[j] - 1e-9)), budget[j] + 1,
                            new if extend else 0)
            heapq.heappush(heap, key(j))
        admit(t)
    return AlgorithmOutput(info={"alpha": float(alpha), "tau0": int(tau0), "learn": learn,
                                 **stats})


@register("gsa_pj", clairvoyant=False, alpha=VARIANT_ALPHA, tau0=1,
          description="GSA variant: per-job geometric slices (kill at slice end, budget "
                      "x alpha), no round barriers, reservation-checked admission in "
                      "truncated-area order (non-clairvoyant)")
def gsa_pj(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA,
           tau0: int = 1) -> AlgorithmOutput:
    """Per-job doubling (module docstring)."""
    return _per_job_slicing(oracle, alpha, tau0, extend=False, learn=False)


@register("gsa_elastic", clairvoyant=False, alpha=VARIANT_ALPHA, tau0=1,
          description="GSA variant: per-job geometric slices, a slice that ends is "
                      "extended x alpha when its reservation still fits, killed only "
                      "when memory is needed (non-clairvoyant)")
def gsa_elastic(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA,
                tau0: int = 1) -> AlgorithmOutput:
    """Per-job doubling with extension instead of kill when it fits (module docstring)."""
    return _per_job_slicing(oracle, alpha, tau0, extend=True, learn=False)


@register("gsa_elastic_learn", clairvoyant=False, alpha=VARIANT_ALPHA, tau0=1,
          description="gsa_elastic whose first slice is the median output length "
                      "completed so far (revealed information only; non-clairvoyant)")
def gsa_elastic_learn(oracle: CompletionOracle, alpha: float = VARIANT_ALPHA,
                      tau0: int = 1) -> AlgorithmOutput:
    """gsa_elastic with a learned first budget (module docstring)."""
    return _per_job_slicing(oracle, alpha, tau0, extend=True, learn=True)
