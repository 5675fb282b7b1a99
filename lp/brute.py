"""An independent exact solver for tiny instances: A* search over step-by-step decisions.

Shares no code with :mod:`lp.exact` (only kvsched's Instance, Schedule and check).

State at the start of a step: the set ``W`` of jobs not started (or killed, when kills are
allowed) and the running attempts ``R = {(job, age)}``. A decision starts a subset
``S`` of ``W`` (and, with ``allow_kills``, kills a subset of ``R``, freeing its memory at
once); it is feasible if the step's memory ``sum_R (s_j + age_j + 1) + sum_S (s_i + 1)``
is ``<= M``. The step costs ``|W| + |R|`` (the jobs unfinished during it), since
``sum_i C_i = sum_t #{i : C_i > t}``; a job whose age reaches ``o`` completes.

Only one move is excluded: the idle step with nothing running and nothing started, which
returns to the same state at a positive cost, so no optimal path uses it (no horizon
bound is assumed). Heuristic: every unfinished job still needs its remaining steps
(``o - age``), and a step lowers that sum by at most ``|W| + |R|`` (kills only raise it),
so ``h = sum of remaining steps`` is admissible and consistent and A* returns an optimum.
With ``allow_kills=True`` it searches schedules with kills too, checking SPEC's "an
optimal schedule never kills" independently of the integer program.
"""
from __future__ import annotations

import heapq
from itertools import combinations

from kvsched.checker import check
from kvsched.instance import Instance
from kvsched.schedule import Schedule


def _subsets(items):
    for r in range(len(items) + 1):
        yield from combinations(items, r)


def solve(inst: Instance, allow_kills: bool = False, max_states: int = 2_000_000
          ) -> tuple[int, Schedule]:
    """``(OPT, optimal schedule)`` of a tiny instance (n <= 5 or so). The schedule is
    checked; raises ``RuntimeError`` if more than ``max_states`` states are expanded."""
    n, M = inst.n, inst.M
    s = [int(v) for v in inst.s]
    o = [int(v) for v in inst.o]
    start_state = (frozenset(range(n)), ())
    h0 = sum(o)
    dist = {start_state: 0}
    parent: dict = {start_state: None}
    heap = [(h0, 0, 0, start_state)]
    counter = 1
    expanded = 0
    goal = None
    while heap:
        f, g, _, state = heapq.heappop(heap)
        if g > dist[state]:
            continue
        W, R = state
        if not W and not R:
            goal = state
            break
        expanded += 1
        if expanded > max_states:
            raise RuntimeError(f"brute force: more than {max_states} states; instance too big")
        step_cost = len(W) + len(R)
        kill_sets = list(_subsets(R)) if allow_kills else [()]
        for K in kill_sets:
            keep = [r for r in R if r not in K]
            base = sum(s[j] + a + 1 for j, a in keep)
            if base > M:
                continue
            waiting = sorted(W | {j for j, _ in K})
            for S in _subsets(waiting):
                if not S and not keep:
                    continue
                mem = base + sum(s[i] + 1 for i in S)
                if mem > M:
                    continue
                running = [(j, a + 1) for j, a in keep] + [(i, 1) for i in S]
                nxt_R = tuple(sorted((j, a) for j, a in running if a < o[j]))
                nxt = (frozenset(waiting) - frozenset(S), nxt_R)
                g2 = g + step_cost
                if g2 < dist.get(nxt, 1 << 60):
                    dist[nxt] = g2
                    parent[nxt] = (state, K, S)
                    h = sum(o[i] for i in nxt[0]) + sum(o[j] - a for j, a in nxt_R)
                    heapq.heappush(heap, (g2 + h, g2, counter, nxt))
                    counter += 1
    if goal is None:           # cannot happen: running jobs one at a time always works
        raise RuntimeError("brute force found no schedule")
    path = []
    st = goal
    while parent[st] is not None:
        prev, K, S = parent[st]
        path.append((K, S))
        st = prev
    path.reverse()
    attempts = []
    open_start: dict[int, int] = {}
    for t, (K, S) in enumerate(path):
        for j, a in K:
            attempts.append((j, open_start.pop(j), a))
        for i in S:
            open_start[i] = t
        for j, a0 in list(open_start.items()):
            if t + 1 - a0 == o[j]:
                attempts.append((j, a0, o[j]))
                del open_start[j]
    sched = Schedule.from_attempts(attempts)
    obj = check(sched, inst).objective
    if obj != dist[goal]:
        raise RuntimeError(f"brute force: path cost {dist[goal]} but schedule costs {obj}")
    return obj, sched
