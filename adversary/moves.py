"""Local moves on instances for hill climbing and simulated annealing.

Each move ``f(rng, space, s, o, M) -> (s, o, M)`` edits a copy of the arrays; :func:`mutate`
picks one at random, repairs the result into the :class:`~adversary.space.Space` (so it is a
valid instance of the regime) and retries a few times if the move changed nothing.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from kvsched import Instance

from .families import slice_lengths
from .space import Space

Arrays = tuple[np.ndarray, np.ndarray, int]
Move = Callable[[np.random.Generator, Space, np.ndarray, np.ndarray, int], Arrays]


def _step(rng: np.random.Generator, scale: int) -> int:
    """A nonzero step, small most of the time: +-1, +-2, or up to +-scale."""
    size = int(rng.choice([1, 2, max(1, scale)]))
    return int(rng.integers(1, size + 1)) * (1 if rng.random() < 0.5 else -1)


def change_s(rng, space, s, o, M) -> Arrays:
    """Change one prompt size by a small step, or set it to 0 or to its maximum."""
    i = int(rng.integers(len(s)))
    r = rng.random()
    s[i] = 0 if r < 0.15 else (space.cap(M) - o[i] if r < 0.3 else s[i] + _step(rng, M // 4))
    return s, o, M


def change_o(rng, space, s, o, M) -> Arrays:
    """Change one output length by a small step, or put it just above a slice
    (:func:`adversary.families.slice_lengths`)."""
    i = int(rng.integers(len(o)))
    if rng.random() < 0.25:
        taus = slice_lengths(space.alpha, space.o_max - 1) or [1]
        o[i] = int(taus[int(rng.integers(len(taus)))]) + 1
    else:
        o[i] = o[i] + _step(rng, space.o_max // 3)
    return s, o, M


def add_job(rng, space, s, o, M) -> Arrays:
    """Add a random job (if fewer than ``space.n``)."""
    if len(s) >= space.n:
        return change_o(rng, space, s, o, M)
    cap = max(space.cap(M), 1)
    oi = int(rng.integers(1, min(space.o_max, cap) + 1))
    si = int(rng.integers(0, cap - oi + 1))
    return np.append(s, si), np.append(o, oi), M


def remove_job(rng, space, s, o, M) -> Arrays:
    """Remove one job (if more than one)."""
    if len(s) <= 1:
        return add_job(rng, space, s, o, M)
    i = int(rng.integers(len(s)))
    return np.delete(s, i), np.delete(o, i), M


def duplicate_job(rng, space, s, o, M) -> Arrays:
    """Copy one job (if fewer than ``space.n``)."""
    if len(s) >= space.n:
        return change_s(rng, space, s, o, M)
    i = int(rng.integers(len(s)))
    return np.append(s, s[i]), np.append(o, o[i]), M


def scale_M(rng, space, s, o, M) -> Arrays:
    """Change the budget by a small step or by a factor in ``[0.75, 1.33]`` (jobs are
    clamped to fit by the repair)."""
    if rng.random() < 0.5:
        return s, o, M + _step(rng, 3)
    return s, o, int(round(M * float(rng.uniform(0.75, 1.33))))


MOVES: dict[str, Move] = {"change_s": change_s, "change_o": change_o, "add_job": add_job,
                          "remove_job": remove_job, "duplicate_job": duplicate_job,
                          "scale_M": scale_M}
_WEIGHTS = np.array([3, 3, 1, 1, 1, 1], dtype=float)
_NAMES = list(MOVES)


def mutate(rng: np.random.Generator, space: Space, inst: Instance, tries: int = 8) -> tuple[str, Instance]:
    """One random local move, repaired into ``space``; ``(move name, new instance)``.
    Retries up to ``tries`` times when the move leaves the instance unchanged."""
    p = _WEIGHTS / _WEIGHTS.sum()
    for _ in range(tries):
        name = _NAMES[int(rng.choice(len(_NAMES), p=p))]
        s, o, M = MOVES[name](rng, space, inst.s.copy(), inst.o.copy(), int(inst.M))
        new = space.repair(s, o, M)
        if new != inst:
            return name, new
    return name, new
