"""Combinatorial lower bounds on the optimal total completion time ``OPT = sum_i C_i``.

Each bound holds for every feasible schedule, hence for OPT. ``best_lower_bound`` returns
the largest one and its name; ``lp.bounds`` adds the LP relaxation on top.

With release dates (``inst.r``, the online setting) the bounds above stay valid for
``sum_i C_i`` (their proofs only use ``a >= 0``), and :func:`lb_flow_o`,
:func:`lb_release_area` and :func:`best_flow_lower_bound` bound the flow time
``sum_i (C_i - r_i)``; all coincide with the batch bounds when every ``r_i = 0``
(``lb_release_area = lb_combined`` there). ``lp`` and the bounds ledger are offline.
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


# -- release dates: bounds on the flow time sum_i (C_i - r_i) ------------------------------
def lb_flow_o(inst: Instance) -> int:
    """``sum_i (C_i - r_i) >= sum_i o_i``.

    Proof: job ``i``'s completing attempt starts at ``a >= r_i`` (a job cannot start
    before its release) and runs ``o_i`` steps, so ``C_i - r_i = a - r_i + o_i >= o_i``.
    """
    return int(inst.o.sum())


def _group_bound(inst: Instance, group: np.ndarray) -> int:
    """``sum_G sum_k max(t_G + ceil(A_k(G)/M), (r+o)_(k)(G))`` over the groups ``G`` given
    by the labels ``group`` (see :func:`lb_release_area`); vectorised over all groups."""
    r, M = inst.r, inst.M
    ro = r + inst.o
    by_area = np.lexsort((inst.area, group))
    g = group[by_area]
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])      # start of each group
    size = np.diff(np.r_[first, len(g)])
    A = np.cumsum(inst.area[by_area])
    A -= np.repeat(np.r_[0, A[first[1:] - 1]], size)          # per-group prefix sums
    t_G = np.repeat(np.minimum.reduceat(r[by_area], first), size)
    ro_sorted = ro[np.lexsort((ro, group))]                   # same group layout
    return int(np.maximum(t_G + (-(-A // M)), ro_sorted).sum())


def lb_release_area(inst: Instance, widths: list[int] | None = None) -> int:
    """A bound on ``sum_i C_i`` that respects release dates; minus ``sum_i r_i`` it bounds
    the flow time (:func:`best_flow_lower_bound`).

    For any partition of the jobs into groups ``G`` with ``t_G = min_{i in G} r_i``,
    ``A_k(G)`` the sum of the ``k`` smallest areas in ``G`` and ``(r+o)_(k)(G)`` the k-th
    smallest ``r_i + o_i`` in ``G``::

        sum_i C_i >= sum_G sum_{k=1..|G|} max(t_G + ceil(A_k(G) / M), (r+o)_(k)(G)).

    Proof: fix a feasible schedule and a group ``G``; let ``C^G_[k]`` be the k-th smallest
    completion time in ``G``. Every attempt of a job of ``G`` starts at ``>= r_i >= t_G``,
    so the completing attempts of the ``k`` first-finished jobs of ``G`` lie in steps
    ``t_G .. C^G_[k] - 1``, where the memory is ``<= M`` per step: their areas, at least
    ``A_k(G)`` in total, are ``<= M (C^G_[k] - t_G)``, and ``C^G_[k]`` is an integer. Each
    of these ``k`` jobs has ``C >= r + o`` and one of them has ``r + o >= (r+o)_(k)(G)``.
    So ``C^G_[k]`` is at least the maximum; sum over ``k``, then over the disjoint groups.
    (Each group is bounded as if it had all the memory, which is why it is a lower bound
    for every partition; the best partition is not known in closed form.)

    The partitions tried: ``group = r_i // w`` for ``w`` in ``widths`` (default: powers of
    two up to ``max r + 1``, whose last one is the single group of all jobs, where the
    bound is :func:`lb_combined` with ``o`` replaced by ``r + o``); the maximum is returned.
    With all ``r_i = 0`` it equals :func:`lb_combined`. Cost ``O(n log n)`` per width.
    """
    rmax = int(inst.r.max())
    if widths is None:
        widths = [1 << e for e in range(max(rmax, 1).bit_length() + 1)]
    best = 0
    for w in widths:
        best = max(best, _group_bound(inst, inst.r // int(w)))
    return best


FLOW_LOWER_BOUNDS = {"flow_sum_o": lb_flow_o,
                     "release_area": lambda inst: lb_release_area(inst) - int(inst.r.sum())}


def all_flow_lower_bounds(inst: Instance) -> dict[str, int]:
    """Lower bounds on the flow time ``sum_i (C_i - r_i)`` of every feasible schedule."""
    return {name: f(inst) for name, f in FLOW_LOWER_BOUNDS.items()}


def best_flow_lower_bound(inst: Instance) -> tuple[int, str]:
    """The largest lower bound on the flow time ``sum_i (C_i - r_i)`` and its name. With
    all ``r_i = 0`` the flow time is ``sum_i C_i`` and this is ``best_lower_bound``'s
    value (``release_area = lb_combined`` there)."""
    vals = all_flow_lower_bounds(inst)
    name = max(vals, key=lambda k: (vals[k], k == "release_area"))
    return vals[name], name
