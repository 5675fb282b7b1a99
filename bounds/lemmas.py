"""The vocabulary of the proof ledger: a :class:`Lemma` (statement, assumptions, the
symbolic constant it contributes, how it is established) and the status it ends with.

How a lemma is *established* (fixed, part of the reconstruction):

* ``PROVED_SYMBOLIC`` -- every step is algebra decided by :mod:`bounds.algebra`;
* ``PROVED_BY_HAND`` -- a short combinatorial argument written in ``docs/analysis.md``
  (its algebraic steps, if any, decided by :mod:`bounds.algebra`);
* ``REDUCED`` -- follows from a published result (``reference``), the reduction written out;
* ``ASSUMPTION`` -- the reading of SPEC section 4 we could not prove; stated so it can fail.

What the ledger *reports* adds the evidence: a lemma about an algorithm's behaviour has an
empirical check (:mod:`bounds.empirical`); a violation makes it ``refuted``, a pass turns an
assumption into ``checked`` (evidence, not proof).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from .algebra import AlgebraStep, alpha

PROVED_SYMBOLIC = "proved symbolically (sympy)"
PROVED_BY_HAND = "proved by hand (docs/analysis.md)"
REDUCED = "reduced to a known result"
ASSUMPTION = "assumption"



@dataclass(frozen=True)
class Lemma:
    """A named step of a derivation.

    ``constant`` is the factor (a sympy expression in :data:`bounds.algebra.alpha`) this
    lemma contributes to the ratio; it is itself computed (summed, limited) by the code that
    builds the lemma, never typed as the final ratio. ``algebra`` returns the pure-algebra
    steps the lemma's proof uses, each decided by :mod:`bounds.algebra`. ``empirical`` names
    a check (:func:`bounds.chains.checker`) for lemmas about an algorithm's behaviour.
    Large-memory lemmas are stated in a *finite form* (on instances with
    ``max(s+o)/M <= 0.1``), so a violation there refutes them; ``asymptotic`` is kept only
    for readers of old records (always ``False`` now). ``role="supporting"`` marks a lemma
    that is one route to proving a factor lemma (e.g. count and length together imply
    on-time); its failure does not break the chain if the factor lemma holds.
    """

    name: str
    statement: str
    latex: str
    constant: sp.Expr
    establishment: str
    regime: str = "any"                          # "any" | "general" | "large"
    alpha_range: tuple = (sp.Integer(1), sp.oo)  # open at 1
    reference: str = ""
    proof: str = ""
    algebra: Callable[[], list[AlgebraStep]] | None = field(default=None, compare=False)
    empirical: str | None = None
    asymptotic: bool = False
    role: str = "factor"       # "factor": in the chain; "supporting": one way to prove one;
    #                            "probe": a stronger claim, to see whether a factor is needed
    any_alpha: bool = False    # the claim holds for every alpha: evidence run at another
    #                            alpha (a saved counterexample's own) counts for it
    implied_by: tuple = ()     # lemma names that together imply this one (if all proved)

    def algebra_steps(self) -> list[AlgebraStep]:
        return list(self.algebra()) if self.algebra else []

    def holds_at(self, a: sp.Expr) -> bool:
        lo, hi = self.alpha_range
        return bool(sp.simplify(a - lo) > 0) and (hi == sp.oo or bool(sp.simplify(hi - a) >= 0))

    def to_dict(self) -> dict:
        return {"name": self.name, "statement": self.statement, "latex": self.latex,
                "constant": sp.sstr(self.constant), "establishment": self.establishment,
                "regime": self.regime,
                "alpha_range": [sp.sstr(self.alpha_range[0]), sp.sstr(self.alpha_range[1])],
                "reference": self.reference, "empirical_check": self.empirical,
                "asymptotic": self.asymptotic, "role": self.role,
                "any_alpha": self.any_alpha, "implied_by": list(self.implied_by)}


def const_of(expr: sp.Expr) -> sp.Expr:
    """Resolve a sympy Piecewise from a summation to its convergent branch (alpha > 1)."""
    if isinstance(expr, sp.Piecewise):
        for val, cond in expr.args:
            c = cond.subs(alpha, 2)
            if c == sp.true or c is True:
                return sp.simplify(val)
        raise ValueError(f"no branch valid at alpha = 2 in {expr}")
    return sp.simplify(expr)


__all__ = ["Lemma", "alpha", "PROVED_SYMBOLIC", "PROVED_BY_HAND", "REDUCED", "ASSUMPTION",
           "const_of"]
