"""lp.astar (the combinatorial exact solver) against lp.brute (independent A* search) and
the integer program: optimum, checked schedules, each pruning rule and bound term,
admissibility of the bound along whole schedules, max_overlap and the conflict cliques
against brute force, the o = 1 rule as a property of optimal schedules, time and state
limits, bad arguments and `kvsched opt --solver astar`."""
from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from kvsched import Instance, Schedule, check
from kvsched.errors import InfeasibleScheduleError
from kvsched.loaders import load_json
from kvsched.lower_bounds import lb_combined
from kvsched.schedule import memory_profile
from lp import astar
from lp import exact
from lp.brute import solve as brute_solve
from lp.exact import earliest_fit
from tests.conftest import REPO, instances

tiny = instances(n_min=1, n_max=5, M_max=12, o_max=5)
small = instances(n_min=1, n_max=6, M_max=12, o_max=5)
BENCH = REPO / "bench" / "instances"
N14_SEED4_OPT = 243                  # proven by HiGHS and by lp.astar without limits


def _bench(n: int) -> list[Instance]:
    return [load_json(BENCH / f"n{n:02d}_seed{seed}.json") for seed in range(5)]


def _assert_optimal_and_checked(res: astar.AStarResult, inst: Instance, opt: int) -> None:
    assert res.proven_optimal and res.stopped is None
    assert res.objective == opt and res.lower_bound == opt
    assert res.schedule is not None
    rep = check(res.schedule, inst)
    assert rep.objective == opt == res.report.objective
    assert rep.restarts == 0 and len(res.schedule) == inst.n     # one attempt per job


def _starts(sched: Schedule, n: int) -> np.ndarray:
    """Start step of each job of a schedule without kills."""
    assert len(sched) == n and np.array_equal(np.sort(sched.job), np.arange(n))
    starts = np.empty(n, dtype=np.int64)
    starts[sched.job] = sched.start
    return starts


# -- 1. the optimum equals brute force ----------------------------------------------------

def _astar_equals_brute(inst):
    opt, bsched = brute_solve(inst)
    assert check(bsched, inst).objective == opt
    _assert_optimal_and_checked(astar.solve(inst), inst, opt)


@settings(max_examples=150)
@given(tiny)
def test_astar_equals_brute_force(inst):
    _astar_equals_brute(inst)


@pytest.mark.slow
@settings(max_examples=500)
@given(tiny)
def test_astar_equals_brute_force_many(inst):
    _astar_equals_brute(inst)


@pytest.mark.slow
@settings(max_examples=150)
@given(instances(n_min=5, n_max=7, M_max=10, o_max=4))
def test_astar_equals_brute_force_bigger(inst):
    _astar_equals_brute(inst)


def test_hand_cases():
    # one job; identical jobs; a unit job that fits beside a long one; jobs that cannot share
    cases = [(Instance(s=[0], o=[1], M=1), 1),
             (Instance(s=[3], o=[4], M=7), 4),
             (Instance(s=[2, 2, 2], o=[3, 3, 3], M=5), 3 + 6 + 9),
             (Instance(s=[0, 5], o=[5, 1], M=8), 5 + 1),
             (Instance(s=[4, 4], o=[3, 3], M=7), 3 + 6)]
    for inst, opt in cases:
        assert brute_solve(inst)[0] == opt
        _assert_optimal_and_checked(astar.solve(inst), inst, opt)


# -- 2. every pruning rule and bound term keeps the optimum --------------------------------

ALL_SUBSETS = [c for r in range(len(astar.RULES) + 1) for c in combinations(astar.RULES, r)]


def test_rules_are_the_four_documented():
    assert sorted(astar.RULES) == ["cliques", "dominance", "symmetry", "unit_jobs"]
    assert len(ALL_SUBSETS) == 16


@settings(max_examples=60)
@given(instances(n_min=2, n_max=5, M_max=300, o_max=40, edge=False))
def test_dominance_keeps_the_optimum_with_wide_packed_fields(inst):
    """The dominance rule compares states packed into one integer (profile fields of
    ``bit_length(M) + 1`` bits, a cost field sized from ``n sum(o)``): large ``M`` and long
    outputs exercise the field widths and guard bits."""
    ref = astar.solve(inst, rules=("symmetry", "unit_jobs", "cliques"))
    res = astar.solve(inst)
    assert ref.proven_optimal and res.proven_optimal
    _assert_optimal_and_checked(res, inst, ref.objective)


@pytest.mark.slow
@settings(max_examples=120)
@given(instances(n_min=6, n_max=10, M_max=20, o_max=4, edge=False))
def test_dominance_keeps_the_optimum_on_medium_instances(inst):
    ref = astar.solve(inst, rules=("symmetry", "unit_jobs", "cliques"))
    _assert_optimal_and_checked(astar.solve(inst), inst, ref.objective)


def _rules_keep_optimum(inst):
    ref = astar.solve(inst, rules=())
    assert ref.proven_optimal
    if inst.n <= 5:
        assert ref.objective == brute_solve(inst)[0]
    for rules in ALL_SUBSETS:
        _assert_optimal_and_checked(astar.solve(inst, rules=rules), inst, ref.objective)


@settings(max_examples=100)
@given(small)
def test_every_subset_of_rules_keeps_the_optimum(inst):
    _rules_keep_optimum(inst)


@pytest.mark.slow
@settings(max_examples=300)
@given(small)
def test_every_subset_of_rules_keeps_the_optimum_many(inst):
    _rules_keep_optimum(inst)


def _upper_bound_keeps_optimum(inst, order):
    opt = astar.solve(inst).objective
    ub = earliest_fit(inst, order)
    ub_cost = check(ub, inst).objective
    for rules in (astar.RULES, ()):
        res = astar.solve(inst, upper_bound=ub, rules=rules)
        _assert_optimal_and_checked(res, inst, opt)
        if ub_cost == opt:            # nothing cheaper exists: the given schedule is returned
            assert res.schedule is ub
    # an upper bound that is already optimal: proven optimal with that cost
    best = astar.solve(inst).schedule
    res = astar.solve(inst, upper_bound=best)
    _assert_optimal_and_checked(res, inst, opt)
    assert res.schedule is best


@settings(max_examples=100)
@given(small, st.randoms(use_true_random=False))
def test_upper_bound_keeps_the_optimum(inst, rnd):
    order = list(range(inst.n))
    rnd.shuffle(order)
    _upper_bound_keeps_optimum(inst, order)


def test_optimal_upper_bound_is_returned_proven():
    """Given an optimal schedule (from the integer program) as upper bound, the search finds
    nothing cheaper and returns that schedule, proven optimal."""
    for inst in _bench(8):
        best = exact.solve(inst, solver="highs").schedule
        opt = check(best, inst).objective
        res = astar.solve(inst, upper_bound=best)
        assert res.proven_optimal and res.objective == res.lower_bound == opt
        assert res.schedule is best and res.stopped is None


def test_infeasible_upper_bound_is_rejected():
    inst = Instance(s=[4, 4], o=[3, 3], M=7)
    bad = Schedule(np.arange(2), np.array([0, 0]), inst.o)     # both at once: memory 10 > 7
    with pytest.raises(InfeasibleScheduleError):
        astar.solve(inst, upper_bound=bad)


# -- 3. the bound is admissible and includes lb_combined -----------------------------------

def _states(starts: np.ndarray, o: np.ndarray, span: int):
    """``(t, W, R)`` at the start of every step ``t`` of a schedule without kills, in
    lp.astar's encoding (``R`` sorted codes ``j * span + a``, ``a`` steps done)."""
    n = len(starts)
    end = int((starts + o).max())
    for t in range(end + 1):
        W = sum(1 << i for i in range(n) if starts[i] >= t)
        R = tuple(sorted(i * span + (t - int(starts[i])) for i in range(n)
                         if starts[i] < t < starts[i] + o[i]))
        yield t, W, R


def _h_admissible_along(inst, sched):
    """h(state) <= the cost this schedule still pays from that state (an upper bound on the
    cheapest completion), at every step of the schedule."""
    S = astar._Search(inst)
    starts = _starts(sched, inst.n)
    C = starts + inst.o
    for t, W, R in _states(starts, inst.o, S.span):
        rest = int(np.maximum(C - t, 0).sum())
        assert S.h(W, R) <= rest, (t, W, R)
        if not W and not R:
            assert S.h(W, R) == 0


def _admissible(inst):
    opt, bsched = brute_solve(inst)
    S = astar._Search(inst)
    h0 = S.h((1 << inst.n) - 1, ())
    assert lb_combined(inst) <= h0 <= opt
    for rules in ALL_SUBSETS:             # the bound without the clique term is admissible too
        assert astar._Search(inst, rules).h((1 << inst.n) - 1, ()) <= h0
    _h_admissible_along(inst, bsched)
    _h_admissible_along(inst, astar.solve(inst).schedule)
    _h_admissible_along(inst, earliest_fit(inst, range(inst.n)[::-1]))


@settings(max_examples=200)
@given(tiny)
def test_bound_is_admissible_and_includes_lb_combined(inst):
    _admissible(inst)


@pytest.mark.slow
@settings(max_examples=500)
@given(tiny)
def test_bound_is_admissible_many(inst):
    _admissible(inst)


def test_root_bound_on_benchmark():
    for n in (6, 8, 10):
        for inst in _bench(n):
            h0 = astar._Search(inst).h((1 << inst.n) - 1, ())
            res = astar.solve(inst)
            assert lb_combined(inst) <= h0 <= res.objective


# -- 4. max_overlap against brute force over start offsets --------------------------------

def _overlap_brute(s_i, o_i, s_j, o_j, M) -> int:
    inst = Instance(s=[s_i, s_j], o=[o_i, o_j], M=M)
    best = 0
    for d in range(o_i + o_j + 1):
        for starts in ((0, d), (d, 0)):
            sched = Schedule(np.arange(2), np.array(starts), inst.o)
            try:
                check(sched, inst)
            except InfeasibleScheduleError as e:
                assert e.kind == "memory"
                continue
            shared = min(starts[0] + o_i, starts[1] + o_j) - max(starts)
            best = max(best, shared)
    return best


@st.composite
def job_pairs(draw, M_max=14):
    M = draw(st.integers(1, M_max))
    o_i, o_j = draw(st.integers(1, M)), draw(st.integers(1, M))
    return draw(st.integers(0, M - o_i)), o_i, draw(st.integers(0, M - o_j)), o_j, M


@settings(max_examples=300)
@given(job_pairs())
def test_max_overlap_equals_brute_force(args):
    s_i, o_i, s_j, o_j, M = args
    got = astar.max_overlap(*args)
    assert got == _overlap_brute(*args)
    assert got == astar.max_overlap(s_j, o_j, s_i, o_i, M)          # symmetric
    assert 0 <= got <= min(o_i, o_j)


def test_max_overlap_examples():
    assert astar.max_overlap(4, 3, 4, 3, 7) == 0       # 5 + 5 > 7 at any shared step
    assert astar.max_overlap(0, 5, 5, 1, 8) == 1       # the unit job at the start
    assert astar.max_overlap(0, 2, 0, 2, 4) == 2       # side by side all the way
    assert astar.max_overlap(0, 3, 0, 3, 5) == 2       # offset 1: 3 + 2 = 5 at the end


# -- 5. conflict cliques -------------------------------------------------------------------

def _conflict(inst, i, j) -> bool:
    return astar.max_overlap(int(inst.s[i]), int(inst.o[i]), int(inst.s[j]), int(inst.o[j]),
                             int(inst.M)) == 0


def _cliques_hold(inst):
    cliques = astar.conflict_cliques(inst)
    n = inst.n
    for Q in cliques:
        assert len(Q) >= 2 and Q == sorted(set(Q)) and all(0 <= i < n for i in Q)
        assert all(_conflict(inst, i, j) for i, j in combinations(Q, 2))
        # maximal: no other job conflicts with every member
        assert not any(all(_conflict(inst, k, i) for i in Q) for k in range(n) if k not in Q)
    # every conflicting pair lies in some clique
    for i, j in combinations(range(n), 2):
        if _conflict(inst, i, j):
            assert any(i in Q and j in Q for Q in cliques)
    if not cliques:
        return
    _, bsched = brute_solve(inst)
    for sched in (bsched, astar.solve(inst).schedule):
        starts = _starts(sched, n)
        end = starts + inst.o
        for Q in cliques:
            for i, j in combinations(Q, 2):
                assert end[i] <= starts[j] or end[j] <= starts[i], (Q, i, j, starts)


@settings(max_examples=200)
@given(tiny)
def test_conflict_cliques(inst):
    _cliques_hold(inst)


def test_conflict_cliques_example():
    # jobs 0, 1, 2 pairwise cannot share memory; job 3 (tiny) fits beside any of them
    inst = Instance(s=[5, 5, 6, 0], o=[3, 3, 2, 1], M=10)
    assert astar.conflict_cliques(inst) == [[0, 1, 2]]
    assert astar.conflict_cliques(Instance(s=[0, 0], o=[1, 1], M=4)) == []
    _cliques_hold(inst)


# -- 6. the o = 1 rule is a property of every optimal schedule -----------------------------

def _no_unit_job_could_start_earlier(inst, sched):
    starts = _starts(sched, inst.n)
    mem = memory_profile(sched, inst.s)
    for i in np.flatnonzero(inst.o == 1):
        for t in range(int(starts[i])):
            assert mem[t] + inst.s[i] + 1 > inst.M, (i, t, int(starts[i]), mem.tolist())


@settings(max_examples=200)
@given(instances(n_min=1, n_max=5, M_max=12, o_max=3))
def test_unit_jobs_start_as_early_as_they_fit(inst):
    _, bsched = brute_solve(inst)
    _no_unit_job_could_start_earlier(inst, bsched)
    _no_unit_job_could_start_earlier(inst, astar.solve(inst).schedule)


def test_unit_jobs_on_benchmark():
    for n in (8, 10):
        for inst in _bench(n):
            _no_unit_job_could_start_earlier(inst, astar.solve(inst).schedule)


# -- 7. agreement with the integer program -------------------------------------------------

def _agrees_with_highs(n):
    for inst in _bench(n):
        a = exact.solve(inst, solver="astar")
        h = exact.solve(inst, solver="highs")
        assert a.status == h.status == "optimal" and a.proven_optimal and h.proven_optimal
        assert a.objective == h.objective == a.lower_bound, inst.name
        assert a.solver == "astar" and a.gap == 0
        assert check(a.schedule, inst).objective == a.objective == a.report.objective


def test_agrees_with_highs_on_benchmark():
    _agrees_with_highs(6)
    _agrees_with_highs(8)


@pytest.mark.slow
@pytest.mark.parametrize("n", [10, 12])
def test_agrees_with_highs_on_benchmark_bigger(n):
    _agrees_with_highs(n)


# -- 8. time and state limits --------------------------------------------------------------

def _assert_stopped(res, ub_cost, ub):
    assert not res.proven_optimal and res.stopped
    assert res.lower_bound <= N14_SEED4_OPT <= res.objective
    assert res.objective == ub_cost and res.schedule is ub


def test_time_and_state_limits():
    inst = load_json(BENCH / "n14_seed4.json")
    ub = earliest_fit(inst, range(inst.n))
    ub_cost = check(ub, inst).objective
    assert ub_cost > N14_SEED4_OPT
    res = astar.solve(inst, upper_bound=ub, time_limit=0.5)
    _assert_stopped(res, ub_cost, ub)
    assert "time" in res.stopped and res.seconds < 2
    res = astar.solve(inst, upper_bound=ub, max_states=2000)
    _assert_stopped(res, ub_cost, ub)
    assert "states" in res.stopped
    # no upper bound and stopped early: no schedule, still a lower bound
    res = astar.solve(inst, max_states=2000)
    assert not res.proven_optimal and res.stopped and res.objective is None
    assert res.schedule is None and res.lower_bound <= N14_SEED4_OPT
    ex = exact.solve(inst, solver="astar", time_limit=0.5)
    assert ex.status == "not proven optimal" and not ex.proven_optimal
    assert ex.lower_bound <= N14_SEED4_OPT <= ex.objective
    assert ex.lower_bound >= lb_combined(inst) and ex.gap > 0
    assert check(ex.schedule, inst).objective == ex.objective
    assert "stopped" in ex.info


@pytest.mark.slow
def test_n14_seed4_optimum():
    inst = load_json(BENCH / "n14_seed4.json")
    res = exact.solve(inst, solver="astar")
    assert res.proven_optimal and res.objective == N14_SEED4_OPT


# -- 9. bad arguments ----------------------------------------------------------------------

def test_bad_arguments_raise():
    inst = Instance(s=[1, 2], o=[2, 1], M=5)
    with pytest.raises(ValueError):
        exact.solve(inst, solver="nope")
    with pytest.raises(ValueError, match="bogus"):
        astar.solve(inst, rules=("bogus",))
    with pytest.raises(ValueError):
        astar.solve(inst, rules=("symmetry", "bogus"))


# -- 10. the CLI ---------------------------------------------------------------------------

def test_cli_opt_astar_json():
    path = BENCH / "n08_seed0.json"
    r = subprocess.run([sys.executable, "-m", "kvsched_cli", "opt", str(path), "--solver", "astar",
                        "--json"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    inst = load_json(path)
    highs = exact.solve(inst, solver="highs")
    assert out["status"] == "optimal" and out["proven_optimal"] is True
    assert out["solver"] == "astar"
    assert out["objective"] == highs.objective == out["lower_bound"] == 48
    assert check(Schedule.from_dict(out["schedule"]), inst).objective == out["objective"]
