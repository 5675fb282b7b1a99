"""Score one instance: ALG against a certified reference, every schedule checked.

The ratio reported for an instance ``I`` is ``ALG(I) / REF(I)`` where ``REF`` is the cost of
a schedule that passed :func:`kvsched.check`:

* ``REF = OPT`` proven optimal by ``lp.exact`` -> label ``certified`` (the true ratio);
* ``REF`` = the cost of a checked feasible schedule (the solver's best when it did not prove
  optimality, or the best of all registered algorithms when no exact solve is asked for)
  -> label ``certified lower bound``: since ``REF >= OPT``,
  ``ALG/REF <= ALG/OPT``, a lower bound on the true ratio;
* ``ALG / LB`` with ``LB`` the best combinatorial lower bound is always reported beside it,
  labelled ``estimate`` (an upper estimate of ``ALG/OPT``).

The reference provider is pluggable (:data:`REFERENCES`): ``exact`` solves with ``lp.exact``
(which ships with the package; ``auto`` is kept as a deprecated alias of it so older
commands and saved configurations still run), ``registered`` takes the best registered
algorithm, ``construction`` the best checked clairvoyant construction of
:mod:`adversary.reference` (the default for every kind above ``exact_max_n`` =
:data:`EXACT_MAX_N` jobs, where no exact solve finishes). ``lazy``
(the search's default) solves exactly only when ``ALG/LB`` exceeds ``certify_above`` (the
best ratio so far): since ``ALG/OPT <= ALG/LB`` no other candidate can be a new best, so
every improvement is still certified while most candidates cost no solve; the others are
scored ``ALG/UB`` (certified lower bound).
Everything here is a plain function of plain data so it runs in worker processes and on
Dask workers.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from kvsched import Instance, check
from kvsched.algorithms import REGISTRY, run_algorithm
from kvsched.lower_bounds import best_lower_bound
from kvsched.schedule import Schedule

CERTIFIED = "certified"
CERTIFIED_LB = "certified lower bound"
ESTIMATE = "estimate"


def algorithm_params(alg: str, alpha: float | None) -> dict[str, Any]:
    """``{"alpha": alpha}`` if ``alg`` takes an alpha and one is given, else ``{}``."""
    spec = REGISTRY[alg]
    if alpha is not None and spec.accepts("alpha"):
        return {"alpha": float(alpha)}
    return {}


def effective_alpha(alg: str, alpha: float | None) -> float | None:
    """The alpha the run actually uses: the given one or the algorithm's default."""
    if alg not in REGISTRY:
        return alpha
    p = {**REGISTRY[alg].defaults, **algorithm_params(alg, alpha)}
    return None if p.get("alpha") is None else float(p["alpha"])


# -- reference providers: instance -> (objective, schedule, certified-optimal?, source) ---

def best_registered(inst: Instance, **_: Any) -> dict[str, Any]:
    """The cheapest checked schedule among all registered algorithms (default params)."""
    best = None
    for name in sorted(REGISTRY):
        res = run_algorithm(name, inst)
        if best is None or res.objective < best[0]:
            best = (res.objective, res.schedule, name)
    return {"objective": int(best[0]), "schedule": best[1], "optimal": False,
            "status": "feasible", "source": f"best registered algorithm ({best[2]})"}


def exact(inst: Instance, time_limit: float = 10.0, solver: str = "highs", **_: Any) -> dict[str, Any]:
    """``lp.exact.solve``; when it does not prove optimality the better of its schedule and
    the best registered algorithm is used as a (certified) upper bound."""
    from lp.exact import solve
    try:
        res = solve(inst, solver=solver, time_limit=time_limit)
    except Exception as e:  # noqa: BLE001 -- a solver failure is reported, not a crash
        ub = best_registered(inst)
        ub["status"] = "lp.exact failed; " + ub["status"]
        ub["error"] = f"lp.exact raised {type(e).__name__}: {e}"
        return ub
    proven = bool(getattr(res, "proven_optimal", False))
    sched = getattr(res, "schedule", None)
    out = None
    if sched is not None:
        out = {"objective": int(res.objective), "schedule": sched, "optimal": proven,
               "status": str(res.status), "source": f"lp.exact ({solver})"}
    if proven:
        return out
    ub = best_registered(inst)
    if out is None or ub["objective"] < out["objective"]:
        ub["status"] = f"lp.exact: {getattr(res, 'status', 'unknown')}; " + ub["status"]
        return ub
    return out


def brute_force_cross_check(inst: Instance, opt: int, max_states: int = 200_000) -> str:
    """Compare a proven optimum with the independent A* search of ``lp.brute`` (tiny
    instances; SPEC section 5)."""
    from lp.brute import solve as brute_force
    try:
        value = brute_force(inst, max_states=max_states)[0]
    except RuntimeError:
        return "skipped (brute force state limit)"
    if value != opt:
        return f"DISAGREES: lp.exact optimum {opt}, A* brute force {value}"
    return "A* brute force agrees"


def construction(inst: Instance, seed: int = 0, **_: Any) -> dict[str, Any]:
    """The cheapest checked clairvoyant construction (:func:`adversary.reference.reference`:
    GBA, MC-SF, Sorted-F, sequential SPT, earliest-fit packings and a local search):
    a certified upper bound on OPT at any ``n``."""
    from .reference import reference
    return reference(inst, seed=seed)


REFERENCES: dict[str, Callable[..., dict[str, Any]]] = {
    "exact": exact, "registered": best_registered, "construction": construction,
    "auto": exact}          # deprecated alias of "exact" (lp.exact always ships now)
EXACT_MAX_N = 14            # above this many jobs "lazy" and "exact" use "construction"
REFERENCE_CHOICES = ["lazy", *REFERENCES]


def evaluate(inst_dict: dict, config: dict) -> dict[str, Any]:
    """Run ``config["alg"]`` on the instance and score it against the reference.

    ``config``: ``alg``, ``alpha`` (None = the algorithm's default), ``reference``
    (``lazy`` or a key of :data:`REFERENCES`), ``certify_above`` (for ``lazy``),
    ``time_limit``, ``solver``, ``cross_check_n`` (a
    proven optimum of an instance with at most this many jobs is confirmed by the A* brute
    force of ``lp.brute``; a disagreement makes the evaluation inconsistent). Returns plain data: the
    objectives, both schedules as attempt lists, ``ratio`` and ``ratio_label``, the lower
    bound and ``ratio_to_lower_bound`` (estimate), ``large_memory_ratio``, and
    ``consistent`` (``LB <= REF`` and, when REF is proven optimal, ``REF <= ALG``).
    """
    inst = Instance.from_dict(inst_dict)
    alg = config["alg"]
    params = algorithm_params(alg, config.get("alpha"))
    run = run_algorithm(alg, inst, **params)
    lb, lb_name = best_lower_bound(inst)
    kind = config.get("reference", "exact")
    kw = {"time_limit": config.get("time_limit", 10.0), "solver": config.get("solver", "highs")}
    if kind in ("lazy", "exact", "auto") and inst.n > config.get("exact_max_n", EXACT_MAX_N):
        kind = "construction"          # no exact solve proves this size: certified LB
    if kind == "construction":
        ref = construction(inst, seed=config.get("seed", 0))
    elif kind == "lazy":
        # ALG/OPT <= ALG/LB: only a candidate with ALG/LB above the threshold can beat it,
        # so only such candidates pay for an exact solve.
        above = run.objective / lb > config.get("certify_above", 0.0)
        ref = exact(inst, **kw) if above else best_registered(inst)
    else:
        ref = REFERENCES[kind](inst, **kw)
    ref_report = check(ref["schedule"], inst)          # the one judge, again
    if ref_report.objective != ref["objective"]:
        raise AssertionError(f"reference {ref['source']} claims {ref['objective']} but its "
                             f"schedule costs {ref_report.objective}")
    ref_obj = ref_report.objective
    problems = []
    if lb > ref_obj:
        problems.append(f"lower bound {lb} ({lb_name}) > reference {ref_obj}")
    if "error" in ref:
        problems.append(ref["error"])
    cross = "not attempted"
    if ref["optimal"] and inst.n <= config.get("cross_check_n", 0):
        cross = brute_force_cross_check(inst, ref_obj)
        if cross.startswith("DISAGREES"):
            problems.append(cross)
    if ref["optimal"] and ref_obj > run.objective:
        problems.append(f"proven optimum {ref_obj} > {alg} cost {run.objective}")
    return {
        "instance": inst.to_dict(),
        "n": inst.n,
        "large_memory_ratio": inst.large_memory_ratio,
        "alg": alg,
        "alg_params": {k: v for k, v in run.params.items()},
        "alg_objective": run.objective,
        "alg_schedule": run.schedule.to_dict()["attempts"],
        "alg_restarts": run.report.restarts,
        "alg_wasted_tokens": run.report.wasted_tokens,
        "ref_objective": ref_obj,
        "ref_schedule": ref["schedule"].to_dict()["attempts"],
        "ref_optimal": bool(ref["optimal"]),
        "ref_status": ref["status"],
        "ref_source": ref["source"],
        "ratio": run.objective / ref_obj,
        "ratio_label": CERTIFIED if ref["optimal"] and not problems else CERTIFIED_LB,
        "ref_cross_check": cross,
        "lower_bound": lb,
        "lower_bound_name": lb_name,
        "ratio_to_lower_bound": run.objective / lb,
        "ratio_to_lower_bound_label": ESTIMATE,
        "consistent": not problems,
        "problems": problems,
    }


def schedule_of(attempts: list) -> Schedule:
    return Schedule.from_attempts(attempts)


# -- the theoretical bound beside each ratio ----------------------------------------------

@lru_cache(maxsize=None)
def regime_minimiser(alg: str, regime: str) -> float | None:
    """``alpha*`` minimising the derived ratio of ``alg`` in ``regime``
    (``bounds.derive(alg, regime).alpha_star``), or ``None`` for an algorithm the bounds
    module derives no ratio for (the baselines)."""
    import bounds
    if alg not in bounds.ALGORITHMS:
        return None
    return float(bounds.derive(alg, regime).alpha_star)


def used_alpha(alg: str, regime: str, alpha: float | None) -> float | None:
    """The alpha a search runs ``alg`` with: the given one; else for the large regime the
    minimiser of the derived large-regime ratio (where its bound is claimed); else the
    algorithm's registered default (the general-regime minimiser)."""
    if alpha is None and regime == "large":
        a = regime_minimiser(alg, "large")
        if a is not None:
            return effective_alpha(alg, a)
    return effective_alpha(alg, alpha)


def bound_value(alg: str, regime: str, alpha: float | None) -> float | None:
    """``bounds.ratio_value(alg, regime, alpha)``, or ``None`` for an algorithm the bounds
    module derives no ratio for (the constants are never typed in here)."""
    import bounds
    if alpha is None or alg not in bounds.ALGORITHMS:
        return None
    return float(bounds.ratio_value(alg, regime, alpha))
