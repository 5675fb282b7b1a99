"""Benchmark: certified evaluations per second of the family search at n = 100, 1000, 10^4.

``python bench/bench_family.py [--reps 3] [--dask] [--out adversary/results]``

One *certified evaluation* is what the family search does per candidate
(:func:`adversary.objectives.score` with the ratio objective): run the algorithm (checked),
build the reference (the best checked clairvoyant construction of
:mod:`adversary.reference`, checked again), the lower bound, and the ratio ``ALG/REF``
(certified lower bound) with ``ALG/LB`` (estimate). The instances are the family's
``prompt-mix`` preset scaled to about ``n`` jobs (``ParamFamily.build(scale=...)``).

Baseline, same process: the bare checked run of the algorithm on the same instance
(``run_algorithm``), so the table shows what certifying a ratio costs on top of running
the algorithm. With ``--dask``, the same batch is mapped on a local Dask cluster of two
single-threaded workers (``adversary.execution.DaskExecutor``), beside one process.
The machine is shared: figures are from a loaded machine unless stated otherwise.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from kvsched.algorithms import run_algorithm
from kvsched.results import atomic_write_json, provenance
from kvsched.tables import Table, render

from adversary.family_search import FamilyConfig, _score_item
from adversary.param_family import ParamFamily

SIZES = (100, 1000, 10_000)


def instance_of_size(alg: str, n: int):
    """The ``prompt-mix`` preset with its counts scaled so that it has about ``n`` jobs
    (counts below one copy are scaled by a smaller preset count)."""
    fam: ParamFamily = FamilyConfig(alg=alg).family()
    v = fam.preset("prompt-mix")
    base = fam.build(v).n
    if n < base:
        f = n / base
        for key in ("count0", "count1", "half"):
            v[key] = max(1, int(round(v[key] * f)))
        return fam.build(v)
    return fam.build(v, scale=max(1, round(n / base)))


def measure(alg: str, reps: int, dask: bool) -> tuple[Table, list[dict]]:
    cfg = FamilyConfig(alg=alg, reference="construction")
    ecfg = cfg.eval_config()
    t = Table(f"Certified evaluations per second, {alg} (ALG/REF with REF the best checked "
              f"construction; one process" + (", and a local Dask cluster of 2 workers)"
                                                if dask else ")"),
              ["n", "certified evals/s (1 process)", "baseline: checked runs of ALG/s",
               "cost of certifying vs baseline", "ALG/REF (certified LB)",
               "ALG/LB (estimate)"] + (["certified evals/s (Dask, 2 workers)",
                                        "Dask vs 1 process"] if dask else []))
    rows = []
    client = ex = None
    if dask:
        from dask.distributed import Client, LocalCluster
        from adversary.execution import DaskExecutor
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        ex = DaskExecutor(client)
    try:
        for n in SIZES:
            inst = instance_of_size(alg, n)
            item = {"instance": inst.to_dict()}
            _score_item(item, ecfg)                    # warm caches / imports
            t0 = time.perf_counter()
            for _ in range(reps):
                res = _score_item(item, ecfg)
            per_s = reps / (time.perf_counter() - t0)
            t0 = time.perf_counter()
            for _ in range(reps):
                run_algorithm(alg, inst, **({"alpha": ecfg["alpha"]} if ecfg["alpha"] else {}))
            base = reps / (time.perf_counter() - t0)
            ev = res["ev"]
            row = {"algorithm": alg, "n": inst.n, "M": inst.M, "reps": reps,
                   "certified_per_s": per_s, "baseline_alg_runs_per_s": base,
                   "cost_vs_baseline": base / per_s, "ratio": ev["ratio"],
                   "ratio_label": ev["ratio_label"],
                   "ratio_to_lower_bound": ev["ratio_to_lower_bound"]}
            cells = [inst.n, per_s, base, base / per_s, ev["ratio"], ev["ratio_to_lower_bound"]]
            if dask:
                batch = max(4, 2 * reps)
                ex.map(_score_item, [item] * 2, ecfg)  # ship the code to both workers
                t0 = time.perf_counter()
                ex.map(_score_item, [item] * batch, ecfg)
                d = batch / (time.perf_counter() - t0)
                row.update(dask_per_s=d, dask_vs_one=d / per_s)
                cells += [d, d / per_s]
            t.add(*cells)
            rows.append(row)
    finally:
        if client is not None:
            client.close()
            cluster.close()
    t.notes.append("measured on a shared 2-core machine with other jobs running; one "
                   "evaluation = checked ALG run + checked reference constructions + "
                   "lower bound")
    return t, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--algs", nargs="+", default=["gsa", "gba"])
    ap.add_argument("--dask", action="store_true", help="also a local Dask cluster (2 workers)")
    ap.add_argument("--out", default="adversary/results")
    args = ap.parse_args()
    tables, rows = [], []
    for alg in args.algs:
        t, r = measure(alg, args.reps, args.dask)
        tables.append(t)
        rows += r
    render(tables)
    path = Path(args.out) / "bench_family.json"
    atomic_write_json(path, {"kind": "kvsched-bench-family", "rows": rows,
                             "provenance": provenance(0, vars(args))})
    print(f"written {path}")


if __name__ == "__main__":
    main()
