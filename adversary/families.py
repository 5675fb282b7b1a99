"""Structured instance families aimed at the known weak points of geometric schedulers.

Each generator ``f(rng, space, n) -> Instance`` draws an instance with exactly ``n`` jobs
(``1 <= n <= space.n``) from a seeded ``numpy.random.Generator`` and returns it repaired
into the :class:`~adversary.space.Space`. They seed random restarts of the search.

* :func:`slice_edge` -- outputs just above a slice, ``o = tau_k + 1`` (or +2):
  a non-clairvoyant slicer runs the job for the whole slice ``~alpha^k``, kills it, and
  redoes everything in the next round; this maximises restart waste (the ``2a`` factor of
  SPEC section 4).
* :func:`huge_prompts` -- a few jobs with ``s + o = M`` and tiny ``o`` mixed with many small
  jobs: selecting by length class alone lets them block everyone (SPEC section 3).
* :func:`identical` -- ``n`` copies of one job: no ordering to exploit, only packing.
* :func:`tiny_jobs` -- many small jobs with small ``max(s+o)/M`` (the large-memory limit).
* :func:`long_and_short` -- one or two jobs of maximal length beside unit jobs.
* :func:`uniform` -- ``o ~ U[1, o_max]``, ``s ~ U[0, cap - o]``, ``M ~ U[M_min, M_max]``.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from kvsched import Instance

from .space import Space

Generator = Callable[[np.random.Generator, Space, int], Instance]


def _budget(rng: np.random.Generator, space: Space) -> int:
    return int(rng.integers(space.M_min, space.M_max + 1))


def uniform(rng: np.random.Generator, space: Space, n: int) -> Instance:
    """``M ~ U[M_min, M_max]``, ``o ~ U[1, min(o_max, cap)]``, ``s ~ U[0, cap - o]``."""
    M = _budget(rng, space)
    cap = max(space.cap(M), 1)
    o = rng.integers(1, min(space.o_max, cap) + 1, size=n)
    s = rng.integers(0, cap - o + 1)
    return space.repair(s, o, M)


def slice_lengths(alpha: float, limit: int) -> list[int]:
    """Every integer a slice ``tau_k ~ alpha^k`` may be rounded to, up to ``limit``:
    ``floor(alpha^k)``, ``ceil(alpha^k)`` and the strictly increasing
    ``tau_k = max(tau_{k-1} + 1, ceil(alpha^k))`` (so any consistent rounding is covered)."""
    out: set[int] = set()
    prev, k = 0, 0
    while True:
        x = alpha ** k
        tau = max(prev + 1, math.ceil(x - 1e-9))
        if min(tau, math.floor(x + 1e-9)) > limit:
            return sorted(v for v in out if 1 <= v <= limit)
        out.update((math.floor(x + 1e-9), math.ceil(x - 1e-9), tau))
        prev, k = tau, k + 1


def slice_edge(rng: np.random.Generator, space: Space, n: int) -> Instance:
    """``o_i = tau + delta_i``, ``delta_i in {1, 2}``, ``tau`` uniform over
    :func:`slice_lengths` below ``o_max``; prompts zero or small. An attempt in a slice of
    ``tau < o_i`` steps is killed at its end: restart waste is maximal."""
    taus = np.array(slice_lengths(space.alpha, space.o_max - 1) or [1])
    M = _budget(rng, space)
    o = rng.choice(taus, size=n) + rng.integers(1, 3, size=n)
    cap = max(space.cap(M), 1)
    s = np.where(rng.random(n) < 0.5, 0, rng.integers(0, max(cap // 4, 1) + 1, size=n))
    return space.repair(s, o, M)


def huge_prompts(rng: np.random.Generator, space: Space, n: int) -> Instance:
    """``h = 1..max(1, n//3)`` jobs with ``o in {1, 2}`` and ``s = cap - o`` (they fill the
    memory alone) plus ``n - h`` small jobs (``s = 0``, short ``o``)."""
    M = _budget(rng, space)
    cap = max(space.cap(M), 1)
    h = int(rng.integers(1, max(1, n // 3) + 1))
    o = np.empty(n, dtype=np.int64)
    s = np.empty(n, dtype=np.int64)
    o[:h] = rng.integers(1, 3, size=h)
    s[:h] = cap - o[:h]
    o[h:] = rng.integers(1, max(2, min(space.o_max, cap) // 3) + 1, size=n - h)
    s[h:] = 0
    perm = rng.permutation(n)
    return space.repair(s[perm], o[perm], M)


def identical(rng: np.random.Generator, space: Space, n: int) -> Instance:
    """``n`` copies of one uniformly drawn job."""
    one = uniform(rng, space, 1)
    return space.repair(np.repeat(one.s, n), np.repeat(one.o, n), one.M)


def tiny_jobs(rng: np.random.Generator, space: Space, n: int) -> Instance:
    """The large-memory limit: ``M`` near ``M_max`` and jobs with ``s + o <= M / 8`` (or
    the regime's cap if smaller)."""
    M = int(rng.integers(max(space.M_min, (3 * space.M_max) // 4), space.M_max + 1))
    cap = max(1, min(space.cap(M), M // 8))
    o = rng.integers(1, min(space.o_max, cap) + 1, size=n)
    s = rng.integers(0, cap - o + 1)
    return space.repair(s, o, M)


def long_and_short(rng: np.random.Generator, space: Space, n: int) -> Instance:
    """One or two jobs with the longest allowed output beside jobs with ``o = 1``."""
    M = _budget(rng, space)
    cap = max(space.cap(M), 1)
    L = min(space.o_max, cap)
    k = int(rng.integers(1, min(2, n) + 1))
    o = np.ones(n, dtype=np.int64)
    o[:k] = L
    s = rng.integers(0, cap - o + 1)
    perm = rng.permutation(n)
    return space.repair(s[perm], o[perm], M)


FAMILIES: dict[str, Generator] = {
    "uniform": uniform,
    "slice_edge": slice_edge,
    "huge_prompts": huge_prompts,
    "identical": identical,
    "tiny_jobs": tiny_jobs,
    "long_and_short": long_and_short,
}


def draw(rng: np.random.Generator, space: Space, family: str | None = None) -> tuple[str, Instance]:
    """A fresh instance with ``n`` uniform in ``[max(1, space.n // 2), space.n]`` jobs, from
    ``family`` or from a uniformly chosen one. Returns ``(family, instance)``."""
    name = family or str(rng.choice(sorted(FAMILIES)))
    n = int(rng.integers(max(1, space.n // 2), space.n + 1))
    return name, FAMILIES[name](rng, space, n)
