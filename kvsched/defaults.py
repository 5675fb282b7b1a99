"""Embedded default instances used by ``kvsched verify`` and the tests (no files needed).

``small_instances(seed)`` draws the fixed, seeded family used for certified ratios:
``M = 20``, ``o_i`` uniform in ``[1, 8]``, ``s_i`` uniform in ``[0, min(10, M - o_i)]``
(the benchmark family of issue 4), plus a few hand-made stress shapes.
"""
from __future__ import annotations

import numpy as np

from .instance import Instance


def random_instance(n: int, seed: int, M: int = 20, o_max: int = 8, s_max: int = 10,
                    name: str | None = None) -> Instance:
    """``o_i ~ U[1, o_max]``, ``s_i ~ U[0, min(s_max, M - o_i)]``, seeded."""
    rng = np.random.default_rng(seed)
    o = rng.integers(1, o_max + 1, size=n)
    s = np.array([rng.integers(0, min(s_max, M - oi) + 1) for oi in o])
    return Instance(s=s, o=o, M=M, name=name or f"rand-n{n}-M{M}-seed{seed}")


def hand_made() -> list[Instance]:
    """Small shapes that stress particular rules of the model."""
    return [
        Instance(s=[0], o=[1], M=1, name="one-token"),
        Instance(s=[3, 3, 3, 3], o=[4, 4, 4, 4], M=14, name="identical"),
        Instance(s=[12, 0, 0, 0, 0], o=[2, 2, 2, 2, 2], M=14, name="huge-prompt-short-output"),
        Instance(s=[0, 0, 0, 0], o=[9, 1, 1, 1], M=10, name="long-and-short"),
        Instance(s=[5, 0, 2, 7], o=[5, 10, 3, 3], M=10, name="tight-fit"),
    ]


def small_instances(seed: int = 0, count: int = 8, sizes=(4, 5, 6)) -> list[Instance]:
    """The default small family: hand-made shapes plus ``count`` random instances."""
    out = hand_made()
    for k in range(count):
        n = sizes[k % len(sizes)]
        out.append(random_instance(n, seed * 1000 + k))
    return out
