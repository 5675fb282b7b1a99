"""Pure-algebra steps of the bounds, each decided exactly where sympy can, and otherwise
on a dense grid plus interval arithmetic (``mpmath.iv``), labelled accordingly.

The symbol ``alpha`` is real and ``> 1`` (the geometric ratio of the round budgets).

Methods (the label that goes into the ledger):

* ``"sympy: identity"`` -- ``simplify(lhs - rhs) == 0``;
* ``"sympy: positive coefficients after alpha = 1 + t"`` -- a rational function ``f`` is
  ``> 0`` (resp. ``>= 0``) on ``alpha > 1`` if, after substituting ``alpha = 1 + t``
  (``t > 0``), numerator and denominator are polynomials in ``t`` with non-negative
  coefficients, not all zero (a Polya-type certificate; exact, no floating point);
* ``"interval arithmetic (mpmath.iv) on [lo, hi] + sympy limit at infinity"`` -- the
  fallback: ``f`` is evaluated with outward-rounded interval arithmetic on a dense cover of
  ``[lo, hi]`` (every interval's lower end must be ``>= 0``), and the sign for
  ``alpha -> oo`` comes from the sympy leading term.
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy as sp

alpha = sp.Symbol("alpha", positive=True)
_t = sp.Symbol("t", positive=True)


@dataclass(frozen=True)
class AlgebraStep:
    """One algebraic claim, how it was decided and whether it holds."""

    name: str
    claim: str            # LaTeX-ish statement
    holds: bool
    method: str
    detail: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "claim": self.claim, "holds": self.holds,
                "method": self.method, **({"detail": self.detail} if self.detail else {})}


def identity(name: str, lhs: sp.Expr, rhs: sp.Expr, claim: str | None = None) -> AlgebraStep:
    """``lhs == rhs`` identically (sympy simplify)."""
    diff = sp.simplify(sp.expand(lhs - rhs))
    return AlgebraStep(name, claim or f"{sp.sstr(lhs)} = {sp.sstr(rhs)}", diff == 0,
                       "sympy: identity", "" if diff == 0 else f"difference {sp.sstr(diff)}")


def _polya_certificate(f: sp.Expr, strict: bool) -> bool | None:
    """True if ``f`` (already written in ``t > 0``) is num/den with non-negative
    coefficients in ``t`` (so ``f >= 0`` for ``t > 0``; ``> 0`` if some coefficient is
    positive). None if the certificate does not apply (not rational, or a negative
    coefficient)."""
    g = sp.together(sp.expand(f))
    num, den = sp.fraction(g)
    try:
        pn, pd = sp.Poly(sp.expand(num), _t), sp.Poly(sp.expand(den), _t)
    except sp.PolynomialError:
        return None
    cn, cd = pn.all_coeffs(), pd.all_coeffs()
    if not all(c.is_number for c in cn + cd):
        return None
    # make the denominator's coefficients non-negative if they are all non-positive
    if all(c <= 0 for c in cd):
        cn, cd = [-c for c in cn], [-c for c in cd]
    if not all(c >= 0 for c in cd) or not any(c > 0 for c in cd):
        return None
    if all(c >= 0 for c in cn) and any(c > 0 for c in cn):
        return True
    if all(c == 0 for c in cn):
        return not strict
    return None


def _interval_nonneg(f: sp.Expr, lo: float, hi: float, pieces: int) -> tuple[bool, str]:
    """Cover ``[lo, hi]`` by ``pieces`` intervals; evaluate ``f`` in ``mpmath.iv`` on each;
    True if every interval's lower end is ``>= 0``."""
    # numbers and sqrt become intervals too, so constants are enclosed, not rounded
    fn = sp.lambdify(alpha, f, modules=[{"mpf": mpmath.iv.mpf, "sqrt": mpmath.iv.sqrt},
                                        "mpmath"])
    worst = mpmath.mpf("inf")
    mpmath.iv.dps = 30
    grid = [lo + (hi - lo) * i / pieces for i in range(pieces + 1)]
    for a, b in zip(grid, grid[1:]):
        with mpmath.workdps(30):
            val = fn(mpmath.iv.mpf([a, b]))
        lower = mpmath.mpf(val.a)
        worst = min(worst, lower)
        if lower < 0:
            return False, f"interval [{a:.6g}, {b:.6g}] gives lower end {mpmath.nstr(lower, 6)}"
    return True, f"min lower end {mpmath.nstr(worst, 6)} over {pieces} intervals"


def nonnegative(name: str, f: sp.Expr, claim: str | None = None, lo: sp.Expr = 1,
                hi: sp.Expr = sp.oo, strict: bool = False, interval_hi: float = 64.0,
                pieces: int = 4000) -> AlgebraStep:
    """``f(alpha) >= 0`` (``> 0`` if ``strict``) for ``lo < alpha <= hi``.

    Exact first: substitute ``alpha = lo + t`` (``hi = oo``) or ``alpha = (lo + hi t)/(1+t)``
    (finite ``hi``; ``t in (0, oo)`` covers ``(lo, hi)``, ``hi`` itself is checked exactly)
    and look for the non-negative-coefficient certificate. Otherwise the mpmath interval
    cover of ``[lo + 1e-9, min(hi, interval_hi)]`` plus, for ``hi = oo``, the sympy limit at
    infinity, labelled as such.
    """
    rng = f"alpha > {lo}" if hi == sp.oo else f"{lo} < alpha <= {hi}"
    claim = claim or f"{sp.sstr(f)} {'>' if strict else '>='} 0 for {rng}"
    if hi == sp.oo:
        sub, how = lo + _t, f"alpha = {lo} + t"
        end_ok = True
    else:
        sub, how = (lo + hi * _t) / (1 + _t), f"alpha = ({lo} + {hi} t)/(1 + t)"
        fh = sp.simplify(f.subs(alpha, hi))
        end_ok = bool(fh > 0 or (not strict and fh >= 0))
    cert = _polya_certificate(f.subs(alpha, sub), strict)
    if cert and end_ok:
        return AlgebraStep(name, claim, True, f"sympy: positive coefficients after {how}")
    lo_f = float(lo) + 1e-9
    hi_f = interval_hi if hi == sp.oo else float(hi)
    ok, detail = _interval_nonneg(f, lo_f, hi_f, pieces)
    if hi != sp.oo:
        return AlgebraStep(name, claim, ok and end_ok,
                           f"interval arithmetic (mpmath.iv) on [{lo_f:.9g}, {hi_f}]", detail)
    lim = sp.limit(f, alpha, sp.oo)
    tail_ok = bool(lim == sp.oo or (lim.is_number and (lim > 0 or (not strict and lim >= 0))))
    return AlgebraStep(name, claim, ok and tail_ok,
                       f"interval arithmetic (mpmath.iv) on [{lo_f:.9g}, {interval_hi}] "
                       f"+ sympy limit at infinity",
                       f"{detail}; limit at infinity {sp.sstr(lim)}")


def at_most(name: str, lhs: sp.Expr, rhs: sp.Expr, claim: str | None = None, lo: sp.Expr = 1,
            hi: sp.Expr = sp.oo, strict: bool = False, **kw) -> AlgebraStep:
    """``lhs <= rhs`` (``<`` if ``strict``) for ``lo < alpha <= hi``."""
    rng = f"alpha > {lo}" if hi == sp.oo else f"{lo} < alpha <= {hi}"
    claim = claim or f"{sp.sstr(lhs)} {'<' if strict else '<='} {sp.sstr(rhs)} for {rng}"
    return nonnegative(name, sp.together(rhs - lhs), claim, lo=lo, hi=hi, strict=strict, **kw)
