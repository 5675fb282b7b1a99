"""The proof ledger: per chain (the four published guarantees about the implemented GSA
and GBA, their named variants, and proved chains from :mod:`bounds.proved`), every lemma
with its status and evidence, the derived ratio, its exact minimiser and minimum beside
the published constant, the certified and estimated ratios seen, and the chain's verdict
(what ``kvsched bounds`` prints and ``--json`` emits). Statuses and verdicts follow the
rules of :mod:`bounds.status` from the evidence of :mod:`bounds.evidence`.
"""
from __future__ import annotations

from pathlib import Path

import sympy as sp

from . import status as S
from .algebra import alpha
from .chains import Chain, all_chains, checker, from_derivation
from .checks import CheckSummary, certified_ratio, check_ratio
from .derive import Derivation
from .evidence import Item, boxes_for_chain, budget_box, default_items, exhaust_summaries, skipped
from .lemmas import Lemma
from kvsched.errors import KvschedError

from .run import facts, run_case
from .suite import LARGE_REGIME_MAX_RATIO

MAX_SAVED_PER_LEMMA = 3
_ALGEBRA_CACHE: dict[str, list] = {}


def algebra_steps(lemma: Lemma) -> list:
    """The lemma's algebraic steps, decided once per process (they depend on the lemma
    only, and a lemma's name and constant identify it)."""
    key = f"{lemma.name}|{sp.sstr(lemma.constant)}"
    if key not in _ALGEBRA_CACHE:
        _ALGEBRA_CACHE[key] = lemma.algebra_steps()
    return _ALGEBRA_CACHE[key]


def derived_params(d: Derivation) -> dict:
    """How the algorithm is run for this derivation's chain: ``alpha*`` and the round cap
    passed to it (``None``: the implemented default, no cap)."""
    ch = from_derivation(d)
    return {"alpha": ch.alpha, "dilation": ch.dilation}


def _checker(lemma: Lemma, d: Derivation, rho: float | None = None):
    """The function run -> Outcome for a lemma's empirical check in the chain of ``d``
    (``rho`` is ignored: the chain fixes it), or None."""
    return checker(lemma, from_derivation(d))


def eligible(chain: Chain, item: Item) -> bool:
    return chain.regime != "large" or item.instance.large_memory_ratio <= LARGE_REGIME_MAX_RATIO


def _own_params_run(chain: Chain, item: Item):
    """A counterexample or lemma result found at other parameters than the chain's: run it
    at its own (for the lemmas claimed for every alpha), if it is about this algorithm and
    has the same kind of round cap."""
    p = item.params or {}
    if item.source not in ("counterexample", "lemma result") or item.algorithm != chain.algorithm \
            or "alpha" not in p or p["alpha"] is None:
        return None
    if abs(float(p["alpha"]) - chain.alpha) < 1e-12 and p.get("dilation") == chain.dilation:
        return None
    if (p.get("dilation") is None) != (chain.dilation is None):
        return None
    return run_case(item.label, item.instance, chain.algorithm, float(p["alpha"]),
                    p.get("dilation"))


def evaluate(chain: Chain, items: list[Item], out_dir: Path | None, seed: int) -> dict:
    """Run the chain's algorithm on every eligible item and every lemma check on it."""
    checks = {l.name: (l, fn) for l in chain.lemmas if l.empirical
              for fn in [checker(l, chain)] if fn is not None}   # None: no check wired
    summaries = {name: CheckSummary(name) for name in checks}
    theorem = CheckSummary("theorem: ALG/OPT <= R(alpha*)")
    bound = float(chain.bound)
    best_cert = None
    chain_notes: list[str] = []
    for it in items:
        if not eligible(chain, it):
            continue
        if it.reference is not None:
            try:
                facts(it.instance).add_saved_reference(it.reference, it.reference_name)
            except KvschedError as e:
                chain_notes.append(f"{it.label}: saved reference rejected ({e})")
        run = run_case(it.label, it.instance, chain.algorithm, chain.alpha, chain.dilation)
        for name, (l, fn) in checks.items():
            summaries[name].record(run, fn(run), out_dir, seed, MAX_SAVED_PER_LEMMA,
                                   source=it.source, file=it.file)
        theorem.record(run, check_ratio(run, bound), out_dir, seed, MAX_SAVED_PER_LEMMA,
                       save_as=f"theorem-{chain.key}", source=it.source, file=it.file)
        r, basis = certified_ratio(run)
        if best_cert is None or (r, it.label) > (best_cert["ratio"], best_cert["instance"]):
            best_cert = {"ratio": r, "basis": basis, "instance": it.label, "file": it.file}
        own = _own_params_run(chain, it)
        if own is not None:
            for name, (l, fn) in checks.items():
                if l.any_alpha and (it.lemma is None or it.lemma == name):
                    summaries[name].record(own, fn(own), None, seed, 0,
                                           source=f"{it.source} (own alpha)", file=it.file)
    return {"summaries": summaries, "theorem": theorem, "best_certified": best_cert,
            "notes": chain_notes}


def judge(chain: Chain, ev: dict, exhaust: list[dict]) -> dict:
    """Statuses, verdict and the JSON record of one chain."""
    boxes, above = boxes_for_chain(chain, exhaust)
    for l in chain.lemmas:
        if l.empirical and l.empirical.startswith("interval-budgets-"):
            delta = int(l.empirical.rsplit("-", 1)[1])
            boxes.setdefault(l.name, []).append(budget_box(sp.sstr(chain.alpha_star), delta))
    algebra = {l.name: algebra_steps(l) for l in chain.lemmas}
    algebra_ok = {n: all(s.holds for s in st) for n, st in algebra.items()}
    runs = {n: [s.to_dict()] for n, s in ev["summaries"].items()}
    statuses = S.status_of_all(list(chain.lemmas), algebra_ok, runs, boxes)
    theorem = ev["theorem"].to_dict()
    certified_above = [{"ratio": bound_ratio(w, chain), "instance": w["instance"],
                        "file": w["file"], "basis": w["basis"]}
                       for w in theorem["witnesses"]] + above
    factor = {l.name: statuses[l.name] for l in chain.lemmas if l.role == "factor"}
    verdict = S.chain_verdict(factor, certified_above)
    lemmas, counts = [], {s: 0 for s in S.STATUSES}
    for l in chain.lemmas:
        st = statuses[l.name]
        if l.role != "probe":
            counts[st.status] += 1
        emp = ev["summaries"][l.name].to_dict() if l.name in ev["summaries"] \
            and ev["summaries"][l.name].instances else None
        lemmas.append({**l.to_dict(), "status": st.status, "status_reason": st.reason,
                       "witnesses": [dict(w) for w in st.witnesses[:5]],
                       "boxes": boxes.get(l.name, []),
                       "algebra": [s.to_dict() for s in algebra[l.name]], "empirical": emp})
    rec = {"chain": chain.key, "algorithm": chain.algorithm, "regime": chain.regime,
           "about": chain.about, "source": chain.source, "reference": chain.reference,
           "verdict": verdict.text, "verdict_kind": verdict.kind,
           "open_lemmas": [n for n, _ in verdict.open_lemmas],
           "expression": sp.sstr(chain.expression), "latex": sp.latex(chain.expression),
           "alpha_star": sp.sstr(chain.alpha_star), "alpha_star_float": chain.alpha,
           "value": sp.sstr(chain.bound), "value_float": float(chain.bound),
           "published": chain.published,
           "difference": None if chain.published is None
           else float(chain.bound) - chain.published,
           "run_params": chain.run_params, "rho": chain.rho,
           "lemmas": lemmas, "status_counts": counts,
           "factor_lemmas_refuted": [n for n, s in factor.items() if s.status == S.REFUTED],
           "theorem": {"certified_above_bound": certified_above,
                       "worst_certified": ev["best_certified"],
                       "estimate": {"worst_slack": theorem["worst_slack"],
                                    "worst_detail": theorem["worst_detail"],
                                    "worst_instance": theorem["worst_instance"],
                                    "basis": theorem["worst_basis"]},
                       "instances": theorem["instances"], "sources": theorem["sources"],
                       "inconclusive": theorem["inconclusive"]},
           "theorem_check": theorem}
    d = chain.derivation
    if d is not None:
        m = d.minimum
        rec.update({
            "matches_published": d.matches_published,
            "published_rule": "exact minimum rounded up to 2 decimals",
            "matches_nearest_rounding": d.matches_nearest_rounding,
            "unique_minimum": m.is_unique_minimum,
            "optimisation_algebra": [st.to_dict() for st in d.optimisation_steps()],
            "second_derivative_at_alpha_star": sp.sstr(m.second_derivative),
            "limit_at_1": sp.sstr(m.limit_at_1), "limit_at_oo": sp.sstr(m.limit_at_oo),
            "critical_points": [sp.sstr(c) for c in m.critical_points],
            "lemmas_excluding_alpha_star": d.lemmas_valid_at_minimiser()})
    # a refuted length lemma: the dilation the evidence needs, and what the count + length
    # route would then give (a lower bound on that route's ratio, not a bound on ALG/OPT)
    for l in lemmas:
        e = l["empirical"]
        if l["name"].endswith(("-length-general", "-length-large")) and e and e["violations"] \
                and chain.derivation is not None:
            c_obs = chain.rho * (1 - e["worst_slack"])
            f = float(chain.bound) / chain.rho          # R(alpha*) = rho * (the rest)
            rec["length_dilation_needed"] = {
                "lemma": l["name"], "rho_claimed": chain.rho, "rho_needed_at_least": c_obs,
                "route_ratio_at_least": c_obs * f, "instance": e["worst_instance"],
                "note": f"E_k / T_k reaches {c_obs:.4g} > rho = {chain.rho:.4g} on "
                        f"{e['worst_instance']}: the count + length route needs a dilation "
                        f">= {c_obs:.4g}, i.e. a ratio >= {c_obs * f:.4g} at alpha* (published "
                        f"{chain.published})"}
    ib = next((b for l in lemmas if l["name"].startswith("integer-budgets-")
               for b in l["boxes"] if b.get("worst_slack") is not None), None)
    if ib is not None and ib["worst_slack"] < 0:
        rec["integer_budgets_true_constant"] = {
            "excess": -ib["worst_slack"],
            "ratio_with_it": float(chain.bound) / (1 + ib["worst_slack"]),
            "note": "the implementation's budgets give the interval factor times "
                    f"1 + {-ib['worst_slack']:.3g} on the box; R(alpha*) times that"}
    return rec


def bound_ratio(w: dict, chain: Chain) -> float:
    """The certified ratio of a theorem witness, from its slack ``(R - r)/R``."""
    return float(chain.bound) * (1 - float(w["slack"]))


def ledger(n_instances: int = 0, seed: int = 0, out_dir: str | Path | None = "results/refuted",
           *, evidence: bool = True, chains: list[Chain] | None = None,
           items: list[Item] | None = None) -> list[dict]:
    """One record per chain. ``evidence=False``: symbolic only (no runs). ``n_instances``:
    extra seeded random instances beside the default evidence (which does not depend on
    ``seed``). ``items``: run on these instead of the default evidence (``--check``)."""
    out_dir = None if out_dir is None else Path(out_dir)
    chains = all_chains() if chains is None else chains
    if items is None:
        items = default_items(n_instances, seed) if evidence else []
    exhaust = exhaust_summaries() if (evidence and items is not None) else []
    records = []
    for ch in chains:
        ev = evaluate(ch, items, out_dir, seed)
        rec = judge(ch, ev, exhaust)
        rec["evidence_params"] = {"random_instances": n_instances, "seed": seed,
                                  "items": len(items), "skipped_files": skipped()}
        records.append(rec)
    return records


def check_items(items: list[Item], chains: list[Chain] | None = None) -> list[dict]:
    """``kvsched bounds --check``: every lemma check of every chain on each item (a user
    instance file or a saved result), one row per (file, chain, lemma) with its slack and
    label, plus one theorem row per (file, chain) with the certified and estimated ratio."""
    chains = all_chains() if chains is None else chains
    rows = []
    for it in items:
        for ch in chains:
            if not eligible(ch, it):
                rows.append({"file": it.label, "chain": ch.key, "lemma": "-", "role": "-",
                             "label": "not in the regime", "violated": False,
                             "detail": f"max(s+o)/M = {it.instance.large_memory_ratio:.4g} > "
                                       f"{LARGE_REGIME_MAX_RATIO}", "slack": None})
                continue
            ev = evaluate(ch, [it], None, 0)
            for l in ch.lemmas:
                s = ev["summaries"].get(l.name)
                if s is None:
                    continue
                d = s.to_dict()
                label = ("VIOLATED" if d["violations"] else
                         "inconclusive" if d["inconclusive"] else
                         "holds (tight)" if d["tight"] else "holds")
                rows.append({"file": it.label, "chain": ch.key, "lemma": l.name, "role": l.role,
                             "label": label, "violated": bool(d["violations"]),
                             "slack": d["worst_slack"], "basis": d["worst_basis"],
                             "detail": d["worst_detail"]})
            th = ev["theorem"].to_dict()
            cert = ev["best_certified"]
            rows.append({"file": it.label, "chain": ch.key,
                         "lemma": f"theorem ALG/OPT <= {float(ch.bound):.6g}",
                         "role": "theorem",
                         "label": "REFUTED (certified)" if th["violations"] else
                         "not refuted", "violated": bool(th["violations"]),
                         "slack": th["worst_slack"], "basis": th["worst_basis"],
                         "detail": f"{th['worst_detail']}; certified ALG/REF = "
                                   f"{cert['ratio']:.4g} ({cert['basis']})" if cert else
                         th["worst_detail"]})
    return rows
