"""Search objectives: the certified ratio, or the violation of a behavioural lemma.

* ``"ratio"``: :func:`adversary.evaluate.evaluate` -- ``ALG/REF`` with ``REF`` a proven
  optimum (small ``n``) or the best checked construction (:mod:`adversary.reference`),
  a certified lower bound on ``ALG/OPT``; value = the ratio.
* a lemma name of the ledger (``bounds.catalogue.lemmas_for(alg, regime)`` with an
  empirical check): the algorithm is run *as the ledger runs it* (``alpha*`` and the
  round-length bound ``rho(alpha*)`` of the derivation, ``bounds.empirical.run_case``),
  then the lemma's check gives a slack ``(rhs - lhs) / rhs``; value = ``-slack``, so a
  positive value is a violation (e.g. ``E_k > rho T_k`` for a length lemma, a count
  deficit ``N_ALG(E_k) < N_S(tau_{k-delta})`` for a counting lemma).

Every call into ``bounds`` (whose internal names may change) goes through
:func:`ledger_adapter`, the one place to adapt.
"""
from __future__ import annotations

from typing import Any, Callable

from kvsched import Instance
from kvsched.errors import KvschedError

from .evaluate import evaluate


def ledger_adapter(alg: str, regime: str) -> tuple[dict[str, Any], dict[str, Callable],
                                                   Callable[..., Any]]:
    """``(params, {lemma name: run -> Outcome}, run_case)`` for ``alg`` in ``regime``,
    exactly as the ledger runs its empirical checks: ``params = {"alpha", "dilation"}``
    from ``bounds.ledger.derived_params``, the checkers from ``bounds.ledger._checker``,
    and ``bounds.empirical.run_case(family, inst, alg, alpha, dilation) -> Run``."""
    import bounds                      # plain imports, inside: the ratio objective never
    import bounds.catalogue            # needs the ledger (work in progress elsewhere)
    import bounds.empirical
    import bounds.ledger
    if alg not in ("gsa", "gba"):
        raise KvschedError(f"lemma objectives exist for gsa and gba only, not {alg!r}")
    if regime not in ("general", "large"):
        raise KvschedError(f"unknown regime {regime!r} (general or large)")
    d = bounds.derive(alg, regime)
    p = bounds.ledger.derived_params(d)
    checks = {l.name: bounds.ledger._checker(l, d, p["dilation"])
              for l in bounds.catalogue.lemmas_for(alg, regime) if l.empirical}
    dil = p.get("dilation")
    return ({"alpha": float(p["alpha"]), "dilation": None if dil is None else float(dil)},
            {k: v for k, v in checks.items() if v is not None}, bounds.empirical.run_case)


def lemma_names(alg: str, regime: str) -> list[str]:
    """The behavioural lemmas of ``alg`` in ``regime`` that have an empirical check."""
    return list(ledger_adapter(alg, regime)[1])


def lemma_check(alg: str, regime: str, lemma: str):
    """``(params, check, run_case)`` for one lemma; a bad name raises naming the choices."""
    p, checks, run_case = ledger_adapter(alg, regime)
    if lemma not in checks:
        raise KvschedError(f"no behavioural lemma {lemma!r} for {alg}/{regime}; choose "
                           f"from {', '.join(checks)}")
    return p, checks[lemma], run_case


def run_lemma(inst: Instance, alg: str, regime: str, lemma: str, family: str = "family"):
    """``(run, outcome)``: the algorithm run as the ledger runs it, and the lemma's check."""
    p, fn, run_case = lemma_check(alg, regime, lemma)
    run = run_case(family, inst, alg, p["alpha"], p["dilation"])
    return run, fn(run)


def score(inst: Instance, config: dict) -> dict[str, Any]:
    """One evaluation, plain data in and out (runs on workers); ``config["objective"]``
    is ``"ratio"`` or a lemma name (module doc). ``value`` is what the search maximises."""
    obj = config.get("objective", "ratio")
    if obj == "ratio":
        ev = evaluate(inst.to_dict(), config)
        return {"value": ev["ratio"] if ev["consistent"] else float("-inf"), "ev": ev}
    run, out = run_lemma(inst, config["alg"], config["regime"], obj)
    return {"value": -float(out.slack), "lemma": obj, "slack": float(out.slack),
            "violated": bool(out.violated), "inconclusive": bool(out.inconclusive),
            "basis": out.basis, "detail": out.detail, "reference": out.reference,
            "alg_objective": int(run.result.objective),
            "alg_schedule": run.result.schedule.to_dict()["attempts"],
            "run_params": {"alpha": run.alpha, "dilation": run.dilation}}
