"""Tests written for mutants that survived the suite (mutants/catalogue.py names them): each
feeds a check a case its bug would accept, so the check has to be able to fail.

The ledger's lemma checks are fed fabricated runs (``SimpleNamespace`` with only the fields
the check reads) that violate the lemma by a known margin: a check that cannot fail, or
that tolerates twice the proved constant, passes them and is caught here."""
from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np
import pytest

from bounds import checks as C
from bounds import empirical as E
from kvsched import Instance
from kvsched.errors import InputFormatError
from kvsched.loaders import load_instance
from kvsched.schedule import Schedule
from lp.exact import size_problem


def test_size_problem_refuses_only_hopeless_instances():
    """`kvsched opt` refuses before solving only what neither A* nor the MIP can handle."""
    huge = Instance(s=[0] * 3000, o=[1000] * 3000, M=2000)
    assert "too large" in size_problem(huge)
    many_short = Instance(s=[0] * 60, o=[2] * 60, M=10)       # beyond A*, fine for the MIP
    assert size_problem(many_short) is None
    long_few = Instance(s=[0] * 3, o=[2_000_000] * 3, M=4_000_000)   # n small, cells huge
    assert size_problem(long_few) is not None
    assert size_problem(load_instance("bench/instances/n16_seed0.json")) is None
    assert size_problem(load_instance("bench/instances/n16_seed0.json"), "highs") is None


def test_csv_row_with_a_missing_field_names_the_line(tmp_path):
    p = tmp_path / "i.csv"
    p.write_text("s,o\n1,2\n3\n")
    with pytest.raises(InputFormatError, match=r"i.csv:3: expected 2 fields, found 1"):
        load_instance(str(p), 10)


def test_count_check_refuses_half_the_needed_count():
    """N_ALG = ceil(ub/2) where the area-count bound ub is >= 2: the check must not accept it
    against the area-count bound (2 * have >= ub would)."""
    run = E.run_case("half", E.half_memory(6), "gba", 4.0, 2.0)
    ub = C._area_count_upper(run.instance, run.taus)
    assert (ub >= 2).any()
    half = -(-ub // 2)
    run.n_done_by = lambda t: half             # instance attribute shadows the method
    out = C._count_against(run, run.ends, run.taus, "E_k")
    assert out.basis != "area-count upper bound"


def _sched(starts, steps, jobs=None):
    jobs = np.arange(len(starts)) if jobs is None else np.asarray(jobs)
    return Schedule(jobs, np.asarray(starts), np.asarray(steps))


def test_slice_check_sees_an_attempt_longer_than_tau():
    run = NS(result=NS(schedule=_sched([0], [3]),
                       rounds=[NS(k=0, start=0, end=5, budget=2)]))
    out = E.check_slice(run)
    assert out.violated and out.slack == pytest.approx(-0.5)


def test_round_count_check_sees_one_round_too_many():
    # alpha = 2, max o = 1: tau_0 = 1 covers it, so at most round 1; round 2 is too many
    run = NS(alpha=2.0, instance=Instance(s=[0, 0], o=[1, 1], M=4),
             result=NS(rounds=[NS(k=0), NS(k=1), NS(k=2)]))
    assert C.budget_rule(2.0, 3)[0] >= 1
    assert E.check_rounds(run).violated
    run.result.rounds = run.result.rounds[:2]
    assert not E.check_rounds(run).violated


def test_exposure_check_sees_waste_above_useful_tokens():
    run = NS(instance=NS(total_tokens=10), result=NS(report=NS(wasted_tokens=15)))
    assert E.check_exposure(run).violated
    run.result.report.wasted_tokens = 10
    assert not E.check_exposure(run).violated


def test_interval_budget_check_sees_a_factor_above_the_bound():
    run = NS(K=4, alpha=2.0)
    ok = C.check_interval_budgets(run, 0, 1e9)
    assert not ok.violated
    worst = 1e9 * (1 - ok.slack)                # the largest factor on this run
    assert C.check_interval_budgets(run, 0, worst * 1.0001).violated is False
    assert C.check_interval_budgets(run, 0, worst * 0.75).violated


def test_round_length_check_sees_a_long_round():
    run = NS(result=NS(rounds=[NS(k=0, start=0, end=6, budget=2)]))
    assert C.check_round_length(run, 2.0).violated
    assert not C.check_round_length(run, 3.0).violated


def test_on_time_check_counts_by_rho_T_not_later():
    """Four unit jobs that fit together: OPT finishes all at step 1; an algorithm that
    finishes them at step 2 has none done by rho T_0 = tau_0 = 1, so the on-time lemma
    (rho = 1) fails at k = 0; counting at 2 rho T_k (a bug) would find all four done."""
    inst = Instance(s=[0] * 4, o=[1] * 4, M=100)
    taus = np.asarray(C.budget_rule(2.0, 2), dtype=np.int64)
    assert taus[0] == 1

    def make(completion):
        completion = np.asarray(completion)
        return NS(alpha=2.0, taus=taus, completion=completion, instance=inst,
                  n_done_by=lambda t: np.searchsorted(np.sort(completion), np.asarray(t),
                                                      side="right"),
                  opt=lambda: (np.ones(4, dtype=np.int64),
                               NS(schedule=_sched([0] * 4, [1] * 4))),
                  references=lambda: [])
    late = C.check_on_time(make([2, 2, 2, 2]), 1.0, 0)
    assert late.violated
    assert not C.check_on_time(make([1, 1, 1, 1]), 1.0, 0).violated


def test_cpsat_claims_optimality_only_with_a_closed_gap():
    """At a time limit far too short to prove anything (n = 16 needs over a minute), CP-SAT
    has the hinted solution but no proof, and its own flag must say so."""
    pytest.importorskip("ortools", reason="ortools is not installed (kvsched[cpsat])")
    from kvsched.defaults import random_instance
    from lp.cpsat_backend import solve_cp
    from kvsched.lower_bounds import lb_combined
    from lp.exact import earliest_fit
    inst = random_instance(16, 1)
    hint = earliest_fit(inst, np.argsort(inst.o, kind="stable"))
    starts = np.empty(inst.n, dtype=np.int64)
    starts[hint.job] = hint.start
    ub = int((hint.start + hint.steps).sum())
    out = solve_cp(inst, upper_bound=ub, lower_bound=lb_combined(inst), hint=starts,
                   time_limit=1.0)
    assert out.status_text == "FEASIBLE"        # a solution (the hint), no proof in 1 s
    assert not out.optimal and out.bound < out.objective <= ub


def test_astar_dominance_keeps_the_optimum_on_a_tight_case():
    """Found by searching random instances against the mutant that lets dominance rule
    (ii) drop a state one step too eagerly: there A* returns 25 instead of 24."""
    from lp import astar
    from lp.brute import solve as brute
    inst = Instance(s=[5, 9, 6, 1], o=[6, 2, 1, 6], M=13)
    opt, _ = brute(inst)
    assert opt == 24
    assert astar.solve(inst).objective == opt
    assert astar.solve(inst, rules=("dominance",)).objective == opt
