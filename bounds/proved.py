"""What is *proved* end to end: GBA-LIST (kvsched/algorithms/gba_list.py) is a
``c * alpha^2/(alpha-1)``-approximation, ``c = 5`` on every instance and
``c(eps) = (3 - eps)/(1 - eps) -> 3`` when every peak ``s_i + o_i <= eps M``, ``eps <= 1/2``.
Minimised over ``alpha > 1``: ``20`` and ``12`` at ``alpha = 2`` (published GBA: 10.67, 6.75).
GBA-LIST-OVERLAP (rounds pipelined through one list scheduler): ``20`` in general and
``2/(1-eps) alpha^2/(alpha-1) + alpha -> 5 + 2 sqrt 6 = 9.90`` (``alpha = 1 + sqrt(6)/3``).
Also proved (:func:`gsa_unbounded_steps`): kvsched's ``gsa`` is not O(1)-competitive, even
with every peak ``<= eps M`` for a fixed ``eps``.

Every lemma's written proof is in docs/proofs.md; every algebraic step it uses is an
:class:`bounds.algebra.AlgebraStep` decided here by sympy (identities by ``simplify``;
inequalities by a non-negative-coefficient certificate after substituting the hypotheses,
e.g. ``M = 2p - 1 - x`` with ``x >= 0``). Nothing in a ratio is typed in: the dilation is
``1 + (factor 2 from p_i o_i <= 2 a_i) / (fraction of M a refused job leaves)``, the
interval factor is :func:`bounds.catalogue.interval_factor` and the minimum comes from
:func:`bounds.derive.minimise`.

For the ledger: :func:`chains` (one dict per proved chain) and :func:`proved_ratio`.
For the tests and the empirical checks: :func:`round_checks` (per round: count against the
area-count upper bound on any schedule, length against ``c b_k``, exact integers).
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np
import sympy as sp

from . import algebra as A
from .algebra import AlgebraStep, alpha
from .catalogue import geometric_partial_sum, interval_factor
from .derive import PUBLISHED, global_minimum_steps, minimise
from .lemmas import PROVED_BY_HAND, Lemma

DOC = "docs/proofs.md"
ALGORITHM = "gba_list"

# symbols of the packing lemmas: all non-negative integers in the model; the certificate
# below only uses that they are >= 0
s, o, M, p, x, y, b, f, eps = sp.symbols("s o M p x y b f epsilon", nonnegative=True)
_mi = sp.Symbol("m", integer=True, nonnegative=True)
c1, c2, W, _tt = sp.symbols("c1 c2 W t", nonnegative=True)


def area(s_: sp.Expr, o_: sp.Expr) -> sp.Expr:
    """``a = s o + o (o+1)/2`` (SPEC section 2)."""
    return s_ * o_ + o_ * (o_ + 1) / 2


# --- a multivariate certificate ----------------------------------------------------------
def nonneg_vars(name: str, expr: sp.Expr, variables: tuple, claim: str) -> AlgebraStep:
    """``expr >= 0`` whenever every symbol in ``variables`` is ``>= 0``: after ``together``,
    numerator and denominator are polynomials with non-negative coefficients (denominator
    not identically 0) -- or both non-positive. Exact (sympy), no floating point."""
    num, den = sp.fraction(sp.together(sp.expand(expr)))
    pn, pd = sp.Poly(sp.expand(num), *variables), sp.Poly(sp.expand(den), *variables)
    cn, cd = pn.coeffs(), pd.coeffs()
    if all(c <= 0 for c in cd):
        cn, cd = [-c for c in cn], [-c for c in cd]
    ok = all(c.is_number for c in cn + cd) and all(c >= 0 for c in cd) \
        and any(c > 0 for c in cd) and all(c >= 0 for c in cn)
    return AlgebraStep(name, claim, bool(ok),
                       f"sympy: non-negative coefficients in {', '.join(map(str, variables))} >= 0",
                       f"numerator {sp.sstr(sp.expand(num))}; denominator {sp.sstr(sp.expand(den))}")


# --- the constants -----------------------------------------------------------------------
# sup of p o / a over jobs: at s = 0 it is 2 o/(o + 1) -> 2 (the identity p o = 2a - o(s+1)
# in _length_algebra_general shows p o <= 2a)
WORK_FACTOR = sp.limit((o * o) / area(0, o), o, sp.oo)


def small_factor(e: sp.Expr) -> sp.Expr:
    """A refused small job leaves the reservation above ``(1 - e) M``; reservations integrate
    to ``sum p_i o_i <= 2 A``: the start of the last small job is ``< 2/(1-e) * A/M``."""
    return WORK_FACTOR / (1 - e)


def big_factor() -> sp.Expr:
    """A big job (``2 p > M``) has ``o = 2a/(p + s + 1) < 2a/(M/2)``: factor ``2/(1/2)``."""
    return WORK_FACTOR / sp.Rational(1, 2)


@lru_cache(maxsize=None)
def dilation_general() -> sp.Expr:
    """``c = 1 + max(big, small(1/2))``: the ``+1`` is the last job's own length ``<= b_k``,
    the rest multiplies ``A/M <= b_k``."""
    return sp.Integer(1) + sp.Max(big_factor(), small_factor(sp.Rational(1, 2)))


def dilation_eps(e: sp.Expr = eps) -> sp.Expr:
    """``c(eps) = 1 + 2/(1 - eps)`` when every peak is ``<= eps M``, ``eps <= 1/2``."""
    return sp.Integer(1) + small_factor(e)


@lru_cache(maxsize=None)
def dilation_large() -> sp.Expr:
    """``lim_{eps -> 0} c(eps)``."""
    return sp.limit(dilation_eps(eps), eps, 0)


# --- algebra of each lemma ---------------------------------------------------------------
def _area_algebra() -> list[AlgebraStep]:
    j, oo_ = sp.symbols("j o_", integer=True, positive=True)
    return [A.identity("area of one job: sum_{j=1}^{o} (s + j) = s o + o(o+1)/2",
                       sp.summation(s + j, (j, 1, oo_)), area(s, oo_))]


def _interval_algebra() -> list[AlgebraStep]:
    T = geometric_partial_sum(_mi)
    F0 = interval_factor(0)
    return [
        A.identity("T_m = sum_{k<=m} alpha^k: base case", T.subs(_mi, 0), sp.Integer(1),
                   "(alpha^1 - 1)/(alpha - 1) = 1"),
        A.identity("T_m: induction step", T.subs(_mi, _mi + 1) - T, alpha ** (_mi + 1),
                   "T_{m+1} - T_m = alpha^(m+1)"),
        A.identity("F_0 = alpha^2/(alpha-1) (sympy limit of the interval quotient)", F0,
                   alpha ** 2 / (alpha - 1)),
        A.identity("F_0 alpha^(m-1) - T_m = 1/(alpha-1) for every m",
                   F0 * alpha ** (_mi - 1) - T, 1 / (alpha - 1)),
        A.nonnegative("1/(alpha-1) > 0, so T_m < F_0 alpha^(m-1) < F_0 C*", 1 / (alpha - 1),
                      strict=True),
        A.at_most("m = 0: T_0 = 1 <= F_0 <= F_0 C* (C* >= 1)", sp.Integer(1), F0),
        A.identity("two-term form: (c1 F_0 + c2 alpha) alpha^(m-1) - (c1 T_m + c2 alpha^m) "
                   "= c1/(alpha-1)",
                   (c1 * F0 + c2 * alpha) * alpha ** (_mi - 1) - (c1 * T + c2 * alpha ** _mi),
                   c1 / (alpha - 1)),
        nonneg_vars("two-term form, m = 0: c1 + c2 <= c1 F_0 + c2 alpha (alpha = 1 + t)",
                    (c1 * F0 + c2 * alpha - c1 - c2).subs(alpha, 1 + _tt), (c1, c2, _tt),
                    "c1 (F_0 - 1) + c2 (alpha - 1) >= 0"),
        A.identity("c1 F_0 + c2 alpha = F_0 (c1 + c2 (alpha-1)/alpha)",
                   c1 * F0 + c2 * alpha, F0 * (c1 + c2 * (alpha - 1) / alpha)),
    ]


def _length_algebra_general() -> list[AlgebraStep]:
    pe = s + o
    a = area(s, o)
    Ab, As = sp.symbols("A_big A_small", nonnegative=True)
    return [
        A.identity("2a = o (p + s + 1), p = s + o", 2 * a, o * (pe + s + 1)),
        A.identity("p o = 2a - o (s + 1), so p o <= 2a", pe * o, 2 * a - o * (s + 1)),
        A.identity("4a - M o = o (2p + 2s + 2 - M)", 4 * a - M * o, o * (2 * pe + 2 * s + 2 - M)),
        nonneg_vars("big job: 2p >= M + 1 (M = 2p - 1 - x) gives 4a - M o >= 3 o > 0",
                    (4 * a - M * o - 3 * o).subs(M, 2 * pe - 1 - x), (s, o, x),
                    "4a - M o - 3o >= 0 when M = 2(s+o) - 1 - x, x >= 0; hence o < 4a/M"),
        nonneg_vars("small job: 2p <= M (M = 2p + x) gives M - p + 1 >= M/2 + 1",
                    ((M - p + 1) - (M / 2 + 1)).subs(M, 2 * p + x), (p, x),
                    "(M - p + 1) - (M/2 + 1) >= 0 when M = 2p + x"),
        nonneg_vars("(S - B)(M/2 + 1) <= 2 A_small gives S - B <= 4 A_small/M",
                    4 * As / M - 2 * As / (M / 2 + 1), (As, M),
                    "4A/M - 2A/(M/2 + 1) = 8A/(M(M+2)) >= 0"),
        nonneg_vars("L < 4 A/M + b <= 5 b when A = A_big + A_small <= M b (A = M b - y)",
                    (dilation_general() * b - (big_factor() * Ab + small_factor(sp.Rational(1, 2)) * As) / M - b)
                    .subs(Ab, M * b - y - As), (M, b, y, As),
                    "c b - (4 A_big/M + 4 A_small/M + b) >= 0 for A_big + A_small = M b - y"),
        A.identity("c_general = 5 (= 1 + 4, computed)", dilation_general(), sp.Integer(5)),
    ]


def _length_algebra_eps() -> list[AlgebraStep]:
    return [
        nonneg_vars("p <= eps M (p = eps M - x) gives M - p + 1 >= (1 - eps) M + 1",
                    ((M - p + 1) - ((1 - eps) * M + 1)).subs(p, eps * M - x), (x,),
                    "(M - p + 1) - ((1-eps) M + 1) = x >= 0"),
        nonneg_vars("S ((1-eps)M + 1) <= 2A, A = M b - y, f = 1 - eps > 0: S <= 2b/(1-eps)",
                    2 * b / f - 2 * (M * b - y) / (f * M + 1), (b, f, y, M),
                    "2b/f - 2A/(f M + 1) >= 0 for A = M b - y"),
        A.identity("c(eps) = 1 + 2/(1-eps) = (3 - eps)/(1 - eps)", dilation_eps(eps),
                   (3 - eps) / (1 - eps)),
        A.identity("c(1/2) = c_general (the two bounds agree at eps = 1/2)",
                   dilation_eps(sp.Rational(1, 2)), dilation_general()),
        A.identity("lim_{eps->0} c(eps) = 3", dilation_large(), sp.Integer(3)),
        nonneg_vars("c(eps) is increasing: dc/deps = 2/(1-eps)^2 >= 0",
                    sp.diff(dilation_eps(eps), eps).subs(eps, 1 - f), (f,),
                    "dc/deps written in f = 1 - eps > 0"),
    ]


# --- the lemmas --------------------------------------------------------------------------
def interval_lemma_per_rank() -> Lemma:
    return Lemma(
        name="geometric-interval-per-rank",
        statement=("With tau_k = alpha^k and T_k = sum_{j<=k} tau_j: if N_ALG(c1 T_k + "
                   "c2 alpha^k) >= N_S(tau_k) for every k (c1 > 0, c2 >= 0), then the i-th "
                   "completion of ALG is at most (c1 alpha^2/(alpha-1) + c2 alpha) = "
                   "alpha^2/(alpha-1) * (c1 + c2 (alpha-1)/alpha) times the i-th completion "
                   "of S, for every i; summing, ALG <= that factor times S. The factor "
                   "(c1 + c2 (alpha-1)/alpha) is the length lemma's constant."),
        latex=r"C_{(i)}\le c\,T_m< c\,\frac{\alpha^2}{\alpha-1}\,C^*_{(i)}",
        constant=interval_factor(0), establishment=PROVED_BY_HAND,
        reference=f"{DOC}#lemma-interval",
        proof="m = min{k : tau_k >= C*_(i)}; N_S(tau_m) >= i so C_(i) <= c T_m; "
              "C*_(i) > alpha^(m-1) (or C* >= 1 if m = 0); T_m < F_0 alpha^(m-1).",
        algebra=_interval_algebra)


def area_bound_lemma() -> Lemma:
    return Lemma(
        name="area-count-bound",
        statement=("Any feasible schedule S completes by time t only jobs with o_i <= t "
                   "whose areas sum to at most M t; hence N_S(t) <= n*(t), the size of the "
                   "longest smallest-area-first prefix of {i : o_i <= floor(t)} with area "
                   "<= M floor(t)."),
        latex=r"N_S(t)\le n^*(t)",
        constant=sp.Integer(1), establishment=PROVED_BY_HAND,
        reference=f"{DOC}#lemma-area", proof="Sum of memory over steps 0..floor(t)-1.",
        algebra=_area_algebra)


def count_lemma() -> Lemma:
    return Lemma(
        name="gba_list-count",
        statement=("N_GBA-LIST(E_k) >= N_S(alpha^k) for every schedule S and every k: the "
                   "jobs S completes by alpha^k and GBA-LIST has not finished before round "
                   "k are candidates of round k (o <= b_k = floor(alpha^k)) of total area "
                   "<= M b_k, and the smallest-area prefix is a largest such set; every "
                   "selected job completes in round k (no cap)."),
        latex=r"N_{ALG}(E_k)\ge N_S(\alpha^k)",
        constant=sp.Integer(1), establishment=PROVED_BY_HAND,
        reference=f"{DOC}#lemma-count", proof="Exchange argument; docs/proofs.md.",
        empirical="gba_list-count")


def length_lemma(regime: str) -> Lemma:
    if regime == "general":
        c, alg = dilation_general(), _length_algebra_general
        statement = ("Every round of GBA-LIST lasts L_k < 4 A_k/M + b_k <= "
                     f"{sp.sstr(c)} b_k (A_k its selected area <= M b_k), so "
                     f"E_k <= {sp.sstr(c)} T_k.")
    elif regime == "large":
        c = dilation_large()
        alg = lambda: _length_algebra_general()[:2] + _length_algebra_eps()  # noqa: E731
        statement = ("If every peak s_i + o_i <= eps M with eps <= 1/2, every round lasts "
                     "L_k < 2 A_k/((1-eps) M) + b_k <= (3-eps)/(1-eps) b_k, so "
                     f"E_k <= c(eps) T_k, c(eps) -> {sp.sstr(c)} as eps -> 0.")
    else:
        raise ValueError(f"regime must be 'general' or 'large', got {regime!r}")
    return Lemma(
        name=f"gba_list-length-{regime}",
        statement=statement,
        latex=r"E_k\le %s\,T_k" % sp.latex(c if regime == "general" else dilation_eps(eps)),
        constant=c, establishment=PROVED_BY_HAND, regime=regime,
        reference=f"{DOC}#lemma-length", proof="Peak-reservation list scheduling; "
        "docs/proofs.md.", algebra=alg, empirical=f"gba_list-length-{regime}",
        asymptotic=(regime == "large"))


# --- GBA-LIST-OVERLAP ---------------------------------------------------------------------
OVERLAP = "gba_list_overlap"


def overlap_c1(e: sp.Expr) -> sp.Expr:
    """The multiplier of ``T_k`` in ``F_k < c1 T_k + c2 alpha^k`` without big jobs: every
    step before the last start has reservation ``> (1 - e) M``: ``small_factor(e)``."""
    return small_factor(e)


def _overlap_algebra_general() -> list[AlgebraStep]:
    T = geometric_partial_sum(_mi)
    return [
        *_length_algebra_general()[:2],
        nonneg_vars("a running big job reserves p >= (M+1)/2 > M/2 (M = 2p - 1 - x)",
                    (p - M / 2).subs(M, 2 * p - 1 - x), (p, x), "p - M/2 = (1 + x)/2 >= 0"),
        *_length_algebra_general()[4:5],
        A.identity("H M/2 <= 2 W gives H <= 4 W/M", 2 * W / (M / 2), 4 * W / M),
        A.identity("drains: sum_{r=1}^{k} alpha^(r-1) + alpha^k = T_k (so D_k + b_k <= T_k)",
                   T.subs(_mi, _mi - 1) + alpha ** _mi, T),
        nonneg_vars("F_k < 4 W/M + D + b <= 4 T + T = 5 T when W = M T - y (W <= M T_k)",
                    (dilation_general() * b - (big_factor() * (M * b - y)) / M - b), (M, b, y),
                    "5T - (4W/M + T) = 4y/M >= 0 (b stands for T_k)"),
    ]


def _overlap_algebra_eps() -> list[AlgebraStep]:
    return [
        *_length_algebra_eps()[:2],
        A.identity("c1(eps) = 2/(1-eps) -> 2 (eps -> 0)", sp.limit(overlap_c1(eps), eps, 0),
                   sp.Integer(2)),
        A.identity("effective dilation c1 + c2 (alpha-1)/alpha at eps -> 0, c2 = 1",
                   overlap_dilation_large(), 2 + (alpha - 1) / alpha),
    ]


@lru_cache(maxsize=None)
def overlap_dilation_large() -> sp.Expr:
    """``c1 + c2 (alpha-1)/alpha`` with ``c1 = lim 2/(1-eps) = 2``, ``c2 = 1`` (the tail of the
    last round only): multiplied by ``F_0`` it gives ``2 alpha^2/(alpha-1) + alpha``."""
    c1_ = sp.limit(overlap_c1(eps), eps, 0)
    return sp.simplify(c1_ + (alpha - 1) / alpha)


def overlap_dilation_eps(e: sp.Expr = eps) -> sp.Expr:
    return overlap_c1(e) + (alpha - 1) / alpha


def overlap_length_lemma(regime: str) -> Lemma:
    if regime == "general":
        c, alg = dilation_general(), _overlap_algebra_general
        statement = ("GBA-LIST-OVERLAP: the jobs of rounds <= k all complete by F_k < "
                     "4 W_k/M + D_k + b_k <= 5 T_k (W_k: area selected in rounds <= k, "
                     "<= M T_k; D_k: drain steps before big jobs, <= sum_{r<=k} b_{r-1}).")
    elif regime == "large":
        c, alg = overlap_dilation_large(), _overlap_algebra_eps
        statement = ("GBA-LIST-OVERLAP with every peak <= eps M, eps <= 1/2: F_k < "
                     "2 W_k/((1-eps) M) + b_k <= 2/(1-eps) T_k + alpha^k; effective dilation "
                     "(with the two-term interval lemma) 2/(1-eps) + (alpha-1)/alpha -> "
                     f"{sp.sstr(c)}.")
    else:
        raise ValueError(f"regime must be 'general' or 'large', got {regime!r}")
    return Lemma(
        name=f"{OVERLAP}-length-{regime}", statement=statement,
        latex=(r"F_k\le 5\,T_k" if regime == "general"
               else r"F_k\le \tfrac{2}{1-\epsilon}T_k+\alpha^k"),
        constant=c, establishment=PROVED_BY_HAND, regime=regime,
        reference=f"{DOC}#lemma-overlap-length", proof="One list scheduler across rounds; "
        "docs/proofs.md section 10.", algebra=alg, empirical=f"{OVERLAP}-length-{regime}",
        asymptotic=(regime == "large"))


def overlap_count_lemma() -> Lemma:
    return Lemma(
        name=f"{OVERLAP}-count",
        statement=("N(F_k) >= N_S(alpha^k) for every schedule S: round k selects, among the "
                   "jobs not selected before, the smallest-area prefix with o <= b_k and area "
                   "<= M b_k; every job of rounds <= k completes by F_k."),
        latex=r"N_{ALG}(F_k)\ge N_S(\alpha^k)", constant=sp.Integer(1),
        establishment=PROVED_BY_HAND, reference=f"{DOC}#lemma-overlap-count",
        proof="The exchange argument of gba_list-count with 'selected' for 'finished'.",
        empirical=f"{OVERLAP}-count")


def lemmas(regime: str, algorithm: str = ALGORITHM) -> list[Lemma]:
    if algorithm == ALGORITHM:
        return [interval_lemma_per_rank(), area_bound_lemma(), count_lemma(),
                length_lemma(regime)]
    if algorithm == OVERLAP:
        return [interval_lemma_per_rank(), area_bound_lemma(), overlap_count_lemma(),
                overlap_length_lemma(regime)]
    if algorithm == "gba_list_fifo":
        return fifo_lemmas(regime)
    raise ValueError(f"nothing is proved for {algorithm!r}; proved: {ALGORITHM}, {OVERLAP}, "
                     "gba_list_fifo")


def chains() -> list[dict]:
    """The proved chains, for the ledger: every lemma PROVED_BY_HAND with its algebra
    decided by sympy (``all(step.holds for l in lemmas for step in l.algebra_steps())``)."""
    return [{"algorithm": alg, "regime": r, "lemmas": lemmas(r, alg),
             "doc": f"{DOC}#{alg.replace('_', '-')}-{r}"}
            for alg in (ALGORITHM, OVERLAP, "gba_list_fifo") for r in ("general", "large")]


@lru_cache(maxsize=None)
def proved_ratio(algorithm: str = ALGORITHM, regime: str = "general") -> dict:
    """``R(alpha)`` = product of the chain's constants, its exact minimum over ``alpha > 1``
    (:func:`bounds.derive.minimise`), the global-minimality certificate, and the published
    GBA constant beside it."""
    R = sp.factor(sp.Mul(*[l.constant for l in lemmas(regime, algorithm)]))
    mn = minimise(R)
    pub = PUBLISHED[("gba", regime)]
    return {"algorithm": algorithm, "regime": regime, "expression": R,
            "alpha_star": mn.alpha_star, "value": mn.value, "minimum": mn,
            "unique_minimum": mn.is_unique_minimum,
            "global_minimum_steps": global_minimum_steps(R, mn.alpha_star, mn.value),
            "published_gba": pub, "gap": float(mn.value) - pub,
            "factor_over_published": float(mn.value) / pub}


def ratio_eps() -> sp.Expr:
    """The finite-eps ratio ``c(eps) alpha^2/(alpha-1)`` (every peak ``<= eps M``)."""
    return sp.factor(dilation_eps(eps) * interval_factor(0))


def all_steps() -> list[AlgebraStep]:
    out = [st for c in chains() for l in c["lemmas"] for st in l.algebra_steps()]
    for alg in (ALGORITHM, OVERLAP, "gba_list_fifo"):
        for r in ("general", "large"):
            out += proved_ratio(alg, r)["global_minimum_steps"]
    return out


# --- empirical checks of the lemmas on one run -------------------------------------------
def area_count_upper(inst, t: int) -> int:
    """``n*(t)``: the most jobs with ``o <= t`` whose smallest areas sum to ``<= M t`` (an
    upper bound on ``N_S(t)`` for every feasible schedule ``S``)."""
    a = np.sort(inst.area[inst.o <= t])
    return int(np.searchsorted(np.cumsum(a), inst.M * t, side="right"))


def round_checks(run, inst) -> list[dict]:
    """Per budget index ``k`` (skipped rounds included) of a gba_list run: ``E_k``,
    ``N_ALG(E_k)`` vs ``n*(b_k)`` (count), ``L_k`` vs ``5 b_k`` and the sharper
    ``M L_k < 4 A_k + M b_k`` (length), and, when every peak ``<= M/2``, the eps form
    ``L_k (M - P) < 2 A_k + b_k (M - P)`` with ``P = max peak``. Exact integers.
    A gba_list_overlap run is dispatched to :func:`overlap_checks` (same keys; there ``L``
    is ``F_k`` and ``A`` is ``W_k``, and ``length_ok`` means ``F_k <= 5 sum_{j<=k} b_j``)."""
    if getattr(run, "algorithm", None) == OVERLAP:
        return overlap_checks(run, inst)
    if getattr(run, "algorithm", None) == "gba_list_fifo":
        return overlap_checks(run, inst)     # section 10's statements hold for it too
    from kvsched.algorithms.gba_list import floor_budgets
    C = np.sort(run.report.completion)
    by_k = {r.k: r for r in run.rounds}
    K = max(by_k) if by_k else 0
    bud = floor_budgets(run.params["alpha"], K + 1)
    P = int((inst.s + inst.o).max())
    Mi = int(inst.M)
    out, E = [], 0
    for k in range(K + 1):
        r = by_k.get(k)
        L = (r.end - r.start) if r else 0
        Ak = r.extra["selected_area"] if r else 0
        E += L
        bk = bud[k]
        rec = {"k": k, "b": bk, "E": E, "L": L, "A": Ak,
               "N_alg": int(np.searchsorted(C, E, side="right")),
               "n_star": area_count_upper(inst, bk),
               "length_ok": L <= int(dilation_general()) * bk,
               "length_sharp_ok": (L == 0) or Mi * L < 4 * Ak + Mi * bk}
        rec["count_ok"] = rec["N_alg"] >= rec["n_star"]
        rec["length_slack"] = (5 * bk - L) / (5 * bk) if bk else 1.0
        if 2 * P <= Mi:
            rec["length_eps_ok"] = (L == 0) or L * (Mi - P) < 2 * Ak + bk * (Mi - P)
            rec["eps_slack"] = (2 * Ak + (bk - L) * (Mi - P)) / (2 * Ak + bk * (Mi - P))
        out.append(rec)
    return out


def conditional_ratios() -> dict[str, dict]:
    """What the *missing* statement of docs/proofs.md section 11 would give (not proved):
    a true-profile packing whose memory before the last start is ``>= (1 - eps) M`` turns
    the factor ``2/(1-eps)`` into ``1/(1-eps)``: GBA-LIST's large-memory dilation becomes
    ``1 + 1`` and GBA-LIST-OVERLAP's becomes ``1 + (alpha-1)/alpha``. Also the dilation the
    published constants would need at ``alpha = 2`` (``published exact / F_0(2)``)."""
    F0 = interval_factor(0)
    one = sp.limit(WORK_FACTOR / 2 / (1 - eps), eps, 0)        # the factor 2 removed
    out = {}
    for key, R in (("gba_list, true-profile packing", (1 + one) * F0),
                   ("gba_list_overlap, true-profile packing", (one + (alpha - 1) / alpha) * F0),
                   ("gba_list_fifo, true-profile packing", one * fifo_rank_factor(one))):
        mn = minimise(sp.factor(R))
        out[key] = {"expression": sp.factor(R), "alpha_star": mn.alpha_star, "value": mn.value}
    from .derive import derive
    for r in ("general", "large"):
        v = derive("gba", r).value              # the reconstruction's exact GBA minimum
        out[f"dilation needed at alpha = 2 for the published {r} constant"] = {
            "value": sp.nsimplify(v / F0.subs(alpha, 2))}
    return out


def gsa_unbounded_steps() -> list[AlgebraStep]:
    """kvsched's ``gsa`` (every unfinished job gets a slice every round) is not
    O(1)-competitive, even with every peak ``<= eps M`` for a fixed ``eps = 1/m``
    (docs/proofs.md section 12). Family: ``h`` jobs ``(s = eps M - L, o = L)`` and ``n`` jobs
    ``(0, L)``, ``M = n L``. GSA: each round ``k`` with ``tau_k < L`` kills every job at its
    slice end, and the ``h`` prompt-heavy attempts hold ``>= s`` for ``tau_k`` steps each, so
    the round lasts ``>= h s tau_k / M``; the ``n`` small jobs finish after all those rounds:
    ``GSA >= n h (eps - L/M) T'`` with ``T' = sum_{tau_k < L} tau_k >= 1``. A feasible
    schedule: the ``n`` small jobs at once, then the others ``m`` at a time:
    ``<= n L + h L + L m B (B+1)/2`` with ``B = h/m``. With ``h = sqrt(2 n m)`` the quotient
    tends to infinity as ``n -> oo`` (sympy limit), for every fixed ``m`` and ``L``."""
    n_, L_, m_, Tp = sp.symbols("n L m T'", positive=True)
    h_ = sp.sqrt(2 * n_ * m_)
    e_ = 1 / m_
    Mv = n_ * L_
    alg_lb = n_ * h_ * (e_ - L_ / Mv) * Tp
    B = h_ / m_
    ub = n_ * L_ + h_ * L_ + L_ * m_ * B * (B + 1) / 2
    q = sp.simplify(alg_lb / ub)
    return [
        A.identity("round k lasts >= h s tau_k / M, s = eps M - L: h s/M = h (eps - L/M)",
                   h_ * (e_ * Mv - L_) / Mv, h_ * (e_ - L_ / Mv)),
        AlgebraStep("GSA / feasible schedule -> oo as n -> oo (fixed eps = 1/m, L, T' >= 1)",
                    "lim_{n->oo} n h (eps - L/M) T' / (n L + h L + L m B(B+1)/2) = oo, "
                    "h = sqrt(2 n m), B = h/m, M = n L",
                    sp.limit(q, n_, sp.oo) == sp.oo, "sympy: limit",
                    f"quotient {sp.sstr(q)}"),
    ]


def ratio_eps_overlap() -> sp.Expr:
    """GBA-LIST-OVERLAP's finite-eps ratio ``2/(1-eps) alpha^2/(alpha-1) + alpha``."""
    return sp.factor(overlap_dilation_eps(eps) * interval_factor(0))


def overlap_checks(run, inst) -> list[dict]:
    """Per budget index ``k`` of a gba_list_overlap run (exact integers): ``F_k`` (last
    completion of rounds ``<= k``), count ``N(F_k) >= n*(b_k)``, each drain ``<= b_{k-1}``,
    ``M (F_k - D_k - b_k) < 4 W_k``, ``F_k <= 5 sum_{j<=k} b_j`` and, when every peak is
    ``<= M/2``, ``(F_k - b_k)(M - P) < 2 W_k`` with ``P = max peak``. ``length_slack`` and
    ``eps_slack`` are the relative slacks of the general and eps bounds (negative = violated)."""
    from kvsched.algorithms.gba_list import floor_budgets
    C = np.sort(run.report.completion)
    by_k = {r.k: r for r in run.rounds}
    K = max(by_k)
    bud = floor_budgets(run.params["alpha"], K + 1)
    P = int((inst.s + inst.o).max())
    Mi = int(inst.M)
    out, F, W, D, Tb = [], 0, 0, 0, 0
    for k in range(K + 1):
        r = by_k.get(k)
        bk = bud[k]
        Tb += bk
        drain = r.extra["drain"] if r else 0
        if r:
            F = max(F, r.end)
            W += r.extra["selected_area"]
            D += drain
        rec = {"k": k, "b": bk, "F": F, "W": W, "D": D, "drain": drain, "L": F, "A": W,
               "T_b": Tb,
               "N_alg": int(np.searchsorted(C, F, side="right")),
               "n_star": area_count_upper(inst, bk),
               "drain_ok": drain <= (bud[k - 1] if k else 0),
               "length_ok": F <= int(dilation_general()) * Tb,
               "length_sharp_ok": W == 0 or Mi * (F - D - bk) < 4 * W}
        rec["count_ok"] = rec["N_alg"] >= rec["n_star"]
        rec["length_slack"] = (5 * Tb - F) / (5 * Tb)
        if 2 * P <= Mi:
            rec["length_eps_ok"] = W == 0 or (F - bk) * (Mi - P) < 2 * W
            rec["eps_slack"] = (2 * W + (bk - F) * (Mi - P)) / (2 * W + bk * (Mi - P))
        out.append(rec)
    return out


# --- GBA-LIST-FIFO: strict queue order, partial rounds ------------------------------------
FIFO = "gba_list_fifo"
ALGORITHMS_PROVED = (ALGORITHM, OVERLAP, FIFO)
_c1 = sp.Symbol("c1", positive=True)


def fifo_rank_factor(c: sp.Expr) -> sp.Expr:
    """``K = (2 alpha - 1)/(alpha - 1) + alpha/c1``: the partial-round lemma's constant, so
    that ``c1 K = c1 (2 alpha - 1)/(alpha - 1) + alpha`` (``c1`` the start lemma's constant;
    ``(2 alpha - 1)/(alpha - 1) = alpha/(alpha - 1) + 1``: the rounds before ``m`` plus the
    part of round ``m`` that ``S`` itself completes)."""
    return sp.together(alpha / (alpha - 1) + 1) + alpha / c


@lru_cache(maxsize=None)
def fifo_c1_large() -> sp.Expr:
    """``lim_{eps -> 0} 2/(1 - eps) = 2`` (the start lemma's constant, large memory)."""
    return sp.limit(small_factor(eps), eps, 0)


def ratio_eps_fifo() -> sp.Expr:
    """GBA-LIST-FIFO's finite-eps ratio ``2/(1-eps) (2 alpha - 1)/(alpha - 1) + alpha``
    (every peak ``<= eps M``, ``eps <= 1/2``)."""
    c = small_factor(eps)
    return sp.factor(c * fifo_rank_factor(c))


def _fifo_start_algebra() -> list[AlgebraStep]:
    return [*_length_algebra_general()[:2], *_length_algebra_eps()[:2],
            A.identity("c1 = lim_{eps->0} 2/(1-eps) = 2", fifo_c1_large(), sp.Integer(2))]


def _fifo_rank_algebra() -> list[AlgebraStep]:
    T1 = geometric_partial_sum(_mi - 1)            # T_{m-1}
    K = fifo_rank_factor(_c1)
    R = _c1 * K
    return [
        A.identity("T_{m-1} = sum_{r<m} alpha^r: T_{-1} = 0 (m = 0, no earlier round)",
                   T1.subs(_mi, 0), sp.Integer(0)),
        A.identity("alpha/(alpha-1) alpha^(m-1) - T_{m-1} = 1/(alpha-1) > 0",
                   alpha / (alpha - 1) * alpha ** (_mi - 1) - T1, 1 / (alpha - 1)),
        A.identity("alpha^m = alpha * alpha^(m-1) < alpha C* (C* > alpha^(m-1))",
                   alpha ** _mi, alpha * alpha ** (_mi - 1)),
        A.identity("c1 (T_{m-1} + C*) + alpha^m < (c1 (alpha/(alpha-1) + 1) + alpha) C* "
                   "= c1 K C*", _c1 * (alpha / (alpha - 1) + 1) + alpha, R),
        nonneg_vars("m = 0: c1 (0 + 1) + 1 <= c1 K (alpha = 1 + t)",
                    (R - _c1 - 1).subs(alpha, 1 + _tt), (_c1, _tt),
                    "c1 alpha/(alpha-1) + alpha - 1 >= 0"),
        A.identity("large memory: c1 K at c1 = 2 is 2 (2 alpha - 1)/(alpha - 1) + alpha",
                   fifo_c1_large() * fifo_rank_factor(fifo_c1_large()),
                   2 * (2 * alpha - 1) / (alpha - 1) + alpha),
        A.identity("eps form: c1(eps) K(c1(eps)) = 2/(1-eps) (2 alpha-1)/(alpha-1) + alpha",
                   ratio_eps_fifo(), 2 / (1 - eps) * (2 * alpha - 1) / (alpha - 1) + alpha),
    ]


def fifo_lemmas(regime: str) -> list[Lemma]:
    """Section 13's chains. Only the count lemma names a ledger check (``gba_list_fifo-count``,
    routed by :func:`bounds.chains.checker` to :func:`round_checks`): ``bounds.chains`` sends
    every name ending in ``-length-general``/``-length-large`` to its generic
    ``E_k <= rho T_k`` check with the catalogue's GBA dilation, which is not what these
    lemmas state, so they name none; :func:`fifo_start_checks`, :func:`fifo_rank_checks`
    and :func:`overlap_checks` check them in tests/test_proved.py, and the ledger checks
    the theorem ``ALG/OPT <= R(alpha*)`` on its suite."""
    if regime == "general":
        return [interval_lemma_per_rank(), area_bound_lemma(),
                Lemma(name=f"{FIFO}-count",
                      statement=("N(F_k) >= N_S(alpha^k) for every schedule S: rounds are "
                                 "selected as in GBA-LIST-OVERLAP (the strict queue changes "
                                 "only when a selected job starts)."),
                      latex=r"N_{ALG}(F_k)\ge N_S(\alpha^k)", constant=sp.Integer(1),
                      establishment=PROVED_BY_HAND, reference=f"{DOC}#lemma-fifo-general",
                      proof="The exchange argument of gba_list-count.",
                      empirical=f"{FIFO}-count"),
                Lemma(name=f"{FIFO}-length-general",
                      statement=("GBA-LIST-FIFO: F_k < 4 W_k/M + D_k + b_k <= 5 T_k, as for "
                                 "GBA-LIST-OVERLAP: before the last start of rounds <= k the "
                                 "head of the queue is refused at every step (reservation "
                                 "> M/2) or it is a round's first big job waiting for the "
                                 "drain (<= b_{r-1} steps)."),
                      latex=r"F_k\le 5\,T_k", constant=dilation_general(),
                      establishment=PROVED_BY_HAND, regime="general",
                      reference=f"{DOC}#lemma-fifo-general",
                      proof="docs/proofs.md section 13 (the proof of section 10 with "
                            "'the head' for 'every waiting job').",
                      algebra=_overlap_algebra_general, empirical=None)]
    if regime != "large":
        raise ValueError(f"regime must be 'general' or 'large', got {regime!r}")
    return [
        area_bound_lemma(),
        Lemma(name=f"{FIFO}-start-large",
              statement=("GBA-LIST-FIFO with every peak <= eps M, eps <= 1/2: every job j "
                         "starts at S_j with S_j ((1-eps) M + 1) <= sum of p_i o_i over the "
                         "jobs queued before j < 2 A_{<j}, so S_j < c1 A_{<j}/M with "
                         "c1 = 2/(1-eps) -> 2 (A_{<j}: area queued before j)."),
              latex=r"S_j<\tfrac{2}{1-\epsilon}\,A_{<j}/M", constant=fifo_c1_large(),
              establishment=PROVED_BY_HAND, regime="large",
              reference=f"{DOC}#lemma-fifo-start",
              proof="At every step before S_j the head of the queue (at or before j) was "
                    "refused; starts follow the queue order.",
              algebra=_fifo_start_algebra, empirical=None),
        Lemma(name=f"{FIFO}-partial-round",
              statement=("If S_j < c1 A_{<j}/M for every job j of a queue made of the "
                         "GBA-LIST rounds in order, each round in area order, then for every "
                         "schedule S and every rank i, C_(i) < (c1 (2 alpha-1)/(alpha-1) + "
                         "alpha) C*_(i): with m = min{k : alpha^k >= C*_(i)}, the rounds "
                         "before m and the first x = N_S(C*) - |rounds < m| jobs of round m "
                         "(area <= M C*) complete by c1 (T_{m-1} + C*) + b_m. Constant "
                         "K = (2 alpha-1)/(alpha-1) + alpha/c1 (times c1 from the start "
                         "lemma)."),
              latex=r"C_{(i)}<\big(c_1\tfrac{2\alpha-1}{\alpha-1}+\alpha\big)C^*_{(i)}",
              constant=fifo_rank_factor(fifo_c1_large()), establishment=PROVED_BY_HAND,
              regime="large", reference=f"{DOC}#lemma-fifo-rank",
              proof="Count (exchange argument restricted to the first x jobs of round m) "
                    "plus the start lemma; docs/proofs.md section 13.",
              algebra=_fifo_rank_algebra, empirical=None),
    ]


def fifo_start_checks(run, inst) -> dict:
    """Per job of a gba_list_fifo run with every peak ``<= P <= M/2``: the start lemma
    ``S_j (M - P + 1) <= sum_{i queued before j} p_i o_i`` (exact integers). Returns the
    number of jobs checked, the violations (job ids) and the worst slack
    ``1 - S_j (M - P + 1) / sum`` (0 when nothing is queued before j and S_j = 0)."""
    q = np.asarray(run.info["queue"], dtype=np.int64)
    P = int((inst.s + inst.o).max())
    Mi = int(inst.M)
    if 2 * P > Mi:
        return {"applicable": False, "checked": 0, "violations": [], "worst_slack": 1.0}
    S = np.asarray(run.schedule.start)[np.argsort(run.schedule.job)][q].astype(object)
    w = ((inst.s + inst.o) * inst.o)[q].astype(object)
    before = np.concatenate([[0], np.cumsum(w)[:-1]]).astype(object)
    lhs = S * (Mi - P + 1)
    bad = [int(q[i]) for i in range(len(q)) if lhs[i] > before[i]]
    sl = [1 - Fraction(int(lhs[i]), int(before[i])) for i in range(len(q)) if before[i] > 0]
    return {"applicable": True, "checked": len(q), "violations": bad,
            "worst_slack": float(min(sl)) if sl else 1.0}


def fifo_rank_checks(run, inst) -> dict:
    """The partial-round lemma without OPT, for every integer ``t >= 1`` until ``n*(t) = n``
    (a gba_list_fifo run, every peak ``<= P <= M/2``): with ``m = min{k : b_k >= t}`` and
    ``W`` the area selected in rounds ``< m``, ALG completes at least ``n*(t)`` (the most
    jobs any schedule completes by ``t``) by ``2 (W + M t)/(M - P + 1) + b_m``. Exact."""
    from kvsched.algorithms.gba_list import floor_budgets
    P = int((inst.s + inst.o).max())
    Mi, n = int(inst.M), int(inst.n)
    if 2 * P > Mi:
        return {"applicable": False, "checked": 0, "violations": [], "worst_slack": 1.0}
    C = np.sort(run.report.completion)
    area_by_k: dict[int, int] = {}
    for r in run.rounds:
        area_by_k[r.k] = area_by_k.get(r.k, 0) + int(r.extra["selected_area"])
    bud = floor_budgets(run.params["alpha"], 2 + max(area_by_k) + 64)
    bad, worst, t, checked = [], 1.0, 0, 0
    while True:
        t += 1
        ns = area_count_upper(inst, t)
        m = next(k for k, bk in enumerate(bud) if bk >= t)
        W = sum(v for k, v in area_by_k.items() if k < m)
        bound = Fraction(2 * (W + Mi * t), Mi - P + 1) + bud[m]
        got = int(np.searchsorted(C, bound.numerator // bound.denominator, side="right"))
        checked += 1
        if got < ns:
            bad.append({"t": t, "m": m, "bound": float(bound), "N_alg": got, "n_star": ns})
        if ns:      # the ns-th completion against the bound
            worst = min(worst, float(1 - Fraction(int(C[ns - 1])) / bound))
        if ns >= n:
            break
    return {"applicable": True, "checked": checked, "violations": bad, "worst_slack": worst}


__all__ = ["fifo_lemmas", "fifo_start_checks", "fifo_rank_checks", "ratio_eps_fifo",
           "fifo_rank_factor", "chains", "proved_ratio", "conditional_ratios", "gsa_unbounded_steps", "ratio_eps", "ratio_eps_overlap", "overlap_checks", "lemmas", "round_checks",
           "area_count_upper", "dilation_general", "dilation_large", "dilation_eps",
           "all_steps", "nonneg_vars"]
