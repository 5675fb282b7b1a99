"""The named mutants: one deliberate bug each, the tests expected to catch it, and (for a
mutant no test can catch because it does not change behaviour) the reason it is
*equivalent*.

A mutant replaces the text ``find`` (which must occur exactly once in ``file``) by
``replace``. ``tests`` are pytest arguments (files or node ids) run on the mutated copy; the
mutant is killed when they fail. Keep each mutant a bug a person could plausibly write:
an off-by-one, a dropped condition, a reversed order, a weakened bound, a check that can
no longer fail.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    concern: str        # algorithms | checker | lower bounds | exact | lemma checks | symbolic
    file: str
    find: str
    replace: str
    breaks: str         # what the bug means, in words
    tests: tuple[str, ...]
    equivalent: str = ""    # non-empty: why no test can tell it from the original


ALG_TESTS = ("tests/test_gsa_gba.py", "tests/test_nonclairvoyance.py")
BASELINE_TESTS = ("tests/test_baselines.py",)
CHECKER_TESTS = ("tests/test_checker.py",)
LB_TESTS = ("tests/test_lower_bounds.py",)
ASTAR_TESTS = ("tests/test_lp_astar.py",)
EXACT_TESTS = ("tests/test_lp_exact.py",)
BOUNDS_TESTS = ("tests/test_bounds_empirical.py", "tests/test_bounds_symbolic.py")

# round_order (batch); the release-date variant has the same lexsort line after ``taus``
GSA_ORDER = ("sl = np.minimum(tau, M - s[cand])\n    tarea = s[cand] * sl + sl * (sl + 1) // 2\n"
             "    order = np.lexsort((cand, s[cand], tarea))")

MUTANTS: list[Mutant] = [
    # --- the algorithms --------------------------------------------------------------------
    Mutant("gsa-order-reversed", "algorithms", "kvsched/algorithms/gsa.py",
           GSA_ORDER, GSA_ORDER.replace("tarea))", "tarea))[::-1]"),
           "GSA serves the largest truncated area first instead of the smallest", ALG_TESTS),
    Mutant("gsa-ties-reversed", "algorithms", "kvsched/algorithms/gsa.py",
           GSA_ORDER, GSA_ORDER.replace("((cand,", "((-cand,"),
           "GSA breaks ties among equal jobs by largest index first", ALG_TESTS),
    Mutant("gsa-slice-plus-one", "algorithms", "kvsched/algorithms/gsa.py",
           "sl = np.minimum(tau, M - s[cand])", "sl = np.minimum(tau + 1, M - s[cand])",
           "GSA's slice exceeds its budget tau_k by one token", ALG_TESTS),
    Mutant("gsa-no-pacing", "algorithms", "kvsched/algorithms/gsa.py",
           "t_min = max(last_start, planned_area // M)", "t_min = last_start",
           "GSA's staggered pipeline drops its pace (area enters faster than M per step)",
           ALG_TESTS),
    Mutant("gba-select-by-length", "algorithms", "kvsched/algorithms/gba.py",
           "order = np.lexsort((np.arange(instance.n), s, o, area))",
           "order = np.lexsort((np.arange(instance.n), s, area, o))",
           "GBA selects by shortest output instead of smallest area", ALG_TESTS),
    Mutant("gba-area-budget-doubled", "algorithms", "kvsched/algorithms/gba.py",
           "budget = M * tau", "budget = 2 * M * tau",
           "GBA admits twice the area M tau_k into a round", ALG_TESTS),
    Mutant("gba-cap-doubled", "algorithms", "kvsched/algorithms/pipeline.py",
           "return int(np.ceil(dilation * tau - 1e-9))",
           "return int(np.ceil(2 * dilation * tau - 1e-9))",
           "the round length cap is twice what the dilation says", ALG_TESTS),
    Mutant("budgets-rounded", "algorithms", "kvsched/algorithms/pipeline.py",
           "c = int(np.ceil(v * (1 - 1e-12)))", "c = int(round(v))",
           "budgets alpha^k rounded to nearest instead of up", ALG_TESTS),
    Mutant("fcfs-admits-one-less", "algorithms", "kvsched/algorithms/baselines.py",
           "while waiting and mem + s[waiting[0]] + 1 <= M:",
           "while waiting and mem + s[waiting[0]] + 1 <= M - 1:",
           "FCFS keeps one unit of memory unused when admitting", BASELINE_TESTS),
    Mutant("sorted-f-linear-metric", "algorithms", "kvsched/algorithms/baselines.py",
           "f = P / (k.astype(float) ** 2)", "f = P / (k.astype(float) ** 1)",
           "Sorted-F minimises sum o / |X| instead of sum o / |X|^2", BASELINE_TESTS),
    # --- the checker -----------------------------------------------------------------------
    Mutant("checker-memory-slack", "checker", "kvsched/checker.py",
           "over = np.flatnonzero(mem > M)", "over = np.flatnonzero(mem > M + 1)",
           "the checker lets memory exceed M by one", CHECKER_TESTS),
    Mutant("checker-overlap-slack", "checker", "kvsched/checker.py",
           "overlap = same & (as_[1:] < as_[:-1] + ds[:-1])",
           "overlap = same & (as_[1:] < as_[:-1] + ds[:-1] - 1)",
           "the checker misses two attempts of a job that share one step", CHECKER_TESTS),
    Mutant("checker-after-completion-off", "checker", "kvsched/checker.py",
           "after[1:] = same & full[:-1]", "after[1:] = same & full[:-1] & False",
           "the checker accepts attempts after a job completed", CHECKER_TESTS),
    Mutant("checker-too-long-slack", "checker", "kvsched/checker.py",
           "bad = np.flatnonzero(d > o)", "bad = np.flatnonzero(d > o + 1)",
           "the checker accepts an attempt one step longer than o_i", CHECKER_TESTS),
    # --- the lower bounds ------------------------------------------------------------------
    Mutant("lb-area-plus-one", "lower bounds", "kvsched/lower_bounds.py",
           "return -(-A // inst.M)", "return -(-(A + inst.M) // inst.M)",
           "the area bound claims one step more per completion (invalid)", LB_TESTS),
    Mutant("lb-combined-shifted", "lower bounds", "kvsched/lower_bounds.py",
           "np.sort(inst.o)).sum())", "np.sort(inst.o) + 1).sum())",
           "the combined bound adds one to each sorted output length (invalid)", LB_TESTS),
    # --- the exact solvers -----------------------------------------------------------------
    Mutant("exact-optimal-without-proof", "exact", "lp/exact.py",
           "proven = bool(out.optimal and obj is not None and out.values is not None "
           "and bound >= obj)",
           "proven = bool(obj is not None)",
           "the MIP path calls any schedule it found optimal", EXACT_TESTS),
    # --- the lemma checks of the ledger ----------------------------------------------------
    Mutant("check-length-cannot-fail", "lemma checks", "bounds/checks.py",
           "violated=bool((run.ends > rho * T + 1e-9).any())", "violated=False",
           "the round-length lemma check can no longer report a violation", BOUNDS_TESTS),
    Mutant("check-count-halved", "lemma checks", "bounds/checks.py",
           "if (have >= ub).all():", "if (2 * have >= ub).all():",
           "the count check accepts half the count it needs", BOUNDS_TESTS),
    Mutant("check-waste-doubled", "lemma checks", "bounds/checks.py",
           "rhs = run.alpha / (run.alpha - 1) * inst.o + below",
           "rhs = 2 * run.alpha / (run.alpha - 1) * inst.o + below",
           "the waste check allows twice the proved waste", BOUNDS_TESTS),
    Mutant("theorem-check-estimate-doubled", "lemma checks", "bounds/checks.py",
           "if alg <= bound * lb:", "if alg <= 2 * bound * lb:",
           "the theorem check passes on an estimate twice the bound", BOUNDS_TESTS),
    # --- the symbolic derivation -----------------------------------------------------------
    Mutant("dilation-general-tripled-tails", "symbolic", "bounds/catalogue.py",
           "return sp.factor(tail_sum(0) + 2 * tail_sum(1))",
           "return sp.factor(tail_sum(0) + 3 * tail_sum(1))",
           "the general dilation counts earlier tails four times instead of three",
           ("tests/test_bounds_symbolic.py",)),
]
