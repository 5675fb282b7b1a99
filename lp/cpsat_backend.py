"""CP-SAT (OR-Tools) as an optional exact backend: an interval/cumulative model.

Install with ``pip install 'kvsched[cpsat]'``; :func:`available` says whether ortools
imports, and :func:`solve_cp` raises :class:`CpsatUnavailable` (a
:class:`~kvsched.errors.KvschedError`, so the CLI prints one line) when it does not.

**Model.** One integer start ``a_i`` per job (an optimal schedule never kills, SPEC
section 2, so a start per job describes it). Job ``i`` holds ``s_i + 1 + u`` memory at its
``u``-th step (``u = 0 .. o_i - 1``): that staircase is the sum of one interval
``[a_i, a_i + o_i)`` of demand ``s_i + 1`` and, for ``k = 1 .. o_i - 1``, the interval
``[a_i + k, a_i + o_i)`` of demand 1 (at step ``a_i + u`` exactly ``u`` of those have
begun). All ``sum_i o_i`` intervals go into one ``AddCumulative(..., M)``, which is exactly
the memory rule at every step. Objective ``sum_i (a_i + o_i)``.

Valid restrictions (each keeps an optimal schedule):

* ``sum_i C_i <= UB`` for the cost ``UB`` of a checked feasible schedule (given by the
  caller); since ``C_j >= o_j`` for every job, it implies ``a_i <= UB - sum_j o_j``, the
  horizon;
* ``sum_i C_i >= LB`` for a proven lower bound ``LB`` (a cut, not a restriction);
* identical jobs (same ``s``, ``o``) start in index order: swapping their labels changes
  neither cost nor memory.

A schedule given as ``hint`` is passed to CP-SAT as a solution hint. The status is
``optimal`` only when CP-SAT reports OPTIMAL (its proof); a time limit gives FEASIBLE with
CP-SAT's best objective bound. :mod:`lp.exact` turns this into an
:class:`~lp.exact.ExactResult` and checks the schedule with :func:`kvsched.check`.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from kvsched.errors import KvschedError
from kvsched.instance import Instance


class CpsatUnavailable(KvschedError):
    """OR-Tools is not installed."""


def require() -> None:
    """Raise :class:`CpsatUnavailable` unless ortools imports."""
    if not available():
        raise CpsatUnavailable("--solver cpsat needs OR-Tools (CP-SAT), which is not "
                               "installed: pip install 'kvsched[cpsat]'")


def available() -> bool:
    """Whether ``ortools`` (CP-SAT) can be imported."""
    try:
        import ortools.sat.python.cp_model  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class CpOutcome:
    """CP-SAT's answer: ``starts`` (``None`` if no solution), its objective, whether it
    proved optimality, its proven lower bound, wall time and status name."""

    starts: np.ndarray | None
    objective: int | None
    optimal: bool
    bound: int | None
    seconds: float
    status_text: str


def solve_cp(inst: Instance, upper_bound: int, lower_bound: int = 0,
             hint: np.ndarray | None = None, time_limit: float | None = None,
             workers: int = 1, seed: int = 0, cliques: bool = True) -> CpOutcome:
    """Solve the model of the module docstring. ``upper_bound``: the cost of a checked
    feasible schedule; ``hint``: start steps of a non-killing schedule (optional);
    ``workers``: CP-SAT search workers (1 for a one-thread comparison); ``seed``: CP-SAT's
    random seed (its search is deterministic for a fixed seed and one worker)."""
    require()
    from ortools.sat.python import cp_model
    t0 = time.perf_counter()
    n, M = inst.n, int(inst.M)
    s = [int(v) for v in inst.s]
    o = [int(v) for v in inst.o]
    H = sum(o)
    last = int(upper_bound) - H                      # a_i <= UB - sum o (docstring)
    if last < 0:
        raise ValueError(f"upper bound {upper_bound} is below sum(o) = {H}")
    m = cp_model.CpModel()
    a = [m.NewIntVar(0, last, f"a{i}") for i in range(n)]
    intervals, demands, first = [], [], []
    for i in range(n):
        first.append(len(intervals))
        intervals.append(m.NewFixedSizeIntervalVar(a[i], o[i], f"base{i}"))
        demands.append(s[i] + 1)
        for k in range(1, o[i]):
            intervals.append(m.NewFixedSizeIntervalVar(a[i] + k, o[i] - k, f"grow{i}_{k}"))
            demands.append(1)
    m.AddCumulative(intervals, demands, M)
    if cliques:
        from .astar_bound import conflict_cliques
        for Q in conflict_cliques(inst):             # jobs that never share a step
            m.AddNoOverlap([intervals[first[i]] for i in Q])
    seen: dict[tuple[int, int], int] = {}
    for i in range(n):                               # identical jobs in index order
        j = seen.get((s[i], o[i]))
        if j is not None:
            m.Add(a[j] <= a[i])
        seen[(s[i], o[i])] = i
    total = sum(a) + H
    m.Add(total <= int(upper_bound))
    if lower_bound > H:
        m.Add(total >= int(lower_bound))
    m.Minimize(total)
    if hint is not None:
        for i in range(n):
            m.AddHint(a[i], int(hint[i]))
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_search_workers = max(1, int(workers))
    p.random_seed = int(seed)
    if time_limit is not None:
        p.max_time_in_seconds = max(0.0, float(time_limit))
    status = solver.Solve(m)
    name = solver.StatusName(status)
    secs = time.perf_counter() - t0
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        starts = np.array([solver.Value(x) for x in a], dtype=np.int64)
        obj = int(round(solver.ObjectiveValue()))
        bound = math.ceil(solver.BestObjectiveBound() - 1e-6)
        return CpOutcome(starts, obj, status == cp_model.OPTIMAL, int(bound), secs, name)
    if status == cp_model.INFEASIBLE:                # the hint's own schedule satisfies it
        raise RuntimeError(f"CP-SAT calls the model infeasible, but a schedule of cost "
                           f"{upper_bound} exists: a modelling bug")
    return CpOutcome(None, None, False, None, secs, name)
