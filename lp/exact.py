"""Exact offline optimum of ``min sum_i C_i`` by the time-indexed integer program, or by A*.

``solve(instance)`` builds the tight model of :mod:`lp.formulation` (or the plain one),
solves it with HiGHS (default; highspy directly, or via PuLP with ``via="pulp"``) or CBC
(through PuLP), checks the schedule with :func:`kvsched.check` and returns an
:class:`ExactResult`. ``solver="astar"`` runs the combinatorial search of :mod:`lp.astar`
instead (no integer program; several times faster on the issue-4 benchmark), with the
same heuristic upper bound, the same statuses and the same checks; ``solver="cpsat"`` the
interval/cumulative model of :mod:`lp.cpsat_backend` (optional: the ``cpsat`` extra).
:func:`solve_fastest` is ``kvsched opt``'s default (A*, then HiGHS if A* runs out of
states), and :func:`size_problem` refuses instances no exact method can handle. Status is ``"optimal"`` only when the solver proved optimality and
its bound closes the gap below 1 (the objective is an integer), or when a checked schedule
meets the combinatorial lower bound (then no solver is needed); a time-limited run returns
the cheaper of its best schedule and the best heuristic schedule, as ``"not proven optimal"``.

Warm start and upper bound: the best checked schedule among every registered algorithm
(``kvsched.algorithms.REGISTRY``, default parameters) and the earliest-fit list schedules
of :func:`earliest_fit` (three orders). The non-killing one of least cost within the
model's ranges is passed to the solver; any checked schedule's cost (even with kills) is a
valid upper bound on OPT.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

import numpy as np

from kvsched.checker import Report, check
from kvsched.errors import KvschedError
from kvsched.instance import Instance
from kvsched.lower_bounds import lb_combined
from kvsched.schedule import Schedule

from . import formulation as F

STATUSES = ("optimal", "not proven optimal", "no solution found")
SOLVERS = ("highs", "cbc", "astar", "cpsat")

# Sizes beyond which an exact method is hopeless (and would only exhaust memory): the
# time-indexed models (HiGHS, CBC, CP-SAT) have about n * sum(o) variables; A* keeps a
# profile of max(o) + 1 integers per running set and an n-bit waiting set, and its
# heuristic upper bound (earliest_fit) scans sum(o) x max(o) cells. Nothing proves OPT
# beyond n = 24 within a minute on the benchmark (docs/exact.md).
MAX_COLUMNS = 2_000_000          # n * sum(o) for the time-indexed models
ASTAR_MAX_JOBS = 40
ASTAR_MAX_CELLS = 50_000_000     # sum(o) * max(o) for A* and its upper bound


def size_problem(inst: Instance, solver: str = "astar",
                 max_columns: int = MAX_COLUMNS) -> str | None:
    """``None`` if ``solver`` can be tried on ``inst``; else one line saying why not.
    ``solver="astar"`` (the default of ``kvsched opt``) means A* or its MIP fallback: the
    instance is refused only when neither fits."""
    n, H = inst.n, inst.total_tokens
    cols = n * H
    cells = H * int(inst.o.max()) if n else 0
    mip_ok = cols <= max_columns
    astar_ok = n <= ASTAR_MAX_JOBS and cells <= ASTAR_MAX_CELLS
    if solver == "astar" and (astar_ok or mip_ok):
        return None
    if solver != "astar" and mip_ok:
        return None
    what = (f"A* handles n <= {ASTAR_MAX_JOBS} and sum(o) * max(o) <= {ASTAR_MAX_CELLS:,}, "
            f"here {cells:,}; " if solver == "astar" else "")
    return (f"instance too large for an exact solver: n = {n} jobs, sum(o) = {H:,} "
            f"({what}the time-indexed model would need n * sum(o) = {cols:,} > "
            f"{max_columns:,} variables); use --limit or --sample")


class InstanceTooLarge(KvschedError):
    """No exact method can handle the instance (:func:`size_problem` says why)."""


@dataclass
class ExactResult:
    """The outcome of :func:`solve`. ``schedule`` passed ``kvsched.check``, whose verdict
    is ``report``; ``objective`` is its checked cost; ``lower_bound`` is the best proven
    bound on OPT (the objective itself when ``proven_optimal``);
    ``gap = (objective - lower_bound) / objective``."""

    objective: int | None
    schedule: Schedule | None
    status: str
    proven_optimal: bool
    gap: float | None
    seconds: float
    solver: str
    lower_bound: int
    formulation: str = "tight"
    info: dict = field(default_factory=dict)
    report: Report | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return {"objective": self.objective, "status": self.status,
                "proven_optimal": self.proven_optimal, "gap": self.gap,
                "seconds": self.seconds, "solver": self.solver,
                "lower_bound": self.lower_bound, "formulation": self.formulation,
                "schedule": None if self.schedule is None else self.schedule.to_dict(),
                "info": self.info}


_CHUNK = 1 << 22                  # cells of one earliest_fit comparison block


def earliest_fit(inst: Instance, order: Iterable[int]) -> Schedule:
    """List scheduling: each job in ``order`` starts at the earliest step where its whole
    profile ``s_i + 1 .. s_i + o_i`` fits under ``M`` on top of the jobs already placed.
    Always succeeds by ``sum o`` at the latest (the profile is empty there)."""
    H = inst.total_tokens
    mem = np.zeros(H + 1, dtype=np.int64)
    starts = np.empty(inst.n, dtype=np.int64)
    for i in order:
        s, o = int(inst.s[i]), int(inst.o[i])
        need = s + np.arange(1, o + 1)
        win = np.lib.stride_tricks.sliding_window_view(mem[:H], o)   # t = 0 .. H-o
        rows = max(1, _CHUNK // o)     # windows per chunk: bounded memory on long horizons
        t = len(win) - 1               # the last window always fits (nothing placed there)
        for lo in range(0, len(win), rows):
            ok = np.all(win[lo:lo + rows] + need <= inst.M, axis=1)
            if ok.any():
                t = lo + int(np.argmax(ok))
                break
        mem[t:t + o] += need
        starts[i] = t
    return Schedule(np.arange(inst.n), starts, inst.o)


class _Candidate(NamedTuple):
    name: str
    schedule: Schedule
    report: Report          # from kvsched.check


def _candidates(inst: Instance, algorithms: Iterable[str] | None) -> list[_Candidate]:
    """Every heuristic schedule, checked."""
    out = []
    orders = {"earliest_fit_o": np.lexsort((inst.s, inst.o)),
              "earliest_fit_area": np.lexsort((inst.o, inst.area)),
              "earliest_fit_s+o": np.lexsort((inst.o, inst.s + inst.o))}
    for name, order in orders.items():
        sched = earliest_fit(inst, order)
        out.append(_Candidate(name, sched, check(sched, inst)))
    from kvsched.algorithms import REGISTRY, run_algorithm
    names = sorted(REGISTRY) if algorithms is None else list(algorithms)
    for name in names:         # run_algorithm checks; a failing algorithm is a bug: raise
        res = run_algorithm(name, inst)
        out.append(_Candidate(name, res.schedule, res.report))
    return out


def _upper_bound(cands: list[_Candidate], info: dict) -> _Candidate:
    """The cheapest checked heuristic schedule (kills allowed: any feasible cost bounds
    OPT from above), recorded in ``info``."""
    cheapest = min(cands, key=lambda c: c.report.objective)
    info["upper_bound"] = cheapest.report.objective
    info["upper_bound_from"] = cheapest.name
    return cheapest


def _proved_by_heuristic(c: _Candidate, lb: int, info: dict, t0: float, solver: str,
                         formulation: str) -> ExactResult:
    """A checked schedule whose cost meets a lower bound is optimal: no search needed."""
    info["proof"] = "heuristic cost equals the combinatorial lower bound"
    return ExactResult(c.report.objective, c.schedule, "optimal", True, 0.0,
                       time.perf_counter() - t0, solver, lb, formulation, info, c.report)


def _result_from_values(f, values: np.ndarray, inst: Instance) -> tuple[Schedule, Report]:
    counts = np.rint(values).astype(np.int64)
    starts = f.schedule_starts(counts)
    sched = Schedule(np.arange(inst.n), starts, inst.o)
    return sched, check(sched, inst)


def solve(instance: Instance, solver: str = "highs", time_limit: float | None = None,
          threads: int = 1, warm_start: bool = True, formulation: str = "tight",
          via: str | None = None, algorithms: Iterable[str] | None = None,
          tricks: tuple[str, ...] | None = None, tuned: bool = True) -> ExactResult:
    """Exact optimum of ``instance`` (see the module docstring).

    ``solver``: ``"highs"``, ``"cbc"`` or ``"astar"`` (:mod:`lp.astar`; ignores the
    formulation, ``via`` and ``threads``, and reads ``tricks`` as the subset of
    ``lp.astar.RULES`` to use); ``via``: ``"direct"`` (highspy, default for
    HiGHS) or ``"pulp"`` (the only path for CBC). ``algorithms``: registered heuristics for
    the warm start and upper bound (default all). ``formulation="plain"`` ignores the upper
    bound (no horizon tightening, no cutoff) and uses no warm start unless ``warm_start``.
    ``tricks``: the subset of ``lp.formulation.TRICKS`` to use (ablation); ``tuned``: the
    HiGHS options of ``lp.highs_backend.TUNED_OPTIONS`` with the tight formulation.
    """
    t0 = time.perf_counter()
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, not {solver!r}")
    if solver == "astar":
        return _solve_astar(instance, time_limit, algorithms, t0, tricks)
    if solver == "cpsat":
        return _solve_cpsat(instance, time_limit, algorithms, t0, threads)
    via = via or ("direct" if solver == "highs" else "pulp")
    if solver == "cbc" and via != "pulp":
        raise ValueError("CBC is only available through PuLP (via='pulp')")
    inst = instance
    lb = lb_combined(inst)
    tight = formulation == "tight"
    info: dict = {"via": via}

    best = cheapest = None
    if warm_start or tight:
        cands = _candidates(inst, algorithms)
        cheapest = _upper_bound(cands, info)
        no_kill = [c for c in cands if c.report.restarts == 0]
        best = min(no_kill, key=lambda c: c.report.objective) if no_kill else None
        if tight and cheapest.report.objective <= lb:   # a checked schedule meets a bound
            return _proved_by_heuristic(cheapest, lb, info, t0, solver, formulation)
    f = F.build(inst, formulation, upper_bound=info.get("upper_bound") if tight else None,
                tricks=tricks)
    info.update(columns=f.n_cols, horizon=f.horizon)

    warm = None
    cutoff_on_highs = f.upper_bound is not None and solver == "highs"   # see F.build
    if warm_start and best is not None and not cutoff_on_highs:
        starts = np.empty(inst.n, dtype=np.int64)
        starts[best.schedule.job] = best.schedule.start
        warm = f.columns_for(starts)
        info["warm_start_from"] = best.name if warm is not None else None

    if via == "direct":
        from .highs_backend import TUNED_OPTIONS, solve_mip
        out = solve_mip(f, time_limit=time_limit, threads=threads, warm=warm,
                        options=TUNED_OPTIONS if tight and tuned else None)
    else:
        from .pulp_backend import solve_mip
        out = solve_mip(f, solver=solver, time_limit=time_limit, threads=threads, warm=warm)
    info["solver_status"] = out.status_text
    info["solver_seconds"] = out.seconds

    sched, report = None, None
    if out.values is not None:
        sched, report = _result_from_values(f, out.values, inst)
        if abs(report.objective - out.objective) > 1e-6 * max(1.0, abs(report.objective)):
            raise RuntimeError(f"solver objective {out.objective} but the checked schedule "
                               f"costs {report.objective}")
    if cheapest is not None and (report is None
                                 or cheapest.report.objective < report.objective):
        # a checked heuristic schedule (kills allowed) beats the solver's, or the solver
        # found none in time: report the best schedule known, as promised
        info["fallback"] = f"heuristic schedule ({cheapest.name})"
        sched, report = cheapest.schedule, cheapest.report
    obj = None if report is None else report.objective

    bound = lb
    if out.bound is not None:
        bound = max(bound, math.ceil(out.bound - 1e-6))
    proven = bool(out.optimal and obj is not None and out.values is not None and bound >= obj)
    if proven:
        bound = obj
    if obj is None:
        status = "no solution found"
    else:
        status = "optimal" if proven else "not proven optimal"
    gap = None if obj is None else (obj - bound) / obj
    return ExactResult(obj, sched, status, proven, gap, time.perf_counter() - t0, solver,
                       int(bound), formulation, info, report)


def _solve_astar(inst: Instance, time_limit: float | None, algorithms, t0: float,
                 rules: tuple[str, ...] | None, max_states: int | None = None) -> ExactResult:
    """``solve(..., solver="astar")``: the best checked heuristic schedule is the upper
    bound that :func:`lp.astar.solve` prunes with (and proves optimal if nothing beats it)."""
    from . import astar

    lb = lb_combined(inst)
    info: dict = {}
    cheapest = _upper_bound(_candidates(inst, algorithms), info)
    if cheapest.report.objective <= lb:
        return _proved_by_heuristic(cheapest, lb, info, t0, "astar", "combinatorial")
    left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - t0))
    res = astar.solve(inst, upper_bound=cheapest.schedule, time_limit=left,
                      rules=astar.RULES if rules is None else rules,
                      **({} if max_states is None else {"max_states": max_states}))
    info.update(expansions=res.expansions, search_seconds=res.seconds)
    if res.stopped:
        info["stopped"] = res.stopped
    if res.schedule is cheapest.schedule and res.proven_optimal:
        info["proof"] = "A* found nothing cheaper than the heuristic schedule"
    bound = res.objective if res.proven_optimal else max(lb, res.lower_bound)
    status = "optimal" if res.proven_optimal else "not proven optimal"
    gap = (res.objective - bound) / res.objective
    return ExactResult(res.objective, res.schedule, status, res.proven_optimal, gap,
                       time.perf_counter() - t0, "astar", int(bound), "combinatorial", info,
                       res.report)


def _solve_cpsat(inst: Instance, time_limit: float | None, algorithms, t0: float,
                 threads: int) -> ExactResult:
    """``solve(..., solver="cpsat")``: the interval/cumulative model of
    :mod:`lp.cpsat_backend`, with the best checked heuristic cost as its upper bound and the
    cheapest non-killing heuristic schedule as its hint. ``"optimal"`` only when CP-SAT
    proves it (or a checked heuristic schedule meets the combinatorial bound)."""
    from .cpsat_backend import require, solve_cp

    require()                    # before any heuristic: a missing extra is one clear line
    lb = lb_combined(inst)
    info: dict = {}
    cands = _candidates(inst, algorithms)
    cheapest = _upper_bound(cands, info)
    if cheapest.report.objective <= lb:
        return _proved_by_heuristic(cheapest, lb, info, t0, "cpsat", "intervals")
    no_kill = [c for c in cands if c.report.restarts == 0]
    hint = None
    if no_kill:
        best = min(no_kill, key=lambda c: c.report.objective)
        hint = np.empty(inst.n, dtype=np.int64)
        hint[best.schedule.job] = best.schedule.start
        info["hint_from"] = best.name
    left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - t0))
    out = solve_cp(inst, cheapest.report.objective, lb, hint, left, workers=threads)
    info.update(solver_status=out.status_text, solver_seconds=out.seconds)
    sched, report = cheapest.schedule, cheapest.report
    if out.starts is not None:
        cp_sched = Schedule(np.arange(inst.n), out.starts, inst.o)
        cp_report = check(cp_sched, inst)
        if cp_report.objective != out.objective:
            raise RuntimeError(f"CP-SAT objective {out.objective} but the checked schedule "
                               f"costs {cp_report.objective}")
        if cp_report.objective <= report.objective:
            sched, report = cp_sched, cp_report
        else:
            info["fallback"] = f"heuristic schedule ({cheapest.name})"
    else:
        info["fallback"] = f"heuristic schedule ({cheapest.name})"
    obj = report.objective
    bound = max(lb, out.bound if out.bound is not None else lb)
    proven = bool(out.optimal and out.starts is not None and bound >= obj)
    if proven:
        bound = obj
    return ExactResult(obj, sched, "optimal" if proven else "not proven optimal", proven,
                       (obj - bound) / obj, time.perf_counter() - t0, "cpsat", int(bound),
                       "intervals", info, report)


def solve_fastest(instance: Instance, time_limit: float | None = None,
                  max_columns: int = 2_000_000,
                  algorithms: Iterable[str] | None = None,
                  max_states: int | None = None) -> tuple[ExactResult, str | None]:
    """The fastest exact method first (A*, ``docs/exact.md``); where A* cannot finish for a
    reason other than the clock (its state or memory budget), the time-indexed MIP on HiGHS
    gets the time left, if the model is small enough (``n * sum(o) <= max_columns``). The
    better of the two proofs is returned; the message (one line, or ``None``) says what
    happened. A run stopped by the time limit stays "not proven optimal" with its bounds.
    ``max_states``: A*'s state budget (default :func:`lp.astar.solve`'s)."""
    t0 = time.perf_counter()
    problem = size_problem(instance, "astar", max_columns)
    if problem is not None:
        raise InstanceTooLarge(problem)
    size = instance.n * instance.total_tokens
    if size_problem(instance, "highs", max_columns) is None and \
            not (instance.n <= ASTAR_MAX_JOBS
                 and instance.total_tokens * int(instance.o.max()) <= ASTAR_MAX_CELLS):
        mip = solve(instance, solver="highs", time_limit=time_limit, algorithms=algorithms)
        return mip, (f"A* skipped (n = {instance.n} jobs beyond its size limits); "
                     f"solved with HiGHS (time-indexed MIP)")
    res = _solve_astar(instance, time_limit, algorithms, t0, None, max_states)
    stopped = res.info.get("stopped")
    if res.proven_optimal or stopped is None or stopped.startswith("time limit"):
        return res, None
    left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
    if size > max_columns or (left is not None and left <= 0.5):
        return res, (f"A* stopped ({stopped}); no time or room for the MIP fallback "
                     f"(n * sum(o) = {size:,}): not proven optimal")
    mip = solve(instance, solver="highs", time_limit=left, algorithms=algorithms)
    msg = f"A* stopped ({stopped}); fell back to HiGHS (time-indexed MIP)"
    if mip.proven_optimal:
        return mip, msg
    # neither proved: the cheaper checked schedule, the larger proven lower bound
    best = mip if mip.objective is not None and mip.objective < res.objective else res
    bound = max(res.lower_bound, mip.lower_bound)
    best.info["lower_bound_from"] = "astar" if bound == res.lower_bound else "highs"
    best.lower_bound = bound
    best.gap = (best.objective - bound) / best.objective
    best.seconds = time.perf_counter() - t0
    return best, msg
