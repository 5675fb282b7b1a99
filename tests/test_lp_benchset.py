"""The fixed benchmark set in bench/instances is exactly the documented family."""
from __future__ import annotations

import json
from pathlib import Path

from kvsched.defaults import random_instance
from kvsched.loaders import load_json

INSTANCES = Path(__file__).resolve().parent.parent / "bench" / "instances"


def test_benchmark_set_matches_its_generator():
    index = json.loads((INSTANCES / "index.json").read_text())
    recs = index["instances"]
    assert sorted({r["n"] for r in recs}) == [6, 8, 10, 12, 14, 16]
    assert all(sum(r["n"] == n for r in recs) == 5 for n in (6, 8, 10, 12, 14, 16))
    for r in recs:
        inst = load_json(INSTANCES / r["file"])
        assert inst == random_instance(r["n"], r["seed"])
        assert inst.M == 20 and inst.o.min() >= 1 and inst.o.max() <= 8
        assert all(0 <= s <= min(10, 20 - o) for s, o in zip(inst.s, inst.o))


def test_bench_exact_small_run_agrees_and_records(tmp_path, capsys):
    """bench/bench_exact.py end to end on two n = 6 instances: exit 0 (configurations agree
    on the optimum), one record per instance, provenance saved."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_exact", INSTANCES.parent / "bench_exact.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "b.json"
    assert bench.main(["--sizes", "6", "--seeds", "2", "--configs", "highs-plain",
                       "highs-tight", "--out", str(out)]) == 0
    saved = json.loads(out.read_text())
    assert saved["problems"] == [] and saved["provenance"]["kvsched_version"]
    assert [r["file"] for r in saved["records"]] == ["n06_seed0.json", "n06_seed1.json"]
    for rec in saved["records"]:
        runs = rec["runs"].values()
        assert all(r["proven_optimal"] for r in runs)
        assert len({r["objective"] for r in runs}) == 1
