"""The non-clairvoyant interface: an execution engine that reveals completions only.

A non-clairvoyant scheduler receives a :class:`CompletionOracle`, never the instance. It
sees ``s``, ``M`` and ``n``; it may start attempts (optionally with a step ``limit`` after
which the engine kills the attempt), kill running attempts now, and advance the clock.
Advancing reports exactly what a real serving system would: the attempts that have just
completed or hit their limit. The output lengths live in a closure the scheduler cannot
reach, and the schedule is recorded by the engine from the calls, so the scheduler cannot
report attempts it did not make.

Every call is appended to :attr:`CompletionOracle.decisions`; two instances that agree on
``s``, ``M`` and on everything revealed up to time ``T`` must yield the same decisions up
to ``T`` (tested in ``tests/test_nonclairvoyance.py``).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .errors import OracleError
from .instance import Instance
from .schedule import Schedule


@dataclass(frozen=True)
class Event:
    """At step ``time`` the attempt of ``job`` started at ``start`` ended: it completed
    (``completed``) or was killed at its limit after ``time - start`` steps."""

    time: int
    job: int
    start: int
    completed: bool


def _length_oracle(o: np.ndarray) -> Callable[[int, int | None], tuple[int, bool]]:
    """Closure answering: an attempt of ``job`` with ``limit`` runs how long, completes?"""
    o = np.array(o, dtype=np.int64)

    def run(job: int, limit: int | None) -> tuple[int, bool]:
        oi = int(o[job])
        if limit is None or oi <= limit:
            return oi, True
        return int(limit), False

    return run


class CompletionOracle:
    """Execution engine for non-clairvoyant schedulers (see module docstring)."""

    __slots__ = ("s", "M", "n", "_run", "_now", "_heap", "_running", "_done", "_seq",
                 "_attempts", "decisions", "_live")

    def __init__(self, instance: Instance):
        self.s: np.ndarray = instance.s          # read-only array
        self.M: int = instance.M
        self.n: int = instance.n
        self._run = _length_oracle(instance.o)
        self._now = 0
        self._heap: list[tuple[int, int, int]] = []   # (end, seq, job)
        self._running: dict[int, tuple[int, int, bool, int]] = {}  # job -> (start, end, completes, seq)
        self._live: set[int] = set()
        self._done = np.zeros(self.n, dtype=bool)
        self._seq = 0
        self._attempts: list[tuple[int, int, int]] = []
        self.decisions: list[tuple] = []

    # -- what the scheduler may read --------------------------------------------------------
    @property
    def now(self) -> int:
        return self._now

    def is_done(self, job: int) -> bool:
        return bool(self._done[job])

    @property
    def done(self) -> np.ndarray:
        d = self._done.copy()
        d.setflags(write=False)
        return d

    @property
    def n_done(self) -> int:
        return int(self._done.sum())

    def running(self) -> dict[int, int]:
        """``job -> start`` of the attempts started and not yet ended."""
        return {j: v[0] for j, v in self._running.items()}

    # -- what the scheduler may do ----------------------------------------------------------
    def start(self, job: int, at: int | None = None, limit: int | None = None) -> None:
        """Start an attempt of ``job`` at step ``at >= now`` (default now). With ``limit``,
        the engine kills it after ``limit`` steps unless it has completed by then."""
        job = int(job)
        at = self._now if at is None else int(at)
        if not 0 <= job < self.n:
            raise OracleError(f"job {job} does not exist")
        if at < self._now:
            raise OracleError(f"job {job}: cannot start at step {at} < now = {self._now}")
        if self._done[job]:
            raise OracleError(f"job {job} is already completed")
        if job in self._running:
            raise OracleError(f"job {job} already has a running attempt")
        if limit is not None and int(limit) < 1:
            raise OracleError(f"job {job}: limit {limit} must be >= 1")
        length, completes = self._run(job, None if limit is None else int(limit))
        seq = self._seq
        self._seq += 1
        self._running[job] = (at, at + length, completes, seq)
        self._live.add(seq)
        heapq.heappush(self._heap, (at + length, seq, job))
        self.decisions.append(("start", job, at, limit))

    def kill(self, job: int) -> None:
        """Kill the running attempt of ``job`` now (an attempt not yet begun is cancelled)."""
        job = int(job)
        if job not in self._running:
            raise OracleError(f"job {job} has no running attempt to kill")
        start, _end, _c, seq = self._running.pop(job)
        self._live.discard(seq)
        if self._now > start:
            self._attempts.append((job, start, self._now - start))
        self.decisions.append(("kill", job, self._now))

    def advance(self, until: int | None = None) -> list[Event]:
        """Move the clock to the first attempt end in ``(now, until]`` and return the events
        there (sorted by job); with none, move to ``until`` and return ``[]``. ``until=None``
        means: to the next event, whenever it is."""
        if until is not None and until < self._now:
            raise OracleError(f"cannot advance to step {until} < now = {self._now}")
        heap = self._heap
        while heap and heap[0][1] not in self._live:
            heapq.heappop(heap)
        if not heap or (until is not None and heap[0][0] > until):
            if until is None:
                raise OracleError("advance() with nothing running and no target step")
            self._now = until
            self.decisions.append(("advance", until, until, ()))
            return []
        t = heap[0][0]
        events = []
        while heap and heap[0][0] == t:
            _, seq, job = heapq.heappop(heap)
            if seq not in self._live:
                continue
            self._live.discard(seq)
            start, end, completes, _ = self._running.pop(job)
            self._attempts.append((job, start, end - start))
            if completes:
                self._done[job] = True
            events.append(Event(t, job, start, completes))
        events.sort(key=lambda e: e.job)
        self._now = t
        self.decisions.append(("advance", until, t, tuple((e.job, e.completed) for e in events)))
        return events

    def run_to_completion(self) -> list[Event]:
        """Advance until nothing is running; return all events (convenience)."""
        out: list[Event] = []
        while self._running:
            out.extend(self.advance())
        return out

    # -- the record ---------------------------------------------------------------------------
    def schedule(self) -> Schedule:
        """The attempts made so far (all must have ended)."""
        if self._running:
            raise OracleError(f"{len(self._running)} attempts still running "
                              f"(e.g. job {next(iter(self._running))})")
        return Schedule.from_attempts(self._attempts)
