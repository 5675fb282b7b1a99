"""The non-clairvoyant interface: an execution engine that reveals completions only.

A non-clairvoyant scheduler receives a :class:`CompletionOracle`, never the instance. It
sees ``n`` and ``M``, and ``s_i`` (and ``r_i``) of the jobs that have arrived; it may start
attempts of arrived jobs (optionally with a step ``limit`` after which the engine kills
the attempt), kill running attempts now, and advance the clock. Advancing reports exactly
what a real serving system would: the attempts that have just completed or hit their
limit, and the jobs that have just arrived. The output lengths (and the future jobs) live
in a closure the scheduler cannot reach, and the schedule is recorded by the engine from
the calls, so the scheduler cannot report attempts it did not make.

Every call is appended to :attr:`CompletionOracle.decisions`; two instances that agree on
``s``, ``M`` and on everything revealed up to time ``T`` must yield the same decisions up
to ``T`` (tested in ``tests/test_nonclairvoyance.py`` and ``tests/test_arrivals.py``).

API (release dates, issue 15)
-----------------------------
Job ``i`` is unknown to the scheduler before its release date ``r_i`` (an instance
without release dates has ``r = 0``: every job has arrived at construction, no arrival
event ever occurs, and everything below reduces to the batch engine bit for bit).

* ``oracle.arrived`` -- read-only bool array, ``arrived[i] = (r_i <= now)``; a live view
  (it changes as the clock advances). ``oracle.n_arrived`` counts it.
* ``oracle.s`` / ``oracle.r`` -- read-only int64 live views; entries of jobs not yet
  arrived read ``-1`` (unknown), arrived entries are the true ``s_i`` / ``r_i``. A
  scheduler that snapshots them (``oracle.s.tolist()``) must re-read after arrivals.
* ``oracle.n`` -- the number of jobs (the index space) is public.
* ``oracle.all_arrived`` -- True once no job is still to come (``n_arrived == n``).
* ``advance(until)`` stops at the first step in ``(now, until]`` at which an attempt ends
  *or a job arrives*, and returns the events there, sorted by job: attempt ends as before
  (``Event.arrival is False``) and one ``Event(time=r_i, job=i, start=r_i,
  completed=False, arrival=True)`` per job arriving then. ``advance()`` (no target) with
  nothing running waits for the next arrival; only with nothing running and nothing to
  come is it an error. Filter with ``e.arrival`` before treating an event as an attempt end.
* ``start(job, at)`` refuses a job that has not arrived by ``now`` (``OracleError``);
  an arrived job may be started at any ``at >= now`` (then ``at >= r_i`` holds).
* ``oracle.arrivals_at(t)`` is not offered: nothing about a job is known before ``r_i``.
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
    (``completed``) or was killed at its limit after ``time - start`` steps. With
    ``arrival=True`` instead: job ``job`` was released at ``time`` (``start = time``,
    ``completed = False``)."""

    time: int
    job: int
    start: int
    completed: bool
    arrival: bool = False     # True: job ``job`` was released at ``time`` (no attempt)


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

    __slots__ = ("s", "r", "M", "n", "_run", "_now", "_heap", "_running", "_done", "_seq",
                 "_attempts", "decisions", "_live", "_arrived", "arrived", "_reveal",
                 "_arrival_times", "_arrival_order", "_next_arrival")

    def __init__(self, instance: Instance):
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
        r = instance.r
        self._next_arrival = 0
        if not r.any():
            # batch setting: every job is known at step 0, exactly the engine without dates
            self.s: np.ndarray = instance.s          # read-only array
            self.r: np.ndarray = r
            self._arrived = np.ones(self.n, dtype=bool)
            self._arrival_order = self._arrival_times = np.zeros(0, dtype=np.int64)
            self._reveal = None
        else:
            self._arrival_order = np.argsort(r, kind="stable")
            self._arrival_times = r[self._arrival_order]
            s_buf = np.full(self.n, -1, dtype=np.int64)
            r_buf = np.full(self.n, -1, dtype=np.int64)
            self._arrived = np.zeros(self.n, dtype=bool)
            s_full, r_full = instance.s, r             # reachable only through the closure

            def reveal(jobs: np.ndarray) -> None:
                s_buf[jobs] = s_full[jobs]
                r_buf[jobs] = r_full[jobs]

            self._reveal = reveal
            self.s = s_buf.view()
            self.s.setflags(write=False)
            self.r = r_buf.view()
            self.r.setflags(write=False)
        self.arrived: np.ndarray = self._arrived.view()
        self.arrived.setflags(write=False)
        self._arrive(0)

    def _arrive(self, t: int) -> np.ndarray:
        """Release every job with ``r_i <= t`` not yet released; return them by index."""
        times = self._arrival_times
        k = self._next_arrival
        if k >= len(times) or times[k] > t:
            return np.zeros(0, dtype=np.int64)
        k2 = int(np.searchsorted(times, t, side="right"))
        jobs = np.sort(self._arrival_order[k:k2])
        self._next_arrival = k2
        self._reveal(jobs)
        self._arrived[jobs] = True
        return jobs

    def _next_release(self) -> int | None:
        """The next release date after ``now`` (engine-internal; never exposed)."""
        k = self._next_arrival
        return int(self._arrival_times[k]) if k < len(self._arrival_times) else None

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

    @property
    def n_arrived(self) -> int:
        return self.n if self._reveal is None else int(self._next_arrival)

    @property
    def all_arrived(self) -> bool:
        """Whether every job has been released (no job is still to come)."""
        return self.n_arrived == self.n

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
        if not self._arrived[job]:
            raise OracleError(f"job {job} has not arrived by step {self._now}: it cannot "
                              f"start before its release date")
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
        """Move the clock to the first step in ``(now, until]`` at which an attempt ends or
        a job arrives and return the events there (sorted by job; arrivals are events with
        ``arrival=True``); with none, move to ``until`` and return ``[]``. ``until=None``
        means: to the next event, whenever it is."""
        if until is not None and until < self._now:
            raise OracleError(f"cannot advance to step {until} < now = {self._now}")
        heap = self._heap
        while heap and heap[0][1] not in self._live:
            heapq.heappop(heap)
        t_end = heap[0][0] if heap else None
        t_arr = self._next_release() if self._reveal is not None else None
        if t_arr is not None and (t_end is None or t_arr < t_end):
            t = t_arr
        else:
            t = t_end
        if t is None or (until is not None and t > until):
            if until is None:
                raise OracleError("advance() with nothing running, no job to come and no "
                                  "target step")
            self._now = until
            self.decisions.append(("advance", until, until, ()))
            return []
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
        if t_arr == t:
            events.extend(Event(t, j, t, False, True) for j in self._arrive(t).tolist())
        events.sort(key=lambda e: (e.job, e.arrival))
        self._now = t
        self.decisions.append(("advance", until, t, tuple(
            (e.job, "arrived") if e.arrival else (e.job, e.completed) for e in events)))
        return events

    def run_to_completion(self) -> list[Event]:
        """Advance until nothing is running; return all events (convenience; arrivals met
        on the way are among them)."""
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
