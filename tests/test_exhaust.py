"""Exhaustive boxes (adversary.exhaust, docs/exhaustive.md): the count, the enumeration
(once up to permutation), the exact DP against lp.astar and lp.brute, the worst ratio
against a direct brute force, resume after an injected failure equals an uninterrupted
run, witnesses replay, and the command's refusals."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from fractions import Fraction
from itertools import product

import pytest

from adversary.exhaust import box, opt as O
from adversary.exhaust.chunk import FailAfter, evaluate_chunk, merge
from adversary.exhaust import run as R, report
from kvsched.algorithms import run_algorithm
from kvsched.instance import Instance


def test_reference_counts():
    assert box.count_box(4, 12) == 3_478_072
    assert box.count_box(5, 8) == 1_071_537
    for N, M in ((4, 12), (5, 8)):
        assert sum(c.size for c in box.chunks(N, M)) == box.count_box(N, M)


def test_enumeration_is_every_multiset_once():
    """Against a brute force: every tuple of valid jobs, sorted, deduplicated."""
    N, MM = 3, 5
    got = []
    for c in box.chunks(N, MM):
        inst = list(c.instances())
        assert len(inst) == c.size
        got += [(c.M, jobs) for jobs in inst]
    assert len(got) == len(set(got)) == box.count_box(N, MM)
    want = set()
    for M in range(1, MM + 1):
        types = [(s, o) for s in range(M) for o in range(1, M - s + 1)]
        for n in range(1, N + 1):
            for t in product(types, repeat=n):
                want.add((M, tuple(sorted(t))))
    assert set(got) == want


def _sample(N, MM, k, seed):
    allc = [(c.M, jobs) for c in box.chunks(N, MM) for jobs in c.instances()]
    return random.Random(seed).sample(allc, k)


def _inst(M, jobs):
    return Instance(s=[j[0] for j in jobs], o=[j[1] for j in jobs], M=M)


def test_dp_equals_astar_and_brute_on_a_sample():
    from lp.astar import solve as astar
    from lp.brute import solve as brute
    O.clear()
    for M, jobs in _sample(4, 9, 80, seed=3):
        inst = _inst(M, jobs)
        v, sched = O.solve(inst)            # its schedule is checked inside
        assert v == astar(inst).objective == brute(inst)[0], (M, jobs)


def test_dp_shuffled_jobs_same_value():
    """The DP names job types, not jobs: any order of the same jobs, the same OPT, and the
    rebuilt schedule follows the given order (checked)."""
    rng = random.Random(5)
    for M, jobs in _sample(4, 8, 20, seed=9):
        perm = list(jobs)
        rng.shuffle(perm)
        assert O.solve(_inst(M, perm))[0] == O.solve(_inst(M, jobs))[0]


def test_worst_ratio_equals_direct_brute_force():
    from lp.brute import solve as brute
    best = None
    for c in box.chunks(2, 5):
        for jobs in c.instances():
            inst = _inst(c.M, jobs)
            r = Fraction(run_algorithm("gsa", inst).objective, brute(inst)[0])
            best = r if best is None or r > best else best
    agg = None
    for c in box.chunks(2, 5):
        agg = merge(agg, evaluate_chunk(c, {"algorithms": ["gsa"], "alpha": None,
                                            "lemmas": False})["gsa"])
    assert Fraction(agg["worst"]["cost"], agg["worst"]["opt"]) == best
    assert agg["instances"] == box.count_box(2, 5)
    assert sum(agg["hist"].values()) == agg["instances"]


def test_merge_is_order_free():
    cfg = {"algorithms": ["gsa"], "alpha": None, "lemmas": True}
    parts = [evaluate_chunk(c, cfg)["gsa"] for c in box.chunks(3, 3)]
    a = b = None
    for p in parts:
        a = merge(a, p)
    for p in reversed(parts):
        b = merge(b, p)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert all(L["checked"] == a["instances"] for L in a["lemmas"].values())


def _strip(d):
    d = dict(d)
    for k in ("timing", "provenance", "histogram_plot"):
        d.pop(k, None)
    return d


def test_resume_after_injected_failure_equals_uninterrupted(tmp_path):
    algs = ["gsa", "gba"]
    clean = R.ExhaustConfig(algs, 3, 4, out=str(tmp_path / "clean"), workers=0, task_size=1)
    R.execute(clean, R.plan(clean, calibrate_budget=0), progress=False)
    killed = R.ExhaustConfig(algs, 3, 4, out=str(tmp_path / "killed"), workers=0,
                             task_size=1, fail_after_chunks=5)
    total = len(box.chunks(3, 4))
    with pytest.raises(FailAfter):
        R.execute(killed, R.plan(killed, calibrate_budget=0), progress=False)
    killed.fail_after_chunks = None
    p = R.plan(killed, calibrate_budget=0)
    assert len(p.todo) == total - 5            # nothing finished is recomputed
    stats = R.execute(killed, p, progress=False)
    assert stats.computed_chunks == total - 5 and stats.reused_chunks == 5
    for a in algs:
        x = report.summary(clean, a, R.collect(clean, a), witnesses=False)
        y = report.summary(killed, a, R.collect(killed, a), witnesses=False)
        assert _strip(x) == _strip(y)
        assert x["instances"] == box.count_box(3, 4)


def test_summary_shape_and_witness_replays(tmp_path):
    from adversary.records import replay
    cfg = R.ExhaustConfig(["gsa"], 2, 4, out=str(tmp_path), workers=0)
    R.execute(cfg, R.plan(cfg, calibrate_budget=0), progress=False)
    d = report.summary(cfg, "gsa", R.collect(cfg, "gsa"), root=tmp_path)
    path = report.write_summary(cfg, "gsa", d)
    assert path.name == "gsa-a2.30278-n2-M4.json"
    saved = json.loads(path.read_text())
    assert saved["kind"] == "kvsched-exhaust-summary" and saved["box"] == {"n_max": 2, "M_max": 4}
    assert saved["instances"] == 103 and saved["worst_ratio"]["certified"] is True
    for name, L in saved["lemmas"].items():
        assert set(L) >= {"holds", "checked", "worst_slack", "smallest_violation"}
        assert L["checked"] == 103
    rep = replay(tmp_path / saved["worst_ratio"]["witness"])
    assert rep.ok, rep.checks
    assert rep.recomputed["ratio"] == pytest.approx(saved["worst_ratio"]["value"])


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "kvsched_cli.cli", "exhaust", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("args,needle", [
    (["--n-max", "0", "--M-max", "4"], "--n-max"),
    (["--n-max", "2", "--M-max", "4", "--alg", "nope"], "nope"),
    (["--n-max", "2", "--M-max", "4", "--alpha", "1"], "--alpha"),
    (["--n-max", "4", "--M-max", "12", "--max-minutes", "1"], "3,478,072"),
])
def test_cli_refuses(args, needle, tmp_path):
    r = _cli(*args, "--out", str(tmp_path), "--workers", "0", "--calibrate-seconds", "0.3")
    assert r.returncode == 2, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("kvsched: error:") and needle in last, r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.slow
def test_dask_local_cluster_equals_in_process(tmp_path):
    a = R.ExhaustConfig(["gsa"], 3, 5, out=str(tmp_path / "a"), workers=0)
    b = R.ExhaustConfig(["gsa"], 3, 5, out=str(tmp_path / "b"), workers=2, task_size=100)
    for c in (a, b):
        R.execute(c, R.plan(c, calibrate_budget=0), progress=False)
    x = report.summary(a, "gsa", R.collect(a, "gsa"), witnesses=False)
    y = report.summary(b, "gsa", R.collect(b, "gsa"), witnesses=False)
    assert _strip(x) == _strip(y)


def test_algorithm_without_alpha_summary_plot_and_doc_table(tmp_path):
    cfg = R.ExhaustConfig(["fcfs"], 2, 3, out=str(tmp_path), workers=0)
    R.execute(cfg, R.plan(cfg, calibrate_budget=0), progress=False)
    d = report.summary(cfg, "fcfs", R.collect(cfg, "fcfs"), root=tmp_path)
    assert d["alpha"] is None and d["lemmas"] == {}
    report.write_summary(cfg, "fcfs", d)
    png = report.plot_histogram(d, tmp_path / "h.png")
    assert png.stat().st_size > 1000
    counts = sum(sum(r["histogram"]["counts"].values()) for r in d["per_nM"])
    assert counts == d["instances"] == box.count_box(2, 3)
    table = report.docs_markdown(tmp_path, root=tmp_path)
    assert "| fcfs | - | n <= 2, M <= 3 |" in table
