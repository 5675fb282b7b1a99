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
    concern: str        # algorithms | checker | oracle | loaders | lower bounds | exact | cli |
    #                     lemma checks | symbolic
    file: str
    find: str
    replace: str
    breaks: str         # what the bug means, in words
    tests: tuple[str, ...]
    equivalent: str = ""    # non-empty: why no test can tell it from the original
    stale: str = ""         # non-empty: the code moved under it (why); skipped, not counted,
    #                         listed in docs/mutation.md until someone re-targets it


ALG_TESTS = ("tests/test_gsa_gba.py", "tests/test_nonclairvoyance.py")
BASELINE_TESTS = ("tests/test_baselines.py",)
CHECKER_TESTS = ("tests/test_checker.py",)
LB_TESTS = ("tests/test_lower_bounds.py",)
ASTAR_TESTS = ("tests/test_lp_astar.py",)
EXACT_TESTS = ("tests/test_lp_exact.py",)
BOUNDS_TESTS = ("tests/test_bounds_empirical.py", "tests/test_bounds_symbolic.py")
ORACLE_TESTS = ("tests/test_oracle.py", "tests/test_nonclairvoyance.py", "tests/test_arrivals.py")
LOADER_TESTS = ("tests/test_instance_and_loaders.py",)
CPSAT_TESTS = ("tests/test_lp_cpsat.py",)
OPT_TESTS = ("tests/test_lp_opt_default.py", "tests/test_lp_cli.py")
BAD = "tests/test_bad_input.py"
CLI_TESTS = (f"{BAD}::test_every_flag_at_its_boundaries",
             f"{BAD}::test_numeric_flags_reject_bad_numbers_in_one_line")
FILE_TESTS = (f"{BAD}::test_bad_files_are_one_line[run]",
              f"{BAD}::test_bad_files_are_one_line[opt]",
              f"{BAD}::test_bad_files_are_one_line[search --replay]",
              f"{BAD}::test_subprocess_one_line_exit_2")
KILLS = "tests/test_mutant_kills.py"    # tests written for survivors of earlier runs

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
    Mutant("checker-release-slack", "checker", "kvsched/checker.py",
           "bad = np.flatnonzero(a < rj)", "bad = np.flatnonzero(a < rj - 1)",
           "the checker lets an attempt start one step before its release date",
           (*CHECKER_TESTS, "tests/test_arrivals.py")),
    # --- the oracle (non-clairvoyance) -----------------------------------------------------
    Mutant("oracle-completes-early", "oracle", "kvsched/oracle.py",
           "if limit is None or oi <= limit:", "if limit is None or oi <= limit + 1:",
           "an attempt one token short of o_i is reported as finished", ORACLE_TESTS),
    Mutant("oracle-reveals-future-arrivals", "oracle", "kvsched/oracle.py",
           "k2 = int(np.searchsorted(times, t, side=\"right\"))", "k2 = len(times)",
           "the first arrival reveals every job, even those released later", ORACLE_TESTS),
    Mutant("oracle-reveals-all-prompts", "oracle", "kvsched/oracle.py",
           "s_buf[jobs] = s_full[jobs]", "s_buf[:] = s_full",
           "an arrival reveals the prompt sizes of jobs not yet released", ORACLE_TESTS),
    # --- the loaders' validation -----------------------------------------------------------
    Mutant("instance-accepts-oversized", "loaders", "kvsched/instance.py",
           "bad = np.flatnonzero(s + o > M)", "bad = np.flatnonzero(s + o > M + 1)",
           "a job with s + o = M + 1 is accepted", LOADER_TESTS),
    Mutant("instance-accepts-negative-prompt", "loaders", "kvsched/instance.py",
           "bad = np.flatnonzero(s < 0)", "bad = np.flatnonzero(s < -1)",
           "a prompt size of -1 is accepted", LOADER_TESTS),
    Mutant("instance-accepts-fractions", "loaders", "kvsched/instance.py",
           "if isinstance(v, bool) or not isinstance(v, Integral):",
           "if isinstance(v, bool):",
           "non-integer sizes (1.5, '3') are truncated instead of rejected",
           (*LOADER_TESTS, KILLS)),
    Mutant("csv-short-rows-accepted", "loaders", "kvsched/loaders.py",
           "if len(row) != len(header):", "if len(row) > len(header):",
           "a CSV row with a missing field is accepted", (*LOADER_TESTS, KILLS)),
    # --- the lower bounds ------------------------------------------------------------------
    Mutant("lb-area-plus-one", "lower bounds", "kvsched/lower_bounds.py",
           "return -(-A // inst.M)", "return -(-(A + inst.M) // inst.M)",
           "the area bound claims one step more per completion (invalid)", LB_TESTS),
    Mutant("lb-combined-shifted", "lower bounds", "kvsched/lower_bounds.py",
           "np.sort(inst.o)).sum())", "np.sort(inst.o) + 1).sum())",
           "the combined bound adds one to each sorted output length (invalid)", LB_TESTS),
    Mutant("lb-release-group-start-late", "lower bounds", "kvsched/lower_bounds.py",
           "t_G = np.repeat(np.minimum.reduceat(r[by_area], first), size)",
           "t_G = np.repeat(np.maximum.reduceat(r[by_area], first), size)",
           "the release-area bound starts a group at its latest release (invalid)",
           ("tests/test_arrivals.py",)),
    # --- the exact solvers -----------------------------------------------------------------
    Mutant("exact-optimal-without-proof", "exact", "lp/exact.py",
           "proven = bool(out.optimal and obj is not None and out.values is not None "
           "and bound >= obj)",
           "proven = bool(obj is not None)",
           "the MIP path calls any schedule it found optimal", EXACT_TESTS),
    Mutant("mip-memory-row-slack", "exact", "lp/highs_backend.py",
           "np.full(f.horizon, float(f.instance.M))",
           "np.full(f.horizon, float(f.instance.M) + 1)",
           "the MIP's memory rows allow M + 1 (the checker must refuse its schedule)",
           EXACT_TESTS),
    Mutant("brute-memory-slack", "exact", "lp/brute.py",
           "                if mem > M:\n", "                if mem > M + 1:\n",
           "brute force lets a start exceed M by one", (*EXACT_TESTS, *ASTAR_TESTS)),
    Mutant("astar-bound-inadmissible", "exact", "lp/astar_bound.py",
           "            cost += T\n", "            cost += T + 1\n",
           "A*'s bound overestimates each waiting job by one step (inadmissible)", ASTAR_TESTS),
    Mutant("astar-dominance-too-eager", "exact", "lp/astar_dominance.py",
           "limit = v + e[i] + o[i]", "limit = v + e[i] + o[i] + 1",
           "dominance rule (ii) drops a state that may still be better",
           (*ASTAR_TESTS, KILLS)),
    Mutant("astar-state-budget-ignored", "exact", "lp/astar.py",
           "if len(dist) > max_states or", "if len(dist) > 1000 * max_states or",
           "A* ignores its state budget, so the HiGHS fallback never triggers", OPT_TESTS[:1]),
    Mutant("fastest-never-falls-back", "exact", "lp/exact.py",
           'if res.proven_optimal or stopped is None or stopped.startswith("time limit"):',
           "if True:", "kvsched opt keeps A*'s unproven answer instead of falling back",
           OPT_TESTS[:1]),
    Mutant("size-guard-off", "exact", "lp/exact.py",
           "astar_ok = n <= ASTAR_MAX_JOBS and cells <= ASTAR_MAX_CELLS",
           "astar_ok = True", "instances far beyond A* are attempted (and exhaust memory)",
           (f"{KILLS}::test_size_problem_refuses_only_hopeless_instances",)),
    Mutant("cpsat-staircase-short", "exact", "lp/cpsat_backend.py",
           "demands.append(s[i] + 1)", "demands.append(s[i])",
           "CP-SAT's model holds one unit less memory per job than the rule", CPSAT_TESTS),
    Mutant("cpsat-proof-on-time-limit", "exact", "lp/cpsat_backend.py",
           "status == cp_model.OPTIMAL, int(bound)", "True, int(bound)",
           "CP-SAT's feasible answer at the time limit is called optimal",
           (*CPSAT_TESTS, KILLS)),
    # --- the command line (kvsched_cli) ----------------------------------------------------
    Mutant("cli-open-bound-closed", "cli", "kvsched_cli/commands/common.py",
           "(x < self.lo or (self.open_lo and x == self.lo))", "(x < self.lo)",
           "--alpha 1 and --time-limit 0 are accepted", CLI_TESTS),
    Mutant("cli-nan-accepted", "cli", "kvsched_cli/commands/common.py",
           "if self.kind is float and not math.isfinite(x):", "if False:",
           "NaN and inf pass every float flag", CLI_TESTS),
    Mutant("cli-error-exit-1", "cli", "kvsched_cli/cli.py",
           "        print(f\"kvsched: error: {e}\", file=sys.stderr)\n        return 2\n",
           "        print(f\"kvsched: error: {e}\", file=sys.stderr)\n        return 1\n",
           "bad input exits 1 instead of 2", ("tests/test_cli.py", FILE_TESTS[-1])),
    Mutant("cli-oserror-traceback", "cli", "kvsched_cli/cli.py",
           "except OSError as e:", "except NotImplementedError as e:",
           "a folder or missing file where a file is expected ends in a traceback",
           FILE_TESTS),
    Mutant("opt-folder-accepted", "cli", "kvsched_cli/commands/common.py",
           "if args.file is not None and Path(args.file).is_dir():", "if False:",
           "a folder given as the instance file is not named as such", FILE_TESTS),
    # --- the lemma checks of the ledger ----------------------------------------------------
    Mutant("check-length-cannot-fail", "lemma checks", "bounds/checks.py",
           "violated=bool((run.ends > rho * T + 1e-9).any())", "violated=False",
           "the round-length lemma check can no longer report a violation", BOUNDS_TESTS),
    Mutant("check-count-halved", "lemma checks", "bounds/checks.py",
           "if (have >= ub).all():", "if (2 * have >= ub).all():",
           "the count check accepts half the count it needs", (*BOUNDS_TESTS, KILLS)),
    Mutant("check-waste-doubled", "lemma checks", "bounds/checks.py",
           "rhs = run.alpha / (run.alpha - 1) * inst.o + below",
           "rhs = 2 * run.alpha / (run.alpha - 1) * inst.o + below",
           "the waste check allows twice the proved waste", BOUNDS_TESTS),
    Mutant("theorem-check-estimate-doubled", "lemma checks", "bounds/checks.py",
           "if alg <= bound * lb:", "if alg <= 2 * bound * lb:",
           "the theorem check passes on an estimate twice the bound", BOUNDS_TESTS),
    Mutant("check-slice-cannot-fail", "lemma checks", "bounds/checks.py",
           "violated=worst < 0, basis=\"checked schedule + rounds\"",
           "violated=False, basis=\"checked schedule + rounds\"",
           "the slice check (attempt <= tau_k) can no longer report a violation",
           (*BOUNDS_TESTS, KILLS)),
    Mutant("check-rounds-one-more", "lemma checks", "bounds/checks.py",
           "bound = cover + 1", "bound = cover + 2",
           "the round-count check allows one round more than proved", (*BOUNDS_TESTS, KILLS)),
    Mutant("check-exposure-doubled", "lemma checks", "bounds/checks.py",
           "violated=wasted > useful", "violated=wasted > 2 * useful",
           "the exposure check (wasted <= useful tokens) allows twice the waste",
           (*BOUNDS_TESTS, KILLS)),
    Mutant("check-interval-budgets-doubled", "lemma checks", "bounds/checks.py",
           "violated=bool((fac > bound + 1e-12).any())", "violated=bool((fac > 2 * bound).any())",
           "the interval-budget check accepts twice the proved factor", (*BOUNDS_TESTS, KILLS)),
    Mutant("check-round-length-cannot-fail", "lemma checks", "bounds/checks.py",
           "violated=worst < -1e-12, basis=\"round instrumentation\"",
           "violated=False, basis=\"round instrumentation\"",
           "the per-round length check (L_k <= c tau_k) can no longer fail",
           (*BOUNDS_TESTS, KILLS)),
    Mutant("check-on-time-doubled", "lemma checks", "bounds/checks.py",
           "times = np.floor(rho * T[: K + 1] + 1e-9)", "times = np.floor(2 * rho * T[: K + 1] + 1e-9)",
           "the on-time check counts completions by twice the promised time",
           (*BOUNDS_TESTS, KILLS)),
    # --- the symbolic derivation -----------------------------------------------------------
    Mutant("dilation-general-tripled-tails", "symbolic", "bounds/catalogue.py",
           "return sp.factor(tail_sum(0) + 2 * tail_sum(1))",
           "return sp.factor(tail_sum(0) + 3 * tail_sum(1))",
           "the general dilation counts earlier tails four times instead of three",
           ("tests/test_bounds_symbolic.py",)),
]
