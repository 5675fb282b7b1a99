"""Guarantee chains of the non-clairvoyant GSA variants (issue 15), for the ledger.

:func:`chains` returns one record per (variant, regime)::

    {"algorithm": name, "regime": "general" | "large", "lemmas": [Lemma, ...],
     "doc": "docs/trace.md#..."}

The chains reuse the framework of :mod:`bounds.catalogue` (docs/analysis.md section 2):
if ``N_ALG(rho T_k) >= N_S(tau_{k-1})`` for every schedule ``S`` and every ``k``, then
``ALG <= rho F_1(alpha) S`` with ``F_1 = alpha^3/(alpha-1)``. The variants' chains are

    geometric-interval (a^2/(a-1), reduced to HSSW)  x  <v>-overshoot (a, proved)
    x integer-budgets-1 (1, checked)  x  <v>-on-time-<regime> (2 c(a), ASSUMPTION)

so that ``R_v(a) = 2a^3 c(a)/(a-1)``: the same expression as GSA's, i.e. each variant is
*conditional on its own on-time lemma*, exactly as GSA is conditional on gsa-on-time. What
is proved for a variant and what is not is listed per lemma; only the algebra (the
interval factor and the overshoot) and the by-construction statements (count, feasibility)
are proved. ``gsa_elastic_learn`` carries one more assumption (its first budget is
learned, so the per-job budgets are not the sequence ``tau_k``).

Empirical evidence without the ledger: :func:`evidence` runs a variant on the ledger's
instance suite (:func:`bounds.empirical.instance_suite`) and checks its on-time lemma and
the theorem with the ledger's own checkers (:mod:`bounds.empirical`). The on-time lemmas'
``empirical`` names follow the ledger's pattern (``<algorithm>-on-time-<regime>``), so
:func:`bounds.ledger._checker` already knows how to check them (``delta = 1``,
``rho = 2 c``).
"""
from __future__ import annotations

import sympy as sp

from .algebra import alpha
from .catalogue import (dilation, integer_budgets_lemma, interval_factor, interval_lemma,
                        _dilation_algebra)
from .lemmas import ASSUMPTION, PROVED_BY_HAND, PROVED_SYMBOLIC, Lemma
from . import algebra as A

VARIANTS = ("gsa_polite", "gsa_pj", "gsa_elastic", "gsa_level", "gsa_elastic_learn")
POLITE_SLACK = 3          # gsa_polite's default slack D (kvsched.algorithms.gsa_variants)
EXTENDING = ("gsa_elastic", "gsa_level", "gsa_elastic_learn")   # unbounded blocking
REGIMES = ("general", "large")
DOC = "docs/trace.md"
ANCHORS = {v: v for v in VARIANTS}


def overshoot(v: str) -> Lemma:
    c = sp.simplify(interval_factor(1) / interval_factor(0))
    return Lemma(
        name=f"{v}-overshoot",
        statement=(f"{v}: job i's slices are its per-job budgets tau_0 < tau_1 < ... (the "
                   "budget rule of GSA, tau_0 = 1; an extension or a kill moves it to the "
                   "next one), and the slice of level k is min(tau_k, M - s_i) >= o_i when "
                   "o_i <= tau_k; so a job is done once it has reached level k with "
                   "tau_k >= o_i, one level after tau_{k-1} < o_i: the count is compared one "
                   "level late (delta = 1), which multiplies the interval factor by "
                   "F_1/F_0."),
        latex=r"F_1/F_0=\alpha",
        constant=c, establishment=PROVED_SYMBOLIC,
        proof="F_1 / F_0 computed by sympy from the two suprema (as slice-overshoot).",
        algebra=lambda: [A.identity("F_1 = alpha * F_0", interval_factor(1),
                                    alpha * interval_factor(0))])


def count(v: str) -> Lemma:
    return Lemma(
        name=f"{v}-count",
        statement=(f"{v}: let E_k be the first time at which every job is done or has "
                   "level > k (its level-k slice ended). Then N(E_k) >= #{i: o_i <= tau_k} "
                   ">= N_S(tau_k) for every schedule S (C*_i >= o_i). By construction: a "
                   "level-k slice of a job with o_i <= tau_k is at least o_i, so it "
                   "completes. Supporting: the content of the chain is the time bound "
                   "E_k <= 2 c(alpha) T_k, which is not proved (see the on-time lemma)."),
        latex=r"N(E_k)\ge\#\{i:o_i\le\tau_k\}",
        constant=sp.Integer(1), establishment=PROVED_BY_HAND,
        proof=f"{DOC}#guarantee-chains (by construction of the per-job slices).",
        role="supporting")


def feasible(v: str) -> Lemma:
    return Lemma(
        name=f"{v}-reservations",
        statement=(f"{v}: every attempt holds at most its reservation (the worst-case "
                   "profile s_i + 1 .. s_i + l of its current slice l) and the reserved "
                   "profile stays <= M at every step, whatever the hidden lengths; so "
                   "every schedule is feasible (also checked by the checker on every run)."),
        latex=r"\mathrm{mem}(t)\le P(t)\le M",
        constant=sp.Integer(1), establishment=PROVED_BY_HAND,
        proof=f"{DOC}#guarantee-chains; kvsched/algorithms/gsa_variants.py.",
        role="supporting")


def blocking_factor(v: str) -> sp.Expr:
    """``1 + alpha^D`` for gsa_polite (a waiting level-k job can be kept out by extensions
    up to level k + D, slices up to tau_{k+D} ~ alpha^D tau_k), 1 for the others."""
    return 1 + alpha ** POLITE_SLACK if v == "gsa_polite" else sp.Integer(1)


def on_time(v: str, regime: str, probe: bool = False) -> Lemma:
    """The variant's on-time lemma (factor ``2 c(alpha)``, times the blocking factor for
    gsa_polite); with ``probe=True`` gsa_polite's claim without the blocking factor."""
    c = dilation(regime)
    block = sp.Integer(1) if probe else blocking_factor(v)
    rho = 2 * c * block
    how = {"gsa_elastic": "admits in truncated-area order and extends a slice that fits",
           "gsa_pj": "kills at every slice end and re-queues with a doubled budget",
           "gsa_level": "admits level-k slices before level-(k+1) ones and extends a "
                        "slice that fits",
           "gsa_elastic_learn": "is gsa_elastic with a learned first budget",
           "gsa_polite": f"extends a slice unless the queue's head, more than "
                         f"{POLITE_SLACK} levels behind, fits only without the extension, "
                         f"and backfills behind a blocked head"}[v]
    refuted = (" REFUTED for this variant (docs/trace.md section 4: a long job extended "
               "to completion blocks short ones; certified ALG/OPT >= 133.7 on the "
               "blocking family, docs/counterexamples/gsa_elastic-blocking-M40000.json)"
               if v in EXTENDING else "")
    factor = "" if block == 1 else f" x (1 + alpha^{POLITE_SLACK}) (bounded blocking)"
    return Lemma(
        name=f"{v}-on-time-{'no-blocking-' if probe else ''}{regime}",
        statement=(f"{v} (which {how}) completes by time 2 c(alpha){factor} T_k at least "
                   "as many jobs as any schedule S completes by tau_{k-1}, with c = "
                   f"{sp.sstr(c)} ({'general instances' if regime == 'general' else 'large-memory regime'}). "
                   "The analogue of gsa-on-time; NOT proved: with v-count it would follow "
                   "from a time bound on E_k, for which no packing argument is known "
                   "(reservations of worst-case slices, and slices extended past tau_k, "
                   "can delay level-k work). Checked empirically." + refuted
                   + (" Probe: the same claim without the blocking factor (refuted on "
                      "small instances, so the factor is needed)." if probe else "")),
        latex=r"N_{%s}(%s\,T_k)\ge N_S(\tau_{k-1})" % (v.replace("_", r"\_"), sp.latex(rho)),
        constant=sp.Integer(1) if probe else rho, establishment=ASSUMPTION, regime=regime,
        role="probe" if probe else "factor",
        alpha_range=(sp.Integer(1), sp.oo) if regime == "large" else (sp.Integer(1),
                                                                       sp.Integer(4)),
        proof="none (assumption); SPEC section 4 reading of the dilation, as for GSA",
        algebra=_dilation_algebra(regime),
        empirical=None if (probe or block != 1) else f"{v}-on-time-{regime}")


def learned_start() -> Lemma:
    return Lemma(
        name="gsa_elastic_learn-learned-start",
        statement=("gsa_elastic_learn's first budget (the median of the lengths completed "
                   "so far, >= 1) does not break the chain: a job whose first slice exceeds "
                   "tau_k with o_i <= tau_k is still counted at level k. NOT proved and "
                   "likely false in the worst case (an adversary can make the first "
                   "completions long so that every later short job reserves a long slice); "
                   "an assumption stated so it can fail."),
        latex=r"b_i^{(0)}\ \text{harmless}",
        constant=sp.Integer(1), establishment=ASSUMPTION)


def lemmas(v: str, regime: str) -> list[Lemma]:
    """The chain of variant ``v`` in ``regime``: factor lemmas first, then supporting."""
    if v not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {v!r}")
    if regime not in REGIMES:
        raise ValueError(f"regime must be one of {REGIMES}, got {regime!r}")
    out = [interval_lemma(), overshoot(v), integer_budgets_lemma(1), on_time(v, regime)]
    if v == "gsa_elastic_learn":
        out.append(learned_start())
    out += [count(v), feasible(v)]
    if v == "gsa_polite":
        out.append(on_time(v, regime, probe=True))
    return out


def chains() -> list[dict]:
    """One record per (variant, regime), for the ledger (module docstring)."""
    return [{"algorithm": v, "regime": r, "lemmas": lemmas(v, r),
             "doc": f"{DOC}#{ANCHORS[v]}"} for v in VARIANTS for r in REGIMES]


def ratio(v: str, regime: str) -> sp.Expr:
    """``R_v(alpha)``: the product of the chain's constants (factored by sympy)."""
    return sp.factor(sp.Mul(*[l.constant for l in lemmas(v, regime)]))


def evidence(v: str, regime: str, n_instances: int = 24, seed: int = 0,
             alpha_value: float | None = None) -> dict:
    """Run ``v`` on the ledger's instance suite and check its on-time lemma (rho = 2c) and
    the theorem ALG/OPT <= R_v(alpha) with :mod:`bounds.empirical`'s checkers, at the
    chain's exact minimiser alpha* unless ``alpha_value`` is given, on the ledger's suite
    plus :func:`probe_suite`. Returns
    counts, violations and the worst slack of each (large regime: instances with
    max(s+o)/M <= the ledger's large-regime threshold only)."""
    from . import empirical as E
    if alpha_value is None:                  # the chain's own exact minimiser
        from .derive import minimise
        alpha_value = float(sp.N(minimise(ratio(v, regime)).alpha_star))
    a = alpha_value
    c = float(dilation(regime).subs(alpha, a)) * float(blocking_factor(v).subs(alpha, a))
    bound = float(ratio(v, regime).subs(alpha, a))
    suite = E.instance_suite(n_instances, seed) + probe_suite()
    if regime == "large":
        suite = [(f, i) for f, i in suite if i.large_memory_ratio <= E.LARGE_REGIME_MAX_RATIO]
    out = {"algorithm": v, "regime": regime, "alpha": a, "bound": bound, "instances": 0,
           "on_time": {"violations": 0, "inconclusive": 0, "worst_slack": None},
           "theorem": {"violations": 0, "inconclusive": 0, "worst_slack": None,
                       "worst_estimate": None}}
    for fam, inst in suite:
        run = E.run_case(fam, inst, v, a, None)
        out["instances"] += 1
        for key, o in (("on_time", E.check_on_time(run, 2 * c, 1)),
                       ("theorem", E.check_ratio(run, bound))):
            rec = out[key]
            rec["violations"] += bool(o.violated)
            rec["inconclusive"] += bool(o.inconclusive)
            if rec["worst_slack"] is None or o.slack < rec["worst_slack"]:
                rec["worst_slack"] = o.slack
                if key == "theorem":
                    rec["worst_estimate"] = o.detail
    return out


def probe_suite() -> list:
    """Instances aimed at the extension rule (docs/trace.md section 4): the two-job
    blocking instance, the blocking family at M = 36, 400, and long jobs beside short
    large-prompt ones (large regime, max(s+o)/M = 0.1)."""
    from kvsched import Instance
    out = [("blocking-2", Instance(s=[1, 35], o=[34, 1], M=36))]
    for M in (36, 400):
        n = int(round(M ** 0.5))
        out.append((f"blocking-M{M}", Instance(s=[1] + [M - 1] * n, o=[M - 2] + [1] * n,
                                               M=M)))
    for nl, ns in ((30, 10), (40, 20)):
        out.append((f"long-short-{nl}-{ns}", Instance(s=[30] * nl + [39] * ns,
                                                      o=[10] * nl + [1] * ns, M=400)))
    return out


def main(argv=None) -> int:
    """``python -m bounds.chain_variants [N] [SEED]``: the evidence table of every chain."""
    import sys
    args = list(sys.argv[1:] if argv is None else argv)
    n = int(args[0]) if args else 60
    seed = int(args[1]) if len(args) > 1 else 0
    print("| variant | regime | alpha | R(alpha) | instances | on-time violations "
          "(worst slack) | theorem violations (worst ALG/LB, estimate) |")
    print("|---|---|---|---|---|---|---|")
    for c in chains():
        e = evidence(c["algorithm"], c["regime"], n, seed)
        print(f"| {e['algorithm']} | {e['regime']} | {e['alpha']:.4g} | {e['bound']:.4g} | "
              f"{e['instances']} | {e['on_time']['violations']} "
              f"({e['on_time']['worst_slack']:.3g}) | {e['theorem']['violations']} "
              f"({e['theorem']['worst_estimate']}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
