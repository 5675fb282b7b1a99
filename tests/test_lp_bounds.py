"""lp.bounds: every bound is <= the proven optimum; the tight LP dominates the combinatorial
bounds (proved in lp.formulation item 3)."""
from __future__ import annotations

from hypothesis import given, settings

from kvsched.lower_bounds import all_lower_bounds
from lp.bounds import all_bounds, best_lower_bound, lp_relaxation
from lp.brute import solve as brute_solve
from lp.exact import solve
from kvsched.defaults import random_instance
from tests.conftest import instances


@settings(max_examples=60)
@given(instances(n_min=1, n_max=5, M_max=12, o_max=5))
def test_every_bound_below_opt_and_tight_lp_dominates(inst):
    opt, _ = brute_solve(inst)
    b = all_bounds(inst)
    assert max(b.values()) <= opt, b
    comb = all_lower_bounds(inst)
    assert b["lp_tight"] >= max(comb.values())
    assert b["lp_plain"] >= comb["sum_o"]
    assert lp_relaxation(inst, "tight", upper_bound=opt) <= opt + 1e-6
    assert b["cliques"] >= comb["combined"]            # it adds terms to lb_combined's max
    value, name = best_lower_bound(inst)
    assert value == max(b.values()) and b[name] == value
    assert best_lower_bound(inst, lp=False)[0] == max(*comb.values(), b["cliques"])


def test_bounds_below_opt_on_benchmark_family():
    for seed in range(3):
        inst = random_instance(8, seed)
        res = solve(inst)
        assert res.proven_optimal
        b = all_bounds(inst)
        assert max(b.values()) <= res.objective
        assert b["lp_tight"] >= b["combined"]


def test_clique_bound_can_beat_the_lp():
    """Jobs that can never share a step run in sequence; the LP relaxation smears them."""
    from kvsched.loaders import load_json
    from tests.conftest import REPO
    inst = load_json(REPO / "bench" / "instances" / "n14_seed1.json")
    b = all_bounds(inst)
    assert b["lp_tight"] < b["cliques"] <= 214                 # OPT 214 (HiGHS and A*)
    assert best_lower_bound(inst)[1] == "cliques"


def test_plain_lp_can_fall_below_the_combined_bound():
    """Why only the tight LP is claimed to dominate: the plain LP may spread each job over
    several starts, averaging away the order statistic ``o_(k)`` of ``lb_combined``; the
    completion-count cuts of the tight model restore it."""
    from kvsched import Instance
    inst = Instance(s=[4, 4, 3], o=[1, 3, 3], M=12)
    comb = all_lower_bounds(inst)["combined"]
    assert lp_relaxation(inst, "plain") < comb - 0.1
    assert lp_relaxation(inst, "tight") >= comb - 1e-6
    assert brute_solve(inst)[0] >= comb
