"""`kvsched opt` defaults to A* and falls back to HiGHS when A* runs out of states."""
from __future__ import annotations

import json

from kvsched import Schedule, check
from kvsched_cli.cli import main
from kvsched.loaders import load_instance
from lp.exact import solve, solve_fastest

INST = "bench/instances/n10_seed0.json"


def test_opt_default_is_astar(capsys):
    assert main(["opt", INST, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["solver"] == "astar" and out["proven_optimal"]
    inst = load_instance(INST)
    assert out["objective"] == solve(inst, solver="highs").objective
    assert check(Schedule.from_dict(out["schedule"]), inst).objective == out["objective"]


def test_state_budget_falls_back_to_highs():
    inst = load_instance(INST)
    res, msg = solve_fastest(inst, time_limit=60, max_states=1)
    assert res.solver == "highs" and res.proven_optimal
    assert "fell back to HiGHS" in msg and "\n" not in msg
    assert res.objective == solve(inst, solver="astar").objective


def test_time_limit_says_not_proven_with_bounds():
    inst = load_instance("bench/instances/n16_seed0.json")
    res, msg = solve_fastest(inst, time_limit=0.01)
    assert msg is None and res.status == "not proven optimal"
    assert res.lower_bound <= res.objective
    assert check(res.schedule, inst).objective == res.objective
