"""The exhaustive run: chunks of the box on Dask (or in-process), one checkpoint file per
chunk and algorithm, resume after a kill, a progress bar, then the summary.

**Checkpoints.** A chunk's aggregate for one algorithm depends only on the chunk, the
algorithm, its alpha, the ledger's lemma parameters and the code, so it is stored under
``<out>/chunks/<alg>-a<alpha>-<fingerprint>/<chunk key>.json`` (written atomically by the
driver when the chunk's task returns). A run first lists the chunks whose file exists and
computes only the others, so a run killed at any moment (even ``kill -9``) resumes
without recomputing a finished chunk and without losing or double-counting an instance
(chunks partition the box). Boxes share checkpoints: the box ``n <= 4`` reuses every chunk
of ``n <= 3``. The fingerprint covers the algorithm's source file, this package's sources,
the alpha and the lemma parameters, so a code change never mixes old and new results.

**Parallelism.** Tasks are lists of consecutive chunks with about ``task_size`` instances
(smallest ``M`` first, so a worker's OPT memo stays warm), submitted to a Dask
``LocalCluster`` (``workers`` processes, one thread each) or the cluster at ``scheduler``;
``workers = 0`` runs in-process (tests). Results stream back with ``as_completed``.
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kvsched.errors import KvschedError
from kvsched.results import atomic_write_json

from .box import Chunk, chunks as box_chunks, count_box
from .chunk import FailAfter, evaluate_chunk, evaluate_chunks, merge

DEFAULT_OUT = "adversary/results/exhaust"
HERE = Path(__file__).resolve().parent


@dataclass
class ExhaustConfig:
    algorithms: list[str]
    n_max: int
    M_max: int
    alpha: float | None = None          # None: each algorithm's default
    lemmas: bool = True
    out: str = DEFAULT_OUT
    workers: int = 2                    # 0: in-process
    scheduler: str | None = None        # a Dask scheduler address
    task_size: int = 2000
    fail_after_chunks: int | None = None   # fault injection (tests): raise after k chunks

    def chunk_config(self) -> dict[str, Any]:
        return {"algorithms": list(self.algorithms), "alpha": self.alpha, "lemmas": self.lemmas}


def effective_alpha(alg: str, alpha: float | None) -> float | None:
    from adversary.evaluate import effective_alpha as ea
    return ea(alg, alpha)


def alpha_tag(alg: str, alpha: float | None) -> str:
    a = effective_alpha(alg, alpha)
    return "none" if a is None else f"{a:g}"


_FINGERPRINTS: dict = {}


def fingerprint(alg: str, alpha: float | None, lemmas: bool) -> str:
    """What a chunk result depends on besides the chunk (module docstring). Computed once
    per process: the workers run the code that was loaded at the start, so a source file
    edited during a run must not move the rest of the run's checkpoints elsewhere."""
    key = (alg, alpha, lemmas)
    if key not in _FINGERPRINTS:
        _FINGERPRINTS[key] = _fingerprint(alg, alpha, lemmas)
    return _FINGERPRINTS[key]


def _fingerprint(alg: str, alpha: float | None, lemmas: bool) -> str:
    from adversary.records import algorithm_source_digest
    from .lemmas import lemma_suite
    import kvsched
    su = lemma_suite(alg) if lemmas else None
    src = hashlib.sha1()
    for name in ("box.py", "chunk.py", "opt.py", "lemmas.py"):
        src.update((HERE / name).read_bytes())
    blob = json.dumps({"alg": alg, "alpha": effective_alpha(alg, alpha),
                       "lemmas": None if su is None else [su.params, su.names],
                       "alg_source": algorithm_source_digest(alg), "exhaust": src.hexdigest(),
                       "version": kvsched.__version__}, sort_keys=True, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()[:10]


def ckpt_dir(cfg: ExhaustConfig, alg: str) -> Path:
    return (Path(cfg.out) / "chunks" /
            f"{alg}-a{alpha_tag(alg, cfg.alpha)}-{fingerprint(alg, cfg.alpha, cfg.lemmas)}")


def _tasks(todo: list[Chunk], size: int) -> list[list[Chunk]]:
    out, cur, n = [], [], 0
    for c in todo:
        cur.append(c)
        n += c.size
        if n >= size:
            out.append(cur)
            cur, n = [], 0
    if cur:
        out.append(cur)
    return out


def calibrate(cfg: ExhaustConfig, todo: list[Chunk], budget: float = 3.0,
              seed: int = 0) -> tuple[float, int]:
    """``(seconds per instance, instances timed)``: the first instances of chunks drawn
    at random (seeded) in proportion to their size, evaluated in this process with a cold
    OPT memo (so the estimate errs on the slow side)."""
    if not todo:
        return 0.0, 0
    from . import opt as O
    from .lemmas import lemma_suite
    if cfg.lemmas:
        for a in cfg.algorithms:
            lemma_suite(a)                     # one-off set-up, not per instance
    rng = random.Random(seed)
    weights = [c.size for c in todo]
    n, spent = 0, 0.0
    conf = cfg.chunk_config()
    while spent < budget and n < 400:
        c = rng.choices(todo, weights)[0]
        t0 = time.perf_counter()
        res = evaluate_chunk(c, conf, limit=20)
        spent += time.perf_counter() - t0
        n += next(iter(res.values()))["instances"]
    O.clear()
    return spent / max(n, 1), n


@dataclass
class Plan:
    total: int
    todo_instances: int
    todo: list[Chunk]
    done: dict[str, set]                 # alg -> chunk keys already checkpointed
    seconds_per_instance: float = 0.0
    calibrated_on: int = 0
    workers: int = 1

    @property
    def estimate_seconds(self) -> float:
        return self.seconds_per_instance * self.todo_instances / max(self.workers, 1)

    def text(self, cfg: ExhaustConfig) -> str:
        est = self.estimate_seconds
        return (f"box n <= {cfg.n_max}, M <= {cfg.M_max}: {self.total:,} instances, "
                f"{self.total - self.todo_instances:,} already checkpointed, "
                f"{self.todo_instances:,} to do; estimated {_hms(est)} on {self.workers} "
                f"worker(s) for {', '.join(cfg.algorithms)} (calibrated on "
                f"{self.calibrated_on} instances: {1e3 * self.seconds_per_instance:.2f} ms "
                "each, cold memo)")


def _hms(sec: float) -> str:
    sec = int(round(sec))
    return f"{sec // 3600}h{sec % 3600 // 60:02d}m{sec % 60:02d}s" if sec >= 3600 else \
        f"{sec // 60}m{sec % 60:02d}s"


def plan(cfg: ExhaustConfig, calibrate_budget: float = 3.0) -> Plan:
    """Count the box, find what is checkpointed, estimate the time of the rest."""
    from kvsched.algorithms import REGISTRY
    for a in cfg.algorithms:
        if a not in REGISTRY:
            raise KvschedError(f"exhaust: unknown algorithm {a!r}; choose from "
                               f"{', '.join(sorted(REGISTRY))}")
    total = count_box(cfg.n_max, cfg.M_max)
    allc = box_chunks(cfg.n_max, cfg.M_max)
    done = {}
    for a in cfg.algorithms:
        d = ckpt_dir(cfg, a)
        done[a] = {p.stem for p in d.glob("*.json")} if d.exists() else set()
    todo = [c for c in allc if any(c.key not in done[a] for a in cfg.algorithms)]
    p = Plan(total, sum(c.size for c in todo), todo, done,
             workers=max(cfg.workers, 1) if cfg.scheduler is None else _scheduler_workers(cfg))
    if calibrate_budget > 0:
        p.seconds_per_instance, p.calibrated_on = calibrate(cfg, todo, calibrate_budget)
    return p


def _scheduler_workers(cfg: ExhaustConfig) -> int:
    return max(cfg.workers, 1)


@dataclass
class RunStats:
    computed_chunks: int = 0
    reused_chunks: int = 0
    computed_instances: int = 0
    seconds: float = 0.0
    worker_seconds: float = 0.0
    workers: int = 1
    executor: str = "in-process"
    extra: dict = field(default_factory=dict)


def _write(cfg: ExhaustConfig, key: str, res: dict, seconds: float) -> None:
    for a, agg in res.items():
        atomic_write_json(ckpt_dir(cfg, a) / f"{key}.json",
                          {"chunk": key, "algorithm": a, "aggregate": agg,
                           "seconds": seconds})


def _timed(chunks: list[Chunk], config: dict) -> tuple[dict, float]:
    t0 = time.perf_counter()
    out = evaluate_chunks(chunks, config)
    return out, time.perf_counter() - t0


def execute(cfg: ExhaustConfig, p: Plan, progress: bool = True) -> RunStats:
    """Compute every chunk of ``p.todo`` and checkpoint it (module docstring)."""
    stats = RunStats(reused_chunks=len(box_chunks(cfg.n_max, cfg.M_max)) - len(p.todo))
    todo = sorted(p.todo, key=lambda c: (c.M, c.n, c.prefix))
    tasks = _tasks(todo, cfg.task_size)
    conf = cfg.chunk_config()
    t0 = time.perf_counter()
    bar = _Bar(p.total, p.total - p.todo_instances, enabled=progress)
    written = 0

    def record(task, res, sec):
        nonlocal written
        for c in task:
            _write(cfg, c.key, res[c.key], sec * c.size / max(1, sum(x.size for x in task)))
            written += 1
            stats.computed_chunks += 1
            stats.computed_instances += c.size
            bar.advance(c.size)
            if cfg.fail_after_chunks is not None and written >= cfg.fail_after_chunks:
                raise FailAfter(f"injected failure after {written} chunks")
        stats.worker_seconds += sec

    try:
        if cfg.workers == 0 and cfg.scheduler is None:
            stats.executor, stats.workers = "in-process", 1
            for task in tasks:
                res, sec = _timed(task, conf)
                record(task, res, sec)
        else:
            from dask.distributed import Client, LocalCluster, as_completed
            cluster = None
            if cfg.scheduler is None:
                cluster = LocalCluster(n_workers=cfg.workers, threads_per_worker=1,
                                       processes=True, dashboard_address=None)
                client = Client(cluster)
                stats.executor = f"dask LocalCluster ({cfg.workers} processes)"
            else:
                client = Client(cfg.scheduler)
                stats.executor = f"dask scheduler {cfg.scheduler}"
            stats.workers = max(1, len(client.scheduler_info().get("workers", {})))
            try:
                futs = {client.submit(_timed, task, conf, pure=False): task for task in tasks}
                for fut in as_completed(futs):
                    res, sec = fut.result()
                    record(futs[fut], res, sec)
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()
    finally:
        bar.close()
        stats.seconds = time.perf_counter() - t0
    return stats


class _Bar:
    """A rich progress bar over instances (done / total, rate, ETA); silent if disabled."""

    def __init__(self, total: int, done: int, enabled: bool = True):
        self.p = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)
        self.p = Progress(TextColumn("exhaust"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("instances"), TimeElapsedColumn(), TextColumn("ETA"),
                          TimeRemainingColumn(), console=Console(file=sys.stderr))
        self.p.start()
        self.task = self.p.add_task("exhaust", total=total, completed=done)

    def advance(self, k: int) -> None:
        if self.p is not None:
            self.p.advance(self.task, k)

    def close(self) -> None:
        if self.p is not None:
            self.p.stop()


def collect(cfg: ExhaustConfig, alg: str) -> dict[tuple[int, int], dict]:
    """``{(n, M): aggregate}`` of ``alg`` over the box, from the checkpoints (every chunk
    must be there), merged in the fixed chunk order."""
    d = ckpt_dir(cfg, alg)
    per: dict[tuple[int, int], dict] = {}
    secs = 0.0
    for c in box_chunks(cfg.n_max, cfg.M_max):
        f = d / f"{c.key}.json"
        if not f.exists():
            raise KvschedError(f"exhaust: chunk {c.key} of {alg} has no checkpoint in {d}")
        try:
            rec = json.loads(f.read_text())
            agg = rec["aggregate"]
            agg["instances"]
        except (ValueError, KeyError, TypeError) as e:     # truncated, not UTF-8, not ours
            raise KvschedError(f"exhaust: checkpoint {f} is corrupted ({type(e).__name__}); "
                               f"delete it to recompute that chunk") from None
        if agg["instances"] != c.size:
            raise KvschedError(f"exhaust: checkpoint {f} has {agg['instances']} instances, "
                               f"the chunk has {c.size}")
        per[(c.n, c.M)] = merge(per.get((c.n, c.M)), agg)
        secs += rec.get("seconds", 0.0)
    per["_seconds"] = secs          # type: ignore[index]
    return per
