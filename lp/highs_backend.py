"""Solve a :class:`~lp.formulation.Formulation` with HiGHS through highspy directly.

The fast path: the model goes to HiGHS as one column-wise sparse matrix built with numpy
(no per-variable Python objects), which removes PuLP's model-building overhead on the many
small solves of the adversarial search. ``lp.pulp_backend`` solves the same model through
PuLP; tests assert both give the same optimum and the same LP relaxation.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

_BANNER_SILENCED = False


def new_highs():
    """A quiet ``highspy.Highs``. HiGHS prints a banner on stdout at the first construction
    in a process; it would corrupt ``--json`` output, so fd 1 is muted for that one call."""
    global _BANNER_SILENCED
    import highspy

    if _BANNER_SILENCED:
        h = highspy.Highs()
    else:
        import sys
        sys.stdout.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _BANNER_SILENCED = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class SolverOutcome:
    """What a backend returns: column values (``None`` if no solution), the solver's own
    verdict, its best bound, and wall time."""

    values: np.ndarray | None
    objective: float | None
    optimal: bool            # the solver reports optimality (gap closed below 1)
    bound: float | None      # proven lower bound on the model's optimum, if known
    seconds: float
    status_text: str


def model_arrays(f, relax: bool = False):
    """Column-wise (CSC) arrays of ``f``: cost, bounds, row bounds, matrix, integrality."""
    C = len(f.classes)
    mrow, mcol, mval = f.memory_coo()
    crow, ccol, cval = f.count_cut_coo()
    cols = np.arange(f.n_cols)
    rows = [f.cls, C + mrow, C + f.horizon + crow]
    colsl = [cols, mcol, ccol]
    vals = [np.ones(f.n_cols, dtype=np.int64), mval, cval]
    row_lo = [f.class_m.astype(float), np.full(f.horizon, -np.inf),
              np.full(len(f.count_cuts), -np.inf)]
    row_hi = [f.class_m.astype(float), np.full(f.horizon, float(f.instance.M)),
              np.array([k for _, k in f.count_cuts], dtype=float)]
    n_rows = C + f.horizon + len(f.count_cuts)
    if f.upper_bound is not None:
        rows.append(np.full(f.n_cols, n_rows))
        colsl.append(cols)
        vals.append(f.cost)
        row_lo.append(np.array([-np.inf]))
        row_hi.append(np.array([float(f.upper_bound)]))
        n_rows += 1
    r = np.concatenate(rows)
    c = np.concatenate(colsl)
    v = np.concatenate(vals).astype(float)
    order = np.lexsort((r, c))
    r, c, v = r[order], c[order], v[order]
    start = np.zeros(f.n_cols + 1, dtype=np.int32)
    np.cumsum(np.bincount(c, minlength=f.n_cols), out=start[1:])
    return dict(cost=f.cost.astype(float), col_lo=np.zeros(f.n_cols),
                col_hi=f.class_m[f.cls].astype(float), row_lo=np.concatenate(row_lo),
                row_hi=np.concatenate(row_hi), start=start, index=r.astype(np.int32),
                value=v, n_rows=n_rows, integer=not relax)


def _pass(h, f, relax: bool) -> None:
    import highspy

    a = model_arrays(f, relax)
    lp = highspy.HighsLp()
    lp.num_col_ = f.n_cols
    lp.num_row_ = a["n_rows"]
    lp.col_cost_ = a["cost"]
    lp.col_lower_ = a["col_lo"]
    lp.col_upper_ = a["col_hi"]
    lp.row_lower_ = a["row_lo"]
    lp.row_upper_ = a["row_hi"]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a["start"]
    lp.a_matrix_.index_ = a["index"]
    lp.a_matrix_.value_ = a["value"]
    if not relax:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * f.n_cols
    h.passModel(lp)


# Solver tuning for the tight formulation (not a proof, a measured choice): HiGHS's root
# restarts after fixing columns cost more than they save on these small models
# (bench/bench_exact.py --ablation measures it).
TUNED_OPTIONS = {"mip_allow_restart": False}


def solve_mip(f, time_limit: float | None = None, threads: int = 1,
              warm: np.ndarray | None = None, options: dict | None = None) -> SolverOutcome:
    """Branch and bound on ``f`` with relative gap 0 and absolute gap just below 1 (the
    objective is an integer, so a bound above ``obj - 1`` proves ``obj`` optimal)."""
    import highspy

    t0 = time.perf_counter()
    h = new_highs()
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    _pass(h, f, relax=False)
    if warm is not None:
        sol = highspy.HighsSolution()
        sol.col_value = warm.astype(float)
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    have = info.primal_solution_status == int(highspy.SolutionStatus.kSolutionStatusFeasible)
    values = np.asarray(h.getSolution().col_value) if have else None
    obj = float(info.objective_function_value) if have else None
    bound = float(info.mip_dual_bound)
    if not np.isfinite(bound):
        bound = None
    optimal = status == highspy.HighsModelStatus.kOptimal and have
    return SolverOutcome(values, obj, optimal, bound, time.perf_counter() - t0,
                         h.modelStatusToString(status))


def solve_relaxation(f) -> float:
    """Optimal value of the LP relaxation of ``f`` (integrality dropped)."""
    import highspy

    h = new_highs()
    h.setOptionValue("threads", 1)
    _pass(h, f, relax=True)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"LP relaxation not solved: {h.modelStatusToString(status)}")
    return float(h.getInfo().objective_function_value)
