"""lp.exact against lp.brute (independent A* search), plain vs tight, HiGHS direct vs PuLP
vs CBC, time limits, and the formulation's building blocks."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from kvsched import Instance, check
from kvsched.defaults import hand_made, random_instance
from kvsched.lower_bounds import lb_combined
from lp import formulation as F
from lp.brute import solve as brute_solve
from lp.exact import earliest_fit, solve
from tests.conftest import instances

tiny = instances(n_min=1, n_max=5, M_max=12, o_max=5)


def _assert_checked(res, inst):
    assert res.schedule is not None
    assert check(res.schedule, inst).summary() == res.report.summary()
    assert res.report.objective == res.objective


@settings(max_examples=150)
@given(tiny)
def test_highs_equals_brute_force(inst):
    opt, sched = brute_solve(inst)
    assert check(sched, inst).objective == opt
    res = solve(inst)
    assert res.status == "optimal" and res.proven_optimal
    assert res.objective == opt
    assert res.lower_bound == opt and res.gap == 0
    _assert_checked(res, inst)


@settings(max_examples=25)
@given(tiny)
def test_cbc_and_pulp_highs_equal_brute_force(inst):
    opt, _ = brute_solve(inst)
    for kw in (dict(solver="cbc"), dict(solver="highs", via="pulp")):
        res = solve(inst, **kw)
        assert res.proven_optimal and res.objective == opt, kw
        _assert_checked(res, inst)


@settings(max_examples=40)
@given(tiny)
def test_plain_and_each_trick_keep_the_optimum(inst):
    """Every speed-up alone and together keeps the optimum of the plain formulation."""
    ref = solve(inst, formulation="plain", warm_start=False)
    assert ref.proven_optimal
    _assert_checked(ref, inst)
    for tricks in [(t,) for t in F.TRICKS] + [None]:
        res = solve(inst, tricks=tricks, algorithms=["sequential_spt"])
        assert res.proven_optimal and res.objective == ref.objective, tricks


@settings(max_examples=40)
@given(instances(n_min=1, n_max=4, M_max=8, o_max=3))
def test_optimal_schedules_never_kill(inst):
    """SPEC section 2: allowing kills does not lower the optimum (independent search)."""
    assert brute_solve(inst, allow_kills=True)[0] == brute_solve(inst)[0]


@pytest.mark.slow
@settings(max_examples=600)
@given(tiny)
def test_highs_and_cbc_equal_brute_force_many(inst):
    opt, _ = brute_solve(inst)
    assert solve(inst).objective == opt
    assert solve(inst, solver="cbc").objective == opt
    assert solve(inst, formulation="plain", warm_start=False).objective == opt


def test_hand_made_and_family_agree_with_brute_force():
    for inst in hand_made() + [random_instance(5, seed) for seed in range(4)]:
        opt, _ = brute_solve(inst)
        res = solve(inst)
        assert res.proven_optimal and res.objective == opt, inst.name


def test_direct_highs_and_pulp_model_are_the_same_model():
    """The numpy (highspy) model and the PuLP reference have the same LP relaxation."""
    import pulp
    from lp.highs_backend import solve_relaxation

    for seed in range(3):
        inst = random_instance(6, seed)
        ub = earliest_fit(inst, np.argsort(inst.o)).end.sum()
        for kind, tricks in (("plain", None), ("tight", None), ("tight", F.TRICKS)):
            f = F.build(inst, kind, upper_bound=int(ub), tricks=tricks)
            prob, _ = F.to_pulp(f)
            prob.solve(pulp.HiGHS(mip=False, msg=False))
            assert abs(pulp.value(prob.objective) - solve_relaxation(f)) < 1e-6


def test_time_limit_reports_not_proven_optimal():
    inst = random_instance(16, 3)
    res = solve(inst, time_limit=0.05)
    assert res.status == "not proven optimal" and not res.proven_optimal
    _assert_checked(res, inst)
    assert res.lower_bound <= res.objective and res.gap > 0
    assert res.objective <= res.info["upper_bound"]     # never worse than the best heuristic
    res = solve(inst, solver="cbc", time_limit=0.5)
    assert res.status == "not proven optimal"
    _assert_checked(res, inst)


def test_heuristic_meeting_lower_bound_is_optimal_without_solver():
    inst = Instance(s=[0, 0, 0], o=[1, 2, 3], M=20)   # all start at 0: cost 6 = sum o
    res = solve(inst)
    assert res.objective == 6 and res.proven_optimal and "proof" in res.info
    _assert_checked(res, inst)


def test_latest_completion_is_safe_on_optimal_schedules():
    """C_i <= UB - lb_combined(I - i) holds for the optimal schedule found by brute force."""
    for seed in range(6):
        inst = random_instance(5, seed)
        opt, sched = brute_solve(inst)
        ub = int(earliest_fit(inst, np.argsort(inst.o)).end.sum())
        C = check(sched, inst).completion
        assert np.all(C <= F.latest_completion(inst, ub))
        assert np.all(C <= F.latest_completion(inst, opt))


def test_count_cuts_hold_on_optimal_schedules():
    for seed in range(6):
        inst = random_instance(5, seed)
        _, sched = brute_solve(inst)
        C = check(sched, inst).completion
        for T, K in F.completion_count_cuts(inst, int(C.max()) + 5):
            assert (C <= T).sum() <= K


def test_identical_jobs_are_one_class():
    inst = Instance(s=[3, 3, 3, 1], o=[4, 4, 4, 2], M=14)
    f = F.build(inst, "tight", upper_bound=60)
    assert sorted(len(c) for c in f.classes) == [1, 3]
    res = solve(inst)
    assert res.objective == brute_solve(inst)[0]


def test_earliest_fit_is_feasible():
    for seed in range(10):
        inst = random_instance(12, seed)
        sched = earliest_fit(inst, np.random.default_rng(seed).permutation(12))
        assert check(sched, inst).objective >= lb_combined(inst)


def test_bad_arguments_raise():
    inst = random_instance(3, 0)
    with pytest.raises(ValueError):
        solve(inst, solver="gurobi")
    with pytest.raises(ValueError):
        solve(inst, solver="cbc", via="direct")
    with pytest.raises(ValueError):
        F.build(inst, "loose")
