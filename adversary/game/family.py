"""A family of instances with public ``(M, s)`` and output lengths in a finite box, its
exact optima, and the exact worst ratio of a registered algorithm over the box.

``o_i in {1..U_i}`` with ``U_i = min(L, M - s_i)`` (the scheduler knows the box, since
validity ``s_i + o_i <= M`` is public). ``OPT(o)`` is proved by ``lp.astar.solve`` and
cached per o-vector. An algorithm's ratio ``ALG(o)/OPT(o)`` is *certified (exact)*: ALG
is the cost of a checked schedule (``run_algorithm`` checks) and OPT is proven.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import product

import numpy as np

from kvsched.errors import KvschedError, InvalidInstanceError
from kvsched.instance import Instance

MAX_VECTORS = 20_000        # o-vectors per family: beyond this the game is hopeless anyway


@dataclass(frozen=True)
class Family:
    """Public data ``(M, s)`` and the length cap ``L``; ``U[i] = min(L, M - s[i])``."""

    M: int
    s: tuple[int, ...]
    L: int

    def __post_init__(self) -> None:
        for name, v in (("M", self.M), ("L", self.L)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise KvschedError(f"family: {name} = {v!r} must be an integer >= 1")
        if not self.s:
            raise KvschedError("family: at least one job is needed")
        for i, si in enumerate(self.s):
            if isinstance(si, bool) or not isinstance(si, (int, np.integer)) or si < 0:
                raise InvalidInstanceError(f"family: job {i}: s = {si!r} must be an integer "
                                           f">= 0", job=i)
            if si + 1 > self.M:
                raise InvalidInstanceError(f"family: job {i}: s = {si} leaves no room for one "
                                           f"output token within M = {self.M}", job=i)
        object.__setattr__(self, "s", tuple(int(v) for v in self.s))
        if self.size > MAX_VECTORS:
            raise KvschedError(f"family {self.label}: {self.size:,} o-vectors, more than "
                               f"{MAX_VECTORS:,}; too big for the exact game")

    @property
    def n(self) -> int:
        return len(self.s)

    @property
    def U(self) -> tuple[int, ...]:
        return tuple(min(self.L, self.M - si) for si in self.s)

    @property
    def size(self) -> int:
        return int(np.prod(self.U))

    @property
    def label(self) -> str:
        return f"M={self.M} s=({','.join(map(str, self.s))}) L={self.L}"

    def vectors(self):
        """Every o-vector of the family, lexicographically."""
        return product(*(range(1, u + 1) for u in self.U))

    def instance(self, o) -> Instance:
        return Instance(s=list(self.s), o=list(o), M=self.M)

    def to_dict(self) -> dict:
        return {"M": self.M, "s": list(self.s), "L": self.L, "U": list(self.U),
                "n": self.n, "vectors": self.size}


@lru_cache(maxsize=200_000)
def _opt(M: int, s: tuple[int, ...], o: tuple[int, ...]) -> int:
    from lp.astar import solve
    res = solve(Instance(s=list(s), o=list(o), M=M))
    if not res.proven_optimal:
        raise KvschedError(f"OPT of M={M} s={s} o={o}: not proven optimal ({res.stopped})")
    return int(res.objective)


def opt_table(fam: Family) -> np.ndarray:
    """``OPT[o_1 - 1, ..., o_n - 1]``: the proven optimum of every o-vector (lp.astar)."""
    T = np.zeros(fam.U, dtype=np.int64)
    for o in fam.vectors():
        T[tuple(v - 1 for v in o)] = _opt(fam.M, fam.s, tuple(o))
    return T


@dataclass
class Worst:
    """The exact worst ratio of one algorithm over a family, with its witness o-vector."""

    algorithm: str
    ratio: Fraction
    witness: tuple[int, ...]
    alg_cost: int
    opt: int
    params: dict

    def to_dict(self, fam: Family) -> dict:
        return {"algorithm": self.algorithm, "ratio": float(self.ratio),
                "ratio_exact": f"{self.ratio.numerator}/{self.ratio.denominator}",
                "label": "certified (exact)", "witness_o": list(self.witness),
                "instance": fam.instance(self.witness).to_dict(), "alg_cost": self.alg_cost,
                "opt": self.opt, "params": self.params}


def algorithm_worst(fam: Family, name: str, opt: np.ndarray | None = None,
                    **params) -> Worst:
    """``max over o of ALG(o)/OPT(o)`` for the registered algorithm ``name`` (its schedule
    checked by ``run_algorithm``; ties go to the lexicographically first o)."""
    from kvsched.algorithms import get_algorithm, run_algorithm
    opt = opt_table(fam) if opt is None else opt
    best = None
    p = {**get_algorithm(name).defaults, **params}
    for o in fam.vectors():
        cost = int(run_algorithm(name, fam.instance(o), **params).report.objective)
        b = int(opt[tuple(v - 1 for v in o)])
        r = Fraction(cost, b)
        if best is None or r > best.ratio:
            best = Worst(name, r, tuple(o), cost, b, p)
    return best
