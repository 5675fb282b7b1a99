"""Benchmark: the independent checker on 1,000,000 attempts over a 1,000,000-step horizon.

Run: ``python bench/bench_checker.py``. Reports seconds for ``check`` and, as the same-process
baseline, for one ``np.sort`` of the attempt starts (a floor for any O(m log m) pass).
"""
from __future__ import annotations

import time

import numpy as np

from kvsched import Instance, Schedule, check


def build(m: int = 1_000_000, horizon: int = 1_000_000, seed: int = 0):
    """``m`` jobs of length 1..4 with small prompts, spread over ``horizon`` steps so that
    the memory stays within M: a feasible schedule of ``m`` completing attempts."""
    rng = np.random.default_rng(seed)
    o = rng.integers(1, 5, size=m)
    s = rng.integers(0, 4, size=m)
    start = rng.integers(0, horizon - 4, size=m)
    inst = Instance(s=s, o=o, M=10_000)
    order = rng.permutation(m)       # attempts in no particular order, as algorithms emit
    return inst, Schedule(order, start[order], o[order])


def main() -> None:
    inst, sched = build()
    t0 = time.perf_counter()
    np.sort(sched.start)
    base = time.perf_counter() - t0
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        rep = check(sched, inst)
        times.append(time.perf_counter() - t0)
    print(f"attempts={len(sched):,} horizon={rep.makespan:,} peak_memory={rep.peak_memory}")
    print(f"check: best {min(times):.3f} s, median {sorted(times)[1]:.3f} s; "
          f"np.sort baseline {base:.3f} s; ratio {min(times) / base:.1f}x")


if __name__ == "__main__":
    main()
