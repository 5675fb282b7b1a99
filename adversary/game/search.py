"""The exact game value: bisection on the ratio with an AND-OR search over information
states (docs/game.md gives the argument).

**Information state.** At the start of a step each job is *waiting* (not running; the
policy knows ``o_i > lb_i``), *running* at age ``a >= 1`` (``o_i > lb_i >= a``) or *done*
with its length ``o_i``. The policy sees exactly this, the time ``t`` and the done jobs'
completion times. Write ``k`` for the number of unfinished jobs and
``base = sum_{done} C_i + k t``; then ``sum_i C_i = base + (what the rest costs from t)``,
and the subgame from a state depends on ``t`` and the completion times only through
``base``. So the search key is the per-job tuple and ``base`` is carried (one step adds
``k`` to it, whatever happens).

**Moves.** The policy (OR node) keeps, kills or restarts each running job and starts any
waiting ones, subject to ``sum_{kept} (s_i + a_i + 1) + sum_{started} (s_i + 1) <= M``
(exactly checkable); running nothing is excluded (an idle step with nothing running
changes no information and only shifts every later completion by one, so dropping it
strictly helps). The adversary (AND node) answers, for each job that ran at new age
``d``: completed (``o_i = d``, allowed iff ``d > lb_i``) or not (``o_i > d``, allowed iff
``d < U_i``). Each leaf of a policy's tree is exactly one o-vector, so max over o equals
max over the adversary's answers, and min over policies of that is the AND-OR value.

**Test ``G(r)``: can the policy guarantee ``sum C_i <= r OPT(o)`` for every o?** A state
is lost at once if some consistent o has ``base + sum_{unfinished} (o_i - a_i) > r OPT(o)``
(each unfinished job needs its remaining steps; ``a_i = 0`` if waiting). That is
``q base > min_box (p OPT(o) - q sum rem)`` for ``r = p/q``, a threshold per key. Since
``base`` grows by ``k >= 1`` per step and the threshold is at most ``r max OPT``, every
branch is finite: this is the sound horizon. Win/loss is monotone in ``base`` (a lower
base makes every leaf easier), so the memo keeps per key the largest base won (with its
move) and the smallest base lost.

**Value.** ``V = min{r : G(r)}`` is attained by a policy on some o, so it lies in the
finite set ``{A / B : B an OPT value, B <= A <= r0 B}`` with ``r0`` the worst ratio of
running the jobs one at a time in index order (a valid policy, so ``G(r0)`` holds).
Bisection on that sorted set; after each successful test the winning policy is replayed
on every o (each schedule checked by kvsched.check) and its exact worst ratio becomes the
new upper end.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product

import numpy as np

from kvsched.checker import check
from kvsched.schedule import Schedule

from .family import Family, opt_table

WAIT, RUN, DONE = 0, 1, 2
OFF, KEEP, FRESH = 0, 1, 2          # a job's move: not running, continue, (re)start at age 1


class _Game:
    """The game graph of a family (independent of r): transitions per key, cached."""

    def __init__(self, fam: Family, opt: np.ndarray):
        self.fam, self.opt = fam, opt
        self.s, self.U, self.M = fam.s, fam.U, fam.M
        self.root = tuple((WAIT, 0, 0) for _ in fam.s)
        self._trans: dict = {}

    def moves(self, key):
        """``[(move, [child keys])]``: every feasible non-idle move and its answers."""
        got = self._trans.get(key)
        if got is not None:
            return got
        s, U, M = self.s, self.U, self.M
        opts = []
        for (kind, a, lb) in key:
            opts.append((OFF,) if kind == DONE else
                        (OFF, FRESH) if kind == WAIT else (OFF, KEEP, FRESH))
        out = []
        for mv in product(*opts):
            mem = 0
            running = False
            per_job = []
            for i, ((kind, a, lb), m) in enumerate(zip(key, mv)):
                if kind == DONE:
                    per_job.append(((kind, a, lb),))
                    continue
                if m == OFF:
                    per_job.append(((WAIT, 0, lb),))
                    continue
                d = a + 1 if m == KEEP else 1
                mem += s[i] + d
                running = True
                ans = []
                if d < U[i]:
                    ans.append((RUN, d, max(lb, d)))          # not yet: o_i > d
                if d > lb:
                    ans.append((DONE, d, 0))                  # completed: o_i = d
                per_job.append(tuple(ans))
            if not running or mem > M:
                continue
            out.append((mv, [tuple(c) for c in product(*per_job)]))
        # try first the moves that run most (a good policy rarely idles memory)
        out.sort(key=lambda e: (-sum(m != OFF for m in e[0]), -sum(m == KEEP for m in e[0])))
        self._trans[key] = out
        return out

    @staticmethod
    def k(key) -> int:
        return sum(1 for (kind, _, _) in key if kind != DONE)


class _Test:
    """``G(p/q)``: memoised AND-OR search (module docstring)."""

    def __init__(self, g: _Game, p: int, q: int):
        self.g, self.p, self.q = g, p, q
        self.thr: dict = {}
        self.win: dict = {}        # key -> largest base won
        self.move: dict = {}       # key -> the move that won there
        self.lose: dict = {}       # key -> smallest base lost
        self.nodes = 0

    def threshold(self, key) -> int:
        t = self.thr.get(key)
        if t is None:
            idx, rem = [], []
            for i, (kind, a, lb) in enumerate(key):
                if kind == DONE:
                    idx.append(slice(a - 1, a))
                    rem.append(np.zeros(1, dtype=np.int64))
                else:
                    idx.append(slice(lb, self.g.U[i]))
                    rem.append(np.arange(lb + 1, self.g.U[i] + 1, dtype=np.int64) - a)
            box = self.g.opt[tuple(idx)] * self.p
            for i, r in enumerate(rem):
                shape = [1] * len(rem)
                shape[i] = len(r)
                box = box - self.q * r.reshape(shape)
            t = int(box.min())
            self.thr[key] = t
        return t

    def wins(self, key, base: int) -> bool:
        if self.q * base > self.threshold(key):
            return False
        k = _Game.k(key)
        if k == 0:
            return True
        if base <= self.win.get(key, -1):
            return True
        if base >= self.lose.get(key, sys.maxsize):
            return False
        self.nodes += 1
        nb = base + k
        for mv, children in self.g.moves(key):
            if all(self.wins(c, nb) for c in children):
                if base > self.win.get(key, -1):
                    self.win[key] = base
                    self.move[key] = mv
                return True
        if base < self.lose.get(key, sys.maxsize):
            self.lose[key] = base
        return False


def play(fam: Family, policy: dict, o) -> tuple[int, Schedule]:
    """Replay ``policy`` (key -> move) against the lengths ``o``: the cost and the
    schedule (checked by kvsched.check here)."""
    key = tuple((WAIT, 0, 0) for _ in fam.s)
    start = [None] * fam.n
    attempts = []
    t = 0
    while any(kind != DONE for kind, _, _ in key):
        mv = policy[key]
        new = []
        for i, ((kind, a, lb), m) in enumerate(zip(key, mv)):
            if kind == DONE:
                new.append((kind, a, lb))
                continue
            if kind == RUN and m != KEEP:                    # kill (restart or not)
                attempts.append((i, start[i], a))
            if m == OFF:
                new.append((WAIT, 0, lb))
                continue
            if m == FRESH:
                start[i] = t
            d = a + 1 if m == KEEP else 1
            if d == o[i]:
                attempts.append((i, start[i], d))
                new.append((DONE, d, 0))
            else:
                if d > o[i]:
                    raise AssertionError(f"policy ran job {i} past o = {o[i]}")
                new.append((RUN, d, max(lb, d)))
        key = tuple(new)
        t += 1
    sched = Schedule.from_attempts(attempts)
    rep = check(sched, fam.instance(o))
    return int(rep.objective), sched


def _sequential_policy(fam: Family) -> dict:
    """Jobs one at a time in index order, never killed: a valid policy."""
    pol = {}
    U = fam.U
    for o in fam.vectors():
        key = tuple((WAIT, 0, 0) for _ in fam.s)
        for i in range(fam.n):
            for d in range(1, o[i] + 1):
                mv = tuple(KEEP if (j == i and d > 1) else FRESH if j == i else OFF
                           for j in range(fam.n))
                pol[key] = mv
                key = tuple((DONE, d, 0) if (j == i and d == o[i]) else
                            (RUN, d, d) if j == i else key[j] for j in range(fam.n))
    del U
    return pol


def worst(fam: Family, policy: dict, opt: np.ndarray):
    """``(max ratio, witness o, cost, OPT)`` of a policy over the family (schedules checked)."""
    best = None
    for o in fam.vectors():
        cost, _ = play(fam, policy, o)
        b = int(opt[tuple(v - 1 for v in o)])
        r = Fraction(cost, b)
        if best is None or r > best[0]:
            best = (r, tuple(o), cost, b)
    return best


@dataclass
class GameResult:
    """The exact value of a family, the optimal policy found and how it was found."""

    family: Family
    value: Fraction
    witness: tuple[int, ...]          # an o-vector on which the optimal policy attains it
    alg_cost: int
    opt: int
    policy: dict = field(repr=False)  # key -> move, valid from the root
    tests: list = field(default_factory=list)      # (ratio, verdict, nodes, seconds)
    candidates: int = 0
    seconds: float = 0.0
    opt_table: np.ndarray | None = field(default=None, repr=False)

    @property
    def nodes(self) -> int:
        return sum(t[2] for t in self.tests)


def guarantee(fam: Family, r: Fraction, opt: np.ndarray | None = None):
    """``G(r)``: the winning policy (key -> move) if some policy guarantees
    ``ALG(o) <= r OPT(o)`` for every o of the family, else ``None``."""
    opt = opt_table(fam) if opt is None else opt
    g = _Game(fam, opt)
    r = Fraction(r)
    T = _Test(g, r.numerator, r.denominator)
    return T.move if T.wins(g.root, 0) else None


def game_value(fam: Family, opt: np.ndarray | None = None) -> GameResult:
    """The exact value ``min_P max_o P(o)/OPT(o)`` of ``fam`` (module docstring)."""
    t0 = time.perf_counter()
    opt = opt_table(fam) if opt is None else opt
    g = _Game(fam, opt)
    seq = _sequential_policy(fam)
    hi_r, w_o, w_c, w_b = worst(fam, seq, opt)
    B = sorted(set(int(v) for v in opt.ravel()))
    cands = sorted({Fraction(A, b) for b in B for A in range(b, int(hi_r * b) + 1)})
    lo, hi = 0, cands.index(hi_r)
    best_policy = seq
    best = (hi_r, w_o, w_c, w_b)
    tests = []

    def run(r):
        t1 = time.perf_counter()
        T = _Test(g, r.numerator, r.denominator)
        ok = T.wins(g.root, 0)
        tests.append((r, ok, T.nodes, time.perf_counter() - t1))
        return T.move if ok else None

    while lo < hi:
        mid = (lo + hi) // 2
        pol = run(cands[mid])
        if pol is None:
            lo = mid + 1
        else:
            wr = worst(fam, pol, opt)
            if wr[0] > cands[mid]:
                raise AssertionError(f"policy won G({cands[mid]}) but replays at {wr[0]}")
            best_policy, best = pol, wr
            hi = cands.index(wr[0])
    if best_policy is seq and len(cands) > 0:
        # the sequential policy is optimal: confirm it with the search's own policy
        pol = run(cands[hi])
        if pol is None:
            raise AssertionError(f"G({cands[hi]}) fails but the sequential policy attains it")
        best_policy, best = pol, worst(fam, pol, opt)
    return GameResult(fam, best[0], best[1], best[2], best[3], best_policy, tests,
                      len(cands), time.perf_counter() - t0, opt)
