"""Exact OPT for tiny instances, shared across a whole box: a memoised DP over canonical
(time-invariant) states.

**State.** At the start of a step: ``W`` the multiset of job types ``(s, o)`` not started
and ``R`` the multiset of running ``(s, o, a)`` with ``1 <= a < o`` steps done. Since
``sum_i C_i = sum_t #{i : C_i > t}``, a step costs ``|W| + |R|`` wherever it happens, so

    f(W, R) = |W| + |R| + min_S f(W - S, R + S advanced one step),     f({}, {}) = 0,

over the sub-multisets ``S`` of ``W`` started now. An optimal schedule never kills (SPEC
section 2), so a schedule is a start step per job and this recursion is exact. The state
names job *types*, not jobs, so identical jobs are one choice (no symmetric copies), and a
state reached in different instances of the same ``M`` is the same state: one memo per
``M`` serves the whole box (every sub-instance reached after some jobs finish is shared).

**Moves.** ``S`` is allowed when the *committed* profile of ``R`` and ``S`` (a running job
holds ``s + a + 1 + u`` at future step ``u`` until it ends) is ``<= M`` at every future
step. Starting later only adds memory, so a move that breaks this reaches no complete
schedule; one that keeps it always completes (run the rest one by one afterwards). The
profile is largest at some job's last step, so it is checked there only. The idle step
(``S`` and ``R`` empty) is left out: it returns to the same state at a positive cost.

The optimal schedule is rebuilt from the memo's argmin moves and passed through
:func:`kvsched.check` by :func:`solve` (never count an unchecked schedule). Tests compare
the value with ``lp.astar`` and ``lp.brute`` on samples of the box.
"""
from __future__ import annotations

import sys

from kvsched.checker import check
from kvsched.instance import Instance
from kvsched.schedule import Schedule

_MEMO: dict[int, dict] = {}
MEMO_LIMIT = 3_000_000            # states kept before the memo is cleared


def _sub_multisets(W: tuple):
    """Distinct sub-multisets of the sorted tuple ``W`` (as sorted tuples, with the rest)."""
    distinct = []
    for w in W:
        if distinct and distinct[-1][0] == w:
            distinct[-1][1] += 1
        else:
            distinct.append([w, 1])
    out = [((), W)]
    for w, m in distinct:
        nxt = []
        for take, _ in out:
            for c in range(m + 1):
                nxt.append((take + (w,) * c, None))
        out = nxt
    res = []
    for take, _ in out:
        rest = list(W)
        for x in take:
            rest.remove(x)
        res.append((take, tuple(rest)))
    return res


_SUBS: dict = {}


def _subs(W):
    got = _SUBS.get(W)
    if got is None:
        got = _sub_multisets(W)
        if len(_SUBS) < 500_000:
            _SUBS[W] = got
    return got


class TinyOpt:
    """The DP for one memory ``M`` (memo shared by every instance of that ``M``)."""

    def __init__(self, M: int):
        self.M = M
        if M not in _MEMO:              # chunks come in order of M: keep one memo only
            _MEMO.clear()
        self.memo = _MEMO.setdefault(M, {})
        if len(self.memo) > MEMO_LIMIT:
            self.memo.clear()

    def value(self, W: tuple, R: tuple) -> int:
        """``f(W, R)``: ``W`` sorted ``(s, o)`` pairs, ``R`` sorted ``(s, o, a)`` triples."""
        key = (W, R)
        got = self.memo.get(key)
        if got is not None:
            return got[0]
        if not W and not R:
            return 0
        M = self.M
        k = len(W) + len(R)
        base_now = 0
        for (s, o, a) in R:
            base_now += s + a + 1
        best, best_S = None, None
        for S, rest in _subs(W):
            if not S and not R:
                continue
            mem = base_now
            for (s, o) in S:
                mem += s + 1
            if mem > M:
                continue
            # committed profile: (s + a + 1 + u) while u < o - a, for R and S (a = 0)
            jobs = [(s + a + 1, o - a) for (s, o, a) in R] + [(s + 1, o) for (s, o) in S]
            ok = True
            for (_, rem_j) in jobs:
                u = rem_j - 1
                tot = 0
                for (m0, rem) in jobs:
                    if rem > u:
                        tot += m0 + u
                if tot > M:
                    ok = False
                    break
            if not ok:
                continue
            nR = [(s, o, a + 1) for (s, o, a) in R if a + 1 < o]
            nR += [(s, o, 1) for (s, o) in S if o > 1]
            nR.sort()
            v = self.value(rest, tuple(nR))
            if best is None or v < best:
                best, best_S = v, S
        val = k + best
        self.memo[key] = (val, best_S)
        return val

    def schedule(self, jobs: list[tuple[int, int]]) -> Schedule:
        """An optimal schedule of the instance ``jobs`` (list of ``(s, o)``), from the
        memo's argmin moves; job indices follow ``jobs``."""
        W = tuple(sorted(jobs))
        R: tuple = ()
        self.value(W, R)
        free: dict[tuple, list[int]] = {}
        for i, j in enumerate(jobs):
            free.setdefault(j, []).append(i)
        attempts = []
        t = 0
        while W or R:
            S = self.memo[(W, R)][1]
            rest = list(W)
            for (s, o) in S:
                rest.remove((s, o))
                attempts.append((free[(s, o)].pop(0), t, o))
            nR = [(s, o, a + 1) for (s, o, a) in R if a + 1 < o]
            nR += [(s, o, 1) for (s, o) in S if o > 1]
            W, R = tuple(rest), tuple(sorted(nR))
            t += 1
        return Schedule.from_attempts(attempts)


def opt_value(jobs, M: int) -> int:
    """The exact optimum of the tiny instance ``jobs`` (``(s, o)`` pairs) with memory ``M``."""
    return TinyOpt(M).value(tuple(sorted(jobs)), ())


def solve(inst: Instance) -> tuple[int, Schedule]:
    """``(OPT, optimal schedule)`` of a tiny instance; the schedule passes
    :func:`kvsched.check` and its cost equals the DP value (else ``AssertionError``)."""
    jobs = [(int(s), int(o)) for s, o in zip(inst.s, inst.o)]
    dp = TinyOpt(int(inst.M))
    v = dp.value(tuple(sorted(jobs)), ())
    sched = dp.schedule(jobs)
    rep = check(sched, inst)
    if rep.objective != v:
        raise AssertionError(f"DP value {v} but its schedule costs {rep.objective}")
    return v, sched


def clear() -> None:
    _MEMO.clear()
    _SUBS.clear()


sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
