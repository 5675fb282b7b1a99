"""The independent feasibility checker: the only judge of feasibility in kvsched.

``check(schedule, instance)`` verifies every rule of the model (SPEC section 2) with
vectorised numpy and either raises :class:`InfeasibleScheduleError` naming the job, the
step and the amount, or returns a :class:`Report` with the objective and the statistics.
Nothing is reported, counted or saved by any component unless it came through here.

Objectives: ``objective = sum_i C_i`` (the paper's offline objective) and the flow time
``flow_time = sum_i (C_i - r_i)`` (the online objective; equal when all ``r_i = 0``). Job
``i``'s latency is ``C_i - r_i``; the report gives its mean and the nearest-rank
percentiles p50/p90/p99 (the smallest latency with at least that share of jobs at or
below it, so every percentile is some job's latency).

Rules, in the order they are checked:
1. every attempt names a job ``0 <= i < n``, starts at ``a >= 0`` and runs ``1 <= d``;
   and it starts no earlier than the job's release date, ``a >= r_i`` (``before-release``;
   with all ``r_i = 0`` this is rule ``a >= 0``);
2. no attempt runs longer than ``o_i`` (``too-long``);
3. attempts of one job do not overlap (``overlap``);
4. each job has exactly one completing attempt ``d = o_i`` (``not-completed``,
   ``completed-twice``) and no attempt starts after it (``after-completion``);
5. at every step the memory of the running attempts is ``<= M`` (``memory``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import InfeasibleScheduleError
from .instance import Instance
from .schedule import Schedule, memory_profile


@dataclass(frozen=True)
class Report:
    """What a checked schedule achieves. Produced only by :func:`check`."""

    objective: int              # sum_i C_i
    completion: np.ndarray = field(repr=False)  # C_i per job
    makespan: int
    attempts: int
    restarts: int               # killed attempts
    wasted_tokens: int          # tokens decoded by killed attempts
    peak_memory: int
    mean_utilisation: float     # mean memory / M over steps 0..makespan-1
    n: int
    M: int
    flow_time: int = -1         # sum_i (C_i - r_i); set by check()
    latency: np.ndarray = field(default=None, repr=False)  # C_i - r_i per job

    @property
    def mean_latency(self) -> float:
        """Mean latency ``flow_time / n`` (= ``objective / n`` when all ``r_i = 0``)."""
        return self.flow_time / self.n

    def latency_percentile(self, q: float) -> int:
        """Nearest-rank ``q``-th percentile (``0 < q <= 100``) of ``C_i - r_i``."""
        lat = np.sort(self.latency)
        k = max(int(np.ceil(q / 100 * len(lat))), 1)
        return int(lat[k - 1])

    def summary(self) -> dict:
        return {"objective": self.objective, "mean_latency": self.mean_latency,
                "makespan": self.makespan, "attempts": self.attempts,
                "restarts": self.restarts, "wasted_tokens": self.wasted_tokens,
                "peak_memory": self.peak_memory,
                "mean_utilisation": self.mean_utilisation,
                "flow_time": self.flow_time,
                "p50_latency": self.latency_percentile(50),
                "p90_latency": self.latency_percentile(90),
                "p99_latency": self.latency_percentile(99)}


def _fail(kind: str, msg: str, job=None, step=None, amount=None):
    raise InfeasibleScheduleError(kind, msg, job=None if job is None else int(job),
                                  step=None if step is None else int(step),
                                  amount=None if amount is None else int(amount))


def check(schedule: Schedule, instance: Instance) -> Report:
    """Verify ``schedule`` for ``instance``; raise on the first violation, else report."""
    n, M = instance.n, instance.M
    j, a, d = schedule.job, schedule.start, schedule.steps
    if len(j) == 0:
        _fail("not-completed", "job 0 is never completed (the schedule is empty)", job=0)

    bad = np.flatnonzero((j < 0) | (j >= n))
    if bad.size:
        k = bad[0]
        _fail("bad-job", f"attempt {k} names job {j[k]}, but the instance has jobs 0..{n - 1}",
              job=j[k])
    bad = np.flatnonzero(a < 0)
    if bad.size:
        k = bad[0]
        _fail("negative-start", f"job {j[k]}: attempt starts at negative step {a[k]}",
              job=j[k], step=a[k], amount=a[k])
    if instance.has_releases:
        rj = instance.r[j]
        bad = np.flatnonzero(a < rj)
        if bad.size:
            k = bad[0]
            _fail("before-release", f"job {j[k]}: attempt starts at step {a[k]}, before its "
                  f"release date r = {rj[k]} (by {rj[k] - a[k]})", job=j[k], step=a[k],
                  amount=rj[k] - a[k])
    bad = np.flatnonzero(d < 1)
    if bad.size:
        k = bad[0]
        _fail("bad-length", f"job {j[k]}: attempt at step {a[k]} runs {d[k]} steps (< 1)",
              job=j[k], step=a[k], amount=d[k])
    o = instance.o[j]
    bad = np.flatnonzero(d > o)
    if bad.size:
        k = bad[0]
        _fail("too-long", f"job {j[k]}: attempt at step {a[k]} runs {d[k]} steps, longer than "
              f"its output length o = {o[k]} (by {d[k] - o[k]})", job=j[k], step=a[k],
              amount=d[k] - o[k])

    # Overlap: sort by (job, start); consecutive attempts of one job must not intersect.
    span = int(a.max()) + 1
    if n * span < 2**62:        # one int64 key sorts faster than lexsort
        order = np.argsort(j * span + a, kind="stable")
    else:
        order = np.lexsort((a, j))
    js, as_, ds = j[order], a[order], d[order]
    same = js[1:] == js[:-1]
    overlap = same & (as_[1:] < as_[:-1] + ds[:-1])
    bad = np.flatnonzero(overlap)
    if bad.size:
        k = bad[0]
        _fail("overlap", f"job {js[k]}: attempt at step {as_[k + 1]} starts while its attempt "
              f"from step {as_[k]} runs until step {as_[k] + ds[k] - 1} "
              f"(overlap {as_[k] + ds[k] - as_[k + 1]} steps)", job=js[k], step=as_[k + 1],
              amount=as_[k] + ds[k] - as_[k + 1])

    # Completion: exactly one attempt with d == o_i per job, and it is the job's last.
    full = ds == instance.o[js]
    ncomp = np.bincount(js[full], minlength=n)
    bad = np.flatnonzero(ncomp == 0)
    if bad.size:
        _fail("not-completed", f"job {bad[0]} is never completed (no attempt runs its "
              f"o = {instance.o[bad[0]]} steps)", job=bad[0])
    bad = np.flatnonzero(ncomp > 1)
    if bad.size:
        i = bad[0]
        steps = as_[full & (js == i)]
        _fail("completed-twice", f"job {i} is completed {ncomp[i]} times (attempts at steps "
              f"{steps[:3].tolist()})", job=i, step=steps[1], amount=ncomp[i])
    after = np.zeros(len(js), dtype=bool)
    after[1:] = same & full[:-1]   # the attempt following a completing one, same job
    bad = np.flatnonzero(after)
    if bad.size:
        k = bad[0]
        _fail("after-completion", f"job {js[k]}: attempt at step {as_[k]} starts after the job "
              f"completed at step {as_[k - 1] + ds[k - 1]}", job=js[k], step=as_[k])

    completion = np.empty(n, dtype=np.int64)
    completion[js[full]] = as_[full] + ds[full]

    # Memory: vectorised profile over the whole horizon.
    mem = memory_profile(schedule, instance.s)
    over = np.flatnonzero(mem > M)
    if over.size:
        t = over[0]
        running = np.flatnonzero((a <= t) & (t < a + d))
        held = instance.s[j[running]] + (t - a[running] + 1)
        top = running[np.argsort(-held, kind="stable")[:3]]
        who = ", ".join(f"job {j[k]} holds {instance.s[j[k]] + t - a[k] + 1}" for k in top)
        _fail("memory", f"step {t}: memory {mem[t]} exceeds M = {M} by {mem[t] - M} "
              f"({len(running)} attempts running; {who})", job=j[top[0]], step=t,
              amount=mem[t] - M)

    killed = ~full
    makespan = int(completion.max())
    latency = completion - instance.r
    latency.setflags(write=False)
    return Report(objective=int(completion.sum()), completion=completion, makespan=makespan,
                  attempts=int(len(j)), restarts=int(killed.sum()),
                  wasted_tokens=int(ds[killed].sum()),
                  peak_memory=int(mem.max()) if mem.size else 0,
                  mean_utilisation=float(mem.sum() / (M * max(makespan, 1))),
                  n=n, M=M, flow_time=int(latency.sum()), latency=latency)


def is_feasible(schedule: Schedule, instance: Instance) -> bool:
    try:
        check(schedule, instance)
        return True
    except InfeasibleScheduleError:
        return False
