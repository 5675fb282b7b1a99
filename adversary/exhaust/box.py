"""The box: every instance with ``n <= N`` jobs and memory ``M <= M_max``, once up to job
permutation, split into deterministic chunks.

For a memory ``M`` the *job types* are the pairs ``(s, o)`` with ``s >= 0``, ``o >= 1``,
``s + o <= M``, ordered lexicographically: ``T(M) = M (M + 1) / 2`` of them. An instance of
the box is a multiset of ``n`` types, written canonically as a non-decreasing tuple of type
indices (its jobs in that order), so the box of one ``(n, M)`` has ``C(T + n - 1, n)``
instances and the whole box ``sum_{M <= M_max} sum_{1 <= n <= N} C(T(M) + n - 1, n)``
(``N = 4, M_max = 12``: 3,478,072; ``N = 5, M_max = 8``: 1,071,537).

A *chunk* fixes ``(M, n)`` and the first ``p = max(0, n - 2)`` type indices (the prefix);
its instances are the prefix followed by every non-decreasing ``(n - p)``-tuple of indices
``>= prefix[-1]``. Chunks never overlap, cover the box, and have at most ``T (T + 1) / 2``
instances each (3,081 at ``M = 12``), so a checkpoint per chunk loses little on a kill.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement
from math import comb

from kvsched.errors import KvschedError


def job_types(M: int) -> list[tuple[int, int]]:
    """The ``(s, o)`` pairs of memory ``M`` in lexicographic order."""
    return [(s, o) for s in range(M) for o in range(1, M - s + 1)]


def count_nm(n: int, M: int) -> int:
    """Instances of exactly ``n`` jobs and memory ``M`` (multisets of ``n`` types)."""
    T = M * (M + 1) // 2
    return comb(T + n - 1, n)


def count_box(n_max: int, M_max: int, M_min: int = 1, n_min: int = 1) -> int:
    """Instances of the box (every ``M_min <= M <= M_max``, ``n_min <= n <= n_max``)."""
    check_box(n_max, M_max)
    return sum(count_nm(n, M) for M in range(M_min, M_max + 1)
               for n in range(n_min, n_max + 1))


def check_box(n_max: int, M_max: int) -> None:
    for name, v in (("--n-max", n_max), ("--M-max", M_max)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise KvschedError(f"exhaust: {name} = {v!r} must be an integer >= 1")
    if M_max > 40:
        raise KvschedError(f"exhaust: --M-max = {M_max} is far beyond any exhaustive box "
                           "(at most 40)")


@dataclass(frozen=True, order=True)
class Chunk:
    """Instances of memory ``M`` with ``n`` jobs whose first type indices are ``prefix``."""

    M: int
    n: int
    prefix: tuple[int, ...]

    @property
    def key(self) -> str:
        return f"M{self.M}-n{self.n}-p{'_'.join(map(str, self.prefix)) or 'x'}"

    @property
    def size(self) -> int:
        T = self.M * (self.M + 1) // 2
        r = self.n - len(self.prefix)
        first = self.prefix[-1] if self.prefix else 0
        return comb(T - first + r - 1, r)

    def instances(self):
        """The canonical instances, each a tuple of ``(s, o)`` pairs (non-decreasing)."""
        types = job_types(self.M)
        T = len(types)
        first = self.prefix[-1] if self.prefix else 0
        head = tuple(types[i] for i in self.prefix)
        for rest in combinations_with_replacement(range(first, T), self.n - len(self.prefix)):
            yield head + tuple(types[i] for i in rest)


def chunks(n_max: int, M_max: int, M_min: int = 1, n_min: int = 1) -> list[Chunk]:
    """All chunks of the box, smallest ``M`` first, then ``n``, then prefix."""
    check_box(n_max, M_max)
    out = []
    for M in range(M_min, M_max + 1):
        T = M * (M + 1) // 2
        for n in range(n_min, n_max + 1):
            p = max(0, n - 2)
            for pre in combinations_with_replacement(range(T), p):
                out.append(Chunk(M, n, tuple(pre)))
    return out
