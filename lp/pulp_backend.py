"""Solve a :class:`~lp.formulation.Formulation` through PuLP, with HiGHS or CBC.

The PuLP model (:func:`lp.formulation.to_pulp`) is the reference formulation. CBC is run
with ``gapRel = 0`` and ``gapAbs`` just below 1 (the objective is an integer), HiGHS the
same; both receive the warm start (PuLP's HiGHS interface has none, so a small subclass
passes the variables' initial values to ``Highs.setSolution`` before the run).
"""
from __future__ import annotations

import math
import time

import numpy as np
import pulp

from .formulation import to_pulp
from .highs_backend import SolverOutcome, new_highs

_ABS_GAP = 1.0 - 1e-6


class _HiGHSWarm(pulp.HiGHS):
    """``pulp.HiGHS`` that is quiet from the start and passes a warm start."""

    def createAndConfigureSolver(self, lp):
        lp.solverModel = _configured(self)     # not super(): its Highs() prints a banner

    def callSolver(self, lp):
        import highspy

        values = [v.varValue for v in lp.variables()]
        if all(x is not None for x in values):
            sol = highspy.HighsSolution()
            sol.col_value = [float(x) for x in values]
            sol.value_valid = True
            lp.solverModel.setSolution(sol)
        lp.solverModel.run()


def _configured(solver: "_HiGHSWarm"):
    """A quiet ``Highs`` with the options PuLP would set (gaps, threads, time limit)."""
    q = new_highs()
    q.setOptionValue("mip_rel_gap", 0.0)
    q.setOptionValue("mip_abs_gap", _ABS_GAP)
    if solver.threads is not None:
        q.setOptionValue("threads", solver.threads)
    if solver.timeLimit is not None:
        q.setOptionValue("time_limit", float(solver.timeLimit))
    return q


def solve_mip(f, solver: str = "highs", time_limit: float | None = None, threads: int = 1,
              warm: np.ndarray | None = None) -> SolverOutcome:
    """Solve ``f`` through PuLP with ``solver`` in ``{"highs", "cbc"}``."""
    t0 = time.perf_counter()
    prob, cols = to_pulp(f)
    if warm is not None:
        for var, x in zip(cols, warm):
            var.setInitialValue(int(x))
    if solver == "highs":
        s = _HiGHSWarm(msg=False, threads=threads, timeLimit=time_limit)
    elif solver == "cbc":
        s = pulp.PULP_CBC_CMD(msg=False, threads=threads, timeLimit=time_limit,
                              gapRel=0.0, gapAbs=_ABS_GAP, warmStart=warm is not None)
    else:
        raise ValueError(f"solver must be 'highs' or 'cbc', not {solver!r}")
    prob.solve(s)
    seconds = time.perf_counter() - t0
    has_sol = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    values = None
    if has_sol:
        values = np.array([v.varValue if v.varValue is not None else 0.0 for v in cols])
    obj = float(pulp.value(prob.objective)) if has_sol else None
    optimal = (prob.status == pulp.LpStatusOptimal
               and prob.sol_status == pulp.LpSolutionOptimal)
    bound = None
    if solver == "highs":
        b = float(prob.solverModel.getInfo().mip_dual_bound)
        bound = b if math.isfinite(b) else None
    elif optimal and obj is not None:
        bound = obj
    return SolverOutcome(values, obj, optimal, bound, seconds,
                         f"{pulp.LpStatus[prob.status]} / "
                         f"{pulp.LpSolution.get(prob.sol_status, prob.sol_status)}")
