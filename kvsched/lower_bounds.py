"""Combinatorial lower bounds on the optimal total completion time ``OPT = sum_i C_i``.

Each bound holds for every feasible schedule, hence for OPT. ``best_lower_bound`` returns
the largest one and its name; ``lp.bounds`` adds the LP relaxation on top.
"""
from __future__ import annotations

import numpy as np

from .instance import Instance


def lb_sum_o(inst: Instance) -> int:
    """``OPT >= sum_i o_i``.

    Proof: job ``i`` completes with an attempt of ``o_i`` steps starting at ``a >= 0``,
    so ``C_i = a + o_i >= o_i``; sum over ``i``.
    """
    return int(inst.o.sum())


def _area_prefix_bounds(inst: Instance) -> np.ndarray:
    """``ceil(A_k / M)`` for ``k = 1..n``, ``A_k`` = sum of the ``k`` smallest areas."""
    A = np.cumsum(np.sort(inst.area))
    return -(-A // inst.M)


def lb_area(inst: Instance) -> int:
    """``OPT >= sum_k ceil(A_k / M)``, ``A_k`` the sum of the ``k`` smallest areas.

    Proof: the completing attempts of the ``k`` jobs finished by ``T = C_[k]`` (the k-th
    smallest completion time) lie inside steps ``0..T-1``, where memory is ``<= M`` per
    step, so their areas, at least ``A_k`` in total, are ``<= M*T``; ``T`` is an integer.
    """
    return int(_area_prefix_bounds(inst).sum())


def lb_combined(inst: Instance) -> int:
    """``OPT >= sum_k max(ceil(A_k / M), o_(k))``, ``o_(k)`` the k-th smallest output length.

    Proof: ``C_[k] >= ceil(A_k/M)`` as in :func:`lb_area`; and the ``k`` jobs finished by
    ``C_[k]`` each have ``C >= o``, one of them has ``o >= o_(k)``, so ``C_[k] >= o_(k)``.
    Both bound the same ``C_[k]``, so their maximum does; sum over ``k``.
    It dominates both :func:`lb_sum_o` and :func:`lb_area`.
    """
    return int(np.maximum(_area_prefix_bounds(inst), np.sort(inst.o)).sum())


LOWER_BOUNDS = {"sum_o": lb_sum_o, "area": lb_area, "combined": lb_combined}


def all_lower_bounds(inst: Instance) -> dict[str, int]:
    return {name: f(inst) for name, f in LOWER_BOUNDS.items()}


def best_lower_bound(inst: Instance) -> tuple[int, str]:
    """The largest combinatorial lower bound and its name."""
    vals = all_lower_bounds(inst)
    name = max(vals, key=lambda k: (vals[k], k == "combined"))
    return vals[name], name
