"""`kvsched trace` and `kvsched run` on a slice of the Azure trace: checked numbers that
agree exactly with run_algorithm, labelled ratios, JSON shape, plots and error exits."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from kvsched import Schedule, best_lower_bound, load_instance
from kvsched.algorithms import REGISTRY, AlgorithmOutput, register, run_algorithm
from kvsched_cli.cli import main

ALGS = "fcfs,mcsf,sorted_f,sequential_spt"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "kvsched_cli", *args], capture_output=True,
                          text=True, timeout=600)


def trace_json(capsys, *args) -> tuple[int, dict]:
    code = main(["trace", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def temp_algorithms():
    """Register throw-away algorithms for one test and remove them afterwards."""
    added = []

    def add(name, **kw):
        def deco(f):
            register(name, **kw)(f)
            added.append(name)
            return f
        return deco

    yield add
    for name in added:
        REGISTRY.pop(name, None)


def test_trace_json_agrees_with_run_algorithm(trace_path, capsys):
    code, out = trace_json(capsys, "--trace", str(trace_path), "-M", "16384",
                           "--limit", "300", "--algs", ALGS)
    assert code == 0
    inst = load_instance(trace_path, 16384, limit=300)
    lb, lb_name = best_lower_bound(inst)
    assert (out["n"], out["M"], out["lower_bound"], out["lower_bound_name"]) == \
        (300, 16384, lb, lb_name)
    assert out["ratio_labels"] == {"ratio_to_lower_bound": "estimate",
                                   "ratio_to_best": "certified"}
    assert out["checked"] is True and out["provenance"]["params"]["limit"] == 300
    assert [r["algorithm"] for r in out["rows"]] == ALGS.split(",")
    for row in out["rows"]:
        rep = run_algorithm(row["algorithm"], inst).report
        assert row["objective"] == rep.objective and row["restarts"] == rep.restarts
        assert row["wasted_tokens"] == rep.wasted_tokens
        assert row["peak_memory"] == rep.peak_memory <= inst.M
        assert row["ratio_to_lower_bound"] == pytest.approx(rep.objective / lb)
        assert row["ratio_to_lower_bound"] >= 1
    objectives = {r["algorithm"]: r["objective"] for r in out["rows"]}
    assert out["winner"] == min(objectives, key=objectives.get)
    assert out["winner_non_clairvoyant"] == "fcfs"
    assert out["winner_clairvoyant"] == min(("mcsf", "sorted_f", "sequential_spt"),
                                            key=objectives.get)
    assert min(r["ratio_to_best"] for r in out["rows"]) == 1
    assert sum(r["winner"] for r in out["rows"]) == 1


def test_trace_table_names_the_winner_and_labels(trace_path, capsys):
    assert main(["trace", "--trace", str(trace_path), "-M", "16384", "--limit", "300",
                 "--algs", "fcfs,sequential_spt"]) == 0
    text = capsys.readouterr().out
    assert "winner (smallest checked objective): fcfs" in text
    assert "estimate" in text and "certified" in text


def test_trace_sample_is_reproducible(trace_path, capsys):
    args = ["--trace", str(trace_path), "-M", "16384", "--limit", "2000", "--sample", "200",
            "--algs", "fcfs,mcsf"]
    _, a = trace_json(capsys, *args, "--seed", "5")
    _, b = trace_json(capsys, *args, "--seed", "5")
    _, c = trace_json(capsys, *args, "--seed", "6")
    strip = lambda out: [(r["algorithm"], r["objective"], r["restarts"]) for r in out["rows"]]
    assert a["n"] == 200 and strip(a) == strip(b) and strip(a) != strip(c)
    assert a["provenance"]["seed"] == 5


def test_trace_alpha_goes_only_to_algorithms_taking_it(trace_path, capsys, temp_algorithms):
    seen = {}

    @temp_algorithms("_spt_alpha", clairvoyant=True, description="test", alpha=2.0)
    def _spt_alpha(instance, alpha):
        seen["alpha"] = alpha
        return AlgorithmOutput(run_algorithm("sequential_spt", instance).schedule)

    code, out = trace_json(capsys, "--trace", str(trace_path), "-M", "16384", "--limit",
                           "50", "--algs", "_spt_alpha,fcfs", "--alpha", "3.5")
    assert code == 0 and seen["alpha"] == 3.5
    assert out["rows"][0]["params"] == {"alpha": 3.5} and out["rows"][1]["params"] == {}


def test_trace_reports_an_infeasible_schedule_and_exits_1(trace_path, capsys,
                                                          temp_algorithms):
    @temp_algorithms("_all_at_zero", clairvoyant=True, description="test: infeasible")
    def _all_at_zero(instance):
        return AlgorithmOutput(Schedule(np.arange(instance.n), np.zeros(instance.n,
                                                                        dtype=np.int64),
                                        instance.o))

    code, out = trace_json(capsys, "--trace", str(trace_path), "-M", "16384", "--limit",
                           "300", "--algs", "_all_at_zero,fcfs")
    assert code == 1
    bad, good = out["rows"]
    assert bad["error"].startswith("INFEASIBLE (memory)") and "objective" not in bad
    assert out["winner"] == "fcfs" and good["ratio_to_best"] == 1


def test_trace_plot_is_written(trace_path, tmp_path, capsys):
    png = tmp_path / "profiles.png"
    assert main(["trace", "--trace", str(trace_path), "-M", "16384", "--limit", "300",
                 "--algs", "fcfs,sorted_f", "--plot", str(png), "--json"]) == 0
    assert png.read_bytes()[:8] == PNG_MAGIC


@pytest.mark.parametrize("extra, message", [
    (["--algs", "fcfs,nope"], "unknown algorithm(s) 'nope'"),
    (["--algs", "fcfs,fcfs"], "listed twice"),
    (["--algs", " , "], "names no algorithm"),
    (["--algs", "fcfs", "--alpha", "0.5"], "must be > 1"),
    (["--algs", "fcfs", "-M", "100"], "exceeds memory M = 100"),
])
def test_trace_bad_input_is_one_line_exit_2(trace_path, extra, message):
    r = run_cli("trace", "--trace", str(trace_path), "-M", "16384", "--limit", "50", *extra)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr


def test_run_reports_every_metric_on_a_trace_slice(trace_path, tmp_path, capsys):
    png = tmp_path / "fcfs.png"
    assert main(["run", str(trace_path), "-M", "16384", "--limit", "300", "--alg", "fcfs",
                 "--json", "--plot", str(png)]) == 0
    out = json.loads(capsys.readouterr().out)
    inst = load_instance(trace_path, 16384, limit=300)
    rep = run_algorithm("fcfs", inst).report
    assert out["objective"] == rep.objective and out["restarts"] == rep.restarts > 0
    assert out["mean_latency"] == pytest.approx(rep.objective / 300)
    assert out["wasted_tokens"] == rep.wasted_tokens and out["peak_memory"] == rep.peak_memory
    assert out["large_memory_ratio"] == pytest.approx(int((inst.s + inst.o).max()) / 16384)
    assert out["ratio_label"] == "estimate" and out["checked"] is True
    assert out["ratio_to_lower_bound"] == pytest.approx(rep.objective / best_lower_bound(inst)[0])
    assert out["provenance"]["params"]["alg"] == "fcfs"
    # enough to load the same instance again
    again = out["provenance"]["params"]
    assert load_instance(again["file"], again["memory"], limit=again["limit"],
                         sample=again["sample"], seed=out["provenance"]["seed"],
                         drop_oversized=again["drop_oversized"]) == inst
    assert png.read_bytes()[:8] == PNG_MAGIC


def test_run_table_shows_the_labelled_ratio(trace_path, capsys):
    assert main(["run", str(trace_path), "-M", "16384", "--limit", "100",
                 "--alg", "mcsf"]) == 0
    text = capsys.readouterr().out
    for word in ("objective", "mean_latency", "restarts", "wasted_tokens", "peak_memory",
                 "max(s+o)/M", "ratio_to_lower_bound (estimate)"):
        assert word in text


def test_run_list(capsys):
    assert main(["run", "--list", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["fcfs"]["clairvoyant"] is False
    assert rows["mcsf"]["clairvoyant"] is True and rows["sorted_f"]["clairvoyant"] is True
    assert set(rows) == set(REGISTRY)


@pytest.mark.parametrize("args, message", [
    (["run", "-M", "10"], "an instance FILE is needed"),
    (["run", "{trace}", "-M", "16384", "--limit", "5", "--alg", "fcfs", "--alpha", "2"],
     "takes no --alpha"),
])
def test_run_bad_input_is_one_line_exit_2(trace_path, args, message):
    r = run_cli(*[a.replace("{trace}", str(trace_path)) for a in args])
    assert r.returncode == 2 and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_trace_default_algorithms_on_a_slice(trace_path, capsys):
    code, out = trace_json(capsys, "--trace", str(trace_path), "-M", "16384",
                           "--limit", "300")
    assert code == 0
    assert [r["algorithm"] for r in out["rows"]] == ["gsa", "gba", "fcfs", "mcsf",
                                                     "sorted_f"]


def test_trace_arrivals_runs_every_algorithm_checked(trace_path, tmp_path, capsys):
    """--arrivals: release dates from the timestamps; every registered algorithm runs (the
    default), each row's flow time and percentiles equal the checker's on the same
    instance, and every start respects its release date."""
    from kvsched.lower_bounds import best_flow_lower_bound
    cdf = tmp_path / "cdf.png"
    code, out = trace_json(capsys, "--trace", str(trace_path), "-M", "16384", "--limit",
                           "150", "--arrivals", "--tokens-per-second", "5", "--cdf", str(cdf))
    inst = load_instance(trace_path, 16384, limit=150, arrivals=True, tokens_per_second=5)
    assert inst.r.any() and out["arrivals"] is True
    assert out["lower_bound"] == best_flow_lower_bound(inst)[0]
    rows = {r["algorithm"]: r for r in out["rows"]}
    assert set(rows) == set(REGISTRY)
    for name, row in rows.items():
        if "error" in row:               # only an algorithm the checker rejected
            assert code == 1 and "INFEASIBLE" in row["error"]
            continue
        res = run_algorithm(name, inst)
        assert (res.schedule.start >= inst.r[res.schedule.job]).all()
        assert row["objective"] == res.report.flow_time
        assert row["sum_completion"] == res.report.objective
        assert row["p99_latency"] == res.report.latency_percentile(99)
        assert row["objective"] >= out["lower_bound"]
    assert cdf.read_bytes()[:8] == PNG_MAGIC


def test_trace_batch_objective_is_sum_of_completions(trace_path, capsys):
    code, out = trace_json(capsys, "--trace", str(trace_path), "-M", "16384", "--limit",
                           "100", "--algs", "fcfs,mlfq,random,gsa_elastic")
    assert code == 0 and out["arrivals"] is False
    for row in out["rows"]:
        assert row["objective"] == row["sum_completion"]
