"""The search space: which instances ``(M, s, o)`` an adversarial search may propose.

A :class:`Space` bounds the number of jobs (``1 .. n``), the output lengths (``o <= o_max``)
and the budget (``M_min <= M <= M_max``), and caps every job's footprint at
``s_i + o_i <= cap(M) = floor(max_ratio * M)``. ``max_ratio = 1`` is the model's own rule
(SPEC section 2); the large-memory regime uses a small ``max_ratio`` (the threshold on
``max_i (s_i + o_i) / M``), so every proposed instance has that ratio at most the threshold.
:meth:`Space.repair` maps any integer arrays into the space, which keeps every local move
and generator valid by construction.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from kvsched import Instance


@dataclass(frozen=True)
class Space:
    n: int = 6                 # at most n jobs
    M_max: int = 24
    o_max: int = 12
    max_ratio: float = 1.0     # cap on max_i (s_i + o_i) / M
    M_min: int = 2
    alpha: float = 2.0         # the algorithm's geometric ratio (for slice-edge lengths)

    def __post_init__(self) -> None:
        if self.n < 1 or self.o_max < 1 or self.M_min < 1 or self.M_max < self.M_min:
            raise ValueError(f"empty search space {self}")
        if not 0 < self.max_ratio <= 1:
            raise ValueError(f"max_ratio must be in (0, 1], got {self.max_ratio}")
        if self.cap(self.M_max) < 1:
            raise ValueError(f"M_max = {self.M_max} leaves no room for a job at "
                             f"max(s+o)/M <= {self.max_ratio}")

    @classmethod
    def for_regime(cls, regime: str, n: int, *, M_max: int | None = None, o_max: int = 12,
                   large_threshold: float = 0.25, alpha: float = 2.0) -> "Space":
        """General regime: ``s + o <= M <= M_max`` (default ``2*o_max``). Large-memory
        regime: ``s + o <= large_threshold * M``, with ``M_max`` (default
        ``ceil(2*o_max/large_threshold)``) so jobs up to ``2*o_max`` wide still fit."""
        if regime == "general":
            return cls(n=n, M_max=M_max or 2 * o_max, o_max=o_max, max_ratio=1.0, alpha=alpha)
        if regime == "large":
            M_max = M_max or math.ceil(2 * o_max / large_threshold)
            M_min = max(2, math.ceil(1 / large_threshold))
            return cls(n=n, M_max=M_max, o_max=o_max, max_ratio=large_threshold, M_min=M_min,
                       alpha=alpha)
        raise ValueError(f"unknown regime {regime!r} (general or large)")

    def cap(self, M: int) -> int:
        """Largest allowed footprint ``s + o`` of one job at budget ``M``."""
        return int(math.floor(self.max_ratio * M + 1e-9))

    def repair(self, s, o, M: int) -> Instance:
        """Clamp ``(s, o, M)`` into the space: ``1 <= n`` (extra jobs dropped),
        ``M`` in range and large enough for ``o_min``, ``1 <= o <= min(o_max, cap)``,
        ``0 <= s <= cap - o``."""
        s = np.asarray(s, dtype=np.int64)[: self.n]
        o = np.asarray(o, dtype=np.int64)[: self.n]
        if len(o) == 0:
            s, o = np.zeros(1, np.int64), np.ones(1, np.int64)
        M = int(min(max(int(M), self.M_min), self.M_max))
        while self.cap(M) < 1:
            M += 1
        cap = self.cap(M)
        o = np.clip(o, 1, min(self.o_max, cap))
        s = np.clip(s, 0, cap - o)
        return Instance(s=s, o=o, M=M)

    def contains(self, inst: Instance) -> bool:
        return (1 <= inst.n <= self.n and self.M_min <= inst.M <= self.M_max
                and int(inst.o.max()) <= self.o_max
                and int((inst.s + inst.o).max()) <= self.cap(inst.M))

    def to_dict(self) -> dict:
        return asdict(self)
