"""The time-indexed integer program for ``min sum_i C_i`` (SPEC section 2), plain and tight.

**Plain formulation.** Binary ``x[i,t] = 1`` iff job ``i`` starts its one and only attempt
at step ``t`` (an optimal schedule never kills, SPEC section 2; ``lp.brute`` checks this
on tiny instances with kills allowed), ``t = 0 .. H - o_i`` with ``H = sum_i o_i``::

    min  sum_{i,t} (t + o_i) x[i,t]
    s.t. sum_t x[i,t] = 1                                               for every job i
         sum_{i, t <= u <= t+o_i-1} (s_i + u - t + 1) x[i,t] <= M         for every step u

``H`` is safe: from an optimal schedule with an idle step (nothing runs) before its
makespan, moving every later attempt one step earlier keeps every memory profile (shifted)
and lowers the cost, so some optimal schedule is idle-free; every step of it runs a job,
so its makespan is ``<= sum_i o_i``.

**Tight formulation** (``kind="tight"``) adds, each preserving at least one optimal
schedule (all of them hold together for an idle-free optimal schedule whose identical jobs
are relabelled in start order, since relabelling changes neither cost nor memory):

1. *Per-job latest completion from an upper bound* ``UB`` (cost of a checked feasible
   schedule). If ``S`` is optimal then ``cost(S) <= UB``; removing job ``i`` from ``S``
   leaves a feasible schedule of the other jobs, so ``sum_{j != i} C_j >= LB(I - i)`` for
   the combinatorial bound ``lb_combined`` of the instance without ``i``. Hence
   ``C_i <= UB - LB(I - i)`` and job ``i`` starts at ``t <= min(H, UB - LB(I-i)) - o_i``.
2. *Identical jobs aggregated* (symmetry removed): jobs with equal ``(s, o)`` form a class
   ``c`` of ``m_c`` jobs, and one integer ``y[c,t] in [0, m_c]`` counts how many of them
   start at ``t``. Any schedule maps to ``y`` (same cost, same memory rows since they only
   depend on ``(s, o, t)``), and any ``y`` maps back to a schedule by giving the class's
   jobs the starts in order. The bijection is up to relabelling, so no optimum is lost.
3. *Completion-count cuts.* Let ``A_k`` be the sum of the ``k`` smallest areas and
   ``o_(k)`` the ``k``-th smallest ``o``; ``K(T) = #{k : max(ceil(A_k/M), o_(k)) <= T}``.
   In any schedule at most ``K(T)`` jobs complete by ``T`` (if ``k`` jobs do, ``C_[k] <= T``
   and ``C_[k] >= max(ceil(A_k/M), o_(k))`` by the proof of ``lb_combined``), so
   ``sum_{c, t <= T - o_c} y[c,t] <= K(T)`` for every ``T`` with ``K(T) < n``.
   With these rows the LP value is ``>= lb_combined``: writing ``p_i(T)`` for the LP's
   fractional "``C_i <= T``", ``sum_i E[C_i] = sum_{T>=0} (n - sum_i p_i(T))
   >= sum_T (n - K(T)) = sum_k max(ceil(A_k/M), o_(k))``. (Used for the LP bound of
   :mod:`lp.bounds`; left out of the default integer program, see ``DEFAULT_TRICKS``.)
4. *Objective cutoff* (optional): ``sum (t + o_c) y[c,t] <= UB`` (every optimal schedule
   satisfies it).

The model is held as numpy arrays (columns = (class, start) pairs, COO rows) so that it is
built without per-token Python loops; :func:`to_pulp` writes the same model as a PuLP
problem term by term from the maths above (the reference the fast path is tested against).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kvsched.instance import Instance
from kvsched.lower_bounds import lb_combined


@dataclass
class Formulation:
    """A time-indexed model. Column ``k`` is "``count`` jobs of class ``cls[k]`` start at
    ``start[k]``"; ``classes[c]`` lists the job indices of class ``c``."""

    instance: Instance
    kind: str
    classes: list[np.ndarray]
    class_s: np.ndarray
    class_o: np.ndarray
    class_m: np.ndarray
    latest_start: np.ndarray          # per class
    cls: np.ndarray                   # per column
    start: np.ndarray                 # per column
    horizon: int                      # memory rows for steps 0 .. horizon-1
    upper_bound: int | None = None    # objective cutoff (tight only)
    count_cuts: list[tuple[int, int]] = field(default_factory=list)  # (T, K(T))

    @property
    def n_cols(self) -> int:
        return int(len(self.cls))

    @property
    def cost(self) -> np.ndarray:
        """Objective coefficient of each column: completion time ``t + o_c``."""
        return self.start + self.class_o[self.cls]

    def memory_coo(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(row, col, value)`` of the memory rows: column ``k`` holds
        ``s_c + j`` at step ``start_k + j - 1``, ``j = 1..o_c``."""
        o = self.class_o[self.cls]
        col = np.repeat(np.arange(self.n_cols), o)
        first = np.repeat(np.cumsum(o) - o, o)
        j = np.arange(len(col)) - first + 1                  # 1..o_c within each column
        row = self.start[col] + j - 1
        val = self.class_s[self.cls][col] + j
        return row, col, val

    def count_cut_coo(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows ``r`` of the completion-count cuts: all columns completing by ``T_r``."""
        if not self.count_cuts:
            e = np.zeros(0, dtype=np.int64)
            return e, e, e
        T = np.array([t for t, _ in self.count_cuts])
        done = self.cost[None, :] <= T[:, None]
        row, col = np.nonzero(done)
        return row, col, np.ones(len(row), dtype=np.int64)

    def schedule_starts(self, counts: np.ndarray) -> np.ndarray:
        """Per-job start steps from integral column values ``counts`` (class jobs in order)."""
        starts = np.full(self.instance.n, -1, dtype=np.int64)
        for c, jobs in enumerate(self.classes):
            sel = np.flatnonzero(self.cls == c)
            reps = np.repeat(self.start[sel], counts[sel])
            starts[jobs] = reps[:len(jobs)]
        return starts

    def columns_for(self, starts: np.ndarray) -> np.ndarray | None:
        """Integral column values of a non-killing schedule given by per-job starts, or
        ``None`` if some start is beyond the model's latest start."""
        x = np.zeros(self.n_cols, dtype=np.int64)
        offset = np.concatenate([[0], np.cumsum(self.latest_start + 1)[:-1]])
        for c, jobs in enumerate(self.classes):
            for t in starts[jobs]:
                if t > self.latest_start[c]:
                    return None
                x[offset[c] + t] += 1
        return x


def _group(inst: Instance, aggregate: bool) -> list[np.ndarray]:
    if not aggregate:
        return [np.array([i]) for i in range(inst.n)]
    key = inst.s * (inst.M + 1) + inst.o
    _, inv = np.unique(key, return_inverse=True)
    return [np.flatnonzero(inv == c) for c in range(int(inv.max()) + 1)]


def latest_completion(inst: Instance, upper_bound: int | None) -> np.ndarray:
    """``min(H, UB - lb_combined(I - i))`` per job (item 1 of the module docstring)."""
    H = inst.total_tokens
    out = np.full(inst.n, H, dtype=np.int64)
    if upper_bound is not None:
        for i in range(inst.n):
            rest = np.delete(np.arange(inst.n), i)
            lb_rest = lb_combined(inst.subset(rest)) if rest.size else 0
            out[i] = min(H, upper_bound - lb_rest)
    return out


def completion_count_cuts(inst: Instance, horizon: int) -> list[tuple[int, int]]:
    """``(T, K(T))`` for ``T = 0 .. horizon`` with ``K(T) < n`` (item 3)."""
    A = np.cumsum(np.sort(inst.area))
    kth = np.maximum(-(-A // inst.M), np.sort(inst.o))     # nondecreasing in k
    T = np.arange(horizon + 1)
    K = np.searchsorted(kth, T, side="right")
    return [(int(t), int(k)) for t, k in zip(T, K) if k < inst.n]


TRICKS = ("horizon", "aggregate", "count_cuts", "cutoff")
# The integer program's default: the count cuts strengthen the LP (they make it dominate
# lb_combined, so lp.bounds uses them) but slowed HiGHS's branch and bound on every one of
# the 10 benchmark instances n = 8, 12 (lp/results/bench_exact_ablation.log), so the MIP
# leaves them out.
DEFAULT_TRICKS = ("horizon", "aggregate")
LP_BOUND_TRICKS = ("horizon", "aggregate", "count_cuts")


def build(inst: Instance, kind: str = "tight", upper_bound: int | None = None,
          tricks: tuple[str, ...] | None = None) -> Formulation:
    """The plain or tight model of ``inst``; ``upper_bound`` (tight only) is the cost of a
    checked feasible schedule. ``tricks`` (tight only, default :data:`DEFAULT_TRICKS`)
    selects items of the module docstring from :data:`TRICKS`, for ablation. The cutoff
    row is off by default: it did not speed HiGHS up, and HiGHS 1.16 given a warm start whose
    cost equals the cutoff returned that start with a wrong objective (caught by the
    objective check in :func:`lp.exact.solve`), so :func:`lp.exact.solve` withholds the
    warm start from HiGHS when the cutoff is on."""
    if kind not in ("plain", "tight"):
        raise ValueError(f"formulation must be 'plain' or 'tight', not {kind!r}")
    tight = kind == "tight"
    on = set(DEFAULT_TRICKS if tricks is None else tricks) if tight else set()
    if upper_bound is None:
        on -= {"horizon", "cutoff"}
    classes = _group(inst, aggregate="aggregate" in on)
    first = np.array([jobs[0] for jobs in classes])
    cs, co = inst.s[first], inst.o[first]
    cm = np.array([len(j) for j in classes], dtype=np.int64)
    lc = latest_completion(inst, upper_bound if "horizon" in on else None)[first]
    latest = lc - co
    if np.any(latest < 0):          # only if upper_bound < OPT, which a feasible UB is not
        raise ValueError("upper bound below the optimum: it is not a feasible cost")
    cls = np.repeat(np.arange(len(classes)), latest + 1)
    start = np.arange(len(cls)) - np.repeat(np.cumsum(latest + 1) - (latest + 1), latest + 1)
    horizon = int((latest + co).max())
    return Formulation(inst, kind, classes, cs, co, cm, latest, cls, start, horizon,
                       upper_bound=upper_bound if "cutoff" in on else None,
                       count_cuts=completion_count_cuts(inst, horizon)
                       if "count_cuts" in on else [])


def to_pulp(f: Formulation, name: str = "kvsched"):
    """The same model as a PuLP problem, written term by term from the maths (reference).

    Each column ``k`` (class ``c`` started at ``t``) is read off SPEC's time convention: it
    holds ``s_c + j`` at step ``t + j - 1`` for ``j = 1..o_c`` and completes at ``t + o_c``.
    One pass over the columns collects every row's terms (cost ``O(sum of o over columns)``,
    not ``O(horizon * columns)``). Returns ``(problem, columns)`` with ``columns[k]`` the
    PuLP variable of column ``k``."""
    import pulp

    prob = pulp.LpProblem(name, pulp.LpMinimize)
    cols, completion = [], []
    assign: list[list] = [[] for _ in f.classes]
    memory: list[list] = [[] for _ in range(f.horizon)]
    for k in range(f.n_cols):
        c, t = int(f.cls[k]), int(f.start[k])
        m, s_c, o_c = int(f.class_m[c]), int(f.class_s[c]), int(f.class_o[c])
        var = pulp.LpVariable(f"y_{c}_{t}", lowBound=0, upBound=m,
                              cat=pulp.LpBinary if m == 1 else pulp.LpInteger)
        cols.append(var)
        completion.append(t + o_c)
        assign[c].append((var, 1))
        for j in range(1, o_c + 1):
            memory[t + j - 1].append((var, s_c + j))
    objective = pulp.LpAffineExpression(list(zip(cols, completion)))
    prob += objective
    for c, terms in enumerate(assign):
        prob += pulp.LpAffineExpression(terms) == int(f.class_m[c]), f"assign_{c}"
    for u, terms in enumerate(memory):
        if terms:
            prob += pulp.LpAffineExpression(terms) <= f.instance.M, f"memory_{u}"
    for T, K in f.count_cuts:
        done = [(v, 1) for v, C in zip(cols, completion) if C <= T]
        prob += pulp.LpAffineExpression(done) <= K, f"count_{T}"
    if f.upper_bound is not None:
        prob += objective <= f.upper_bound, "cutoff"
    return prob, cols
