"""The instances the ledger's empirical checks run on: structured families (deterministic,
the default evidence) and a seeded random mix (optional extra evidence).

The default suite does not depend on any seed: a lemma's status must not flip with
``--seed`` or the number of random instances (issue 16). It holds the shapes that stress
each lemma: hand-made edge cases, small random instances with exact optima (fixed seeds),
large-memory instances (``max(s+o)/M <= 0.06``), half-memory jobs (``s = M/2``: no two
overlap, so a round of area ``M tau`` needs ``~2 tau`` steps), many tiny jobs, full
geometric classes (every round area-bound, jobs as long as their budget), *blocker mixes*
(prompts ``0`` or ``M - o_i``: long thin jobs interleaved with jobs that need almost all
memory; they make GBA's staggered rounds last far longer than ``2 tau_k``) and Azure trace
samples when the trace is present (``../shared/traces``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from kvsched.algorithms.pipeline import geometric_budgets
from kvsched.defaults import hand_made, random_instance
from kvsched.instance import Instance
from kvsched.loaders import load_azure_trace

# the Azure conversation trace, laid next to the repository (as CI does: ../shared/traces)
TRACE = (Path(__file__).resolve().parent.parent.parent / "shared" / "traces"
         / "AzureLLMInferenceTrace_conv.csv")
LARGE_REGIME_MAX_RATIO = 0.1     # instances used for the large-memory lemmas (finite form)


def budget_rule(alpha: float, count: int) -> list[int]:
    """``tau_0 .. tau_{count-1}`` of GBA/GSA: the implementation's rule
    (``kvsched.algorithms.pipeline.geometric_budgets``)."""
    return geometric_budgets(alpha, count)


def half_memory(n: int, M: int = 20) -> Instance:
    """``n`` jobs with ``s = M/2``, ``o = 1``: no two can overlap, yet their area is only
    about ``M/2``: a round with area budget ``M tau`` needs ``~2 tau`` steps."""
    return Instance(s=[M // 2] * n, o=[1] * n, M=M, name=f"half-memory-n{n}-M{M}")


def many_tiny(n: int, M: int = 20) -> Instance:
    """``n`` jobs with ``s = 0``, ``o = 1``: OPT runs ``M`` of them per step."""
    return Instance(s=[0] * n, o=[1] * n, M=M, name=f"many-tiny-n{n}-M{M}")


def geometric_classes(alpha: float, M: int, K: int) -> Instance:
    """For each budget ``tau_k`` (k < K) of GBA(alpha): ``2M/(tau_k+1)`` jobs with ``s = 0``,
    ``o = tau_k`` (class area ~ ``M tau_k``): every round is full and its jobs are as long
    as its budget, the hardest case for a round length bound ``c(alpha) tau_k``."""
    o: list[int] = []
    for t in budget_rule(alpha, K):
        o += [t] * int(2 * M // (t + 1))
    return Instance(s=[0] * len(o), o=o, M=M, name=f"classes-a{alpha:g}-M{M}-K{K}")


def large_memory_instance(n: int, seed: int, M: int = 400) -> Instance:
    rng = np.random.default_rng(seed)
    o = rng.integers(1, 17, size=n)
    s = rng.integers(0, 9, size=n)
    return Instance(s=s, o=o, M=M, name=f"large-n{n}-M{M}-seed{seed}")


def blocker_mix(n: int, M: int, seed: int) -> Instance:
    """``n`` jobs, ``o`` uniform in ``[1, M-1]``; 40 % have ``s = 0`` (long and thin), 40 %
    ``s = M - o`` (they need all memory at their last step), the rest a random prompt."""
    rng = np.random.default_rng(seed)
    o = rng.integers(1, M, size=n)
    u = rng.random(size=n)
    s = np.where(u < 0.4, 0, np.where(u < 0.8, M - o, rng.integers(0, M - o + 1)))
    return Instance(s=s, o=o, M=M, name=f"blockers-n{n}-M{M}-seed{seed}")


def trace_instance(n: int, seed: int, M: int) -> Instance | None:
    if not TRACE.exists():
        return None
    inst = load_azure_trace(TRACE, M, sample=n, seed=seed, drop_oversized=True)
    return Instance(s=inst.s, o=inst.o, M=M, name=f"trace-n{inst.n}-M{M}-seed{seed}")


def default_suite() -> list[tuple[str, Instance]]:
    """The structured suite: fixed, seed-free, every family of the module docstring."""
    out: list[tuple[str, Instance | None]] = [("hand-made", i) for i in hand_made()]
    out += [("random-small", random_instance(4 + r % 4, 7919 * 11 + r, M=[10, 20, 40][r % 3],
                                             o_max=[4, 8, 12][r % 3])) for r in range(6)]
    out += [("large-memory", large_memory_instance(20 + 10 * r, 7919 * 13 + r))
            for r in range(4)]
    out += [("half-memory", half_memory(n)) for n in (4, 7, 10, 13)]
    out += [("many-tiny", many_tiny(n)) for n in (120, 360)]
    out += [("geometric-classes", geometric_classes(a, 600, 4)) for a in (2.0, 3.0, 4.0)]
    out += [("blockers", blocker_mix(n, M, 101 + r)) for r, (n, M) in
            enumerate([(22, 26), (28, 30), (34, 44), (36, 39), (24, 60), (40, 80)])]
    out += [("trace", trace_instance(n, 1000 + r, 8192)) for r, n in enumerate((12, 18, 24))]
    out += [("trace-large", trace_instance(40, 2000 + r, 1 << 17)) for r in range(2)]
    return [(f, i) for f, i in out if i is not None]


def random_suite(count: int, seed: int) -> list[tuple[str, Instance]]:
    """``count`` seeded instances, round-robin over the families (extra evidence; the
    statuses must not depend on it)."""
    hand = hand_made()
    makers: list[Callable[[int], tuple[str, Instance | None]]] = [
        lambda r: ("hand-made", hand[r % len(hand)]),
        lambda r: ("random-small", random_instance(4 + r % 4, seed * 7919 + r,
                                                   M=[10, 20, 40][r % 3],
                                                   o_max=min([4, 8, 12][(r // 3) % 3],
                                                             [10, 20, 40][r % 3]))),
        lambda r: ("large-memory", large_memory_instance(20 + 10 * (r % 4), seed * 7919 + r)),
        lambda r: ("half-memory", half_memory(4 + 3 * (r % 4))),
        lambda r: ("many-tiny", many_tiny(120 * (1 + r % 3))),
        lambda r: ("random-small", random_instance(5 + r % 3, seed * 7919 + 1000 + r,
                                                   M=20, o_max=8)),
        lambda r: ("trace", trace_instance(12 + 6 * (r % 3), seed * 7919 + r, 8192)),
        lambda r: ("blockers", blocker_mix(20 + 4 * (r % 5), 20 + 10 * (r % 4),
                                           seed * 7919 + 500 + r)),
        lambda r: ("trace-large", trace_instance(40, seed * 7919 + r, 1 << 17)),
        lambda r: ("geometric-classes", geometric_classes([3.0, 2.0, 4.0][r % 3], 600, 4)),
    ]
    out: list[tuple[str, Instance]] = []
    r = 0
    while len(out) < count:
        fam, inst = makers[r % len(makers)](r // len(makers))
        if inst is not None:
            out.append((fam, inst))
        r += 1
    return out


def instance_suite(count: int, seed: int) -> list[tuple[str, Instance]]:
    """Former name of :func:`random_suite`."""
    return random_suite(count, seed)
