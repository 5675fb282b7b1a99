"""The chains the ledger judges: which algorithm (as implemented, or a named variant) each
one is about, the parameters it is run with for the evidence, and its lemmas.

A chain is the framework of docs/analysis.md section 2 instantiated for one algorithm and
regime: ``R(alpha) = product of the factor lemmas' constants``, minimised at ``alpha*``;
the evidence runs the registered algorithm at ``alpha*`` with the chain's round cap
(``dilation``; ``None`` = the algorithm's default, no cap). The round length bound of the
length and on-time lemmas is ``rho = c(alpha*)`` (GBA) or ``2 c(alpha*)`` (GSA).

* ``gsa-<regime>`` -- GSA as implemented: round-robin doubling, every unfinished job gets a
  slice ``min(tau_k, M - s_i)`` per round (docs/algorithms.md section 3). SPEC's reading
  ``R_GSA = 2 alpha R_GBA`` is about a GSA that simulates GBA's selection; for the
  implemented GSA the factor ``2 c(alpha)`` is one assumption (gsa-on-time).
* ``gba-<regime>`` -- GBA as implemented with its default (no round cap).
* ``gba-capped-<regime>`` -- the variant GBA(dilation = c(alpha*)) (rounds capped at
  ``ceil(c tau_k)``; the old ledger ran this one): gba-count is then an assumption.
* chains from :mod:`bounds.proved` (and any module in :data:`CHAIN_MODULES`) when it
  exists and exposes ``chains()``.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache

import sympy as sp

from .algebra import alpha
from .catalogue import dilation, interval_factor, lemmas_for
from .checks import (check_count, check_exposure, check_interval_budgets, check_length,
                     check_on_time, check_round_length, check_rounds, check_slice, check_waste)
from .derive import PUBLISHED, Derivation, compose, derive, minimise
from .lemmas import Lemma

ABOUT = {
    "gsa": "GSA as implemented (kvsched/algorithms/gsa.py): round-robin doubling, every "
           "unfinished job gets one slice min(tau_k, M - s_i) per round; docs/algorithms.md "
           "section 3",
    "gba": "GBA as implemented (kvsched/algorithms/gba.py) with its default: no round cap "
           "(dilation=None); docs/algorithms.md section 2",
    "gba-capped": "variant GBA(dilation = c(alpha*)): GBA with every round capped at "
                  "ceil(c(alpha*) tau_k), selected jobs that do not fit left for later",
}


@dataclass(frozen=True)
class Chain:
    key: str
    algorithm: str                   # registered algorithm the evidence runs
    regime: str
    about: str
    lemmas: tuple
    expression: sp.Expr
    alpha_star: sp.Expr
    bound: sp.Expr                   # R(alpha*)
    published: float | None
    dilation: float | None           # round cap passed to the algorithm (None: default)
    rho: float                       # round length bound of the length / on-time lemmas
    delta: int                       # 1 for non-clairvoyant slicing (count one round late)
    derivation: Derivation | None = field(default=None, compare=False, repr=False)
    source: str = "bounds.catalogue"
    reference: str = ""              # where the chain's proofs are written

    @property
    def alpha(self) -> float:
        return float(self.alpha_star)

    @property
    def run_params(self) -> dict:
        return {"alpha": self.alpha, "dilation": self.dilation}


def _rho(algorithm: str, regime: str, a) -> float:
    c = dilation(regime).subs(alpha, a)
    return float(c if algorithm.startswith("gba") else 2 * c)


def from_derivation(d: Derivation, capped: bool = False) -> Chain:
    rho = _rho(d.algorithm, d.regime, d.alpha_star)
    name = d.algorithm + ("-capped" if capped else "")
    lemmas = tuple(lemmas_for(d.algorithm, d.regime, capped=True)) if capped else tuple(d.lemmas)
    return Chain(key=f"{name}-{d.regime}", algorithm=d.algorithm, regime=d.regime,
                 about=ABOUT[name], lemmas=lemmas, expression=d.expression,
                 alpha_star=d.alpha_star, bound=d.value, published=d.published,
                 dilation=rho if capped else None, rho=rho,
                 delta=0 if d.algorithm == "gba" else 1, derivation=d)


def make_chain(algorithm: str, regime: str, lemmas: list[Lemma], *, about: str | None = None,
               key: str | None = None, alpha_star=None, dilation_cap: float | None = None,
               rho: float | None = None, delta: int = 0, published: float | None = None,
               source: str = "", reference: str = "", doc: str = "") -> Chain:
    """A chain from any list of lemmas (e.g. :mod:`bounds.proved`): the ratio is the
    product of the factor lemmas' constants, minimised exactly over ``alpha > 1`` unless
    ``alpha_star`` is given."""
    factors = [l for l in lemmas if l.role == "factor"]
    R = compose(factors)
    if alpha_star is None:
        alpha_star = minimise(R).alpha_star if R.has(alpha) else sp.Integer(2)
    a = sp.nsimplify(alpha_star)
    value = sp.simplify(R.subs(alpha, a))
    if rho is None:
        rho = _rho("gba", regime, a) if regime in ("general", "large") else 1.0
    if published is None:       # the published constant of the algorithm family, to compare
        published = PUBLISHED.get((algorithm, regime)) or PUBLISHED.get(
            ("gba" if algorithm.startswith("gba") else "gsa", regime))
    reference = reference or doc
    return Chain(key=key or f"{algorithm}-{regime}", algorithm=algorithm, regime=regime,
                 about=about or (f"{algorithm} (registered in kvsched.algorithms; proofs: "
                                 f"{reference or source})"),
                 lemmas=tuple(lemmas), expression=R, alpha_star=a, bound=value,
                 published=published, dilation=dilation_cap, rho=float(rho), delta=delta,
                 source=source, reference=reference)


# modules that may contribute chains through a function ``chains()`` (the hook for proved
# chains and for chains about further variants, e.g. the non-clairvoyant GSA variants)
CHAIN_MODULES = ("bounds.proved", "bounds.chain_variants")


def _proved_chains() -> list[Chain]:
    """Chains of the modules in :data:`CHAIN_MODULES` that exist and expose ``chains()``
    (:mod:`bounds.proved` is the proof helper's). Items are :class:`Chain` objects, dicts
    with the keyword arguments of :func:`make_chain` (``algorithm``, ``regime``,
    ``lemmas``, ``about``, ``doc``, ...), or tuples ``(algorithm, regime, lemmas[, about])``.
    A module that exists but fails to import raises (errors are not hidden)."""
    import importlib
    out = []
    for name in CHAIN_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        mod = importlib.import_module(name)
        if hasattr(mod, "chains"):
            out += _as_chains(mod.chains(), name)
    return out


def _as_chains(items, source: str) -> list[Chain]:
    out = []
    for c in items:
        if isinstance(c, Chain):
            out.append(c)
        elif isinstance(c, dict):
            out.append(make_chain(**{"source": source, **c}))
        else:                                     # (algorithm, regime, lemmas[, about])
            alg, regime, lemmas, *rest = c
            out.append(make_chain(alg, regime, list(lemmas), source=source,
                                  about=rest[0] if rest else f"{alg} ({source})"))
    return out


@lru_cache(maxsize=None)
def _base_chains() -> tuple:
    main = [from_derivation(derive(a, r)) for a in ("gsa", "gba") for r in ("general", "large")]
    variants = [from_derivation(derive("gba", r), capped=True) for r in ("general", "large")]
    return tuple(main + variants)


def all_chains(extra: bool = True) -> list[Chain]:
    """The four chains of the published guarantees (GSA general, GSA large, GBA general,
    GBA large, about the implemented algorithms), then the variants and proved chains."""
    return list(_base_chains()) + (_proved_chains() if extra else [])


def chain_for(algorithm: str, regime: str) -> Chain:
    return from_derivation(derive(algorithm, regime))


# --- the empirical check of a lemma, as a chain runs it ------------------------------------
def checker(lemma: Lemma, chain: Chain):
    """The function ``run -> Outcome`` for a lemma's empirical check, or ``None``."""
    name = lemma.empirical
    a, rho, delta = chain.alpha_star, chain.rho, chain.delta
    if name is None:
        return None
    if name.startswith("interval-budgets-"):
        k = int(name.rsplit("-", 1)[1])
        bound = float(interval_factor(k).subs(alpha, a))
        return lambda run: check_interval_budgets(run, k, bound)
    # the proved GBA-LIST lemmas first: their length claims are not the generic rho*T_k
    if name.startswith("gba_list") and name.endswith(("-count", "-length-general",
                                                       "-length-large")):
        return _proved_round_check(name)
    if name in ("gba-count", "gsa-count"):
        return lambda run: check_count(run, delta)
    if name == "gba-round-2tau":
        return lambda run: check_round_length(run, 2.0)
    if name.endswith(("-length-general", "-length-large")):
        return lambda run: check_length(run, rho)
    if "-probe-" in name:
        probe_rho = float(dilation(chain.regime).subs(alpha, a)) \
            if chain.algorithm.startswith("gsa") else 1.0
        return lambda run: check_on_time(run, probe_rho, delta)
    if "-on-time-" in name:
        return lambda run: check_on_time(run, rho, delta)
    if name == "gsa-waste":
        return check_waste
    if name == "gsa-exposure":          # the token form (lemma gsa-exposure-tokens)
        return check_exposure
    if name == "gsa-slice":
        return check_slice
    if name == "gsa-rounds":
        return check_rounds
    if chain.source in CHAIN_MODULES:
        return None                     # a contributed lemma whose check is not wired here
    raise KeyError(f"no empirical checker named {name!r}")


def _proved_round_check(name: str):
    """The checks of :mod:`bounds.proved`'s GBA-LIST lemmas, from its ``round_checks`` (or
    ``overlap_checks`` for the overlapped variants)
    (exact integers per budget index): count ``N_ALG(E_k) >= n*(b_k)``; length
    ``L_k <= 5 b_k`` (general) or the eps form (large, only when every peak ``<= M/2``)."""
    from . import proved
    from .checks import Outcome

    def fn(run):
        # the overlapped variants (overlap, fifo) have their own per-round accounting
        rows = (proved.overlap_checks if name.startswith((proved.OVERLAP, proved.FIFO))
                else proved.round_checks)(run.result, run.instance)
        if name.endswith("-count"):
            sl = [(r["N_alg"] - r["n_star"]) / max(r["n_star"], 1) for r in rows]
            bad = [r for r in rows if not r["count_ok"]]
            key = "count"
        elif name.endswith("-length-general"):
            sl = [r["length_slack"] for r in rows if r["b"] > 0]
            bad = [r for r in rows if not r["length_ok"]]
            key = "length"
        else:
            rows = [r for r in rows if "length_eps_ok" in r]
            if not rows:
                return Outcome(1.0, basis="not applicable (a peak > M/2)",
                               nontrivial_slack=None, detail="eps form needs peaks <= M/2")
            sl = [1.0 if r["L"] == 0 else r["eps_slack"] for r in rows]
            bad = [r for r in rows if not r["length_eps_ok"]]
            key = "length (eps form)"
        worst = min(sl) if sl else 1.0
        r0 = bad[0] if bad else None
        return Outcome(min(worst, -1e-9) if bad else worst, violated=bool(bad),
                       basis="bounds.proved.round_checks (exact integers)",
                       detail=(f"{key} fails at k={r0['k']}: {r0}" if r0 else f"{key} holds"))
    return fn
