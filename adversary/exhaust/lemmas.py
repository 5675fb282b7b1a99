"""The one adapter between the exhaustive run and the ledger's behavioural lemmas.

Everything the exhaustive run needs from ``bounds`` goes through :func:`lemma_suite` and
:func:`lemma_run`, so a change of the ledger's API is fixed here only. A lemma is checked
exactly the way the ledger and ``adversary.family_search.lemma_check`` check it: the
algorithm is run with the ledger's derived parameters (``alpha*`` and the round-length
bound ``rho``) through ``bounds.empirical.run_case`` (which runs ``run_algorithm``, so the
schedule is checked), then the lemma's check function gives the slack. The only addition:
the run is handed the proven optimum of the exhaustive DP (its schedule checked), so a
count check that needs OPT does not call a solver per instance.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

REGIME = "general"          # tiny boxes are not large-memory instances


@dataclass
class LemmaSuite:
    algorithm: str
    regime: str
    params: dict               # {"alpha": alpha*, "dilation": rho} of the ledger
    checks: dict[str, Callable]  # lemma name -> run -> Outcome
    run_case: Callable | None = None   # bounds.empirical.run_case

    @property
    def names(self) -> list[str]:
        return list(self.checks)


_SUITES: dict = {}


def lemma_suite(alg: str, regime: str = REGIME) -> LemmaSuite:
    """:func:`_lemma_suite`, computed once per process (the derivation uses sympy)."""
    if (alg, regime) not in _SUITES:
        _SUITES[(alg, regime)] = _lemma_suite(alg, regime)
    return _SUITES[(alg, regime)]


def _lemma_suite(alg: str, regime: str = REGIME) -> LemmaSuite:
    """The ledger's behavioural lemmas of ``alg`` (those with ``l.empirical``) and how they
    are checked (``adversary.objectives.ledger_adapter``); empty for algorithms the ledger
    has no lemmas for."""
    if alg not in ("gsa", "gba"):
        return LemmaSuite(alg, regime, {}, {}, None)
    import bounds
    import bounds.catalogue
    import bounds.empirical
    import bounds.ledger
    d = bounds.derive(alg, regime)
    p = bounds.ledger.derived_params(d)
    checks = {l.name: bounds.ledger._checker(l, d, p.get("dilation"))
              for l in bounds.catalogue.lemmas_for(alg, regime) if l.empirical}
    params = {"alpha": float(p["alpha"]),
              "dilation": None if p.get("dilation") is None else float(p["dilation"])}
    return LemmaSuite(alg, regime, params, {k: v for k, v in checks.items() if v is not None},
                      bounds.empirical.run_case)


class _Opt:
    """What ``bounds.empirical.Run.opt`` returns as its result: objective and schedule."""

    def __init__(self, objective: int, schedule):
        self.objective, self.schedule = objective, schedule
        self.proven_optimal = True


def lemma_run(suite: LemmaSuite, inst, opt_value: int, opt_schedule, opt_completion):
    """The ledger's run of ``suite.algorithm`` on ``inst`` (checked schedule), with the
    proven optimum attached where the ledger's run looks it up."""
    run = suite.run_case("exhaust", inst, suite.algorithm, suite.params["alpha"],
                         suite.params.get("dilation"))
    value = (np.asarray(opt_completion), _Opt(opt_value, opt_schedule))
    try:                                     # per-instance facts cache of bounds.run
        from bounds.run import facts
        f = facts(inst)
        f._opt, f._opt_done = value, True
    except ImportError:                      # older bounds: the optimum lives on the run
        run._opt, run._opt_done = value, True
    return run


def check_all(suite: LemmaSuite, run) -> dict[str, tuple[float, bool, bool]]:
    """``{lemma: (slack, violated, inconclusive)}`` on one run."""
    out = {}
    for name, fn in suite.checks.items():
        o = fn(run)
        out[name] = (float(o.slack), bool(o.violated), bool(o.inconclusive))
    return out
