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
