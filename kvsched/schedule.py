"""Schedules: lists of attempts ``(job, start, steps)`` and their memory profile.

An attempt of job ``i`` starting at step ``a`` and running ``d`` steps occupies steps
``a .. a+d-1`` and holds ``s_i + j`` memory during its ``j``-th step (SPEC section 2).
If ``d = o_i`` it completes the job at ``C_i = a + o_i``; if ``d < o_i`` it is a kill.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np


def _ro(a) -> np.ndarray:
    arr = np.ascontiguousarray(a, dtype=np.int64).reshape(-1)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class Schedule:
    """Parallel int64 arrays ``job``, ``start``, ``steps``, one entry per attempt."""

    job: np.ndarray
    start: np.ndarray
    steps: np.ndarray

    def __post_init__(self) -> None:
        j, a, d = _ro(self.job), _ro(self.start), _ro(self.steps)
        if not (len(j) == len(a) == len(d)):
            raise ValueError("job, start and steps must have equal length")
        object.__setattr__(self, "job", j)
        object.__setattr__(self, "start", a)
        object.__setattr__(self, "steps", d)

    @classmethod
    def from_attempts(cls, attempts: Iterable[Sequence[int]]) -> "Schedule":
        """From an iterable of ``(job, start, steps)`` triples."""
        arr = np.asarray(list(attempts), dtype=np.int64).reshape(-1, 3)
        return cls(arr[:, 0], arr[:, 1], arr[:, 2])

    @classmethod
    def concat(cls, parts: Sequence["Schedule"]) -> "Schedule":
        if not parts:
            return cls.from_attempts([])
        return cls(np.concatenate([p.job for p in parts]),
                   np.concatenate([p.start for p in parts]),
                   np.concatenate([p.steps for p in parts]))

    def __len__(self) -> int:
        return int(len(self.job))

    @property
    def end(self) -> np.ndarray:
        """First step after each attempt: ``start + steps``."""
        return self.start + self.steps

    def attempts(self) -> list[tuple[int, int, int]]:
        return list(zip(self.job.tolist(), self.start.tolist(), self.steps.tolist()))

    def sorted(self) -> "Schedule":
        """Attempts ordered by (start, job): a canonical form for comparing schedules."""
        order = np.lexsort((self.steps, self.job, self.start))
        return Schedule(self.job[order], self.start[order], self.steps[order])

    def shifted(self, delta: int) -> "Schedule":
        return Schedule(self.job, self.start + delta, self.steps)

    def to_dict(self) -> dict:
        return {"attempts": [list(t) for t in self.attempts()]}

    @classmethod
    def from_dict(cls, d: dict) -> "Schedule":
        return cls.from_attempts(d["attempts"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schedule):
            return NotImplemented
        a, b = self.sorted(), other.sorted()
        return (np.array_equal(a.job, b.job) and np.array_equal(a.start, b.start)
                and np.array_equal(a.steps, b.steps))

    __hash__ = None  # type: ignore[assignment]


def memory_profile(schedule: Schedule, s: np.ndarray, horizon: int | None = None) -> np.ndarray:
    """Memory held at every step ``t = 0 .. horizon-1`` (default: the makespan).

    Vectorised with two difference arrays: during an attempt ``(i, a, d)`` the memory at
    step ``t`` is ``(s_i - a + 1) + t``, so ``mem[t] = K[t] + t * N[t]`` where ``K`` sums
    ``s_i - a + 1`` and ``N`` counts the attempts running at ``t``. Cost O(attempts + horizon).
    Attempts must have ``start >= 0`` and ``steps >= 1`` (the checker ensures this first).
    """
    a, d = schedule.start, schedule.steps
    end = a + d
    H = int(end.max()) if len(a) else 0
    if horizon is None:
        horizon = H
    size = max(horizon, H) + 1
    const = s[schedule.job] - a + 1
    K = np.zeros(size, dtype=np.int64)
    N = np.zeros(size, dtype=np.int64)
    np.add.at(K, a, const)
    np.add.at(K, end, -const)
    N += np.bincount(a, minlength=size)
    N -= np.bincount(end, minlength=size)
    np.cumsum(K, out=K)
    np.cumsum(N, out=N)
    mem = K + np.arange(size, dtype=np.int64) * N
    return mem[:horizon]


def memory_profile_reference(schedule: Schedule, s: Sequence[int], horizon: int) -> list[int]:
    """Plain per-step reference used only to test :func:`memory_profile`."""
    mem = [0] * horizon
    for i, a, d in schedule.attempts():
        for j in range(1, d + 1):
            t = a + j - 1
            if t < horizon:
                mem[t] += int(s[i]) + j
    return mem
