"""The empirical lemma-check machinery: slack computed correctly on lemmas that must hold,
a deliberately false lemma flagged as violated with a replayable saved instance, and the
status rules of the ledger."""
import json

import numpy as np
import pytest

from bounds import empirical as E
from bounds.catalogue import lemmas_for
from kvsched import Instance
from kvsched.defaults import random_instance

SUITE = [("random-small", random_instance(5, 11)), ("random-small", random_instance(6, 12)),
         ("half-memory", E.half_memory(5)), ("large-memory", E.large_memory_instance(20, 3))]


def test_length_slack_matches_hand_computation():
    run = E.run_case("r", random_instance(6, 5), "gba", 4.0, 2.0)
    T = np.cumsum(run.taus)
    # E_k from the rounds by hand: the end of the last round with index <= k
    ends = [max([r.end for r in run.result.rounds if r.k <= k] or [0])
            for k in range(len(run.taus))]
    assert list(run.ends) == ends
    rho = 2.0
    out = E.check_length(run, rho)
    assert out.slack == pytest.approx(min((rho * T[k] - ends[k]) / (rho * T[k])
                                          for k in range(len(ends))))
    assert not out.violated and out.slack >= 0


def test_count_against_opt_and_upper_bound():
    """gba-count is proved; the check decides it against the area-count bound or OPT."""
    s = E.check_over_suite("gba-count", "gba", 4.0, 2.0, lambda r: E.check_count(r, 0), SUITE)
    assert s.instances == len(SUITE) and s.violations == 0 and s.worst_slack >= 0


def test_area_count_upper_bound_dominates_opt_counts():
    from lp.exact import solve
    from kvsched.checker import check
    inst = random_instance(6, 21)
    res = solve(inst)
    assert res.proven_optimal
    C = np.sort(check(res.schedule, inst).completion)
    t = np.arange(0, int(C.max()) + 2)
    assert (E._area_count_upper(inst, t) >= np.searchsorted(C, t, side="right")).all()


def test_waste_lemma_holds_with_correct_slack():
    s = E.check_over_suite("gsa-waste", "gsa", 2.0, 4.0, E.check_waste, SUITE)
    assert s.violations == 0 and 0 <= s.worst_slack < 1
    run = E.run_case("x", SUITE[0][1], "gsa", 2.0, 4.0)
    sch, inst = run.result.schedule, run.instance
    w = np.zeros(inst.n)
    for j, a, d in sch.attempts():
        if d < inst.o[j]:
            w[j] += d
    rhs = np.array([2 * o + sum(1 for t in run.taus if t < o) for o in inst.o])
    assert E.check_waste(run).slack == pytest.approx(float(np.min((rhs - w) / rhs)))


def test_false_lemma_is_flagged_and_saved_replayably(tmp_path):
    """'Every GBA round ends within its own budget' (E_k <= T_k) is false: half-memory
    jobs serialise, so a round with area budget M tau needs about 2 tau steps."""
    false = lambda run: E.check_length(run, 1.0)
    s = E.check_over_suite("false-length", "gba", 4.0, 2.0, false, SUITE, out_dir=tmp_path,
                           seed=7)
    assert s.violations >= 1 and s.worst_slack < 0
    assert s.status_text().startswith("violated")
    files = sorted(tmp_path.glob("false-length-*.json"))
    assert files and len(files) == len(s.refuted_files)
    rec = json.loads(files[0].read_text())
    assert rec["provenance"]["seed"] == 7 and "kvsched_version" in rec["provenance"]
    # reproducible from the file alone: same schedule, same violation
    run = E.replay_violation(files[0])
    assert run.result.schedule.to_dict() == rec["schedule"]
    assert false(run).violated and false(run).slack == pytest.approx(rec["slack"])


def test_certified_refutation_uses_exact_opt():
    """With the round ends forced to 0 (nothing done by E_k) the count lemma must fail, and
    the failure is decided against the exact optimum (saved as the reference), not the
    area-count bound."""
    run = E.run_case("half", E.half_memory(6), "gba", 4.0, 2.0)
    run.ends = np.zeros_like(run.ends)              # pretend nothing is done by E_k
    out = E.check_count(run, 0)
    assert out.violated and out.basis == "exact OPT" and out.reference is not None


def test_ratio_check_labels():
    run = E.run_case("r", random_instance(5, 2), "gba", 4.0, 2.0)
    loose = E.check_ratio(run, 100.0)
    assert loose.basis.startswith("estimate") and loose.detail.endswith("(estimate)")
    assert run.result.objective > run.opt()[1].objective     # GBA is not optimal here, so
    out = E.check_ratio(run, 1.0 + 1e-9)                      # a bound of 1 is violated
    assert out.violated and out.basis == "certified ALG/OPT"
    assert out.detail.endswith("(certified)")
    s = E.CheckSummary("theorem")
    s.add(run, loose)
    s.add(run, out)
    assert s.to_dict()["worst_basis"] == "certified ALG/OPT"


def test_suite_is_seeded_and_covers_families():
    a, b = E.instance_suite(9, 3), E.instance_suite(9, 3)
    assert [i for _, i in a] == [i for _, i in b]
    assert {f for f, _ in a} >= {"hand-made", "random-small", "large-memory", "half-memory",
                                 "many-tiny", "trace"}
    assert E.instance_suite(9, 4) != a


def test_slice_and_rounds_checks():
    s = E.check_over_suite("gsa-slice", "gsa", 2.0, 4.0, E.check_slice, SUITE)
    assert s.violations == 0 and s.worst_slack >= 0          # by construction of GSA
    # one job of length 5, alpha = 2: budgets 1, 2, 4, 8 -> killed in rounds 0..2, done in 3
    run = E.run_case("one", Instance(s=[0], o=[5], M=10), "gsa", 2.0, 4.0)
    assert [r.k for r in run.result.rounds] == [0, 1, 2, 3]
    out = E.check_rounds(run)
    assert not out.violated and out.slack == pytest.approx((4 - 3) / 4)
    assert run.result.report.wasted_tokens == 1 + 2 + 4


def test_probes_not_counted_and_roles_consistent():
    from bounds.ledger import ledger
    for r in ledger(evidence=False):
        roles = [l["role"] for l in r["lemmas"]]
        assert set(roles) <= {"factor", "supporting", "probe"}
        assert sum(r["status_counts"].values()) == sum(x != "probe" for x in roles)
        # only factor lemmas carry constants other than 1
        assert all(l["constant"] == "1" for l in r["lemmas"] if l["role"] != "factor")


def test_default_suite_is_seed_free_and_covers_families():
    a, b = E.default_suite(), E.default_suite()
    assert [i for _, i in a] == [i for _, i in b]
    assert {f for f, _ in a} >= {"hand-made", "random-small", "large-memory", "half-memory",
                                 "many-tiny", "geometric-classes", "blockers"}


def test_trivial_zero_slack_is_not_tight():
    """A count point with N_S = 0 (nothing required) or with every ALG job done has slack 0
    without saying anything; only a non-trivial slack 0 is 'tight'."""
    one = E.run_case("one", Instance(s=[0], o=[1], M=1), "gba", 4.0, None)
    out = E.check_count(one, 0)
    assert out.slack == 0 and out.nontrivial_slack is None       # 1 job done, 1 needed
    s = E.CheckSummary("gba-count")
    s.add(one, out)
    assert s.worst_slack == 0 and not s.tight and "trivial" in s.slack_text()
    # a genuinely tight point: a length check E_k = rho T_k exactly
    run = E.run_case("h", E.half_memory(4), "gba", 4.0, None)
    T = np.cumsum(run.taus)
    rho = float(np.max(run.ends / T))
    tight = E.check_length(run, rho)
    s2 = E.CheckSummary("len")
    s2.add(run, tight)
    assert tight.slack == pytest.approx(0) and s2.tight and "(tight)" in s2.slack_text()
