"""`kvsched opt`: proven optimum equal to brute force, JSON output, time limits, errors;
and the `kvsched verify` section of lp."""
from __future__ import annotations

import json
import subprocess
import sys

from kvsched import Instance, Schedule, check
from kvsched_cli.cli import main
from lp.brute import solve as brute_solve

JOBS = [{"s": 1, "o": 7}, {"s": 8, "o": 6}, {"s": 7, "o": 5}, {"s": 10, "o": 3},
        {"s": 5, "o": 3}]


def _write(tmp_path, jobs=JOBS, M=20):
    p = tmp_path / "i.json"
    p.write_text(json.dumps({"M": M, "jobs": jobs}))
    return p


def test_opt_json_is_proven_and_checked(tmp_path, capsys):
    p = _write(tmp_path)
    inst = Instance(s=[j["s"] for j in JOBS], o=[j["o"] for j in JOBS], M=20)
    opt, _ = brute_solve(inst)
    for solver in ("highs", "cbc"):
        assert main(["opt", str(p), "--json", "--solver", solver]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["status"] == "optimal" and out["proven_optimal"] is True
        assert out["objective"] == opt == out["lower_bound"]
        sched = Schedule.from_dict(out["schedule"])
        assert check(sched, inst).objective == opt
        assert out["provenance"]["kvsched_version"]


def test_opt_time_limit_says_not_proven(tmp_path, capsys):
    from kvsched.defaults import random_instance
    inst = random_instance(16, 3)
    p = tmp_path / "big.json"
    p.write_text(json.dumps(inst.to_dict()))
    assert main(["opt", str(p), "--json", "--time-limit", "0.05"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "not proven optimal" and out["proven_optimal"] is False
    assert check(Schedule.from_dict(out["schedule"]), inst).objective == out["objective"]
    assert out["lower_bound"] <= out["objective"]


def test_opt_text_output_and_bad_input(tmp_path):
    p = _write(tmp_path)
    r = subprocess.run([sys.executable, "-m", "kvsched_cli", "opt", str(p)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and "Running HiGHS" not in r.stdout
    assert "optimal" in r.stdout and "not proven" not in r.stdout   # proven, not a timeout
    bad = _write(tmp_path, jobs=[{"s": 15, "o": 6}])
    r = subprocess.run([sys.executable, "-m", "kvsched_cli", "opt", str(bad)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "job 0" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "kvsched_cli", "opt", str(p), "--time-limit", "0"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_opt_refuses_huge_instance_in_one_line(tmp_path):
    p = _write(tmp_path, jobs=[{"s": 0, "o": 1000}] * 3000, M=2000)
    r = subprocess.run([sys.executable, "-m", "kvsched_cli", "opt", str(p)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "too large" in r.stderr and "Traceback" not in r.stderr


def test_verify_section_certified_ratios():
    from lp.verify_section import section
    t, opt_t = section(0, True)
    assert t.ok and opt_t.ok            # opt_t.ok: solver and brute force agree
    names = [rec["algorithm"] for rec in t.records()]
    assert names[:2] == ["gba", "gsa"]
    for rec in t.records():
        assert rec["worst ALG/OPT"] >= rec["mean ALG/OPT"] >= 1.0 - 1e-12
        assert rec["label"] == ("certified" if rec["not proven optimal"] == 0
                                else "certified lower bound")
    assert any(rec["brute force"] != "-" for rec in opt_t.records())
    for rec in opt_t.records():
        assert rec["lower bound"] <= rec["OPT"]
        if rec["brute force"] != "-" and rec["status"] == "optimal":
            assert rec["brute force"] == rec["OPT"]
