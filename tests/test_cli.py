"""The command line: help for every subcommand; bad input gives one line and exit 2."""
import json
import subprocess
import sys

import pytest

from kvsched_cli.cli import main
from kvsched_cli.commands import COMMANDS


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "kvsched_cli", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_subcommand_has_help(cmd, capsys):
    assert main([cmd, "--help"]) == 0       # main returns the status, never raises
    assert "--json" in capsys.readouterr().out


def test_oversized_job_one_line_exit_2(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"M": 6, "jobs": [{"s": 1, "o": 2}, {"s": 4, "o": 3}]}))
    r = run_cli("run", "--alg", "sequential_spt", str(p))
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "job 1" in lines[0] and "exceeds memory M = 6" in lines[0]
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("content, name", [("{oops", "x.json"), ("s,o,q\n1,2,3\n", "x.csv"),
                                           (None, "missing.json")])
def test_malformed_files_exit_2(tmp_path, content, name):
    p = tmp_path / name
    if content is not None:
        p.write_text(content)
    r = run_cli("run", "--alg", "sequential_spt", "--memory", "10", str(p))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert str(p) in r.stderr and "Traceback" not in r.stderr


def test_unknown_algorithm_exit_2(tmp_path):
    p = tmp_path / "i.json"
    p.write_text(json.dumps({"M": 6, "jobs": [{"s": 1, "o": 2}]}))
    r = run_cli("run", "--alg", "nope", str(p))
    assert r.returncode == 2 and "unknown algorithm 'nope'" in r.stderr


def test_run_json_reports_checked_estimate(tmp_path, capsys):
    p = tmp_path / "i.json"
    p.write_text(json.dumps({"M": 6, "jobs": [{"s": 1, "o": 2}, {"s": 0, "o": 3}]}))
    assert main(["run", "--alg", "sequential_spt", "--json", str(p)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["checked"] is True and out["ratio_label"] == "estimate"
    assert out["objective"] == 2 + 5 and out["ratio_to_lower_bound"] >= 1


def test_verify_quick_exits_0_with_tables(capsys):
    assert main(["verify", "--quick", "--json"]) == 0
    tables = json.loads(capsys.readouterr().out)
    assert all(t["ok"] for t in tables)
    assert any(t["title"].startswith("Checker self-test") for t in tables)
    from kvsched_cli.verify import SECTIONS
    timed = [n for t in tables for n in t["notes"] if n.startswith("(") and n.endswith(" s)")]
    assert [n[1:].rsplit(": ", 1)[0] for n in timed] == SECTIONS   # every section ran, in order
