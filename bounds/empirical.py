"""Compatibility front of the empirical lemma checks, split by concern (issue 16):

* :mod:`bounds.suite` -- the instances (structured default suite, seeded random mix);
* :mod:`bounds.run` -- one checked run with a chain's parameters, cached references/OPT;
* :mod:`bounds.checks` -- each lemma's check and the per-lemma summary;
* :mod:`bounds.evidence` -- every source of evidence (suite, saved adversary records,
  lemma-targeted results, counterexamples, exhaustive-box summaries).

Older callers (``adversary.family_search``, ``adversary.records``) import ``run_case`` and
friends from here.
"""
from .checks import (CheckSummary, Outcome, certified_ratio, check_count, check_exposure,  # noqa: F401
                     check_interval_budgets, check_length, check_on_time, check_round_length,
                     check_over_suite, check_ratio, check_rounds, check_slice, check_waste,
                     save_violation, _area_count_upper, _count_against, _shifted)
from .run import (EXACT_MAX_N, REFERENCE_ALGORITHMS, Run, accepts, best_feasible,  # noqa: F401
                  replay_violation, run_case)
from .suite import (LARGE_REGIME_MAX_RATIO, TRACE, blocker_mix, budget_rule,  # noqa: F401
                    default_suite, geometric_classes, half_memory, instance_suite,
                    large_memory_instance, many_tiny, random_suite, trace_instance)
