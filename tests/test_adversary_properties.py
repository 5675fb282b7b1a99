"""Properties that must hold on every small instance (hypothesis):

* every registered algorithm's schedule passes the independent checker, at the cost it
  reports;
* ``LB <= OPT <= ALG`` with ``OPT`` proven optimal by ``lp.exact`` (cross-checked by the
  independent A* brute force of ``lp.brute``) and ``LB`` the best combinatorial lower bound;
* ``ALG/OPT <= R(alpha)`` for GSA and GBA, ``R`` the proven general-regime ratio at the
  alpha used (``bounds.ratio_value``). A violation is a research finding, not a test to
  relax: the counterexample (instance + both checked schedules) is saved under
  ``adversary/counterexamples/`` and the test fails naming the file.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kvsched import check
from kvsched.algorithms import REGISTRY, run_algorithm
from kvsched.lower_bounds import best_lower_bound

from adversary.evaluate import CERTIFIED, effective_alpha, evaluate
from adversary.records import make_record, save_record

from conftest import instances

COUNTEREXAMPLES = Path(__file__).resolve().parent.parent / "adversary" / "counterexamples"
SMALL = instances(n_max=4, M_max=10, o_max=6)


@given(inst=SMALL)
@settings(max_examples=40)
def test_every_algorithm_is_checked_and_sandwiched_by_lb_and_opt(inst):
    from lp.brute import solve as brute_force
    from lp.exact import solve

    opt = solve(inst, solver="highs", time_limit=30)
    assert opt.proven_optimal, opt.status
    assert check(opt.schedule, inst).objective == opt.objective
    assert brute_force(inst)[0] == opt.objective, "lp.exact and the A* brute force disagree"
    lb, name = best_lower_bound(inst)
    assert lb <= opt.objective, f"lower bound {name} = {lb} > OPT = {opt.objective}"
    assert REGISTRY, "no algorithm registered"
    for alg in sorted(REGISTRY):
        res = run_algorithm(alg, inst)
        assert check(res.schedule, inst).objective == res.objective, alg
        assert opt.objective <= res.objective, f"{alg} beats the proven optimum on {inst}"


def _save_counterexample(ev: dict, alg: str, alpha: float, bound: float) -> Path:
    rec = make_record(ev, regime="general", alpha=alpha, seed=None,
                      params={"source": "tests/test_adversary_properties.py",
                              "bound": bound}, evaluation=0, family="hypothesis")
    key = hashlib.sha1(json.dumps(ev["instance"], sort_keys=True).encode()).hexdigest()[:10]
    return save_record(COUNTEREXAMPLES / f"{alg}-a{alpha:g}-{key}.json", rec)


@pytest.mark.parametrize("alg", ["gsa", "gba"])
@given(inst=SMALL, alpha=st.sampled_from([None, 1.5, 2.0, 3.0, 4.0]))
@settings(max_examples=40)
def test_ratio_stays_within_the_proven_bound(alg, inst, alpha):
    from bounds import ratio_value

    assert alg in REGISTRY, f"{alg} is not registered"
    ev = evaluate(inst.to_dict(), {"alg": alg, "alpha": alpha, "reference": "exact",
                                   "time_limit": 30})
    assert ev["ratio_label"] == CERTIFIED and ev["consistent"], ev["problems"]
    used = effective_alpha(alg, alpha)
    bound = float(ratio_value(alg, "general", used))
    if ev["ratio"] > bound + 1e-9:
        path = _save_counterexample(ev, alg, used, bound)
        pytest.fail(f"{alg} at alpha={used}: ALG/OPT = {ev['alg_objective']}/"
                    f"{ev['ref_objective']} = {ev['ratio']:.4f} > proven bound {bound:.4f}; "
                    f"counterexample saved to {path}")


@pytest.mark.slow
@pytest.mark.parametrize("alg", ["gsa", "gba"])
def test_longer_search_stays_within_the_bound_and_replays(alg, tmp_path):
    """A 600-evaluation certified search (n <= 6) per algorithm: the best ratio found is
    within the general-regime bound, and its file replays."""
    from bounds import ratio_value

    from adversary.records import replay
    from adversary.search import SearchConfig, run_search

    res = run_search(SearchConfig(alg=alg, n=6, seed=5, walkers=8), tmp_path, evals=600,
                     workers=2)
    assert not res.inconsistent
    b = res.best
    bound = ratio_value(alg, "general", b["alpha"])
    if b["ratio_label"] == CERTIFIED and b["ratio"] > bound + 1e-9:
        COUNTEREXAMPLES.mkdir(parents=True, exist_ok=True)
        path = COUNTEREXAMPLES / f"{alg}-search-{b['evaluation']}.json"
        path.write_text((res.run_dir / "best.json").read_text())
        pytest.fail(f"{alg}: certified ratio {b['ratio']} > bound {bound}; saved {path}")
    assert replay(res.run_dir / "best.json").ok
