"""A combinatorial exact solver: A* over step-by-step start decisions, with a strong bound.

Split by concern: this module holds the state space (moves, per-running-set data) and the
search; :mod:`lp.astar_bound` the admissible bound and the conflict graph;
:mod:`lp.astar_dominance` the state-dominance store. The proofs of all three are below.

The fast exact method for the small instances kvsched certifies ratios on (on the issue 4
benchmark the time-indexed integer program of :mod:`lp.exact` needs about 10 s at
``n = 14`` and often fails at ``n = 16`` within 60 s; this search typically needs under a
second at ``n = 14`` and a few seconds at ``n = 16``: ``lp/results/bench_exact.log``). It shares no code with
the integer program or :mod:`lp.brute`, and every schedule it returns passes
:func:`kvsched.check`.

**Search space.** An optimal schedule never kills (SPEC section 2; :mod:`lp.brute` checks it
with kills allowed), so a schedule is a start step per job. The state at the start of a step
is ``(W, R)``: ``W`` the jobs not started, ``R = {(j, a)}`` the running jobs with ``a``
steps done (``1 <= a < o_j``). Since ``sum_i C_i = sum_t #{i : C_i > t}``, a step costs
``|W| + |R|`` whatever the absolute time, so states reached at different times are the
same state (the search is time-invariant). A move starts a set ``S`` of ``W``; it is
allowed when the *committed* profile of ``R`` and ``S`` (each running job's memory
``s_j + a + 1 + u`` at future step ``u``, each new one's ``s_i + 1 + u``) is ``<= M`` at
every future step: future starts only add memory, so a move that breaks this leads to no
feasible schedule. Some moves are left out, each keeping every optimal schedule (up to
relabelling identical jobs); the names in brackets switch them off (``rules``, for tests):

* the idle step (``S`` and ``R`` empty): it returns to the same state at a positive cost;
* [``symmetry``] starting a job before an identical one (same ``s``, ``o``) of lower
  index: swapping the labels of identical jobs changes neither cost nor memory;
* [``unit_jobs``] leaving waiting a job with ``o_i = 1`` that fits in this step's memory
  on top of ``R`` and ``S``: if a schedule starts it later, at ``t' > t``, moving it to
  ``t`` adds ``s_i + 1`` to step ``t`` (it fits), frees step ``t'``, changes no other step
  and lowers the cost by ``t' - t``, so no optimal schedule does that.

**Bound** ``h(W, R)`` (admissible: never above the cheapest completion). Running jobs
finish after exactly ``o_j - a`` more steps. For the waiting jobs, put time 0 at the
current step, let ``p(u)`` be the committed profile of ``R`` and
``CC(T) = sum_{u < T} (M - p(u))`` the memory-time it leaves free before ``T``:

* the ``k`` waiting jobs that complete first ran entirely before the ``k``-th of them
  completes, so their areas (``a_i = s_i o_i + o_i(o_i+1)/2``) fit in the free capacity:
  ``C'_[k] >= T_k = min{T : CC(T) >= A_k}``, ``A_k`` the sum of the ``k`` smallest areas
  in ``W`` (the bound of :func:`kvsched.lower_bounds.lb_combined`, on top of ``R``);
* job ``i`` cannot start before ``e_i``, the first step where its whole profile fits on
  top of ``p`` (other jobs only add memory), so ``C'_i >= e_i + o_i`` and
  ``C'_[k] >= `` the ``k``-th smallest ``e_i + o_i``;
* [``cliques``] two jobs that can never run during a common step (:func:`max_overlap`
  is 0) run one after the other in every schedule, and so do the jobs of a clique ``Q``
  of that conflict graph. If ``c`` jobs of ``Q`` wait, at most ``|W| - c`` waiting jobs
  are outside ``Q``, so the ``(c - m)``-th last completion is no earlier than the
  ``m``-th completion inside ``Q``, which is ``>= min_Q e + `` (the ``m`` smallest ``o`` of
  ``Q``). This bounds the tail, where the area bound is weakest: big jobs that cannot
  share memory (on the ``n = 14`` benchmark it cut the states expanded up to 36-fold).

All three bound the same ``C'_[k]``, so ``h = sum_R (o_j - a) + sum_k`` (their maximum).
A* with an admissible bound, re-opening a state whenever a cheaper path to it is found,
returns an optimal schedule. Ties in ``f = g + h`` go to the deeper state.

**State dominance** [``dominance``] (found by a helper session; pruning, not a bound term).
Write ``v(X) = g(X) + sum_R (o_j - a)`` (cost so far plus what the running jobs still
cost) and ``p_X`` for the committed profile of ``X``. A continuation of ``X`` starts each
waiting job ``i`` at a relative step ``tau_i`` and costs ``v(X) + sum_W (tau_i + o_i)``.

* (i) Same ``W``: if a stored ``Y = (W, R_Y)`` has ``v(Y) <= v(X)`` and ``p_Y <= p_X`` at
  every future step, every continuation of ``X`` is feasible from ``Y`` (each step holds
  ``p_Y + new <= p_X + new <= M``) at no higher cost, so ``X`` is dropped; an open ``X``
  is also dropped when such a ``Y`` arrives later.
* (ii) One job ahead: ``Y = (W - {i}, R_Y)`` with ``p_Y <= p_X`` and
  ``v(Y) <= v(X) + e_i(X) + o_i``: ``Y`` copies ``X``'s continuation without ``i``, which
  costs ``X`` at least ``e_i + o_i`` (``i`` cannot start before ``e_i`` on top of ``p_X``).

The copied continuation may break the move rules above from ``Y`` (an idle step, a unit
job left waiting), but then a strictly cheaper one obeys them, so ``Y`` is at least as
good either way. Both rules keep an optimal path open: ``p_Y <= p_X`` means ``Y``'s
running jobs end no later, so ``Y``'s copy takes no more steps than ``X``'s continuation;
by induction on the number of steps an optimal continuation still needs, the best
"good" state (optimal ``g``, on an optimal path) is never lost. Profiles and ``v`` are
packed into one integer per state with a guard bit per field, so one subtraction compares
a new state with all the stored states of a ``W`` at once (the field widths are sized in
:func:`solve`). On the ``n = 14, 16`` benchmark it cut expansions 3.9x and time ~2x.

**Upper bound and proof by exhaustion.** Given the cost ``UB`` of a checked schedule, states
with ``f >= UB`` are dropped: they cannot lead to a cheaper schedule. If the search ends
without reaching the goal, nothing cheaper than ``UB`` exists and that schedule is optimal.

**Lower bound when stopped early.** Some good state is always open (with dominance, by the
induction above), so ``min(UB, min f over the open states)`` is a lower bound on OPT.
"""
from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field
from operator import add

import numpy as np

from kvsched.checker import Report, check
from kvsched.instance import Instance
from kvsched.schedule import Schedule

from . import astar_bound
from .astar_bound import conflict_cliques, max_overlap  # noqa: F401  (public names)
from .astar_dominance import Dominance


@dataclass
class AStarResult:
    """``objective``/``schedule`` are the best checked schedule (``None`` if the search was
    stopped before finding one and no upper-bound schedule was given); ``proven_optimal``
    says the search finished; ``lower_bound`` is a proven bound on OPT."""

    objective: int | None
    schedule: Schedule | None
    proven_optimal: bool
    lower_bound: int
    expansions: int
    seconds: float
    report: Report | None = field(default=None, repr=False)
    stopped: str | None = None          # why the search stopped early, if it did


RULES = ("symmetry", "unit_jobs", "cliques", "dominance")
# Memory guard: the per-running-set cache holds a profile of max(o) + 1 integers each; past
# this many cells (roughly 1 GB of Python ints) the search stops with a lower bound.
MAX_PROFILE_CELLS = 25_000_000


class _Search:
    """The state space of one instance (plain Python ints and tuples: the search touches
    each state a handful of times, and numpy calls would cost more than they save)."""

    def __init__(self, inst: Instance, rules: tuple[str, ...] = RULES):
        unknown = set(rules) - set(RULES)
        if unknown:
            raise ValueError(f"unknown A* rules {sorted(unknown)}; known: {RULES}")
        n, M = inst.n, int(inst.M)
        self.n, self.M = n, M
        self.s = s = [int(v) for v in inst.s]
        self.o = o = [int(v) for v in inst.o]
        self.need = [[s[i] + 1 + u for u in range(o[i])] for i in range(n)]
        area = [s[i] * o[i] + o[i] * (o[i] + 1) // 2 for i in range(n)]
        self.area_order = [(1 << i, area[i]) for i in sorted(range(n),
                                                             key=lambda i: (area[i], i))]
        last: dict[tuple[int, int], int] = {}
        self.prev_same = [-1] * n                # the identical job just before i, if any
        for i in range(n):
            key = (s[i], o[i])
            self.prev_same[i] = last.get(key, -1) if "symmetry" in rules else -1
            last[key] = i
        self.span = span = max(o) + 1            # running codes are j * span + a
        self.need_pad = [tuple(self.need[i]) + (0,) * (span - o[i]) for i in range(n)]
        self.cliques = []                        # sorted by o: (bit, o, job)
        self.in_clique = 0
        for Q in conflict_cliques(inst) if "cliques" in rules else []:
            self.cliques.append([(1 << i, o[i], i) for i in sorted(Q, key=lambda i: (o[i], i))])
            for i in Q:
                self.in_clique |= 1 << i
        self.unit = "unit_jobs" in rules
        self.dominance = "dominance" in rules
        self.pw = M.bit_length() + 1             # packed profile field: value + guard bit
        self._info: dict = {}
        self._tail: dict = {}
        self._moves: dict = {}

    # -- everything that depends on the running set only -------------------------------
    def info(self, R: tuple[int, ...]):
        """Cached per running set ``R``: ``(remaining steps, CC, free, used, ends, fits, rel,
        advanced R, profile, e)``: ``CC[T]`` the free memory-time before ``T``; ``ends``
        ``(bit, e_i + o_i)`` sorted by the end; ``fits`` the jobs with ``e_i = 0``; ``rel``
        the waiting-set bits the moves depend on; ``e[i]`` the earliest fitting start."""
        got = self._info.get(R)
        if got is not None:
            return got
        s, o, M, span = self.s, self.o, self.M, self.span
        prof = [0] * span
        rcost = rmax = 0
        for code in R:
            j, a = divmod(code, span)
            r = o[j] - a
            rcost += r
            rmax = max(rmax, r)
            b = s[j] + a + 1
            for u in range(r):
                prof[u] += b + u
        CC = [0] * (rmax + 1)
        free = 0
        for u in range(rmax):
            free += M - prof[u]
            CC[u + 1] = free
        used = M * rmax - free
        ends, fits, start = [], [], []
        for i in range(self.n):
            nd, oi = self.need[i], o[i]
            e = 0
            while e < rmax and any(prof[e + u] + nd[u] > M for u in range(min(oi, rmax - e))):
                e += 1
            ends.append((e + oi, i))
            start.append(e)
            if e == 0:
                fits.append(i)
        ends.sort()
        ends = [(1 << i, end) for end, i in ends]
        rel = 0                                  # W bits the moves from R depend on
        for i in fits:
            rel |= 1 << i
            if self.prev_same[i] >= 0:
                rel |= 1 << self.prev_same[i]
        adv = tuple(c + 1 for c in R if (c % span) + 1 < o[c // span])
        pk = 0                                   # prof packed, self.pw bits a field
        for u in range(rmax - 1, -1, -1):
            pk = (pk << self.pw) | prof[u]
        got = (rcost, CC, free, used, ends, fits, rel, adv, prof, start, pk)
        self._info[R] = got
        return got

    # the bound (lp.astar_bound): h(W, R) and the clique tail, as methods
    h = astar_bound.h
    tail = astar_bound.tail

    def moves(self, W: int, R: tuple[int, ...]):
        """``[(S mask, next R)]``: every allowed start set (see the module docstring)."""
        _, _, _, _, _, fits, rel, adv, prof, _, _ = self.info(R)
        key = (R, W & rel)
        got = self._moves.get(key)
        if got is not None:
            return got
        M, o, pad, span, prev_same = self.M, self.o, self.need_pad, self.span, self.prev_same
        cand = [i for i in fits if W >> i & 1]
        unit = [(1 << i, M - self.s[i] - 1) for i in cand if o[i] == 1] if self.unit else []
        out = []

        def grow(first: int, S: tuple[int, ...], mask: int, pr: tuple[int, ...]) -> None:
            if (S or R) and not any(pr[0] <= room for b, room in unit if not mask & b):
                new = tuple(i * span + 1 for i in S if o[i] > 1)
                out.append((mask, tuple(sorted(adv + new)) if new else adv))
            for x in range(first, len(cand)):
                i = cand[x]
                p = prev_same[i]
                if p >= 0 and W >> p & 1 and not mask >> p & 1:
                    continue
                nxt = tuple(map(add, pr, pad[i]))
                if max(nxt) <= M:
                    grow(x + 1, S + (i,), mask | 1 << i, nxt)

        grow(0, (), 0, tuple(prof))
        self._moves[key] = out
        return out


def root_bound(inst: Instance) -> int:
    """The bound ``h`` of the empty start (nothing running): per completion rank the
    maximum of the area bound, the ``k``-th smallest ``o`` (so it is ``>= lb_combined``)
    and the conflict-clique tail. Cheap, and on clique-heavy instances above the LP."""
    return _Search(inst).h((1 << inst.n) - 1, ())


def solve(inst: Instance, upper_bound: Schedule | None = None,
          time_limit: float | None = None, max_states: int = 4_000_000,
          rules: tuple[str, ...] = RULES) -> AStarResult:
    """Exact optimum of ``inst`` by A* (module docstring).

    ``upper_bound``: a feasible schedule (checked here); states that cannot beat it are
    dropped, and it is returned, proven optimal, if nothing cheaper exists. ``time_limit``
    (seconds) and ``max_states`` (states generated) stop the search early: the result then
    carries the upper-bound schedule (if any) and a proven lower bound, not optimality.
    ``rules``: the pruning rules and bound terms of the module docstring to use."""
    t0 = time.perf_counter()
    ub_report = None
    ub = None
    if upper_bound is not None:
        ub_report = check(upper_bound, inst)
        ub = ub_report.objective
    S = _Search(inst, rules)
    root = ((1 << inst.n) - 1, ())
    h0 = S.h(*root)
    dist = {root: 0}
    parent: dict = {root: None}
    heap = [(h0, 0, 0, root)]
    count = 1
    expansions = 0
    goal = None
    stopped = None
    dom = Dominance(S, inst) if S.dominance else None
    dead = dom.dead if dom is not None else set()
    while heap:
        f, negg, _, state = heapq.heappop(heap)
        g = -negg
        if g > dist[state]:
            continue
        if state in dead:
            continue
        W, R = state
        if not W and not R:
            goal = state
            break
        expansions += 1
        # the state budget is checked at every expansion (two len() calls), so even a
        # budget of one state stops the search; the clock only every 1024 expansions
        if len(dist) > max_states or len(S._info) * S.span > MAX_PROFILE_CELLS:
            stopped = f"state budget ({len(dist)} states, {len(S._info)} running sets)"
            heapq.heappush(heap, (f, negg, 0, state))
            break
        if expansions & 1023 == 0 and time_limit is not None \
                and time.perf_counter() - t0 > time_limit:
            stopped = f"time limit {time_limit:g} s"
            heapq.heappush(heap, (f, negg, 0, state))
            break
        g2 = g + W.bit_count() + len(R)
        for mask, nR in S.moves(W, R):
            nxt = (W & ~mask, nR)
            old = dist.get(nxt)
            if old is not None and old <= g2:
                continue
            W2 = nxt[0]
            if dom is not None and not dom.admit(W2, nR, g2, dist):
                continue
            f2 = g2 + S.h(W2, nR)
            if ub is not None and f2 >= ub:
                continue
            dist[nxt] = g2
            dead.discard(nxt)
            parent[nxt] = (state, mask)
            heapq.heappush(heap, (f2, -g2, count, nxt))
            count += 1
    seconds = time.perf_counter() - t0
    if goal is not None:
        sched = _schedule(inst, parent, goal)
        report = check(sched, inst)
        if report.objective != dist[goal]:
            raise RuntimeError(f"A*: path cost {dist[goal]} but the schedule costs "
                               f"{report.objective}")
        return AStarResult(report.objective, sched, True, report.objective, expansions,
                           seconds, report)
    if stopped is None:          # exhausted: nothing cheaper than the upper bound exists
        if ub is None:           # cannot happen: one job at a time is always allowed
            raise RuntimeError("A* found no schedule")
        return AStarResult(ub, upper_bound, True, ub, expansions, seconds, ub_report)
    lb = min(heap[0][0], ub) if ub is not None else heap[0][0]
    return AStarResult(ub, upper_bound, False, int(lb), expansions, seconds, ub_report,
                       stopped)


def _schedule(inst: Instance, parent: dict, goal) -> Schedule:
    """Replay the path to ``goal``: the ``t``-th move starts its set at step ``t``."""
    masks = []
    state = goal
    while parent[state] is not None:
        state, mask = parent[state]
        masks.append(mask)
    starts = np.full(inst.n, -1, dtype=np.int64)
    for t, mask in enumerate(reversed(masks)):
        for i in range(inst.n):
            if mask >> i & 1:
                starts[i] = t
    return Schedule(np.arange(inst.n), starts, inst.o)
