"""Lower bounds on OPT: the LP relaxation of the time-indexed model, and the combinatorial
bounds of :mod:`kvsched.lower_bounds`.

The LP relaxation of any formulation that keeps at least one optimal schedule feasible is
a lower bound on OPT (an optimal schedule is a feasible LP point of cost OPT). With the
completion-count cuts (tight formulation, :mod:`lp.formulation` item 3) the LP value is
provably ``>= lb_combined >= lb_area, lb_sum_o``; the plain LP is always ``>= lb_sum_o``
(each job's fractional starts sum to one, so it contributes ``>= o_i``) but can fall below
``lb_combined``: for ``s = (4, 4, 3)``, ``o = (1, 3, 3)``, ``M = 12`` it is 7.6 < 8
(tests/test_lp_bounds.py). The value is rounded up (OPT is an integer) with a ``1e-6`` tolerance.

``cliques`` is the bound A* starts from (:func:`lp.astar.root_bound`): ``lb_combined``'s
terms plus the tail of jobs that can never share a step, which run in sequence. It needs no
solver and can beat the LP (``n14_seed1`` of the benchmark set: 185 against 173).
"""
from __future__ import annotations

import math

from kvsched.instance import Instance
from kvsched.lower_bounds import all_lower_bounds

from . import formulation as F
from .highs_backend import solve_relaxation


def lp_relaxation(inst: Instance, formulation: str = "tight",
                  upper_bound: int | None = None) -> float:
    """Value of the LP relaxation (not rounded). For ``"tight"`` the horizon and cutoff
    use ``upper_bound`` when given (it must be the cost of a feasible schedule)."""
    return solve_relaxation(F.build(inst, formulation, upper_bound=upper_bound,
                                    tricks=F.LP_BOUND_TRICKS))


def all_bounds(inst: Instance, lp: bool = True) -> dict[str, int]:
    """Every lower bound by name (LP values rounded up)."""
    from .astar import root_bound

    out = dict(all_lower_bounds(inst))
    out["cliques"] = root_bound(inst)
    if lp:
        out["lp_plain"] = math.ceil(lp_relaxation(inst, "plain") - 1e-6)
        out["lp_tight"] = math.ceil(lp_relaxation(inst, "tight") - 1e-6)
    return out


def best_lower_bound(inst: Instance, lp: bool = True) -> tuple[int, str]:
    """The largest lower bound and its name (ties go to the simplest: ``combined``, then
    ``cliques``, then the LP)."""
    vals = all_bounds(inst, lp)
    name = max(vals, key=lambda k: (vals[k], not k.startswith("lp"), k == "combined"))
    return vals[name], name
