"""Benchmark: instances per second per core of the exhaustive run, as a ratio against a
naive baseline in the same process.

Run: ``python bench/bench_exhaust.py [--n-max 3] [--M 8] [--json OUT]``. On every
instance of the box slice ``n <= n_max`` jobs at exactly memory ``M`` (fixed, small):

* *exhaust*: :func:`adversary.exhaust.chunk.evaluate_chunk` (OPT from the shared DP with
  its schedule checked, GSA and GBA through ``run_algorithm``, every ledger lemma), cold
  memo at the start, one process;
* *OPT only*: the DP alone (cold memo), and ``lp.astar.solve`` per instance (no sharing),
  on the same instances: the speed-up of sharing work across the box for OPT;
* *baseline*: per instance ``lp.astar.solve`` for OPT + ``run_algorithm`` for GSA and GBA
  + the same lemma checks (what one would write without the box-wide DP).

CPU seconds (``time.process_time``, immune to other processes on the shared machine) and
wall seconds are both reported; the ratios are what transfers between machines.
"""
from __future__ import annotations

import argparse
import time

from adversary.exhaust import opt as O
from adversary.exhaust.box import chunks
from adversary.exhaust.chunk import evaluate_chunk
from adversary.exhaust.lemmas import check_all, lemma_run, lemma_suite
from kvsched.algorithms import run_algorithm
from kvsched.checker import check
from kvsched.instance import Instance
from kvsched.results import atomic_write_json, provenance


def _clock(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-max", type=int, default=3)
    ap.add_argument("--M", type=int, default=8)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    cs = [c for c in chunks(a.n_max, a.M) if c.M == a.M]
    insts = [jobs for c in cs for jobs in c.instances()]
    N = len(insts)
    algs = ["gsa", "gba"]
    suites = {g: lemma_suite(g) for g in algs}        # one-off set-up (sympy), not timed
    conf = {"algorithms": algs, "alpha": None, "lemmas": True}

    O.clear()
    _, w_ex, c_ex = _clock(lambda: [evaluate_chunk(c, conf) for c in cs])
    O.clear()
    _, w_dp, c_dp = _clock(lambda: [O.opt_value(j, a.M) for j in insts])

    from lp.astar import solve as astar

    def inst(jobs):
        return Instance(s=[j[0] for j in jobs], o=[j[1] for j in jobs], M=a.M)

    _, w_as, c_as = _clock(lambda: [astar(inst(j)).objective for j in insts])

    def baseline():
        for jobs in insts:
            I = inst(jobs)
            res = astar(I)
            rep = check(res.schedule, I)
            for g in algs:
                run_algorithm(g, I)
                run = lemma_run(suites[g], I, int(res.objective), res.schedule, rep.completion)
                check_all(suites[g], run)

    _, w_bl, c_bl = _clock(baseline)
    out = {"box": {"n_max": a.n_max, "M": a.M}, "instances": N,
           "exhaust": {"wall_s": w_ex, "cpu_s": c_ex, "inst_per_cpu_s": N / c_ex},
           "baseline": {"wall_s": w_bl, "cpu_s": c_bl, "inst_per_cpu_s": N / c_bl},
           "speedup_vs_baseline_cpu": c_bl / c_ex,
           "opt_dp": {"cpu_s": c_dp, "inst_per_cpu_s": N / c_dp},
           "opt_astar": {"cpu_s": c_as, "inst_per_cpu_s": N / c_as},
           "opt_speedup_dp_vs_astar_cpu": c_as / c_dp,
           "machine": "shared, loaded 2-core machine",
           "provenance": provenance(None, {"n_max": a.n_max, "M": a.M})}
    print(f"box n <= {a.n_max}, M = {a.M}: {N} instances, one process, CPU seconds")
    print(f"  exhaust (DP OPT + gsa + gba + lemmas): {c_ex:.2f} s = {N / c_ex:.0f} inst/s/core")
    print(f"  baseline (lp.astar OPT + same):        {c_bl:.2f} s = {N / c_bl:.0f} inst/s/core"
          f"  -> exhaust is {c_bl / c_ex:.2f}x")
    print(f"  OPT only: DP {N / c_dp:.0f} inst/s/core, lp.astar {N / c_as:.0f} inst/s/core"
          f"  -> DP is {c_as / c_dp:.1f}x")
    if a.json:
        atomic_write_json(a.json, out)


if __name__ == "__main__":
    main()
