"""One checked run of an algorithm with a chain's parameters, and what every lemma check
needs from it: the budgets ``tau_k`` (the implementation's rule, checked against the
recorded ones), the round ends ``E_k`` (end of the last round with index ``<= k``), the
checked completion times, the checked schedules of reference algorithms and a proven
optimum when one is cheap (a reference meeting the lower bound, or ``lp.exact`` for
``n <= EXACT_MAX_N``).

References and optima depend on the instance only; they are cached per instance content so
that the chains (GSA, GBA, variants) share them.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from kvsched.algorithms import get_algorithm, run_algorithm
from kvsched.checker import check
from kvsched.instance import Instance
from kvsched.lower_bounds import best_lower_bound
from lp.exact import solve

from .suite import budget_rule

EXACT_MAX_N = 7                  # exact optimum only for small instances
REFERENCE_ALGORITHMS = ("fcfs", "mcsf", "sorted_f", "sequential_spt", "gba_list")
_CACHE_SIZE = 512


@dataclass
class _Certified:
    """A checked schedule proven optimal because its cost equals a lower bound."""

    objective: int
    schedule: object
    algorithm: str


@dataclass
class SavedReference:
    """A reference schedule saved in an evidence file, re-checked by ``kvsched.check``
    (so its cost is a valid upper bound on OPT)."""

    algorithm: str
    schedule: object
    objective: int
    report: object


class _InstanceFacts:
    """Reference runs, lower bound and proven optimum of one instance (computed lazily)."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self._refs = None
        self._saved: list[SavedReference] = []
        self._opt_done = False
        self._opt = None
        self._lb = None

    def references(self) -> list:
        if self._refs is None:
            from kvsched.algorithms import REGISTRY
            self._refs = [run_algorithm(name, self.inst) for name in REFERENCE_ALGORITHMS
                          if name in REGISTRY]
        return self._refs + self._saved

    def add_saved_reference(self, schedule, label: str) -> None:
        """Add a schedule from an evidence file (dict with "attempts" or a list of
        attempts) after checking it; an infeasible one raises the checker's error."""
        from kvsched.schedule import Schedule
        sch = Schedule.from_dict(schedule if isinstance(schedule, dict)
                                 else {"attempts": schedule})
        if any(r.schedule == sch for r in self._saved):
            return
        rep = check(sch, self.inst)
        self._saved.append(SavedReference(label, sch, int(rep.objective), rep))
        if self._opt_done and self._opt is None:
            self._opt_done = False           # a better reference may now meet the bound

    def lower_bound(self) -> tuple:
        if self._lb is None:
            self._lb = best_lower_bound(self.inst)
        return self._lb

    def opt(self):
        if not self._opt_done:
            self._opt_done = True
            best = min(self.references(), key=lambda r: r.objective)
            if best.objective == self.lower_bound()[0]:
                self._opt = (np.asarray(best.report.completion),
                             _Certified(best.objective, best.schedule, best.algorithm))
            elif self.inst.n <= EXACT_MAX_N:
                res = solve(self.inst, solver="astar", time_limit=20)
                if res.proven_optimal and res.schedule is not None:
                    rep = check(res.schedule, self.inst)
                    self._opt = (rep.completion, res)
        return self._opt


_FACTS: OrderedDict[str, _InstanceFacts] = OrderedDict()


def instance_key(inst: Instance) -> str:
    """Content key of an instance (jobs and M; the name does not matter)."""
    d = inst.to_dict()
    return json.dumps({"M": d["M"], "jobs": d["jobs"]}, sort_keys=True)


def facts(inst: Instance) -> _InstanceFacts:
    key = instance_key(inst)
    f = _FACTS.get(key)
    if f is None:
        f = _FACTS[key] = _InstanceFacts(inst)
        if len(_FACTS) > _CACHE_SIZE:
            _FACTS.popitem(last=False)
    else:
        _FACTS.move_to_end(key)
    return f


@dataclass
class Run:
    """One checked run of ``algorithm`` on ``instance`` with the chain's parameters."""

    family: str
    instance: Instance
    algorithm: str
    alpha: float
    dilation: float | None              # None: run without a round length cap
    result: object                      # kvsched.algorithms.RunResult
    taus: np.ndarray = field(repr=False)        # tau_0 .. tau_K (all k)
    ends: np.ndarray = field(repr=False)        # E_0 .. E_K
    completion: np.ndarray = field(repr=False)  # C_i (checked)

    def references(self) -> list:
        """The checked runs of :data:`REFERENCE_ALGORITHMS` on this instance (cached)."""
        return facts(self.instance).references()

    def best_reference(self):
        """The cheapest checked reference schedule (its cost is an upper bound on OPT)."""
        return min(self.references(), key=lambda r: r.objective)

    def lower_bound(self) -> tuple:
        return facts(self.instance).lower_bound()

    @property
    def K(self) -> int:
        return len(self.taus) - 1

    def n_done_by(self, t) -> np.ndarray:
        """``N_ALG(t)`` for an array of times."""
        return np.searchsorted(np.sort(self.completion), np.asarray(t), side="right")

    def opt(self):
        """A proven optimal schedule: ``(completion times, result)`` or ``None``: a checked
        reference schedule whose cost meets the lower bound, else ``lp.exact.solve`` on
        small instances, used only when proven optimal."""
        return facts(self.instance).opt()


def best_feasible(inst: Instance):
    """The cheapest checked schedule among the reference algorithms."""
    return min(facts(inst).references(), key=lambda r: r.objective)


def budget_rule_for(algorithm: str):
    """The budget rule of ``algorithm``: its module's ``floor_budgets`` or ``budget_rule``
    if it defines one (e.g. GBA-LIST's ``floor(alpha^k)``), else the shared rule."""
    import importlib
    mod = importlib.import_module(get_algorithm(algorithm).func.__module__)
    return getattr(mod, "budget_rule", None) or getattr(mod, "floor_budgets", None) \
        or budget_rule


def _budgets(alpha: float, count: int, recorded: dict[int, int], rule=budget_rule) -> np.ndarray:
    taus = [int(t) for t in rule(alpha, count)]
    for k, b in recorded.items():
        if taus[k] != b:
            raise AssertionError(f"round {k}: recorded budget {b} != budget rule {taus[k]}")
    return np.asarray(taus, dtype=np.int64)


def accepts(algorithm: str, param: str) -> bool:
    """Whether the registered scheduler takes the keyword ``param``."""
    return get_algorithm(algorithm).accepts(param)


def run_case(family: str, inst: Instance, algorithm: str, alpha: float,
             dilation: float | None) -> Run:
    """Run ``algorithm`` with ``alpha`` and, if it takes a round length cap and
    ``dilation`` is not ``None``, that cap (``Run.dilation`` is ``None`` otherwise: the
    rounds are whatever the implementation makes them, and the length lemma tests that)."""
    params = {"alpha": alpha}
    if dilation is not None and accepts(algorithm, "dilation"):
        params["dilation"] = dilation
    else:
        dilation = None
    res = run_algorithm(algorithm, inst, **params)
    recorded = {r.k: r.budget for r in res.rounds}
    K = max(recorded) if recorded else 0
    taus = _budgets(alpha, K + 1, recorded, budget_rule_for(algorithm))
    ends = np.zeros(K + 1, dtype=np.int64)
    for r in res.rounds:
        ends[r.k] = max(ends[r.k], r.end)
    ends = np.maximum.accumulate(ends)
    return Run(family, inst, algorithm, alpha, dilation, res, taus, ends,
               np.asarray(res.report.completion))


def replay_violation(path) -> Run:
    """Re-run the saved algorithm with the saved parameters on the saved instance (the
    file alone suffices); the caller re-applies the lemma's check."""
    from pathlib import Path
    rec = json.loads(Path(path).read_text())
    inst = Instance.from_dict(rec["instance"])
    p = rec["params"]
    return run_case(rec.get("family", "replay"), inst, rec["algorithm"], p["alpha"],
                    p.get("dilation"))
