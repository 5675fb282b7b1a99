"""The common interface of every scheduler, and the one way to run one.

A scheduler is a function registered with :func:`register`:

* clairvoyant: ``f(instance, **params) -> AlgorithmOutput`` (may read ``instance.o``);
* non-clairvoyant: ``f(oracle, **params) -> AlgorithmOutput`` where ``oracle`` is a
  :class:`~kvsched.oracle.CompletionOracle`; it never sees ``o``, and its schedule is
  taken from the oracle's record, not from what it returns.

:func:`run_algorithm` runs it and passes the schedule through the independent checker;
nothing reaches a report without that check. Round instrumentation (for the bounds
module) is completed from the checked memory profile.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..checker import Report, check
from ..instance import Instance
from ..oracle import CompletionOracle
from ..schedule import Schedule, memory_profile


@dataclass
class RoundRecord:
    """One round (phase) of a round-based algorithm: steps ``start .. end-1``, the budget
    ``tau_k`` (slice or length class), jobs attempted and finished, peak memory and wasted
    tokens in the round. ``peak_memory`` is filled from the checked profile when ``None``."""

    k: int
    start: int
    end: int
    budget: int
    attempted: int
    finished: int
    peak_memory: int | None = None
    wasted_tokens: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"k": self.k, "start": self.start, "end": self.end, "budget": self.budget,
                "attempted": self.attempted, "finished": self.finished,
                "peak_memory": self.peak_memory, "wasted_tokens": self.wasted_tokens,
                **({"extra": self.extra} if self.extra else {})}


@dataclass
class AlgorithmOutput:
    """What a scheduler returns. ``schedule`` is required of clairvoyant schedulers and
    ignored for non-clairvoyant ones (the oracle's record is used instead)."""

    schedule: Schedule | None = None
    rounds: list[RoundRecord] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlgorithmSpec:
    name: str
    func: Callable[..., AlgorithmOutput]
    clairvoyant: bool
    description: str
    defaults: dict[str, Any]

    def accepts(self, param: str) -> bool:
        """Whether the scheduler takes the keyword ``param`` (e.g. ``"alpha"``)."""
        return param in inspect.signature(self.func).parameters


REGISTRY: dict[str, AlgorithmSpec] = {}


def register(name: str, *, clairvoyant: bool, description: str, **defaults: Any):
    """Decorator adding a scheduler to :data:`REGISTRY` under ``name``."""

    def deco(func: Callable[..., AlgorithmOutput]):
        if name in REGISTRY:
            raise ValueError(f"algorithm {name!r} registered twice")
        REGISTRY[name] = AlgorithmSpec(name, func, clairvoyant, description, dict(defaults))
        return func

    return deco


@dataclass
class RunResult:
    """A scheduler's checked run: its schedule, the checker's report and instrumentation."""

    algorithm: str
    params: dict[str, Any]
    schedule: Schedule
    report: Report
    rounds: list[RoundRecord]
    info: dict[str, Any]

    @property
    def objective(self) -> int:
        return self.report.objective


def get_algorithm(name: str) -> AlgorithmSpec:
    from ..errors import KvschedError
    if name not in REGISTRY:
        raise KvschedError(f"unknown algorithm {name!r}; choose from {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name]


def run_algorithm(name: str, instance: Instance, **params: Any) -> RunResult:
    """Run the registered scheduler ``name`` on ``instance`` and check its schedule."""
    spec = get_algorithm(name)
    p = {**spec.defaults, **params}
    if spec.clairvoyant:
        out = spec.func(instance, **p)
        if out.schedule is None:
            raise RuntimeError(f"clairvoyant algorithm {name} returned no schedule")
        schedule = out.schedule
    else:
        oracle = CompletionOracle(instance)
        out = spec.func(oracle, **p)
        schedule = oracle.schedule()
    report = check(schedule, instance)
    if out.rounds and any(r.peak_memory is None for r in out.rounds):
        mem = memory_profile(schedule, instance.s)
        for r in out.rounds:
            if r.peak_memory is None:
                seg = mem[r.start:r.end]
                r.peak_memory = int(seg.max()) if seg.size else 0
    return RunResult(name, p, schedule, report, out.rounds, out.info)
