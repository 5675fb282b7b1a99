"""CP-SAT (lp.cpsat_backend, the optional `cpsat` extra): the same proven optima as A*,
HiGHS and brute force, checked schedules whose cost is the reported objective, "not proven
optimal" on a time limit, and one clear line when OR-Tools is missing."""
from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from kvsched import Instance, Schedule, check
from kvsched.defaults import random_instance
from kvsched.loaders import load_instance
from kvsched_cli.cli import main
from lp.brute import solve as brute_solve
from lp.cpsat_backend import CpsatUnavailable, available, solve_cp
from lp.exact import solve

needs_ortools = pytest.mark.skipif(
    not available(), reason="ortools is not installed (pip install 'kvsched[cpsat]')")


@needs_ortools
@pytest.mark.parametrize("name", ["n06_seed0", "n08_seed1", "n10_seed2"])
def test_cpsat_equals_astar_and_highs(name):
    inst = load_instance(f"bench/instances/{name}.json")
    cp = solve(inst, solver="cpsat", time_limit=60)
    assert cp.status == "optimal" and cp.proven_optimal and cp.lower_bound == cp.objective
    assert check(cp.schedule, inst).objective == cp.objective == cp.report.objective
    assert cp.objective == solve(inst, solver="astar").objective
    assert cp.objective == solve(inst, solver="highs").objective


@needs_ortools
@pytest.mark.parametrize("seed", range(4))
def test_cpsat_model_alone_equals_brute_force(seed):
    """The model itself (no heuristic proof): a loose upper bound, no hint, no lower bound."""
    rng = np.random.default_rng(seed)
    n, M = 5, 12
    o = rng.integers(1, 5, n)
    s = np.array([rng.integers(0, M - oi + 1) for oi in o])
    inst = Instance(s=s, o=o, M=M)
    opt, _ = brute_solve(inst)
    out = solve_cp(inst, upper_bound=int(n * inst.total_tokens))
    assert out.optimal and out.objective == opt and out.bound == opt
    sched = Schedule(np.arange(n), out.starts, inst.o)
    assert check(sched, inst).objective == opt


@needs_ortools
def test_cpsat_identical_jobs_and_a_tight_memory():
    """Symmetry rule and the staircase: two identical jobs that cannot overlap at all."""
    inst = Instance(s=[3, 3, 0], o=[4, 4, 1], M=8)
    opt, _ = brute_solve(inst)
    out = solve_cp(inst, upper_bound=100)
    assert out.optimal and out.objective == opt
    assert check(Schedule(np.arange(3), out.starts, inst.o), inst).objective == opt


@needs_ortools
def test_cpsat_time_limit_is_not_proven_but_checked():
    inst = random_instance(16, 1)
    res = solve(inst, solver="cpsat", time_limit=0.05)
    assert res.status == "not proven optimal" and not res.proven_optimal
    assert res.lower_bound <= res.objective
    assert check(res.schedule, inst).objective == res.objective


@needs_ortools
def test_opt_cli_cpsat(tmp_path, capsys):
    p = tmp_path / "i.json"
    inst = random_instance(7, 3)
    p.write_text(json.dumps(inst.to_dict()))
    assert main(["opt", str(p), "--solver", "cpsat", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["solver"] == "cpsat" and out["proven_optimal"]
    assert out["objective"] == brute_solve(inst)[0]
    assert check(Schedule.from_dict(out["schedule"]), inst).objective == out["objective"]


def test_missing_ortools_is_one_clear_line(tmp_path, capsys, monkeypatch):
    """Runs with or without ortools: hide it and ask for CP-SAT."""
    for mod in [m for m in sys.modules if m == "ortools" or m.startswith("ortools.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "ortools", None)      # import ortools -> ImportError
    assert not available()
    with pytest.raises(CpsatUnavailable, match=r"kvsched\[cpsat\]"):
        solve_cp(Instance(s=[0], o=[1], M=2), upper_bound=1)
    p = tmp_path / "i.json"
    p.write_text(json.dumps(random_instance(6, 0).to_dict()))
    assert main(["opt", str(p), "--solver", "cpsat"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kvsched: error:") and "cpsat" in err[0]
