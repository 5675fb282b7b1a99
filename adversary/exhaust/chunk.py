"""One chunk of the box, evaluated: per instance the exact OPT, each algorithm's checked
cost, and the slack of every behavioural lemma; per chunk only the aggregates.

Per algorithm the aggregate holds the worst ratio (exact, as ``cost/opt`` integers, with
the smallest instance attaining it), the ratio histogram (bin ``b`` counts ratios in
``[1 + b/BINS, 1 + (b+1)/BINS)``, computed in integers), and per lemma the number checked,
the worst slack with its instance, the number of violations and inconclusive checks, and
the smallest violating instance with its slack. *Smallest* means least
:func:`instance_key` ``(n, M, sum o, sum s, types)``. Aggregates of two chunks merge by
:func:`merge` in any order with the same result.

Every number comes from a checked schedule: ALG from ``run_algorithm`` (or the ledger's
run, which is ``run_algorithm`` too), OPT from :func:`adversary.exhaust.opt.solve`, whose
schedule is checked by ``kvsched.check`` and must cost the DP value.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from kvsched.algorithms import REGISTRY, run_algorithm
from kvsched.instance import Instance

from .box import Chunk
from .lemmas import check_all, lemma_run, lemma_suite
from .opt import solve

BINS = 20                      # histogram bins per unit of ratio


class FailAfter(RuntimeError):
    """Raised on purpose by the fault injection of the tests (``fail_after_chunks``)."""


def instance_key(M: int, jobs) -> tuple:
    """The order in which violations are *smallest*: fewer jobs, then less memory, then
    fewer output tokens, then smaller prompts, then the canonical type tuple."""
    return (len(jobs), M, sum(o for _, o in jobs), sum(s for s, _ in jobs), tuple(map(tuple, jobs)))


def ratio_params(alg: str, alpha: float | None) -> dict:
    """Parameters of the ratio run: ``alpha`` if the algorithm takes one and it is given."""
    spec = REGISTRY[alg]
    return {"alpha": float(alpha)} if alpha is not None and spec.accepts("alpha") else {}


def _effective(alg: str, params: dict) -> dict:
    return {**REGISTRY[alg].defaults, **params}


def _new_agg(lemmas) -> dict:
    return {"instances": 0, "worst": None, "hist": {}, "optimal": 0, "ratio_sum": 0.0,
            "lemmas": {name: {"checked": 0, "worst_slack": None, "worst_instance": None, "worst_M": None,
                              "violations": 0, "inconclusive": 0, "smallest_violation": None}
                       for name in lemmas}}


def evaluate_chunks(chunks: list[Chunk], config: dict) -> dict[str, dict]:
    """``{chunk.key: {alg: aggregate}}`` for a task of several chunks (a worker entry)."""
    return {c.key: evaluate_chunk(c, config) for c in chunks}


def evaluate_chunk(chunk: Chunk, config: dict, limit: int | None = None) -> dict[str, dict]:
    """``{alg: aggregate}`` over every instance of ``chunk`` (module docstring).
    ``config``: ``algorithms`` (list), ``alpha`` (None: each algorithm's default),
    ``lemmas`` (bool). ``limit``: only the first ``limit`` instances (calibration)."""
    algs = list(config["algorithms"])
    alpha = config.get("alpha")
    suites = {a: lemma_suite(a) if config.get("lemmas", True) else lemma_suite("none")
              for a in algs}
    rparams = {a: ratio_params(a, alpha) for a in algs}
    # the ledger's run doubles as the ratio run when it uses the same parameters
    reuse = {}
    for a in algs:
        su = suites[a]
        if su.checks:
            lp_ = {"alpha": su.params["alpha"]}
            if REGISTRY[a].accepts("dilation") and su.params.get("dilation") is not None:
                lp_["dilation"] = su.params["dilation"]
            reuse[a] = _effective(a, lp_) == _effective(a, rparams[a])
        else:
            reuse[a] = False
    aggs = {a: _new_agg(suites[a].names) for a in algs}
    M = chunk.M
    for idx, jobs in enumerate(chunk.instances()):
        if limit is not None and idx >= limit:
            break
        inst = Instance(s=[j[0] for j in jobs], o=[j[1] for j in jobs], M=M)
        opt, opt_sched = solve(inst)
        opt_completion = None
        for a in algs:
            agg = aggs[a]
            su = suites[a]
            run = None
            if su.checks:
                if opt_completion is None:
                    from kvsched.checker import check
                    opt_completion = check(opt_sched, inst).completion
                run = lemma_run(su, inst, opt, opt_sched, opt_completion)
                for name, (slack, violated, inconclusive) in check_all(su, run).items():
                    L = agg["lemmas"][name]
                    L["checked"] += 1
                    if L["worst_slack"] is None or slack < L["worst_slack"] or (
                            slack == L["worst_slack"] and instance_key(M, jobs)
                            < instance_key(L["worst_M"], L["worst_instance"])):
                        L["worst_slack"], L["worst_instance"] = slack, [list(j) for j in jobs]
                        L["worst_M"] = M
                    L["inconclusive"] += int(inconclusive)
                    if violated:
                        L["violations"] += 1
                        sv = L["smallest_violation"]
                        if sv is None or instance_key(M, jobs) < instance_key(sv["M"], sv["jobs"]):
                            L["smallest_violation"] = {"M": M, "jobs": [list(j) for j in jobs],
                                                       "slack": slack}
            cost = int(run.result.objective if reuse[a]
                       else run_algorithm(a, inst, **rparams[a]).objective)
            if cost < opt:
                raise AssertionError(f"{a} costs {cost} < OPT {opt} on M={M} {jobs}")
            agg["instances"] += 1
            b = (BINS * (cost - opt)) // opt
            agg["hist"][b] = agg["hist"].get(b, 0) + 1
            agg["optimal"] += int(cost == opt)
            agg["ratio_sum"] += cost / opt
            w = agg["worst"]
            if w is None or cost * w["opt"] > w["cost"] * opt or (
                    cost * w["opt"] == w["cost"] * opt
                    and instance_key(M, jobs) < instance_key(w["M"], w["jobs"])):
                agg["worst"] = {"cost": cost, "opt": opt, "M": M, "jobs": [list(j) for j in jobs]}
    for a in algs:      # JSON keys are strings
        aggs[a]["hist"] = {str(k): v for k, v in sorted(aggs[a]["hist"].items())}
    return aggs


def merge(x: dict | None, y: dict) -> dict:
    """The aggregate of the union of two disjoint sets of instances (order-free)."""
    if x is None:
        return y
    out = {"instances": x["instances"] + y["instances"], "optimal": x["optimal"] + y["optimal"],
           "ratio_sum": x["ratio_sum"] + y["ratio_sum"], "hist": dict(x["hist"]), "lemmas": {}}
    for k, v in y["hist"].items():
        out["hist"][k] = out["hist"].get(k, 0) + v
    out["hist"] = dict(sorted(out["hist"].items(), key=lambda kv: int(kv[0])))
    wx, wy = x["worst"], y["worst"]
    if wx is None or wy is None:
        out["worst"] = wx or wy
    else:
        rx, ry = Fraction(wx["cost"], wx["opt"]), Fraction(wy["cost"], wy["opt"])
        if rx != ry:
            out["worst"] = wx if rx > ry else wy
        else:
            out["worst"] = min(wx, wy, key=lambda w: instance_key(w["M"], w["jobs"]))
    for name in set(x["lemmas"]) | set(y["lemmas"]):
        a, b = x["lemmas"].get(name), y["lemmas"].get(name)
        if a is None or b is None:
            out["lemmas"][name] = a or b
            continue
        L = {"checked": a["checked"] + b["checked"], "violations": a["violations"] + b["violations"],
             "inconclusive": a["inconclusive"] + b["inconclusive"]}
        cand = [c for c in (a, b) if c["worst_slack"] is not None]
        if cand:
            best = min(cand, key=lambda c: (c["worst_slack"],
                                            instance_key(c["worst_M"], c["worst_instance"])))
            L["worst_slack"], L["worst_instance"] = best["worst_slack"], best["worst_instance"]
            L["worst_M"] = best["worst_M"]
        else:
            L["worst_slack"], L["worst_instance"], L["worst_M"] = None, None, None
        sv = [c["smallest_violation"] for c in (a, b) if c["smallest_violation"]]
        L["smallest_violation"] = min(sv, key=lambda v: instance_key(v["M"], v["jobs"])) if sv else None
        out["lemmas"][name] = L
    return out


def instance_dict(M: int, jobs) -> dict[str, Any]:
    return Instance(s=[j[0] for j in jobs], o=[j[1] for j in jobs], M=M).to_dict()
