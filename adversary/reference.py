"""Certified ratios at any ``n``: the denominator is a checked feasible schedule.

For an instance ``I`` and any feasible schedule ``S`` of ``I``, ``OPT(I) <= cost(S)``, so

    ALG(I) / cost(S)  <=  ALG(I) / OPT(I)                                         (1)

and ``ALG/cost(S)`` is a *certified lower bound* on the true ratio (SPEC section 5) as soon
as ``S`` passed :func:`kvsched.check`. The smaller ``cost(S)``, the sharper (1). Beside it
``ALG/LB`` (``kvsched.lower_bounds.best_lower_bound``) is the *estimate*, an upper estimate
of ``ALG/OPT``; the truth lies in ``[ALG/REF, ALG/LB]``.

:func:`reference` takes the cheapest checked schedule among clairvoyant constructions:

* the registered ``gba`` (at alpha 2, 3, 4), ``mcsf`` (only up to ``mcsf_max_n`` jobs: its
  per-admission profile test is quadratic), ``sorted_f`` and ``sequential_spt``;
* *earliest fit* list schedules (:func:`earliest_fit_schedule`): jobs in a priority order
  (shortest ``o``, smallest area, smallest ``o (s+o)``), each started at the earliest
  step ``>=`` the previous start at which its whole profile ``s+1 .. s+o`` fits under the
  memory already committed -- the packing of :class:`kvsched.algorithms.pipeline.
  StaggeredPipeline` without pacing;
* a cheap local search on the best order (:func:`improve`): swaps of adjacent jobs in
  start order, each candidate re-packed by earliest fit and kept only if it is cheaper.

Every candidate is checked by ``kvsched.check`` (``run_algorithm`` checks the registered
ones); the one returned is checked once more by the caller. At or below ``exact_max_n``
jobs :func:`adversary.evaluate.exact` (``lp.astar``) proves the optimum instead.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from kvsched import Instance, check
from kvsched.algorithms import run_algorithm
from kvsched.algorithms.pipeline import StaggeredPipeline
from kvsched.schedule import Schedule

EXACT_MAX_N = 12          # lp.astar proves these in well under a second (docs/exact.md)
MCSF_MAX_N = 1500         # beyond this MC-SF's quadratic admission test dominates


def earliest_fit_schedule(inst: Instance, order: np.ndarray, monotone: bool = True) -> Schedule:
    """Jobs in ``order``; each starts at the earliest step ``t`` (``>=`` the previous start
    when ``monotone``) where ``P[u] + s + (u - t + 1) <= M`` on its whole run
    ``u = t .. t+o-1``. Never kills; feasible by construction (and checked by callers)."""
    pipe = StaggeredPipeline(inst.M, None)
    s, o = inst.s.tolist(), inst.o.tolist()
    starts = np.empty(inst.n, dtype=np.int64)
    last = 0
    for i in np.asarray(order).tolist():
        t = pipe.earliest_fit(s[i], o[i], last if monotone else 0)
        pipe.reserve(t, s[i], o[i])
        starts[i] = t
        if monotone:
            last = t
    job = np.arange(inst.n, dtype=np.int64)
    return Schedule(job, starts, inst.o.astype(np.int64))


def priority_orders(inst: Instance) -> dict[str, np.ndarray]:
    """Orders worth packing: shortest output, smallest area, smallest ``o (s+o)``
    (ties: lower index)."""
    idx = np.arange(inst.n)
    return {"spt": np.lexsort((idx, inst.s, inst.o)),
            "area": np.lexsort((idx, inst.o, inst.area)),
            "o*(s+o)": np.lexsort((idx, inst.o, inst.o * (inst.s + inst.o)))}


def _cost(sched: Schedule) -> int:
    return int((sched.start + sched.steps).sum())


def improve(inst: Instance, order: np.ndarray, cost: int, budget: int,
            rng: np.random.Generator) -> tuple[np.ndarray, int, Schedule | None]:
    """Up to ``budget`` adjacent swaps in ``order`` (random positions, seeded), each
    re-packed by earliest fit; a swap is kept when it lowers the cost. Returns the order,
    its cost and its schedule (``None`` if nothing improved)."""
    best_sched = None
    order = np.asarray(order).copy()
    if inst.n < 2:
        return order, cost, None
    for _ in range(budget):
        p = int(rng.integers(inst.n - 1))
        cand = order.copy()
        cand[p], cand[p + 1] = cand[p + 1], cand[p]
        sch = earliest_fit_schedule(inst, cand)
        c = _cost(sch)
        if c < cost:
            order, cost, best_sched = cand, c, sch
    return order, cost, best_sched


def reference(inst: Instance, *, local_search: int | None = None, seed: int = 0,
              mcsf_max_n: int = MCSF_MAX_N) -> dict[str, Any]:
    """The cheapest checked feasible schedule among the constructions of the module doc.

    Returns ``{"objective", "schedule", "optimal": False, "status", "source",
    "candidates"}`` (``candidates``: the cost of each construction). ``local_search``:
    number of swap candidates (default ``min(60, 6000 // n)``, so the local search costs
    about as much as the constructions)."""
    cands: dict[str, tuple[int, Schedule]] = {}
    for name, params in (("gba(alpha=4)", {"alpha": 4.0}), ("gba(alpha=3)", {"alpha": 3.0}),
                         ("gba(alpha=2)", {"alpha": 2.0})):
        r = run_algorithm("gba", inst, **params)
        cands[name] = (r.objective, r.schedule)
    algs = ["sorted_f", "sequential_spt"] + (["mcsf"] if inst.n <= mcsf_max_n else [])
    for name in algs:
        r = run_algorithm(name, inst)
        cands[name] = (r.objective, r.schedule)
    orders = priority_orders(inst)
    best_order = None
    for name, order in orders.items():
        sch = earliest_fit_schedule(inst, order)
        c = check(sch, inst).objective
        cands[f"earliest-fit({name})"] = (c, sch)
        if best_order is None or c < best_order[1]:
            best_order = (order, c)
    budget = min(60, 6000 // max(inst.n, 1)) if local_search is None else local_search
    if budget > 0:
        _, c, sch = improve(inst, best_order[0], best_order[1], budget,
                            np.random.default_rng(seed))
        if sch is not None:
            cands["earliest-fit + adjacent swaps"] = (check(sch, inst).objective, sch)
    name = min(cands, key=lambda k: cands[k][0])
    obj, sch = cands[name]
    return {"objective": int(obj), "schedule": sch, "optimal": False, "status": "feasible",
            "source": f"best checked construction ({name})",
            "candidates": {k: int(v[0]) for k, v in cands.items()}}
