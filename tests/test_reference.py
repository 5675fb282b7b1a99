"""adversary.reference: the certified denominator at any n.

REF is the cheapest of several checked clairvoyant constructions, so (i) every schedule it
returns passes the checker, (ii) REF <= each construction's cost, (iii) OPT <= REF (a
proven optimum is never above it), and (iv) ALG/REF <= ALG/LB, i.e. the certified lower
bound never exceeds the estimate.
"""
from __future__ import annotations

import numpy as np
import pytest

from kvsched import Instance, check
from kvsched.algorithms import run_algorithm
from kvsched.lower_bounds import best_lower_bound

from adversary.evaluate import CERTIFIED_LB, evaluate
from adversary.reference import earliest_fit_schedule, priority_orders, reference


def _random(n: int, seed: int, M: int = 60, o_max: int = 20) -> Instance:
    rng = np.random.default_rng(seed)
    o = rng.integers(1, o_max + 1, n)
    s = np.minimum(rng.integers(0, M, n), M - o)
    return Instance(s=s, o=o, M=M)


@pytest.mark.parametrize("seed", range(6))
def test_earliest_fit_is_feasible_for_any_order(seed):
    inst = _random(30, seed)
    for order in [np.random.default_rng(seed).permutation(30), *priority_orders(inst).values()]:
        for monotone in (True, False):
            sch = earliest_fit_schedule(inst, order, monotone=monotone)
            rep = check(sch, inst)              # raises if infeasible
            assert rep.objective == int((sch.start + sch.steps).sum())
            assert (sch.steps == inst.o).all()  # never kills


@pytest.mark.parametrize("seed", range(5))
def test_reference_is_checked_and_no_worse_than_each_construction(seed):
    inst = _random(40 + 10 * seed, 100 + seed)
    ref = reference(inst, seed=seed)
    assert check(ref["schedule"], inst).objective == ref["objective"]
    assert ref["objective"] == min(ref["candidates"].values())
    for name in ("gba", "mcsf", "sorted_f", "sequential_spt"):
        assert ref["objective"] <= run_algorithm(name, inst).objective, name
    assert ref["objective"] >= best_lower_bound(inst)[0]
    assert not ref["optimal"]


def test_reference_is_never_below_a_proven_optimum():
    from lp.exact import solve
    for seed in range(4):
        inst = _random(6, 200 + seed, M=12, o_max=6)
        res = solve(inst, solver="astar", time_limit=30)
        assert res.proven_optimal
        assert reference(inst)["objective"] >= res.objective


def test_certified_ratio_is_at_most_the_estimate():
    for seed in range(4):
        inst = _random(60, 300 + seed)
        ev = evaluate(inst.to_dict(), {"alg": "gsa", "reference": "construction"})
        assert ev["consistent"] and ev["ratio_label"] == CERTIFIED_LB
        assert ev["ratio"] <= ev["ratio_to_lower_bound"] + 1e-12
        assert ev["ratio"] == ev["alg_objective"] / ev["ref_objective"]


def test_large_instances_default_to_the_construction():
    inst = _random(40, 7)
    ev = evaluate(inst.to_dict(), {"alg": "gba", "reference": "lazy"})
    assert ev["ref_source"].startswith("best checked construction")
    assert ev["ratio_label"] == CERTIFIED_LB


def test_local_search_never_worsens_and_is_seeded():
    inst = _random(50, 11)
    a = reference(inst, local_search=40, seed=3)
    b = reference(inst, local_search=40, seed=3)
    c = reference(inst, local_search=0)
    assert a["objective"] == b["objective"] and a["schedule"] == b["schedule"]
    assert a["objective"] <= c["objective"]


@pytest.mark.slow
def test_reference_at_n_10000_is_fast_and_checked():
    import time
    inst = _random(10_000, 5, M=4000, o_max=300)
    t = time.perf_counter()
    ref = reference(inst)
    assert time.perf_counter() - t < 30
    assert check(ref["schedule"], inst).objective == ref["objective"]
