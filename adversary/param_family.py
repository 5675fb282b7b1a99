"""Parametric instance families as first-class objects (no search here: one module, one job).

A :class:`ParamFamily` is a generator with named, typed parameter ranges
(:class:`Param`); :meth:`ParamFamily.build` maps a parameter dict (and a seed, used only by
the ``order = "shuffle"`` choice) to an :class:`~kvsched.Instance`, deterministically, so a
saved ``{"family", "family_params", "seed"}`` reproduces its instance exactly
(:func:`rebuild`). The shapes (issue 14):

* *classes*: up to three classes of ``count_j`` identical jobs with output at or just above a
  budget, ``o_j = tau_{k_j} + delta_j`` (``delta_j = 0``: exactly the budget) (``tau`` the algorithm's budgets at its alpha), so
  every GSA slice up to ``tau_{k_j}`` is killed and wasted, with prompt
  ``s_j = round(prompt_j * (cap - o_j))``;
* a *ladder*: ``lad_levels`` classes at consecutive budgets ``k = lad_k0, lad_k0+1, ...``,
  ``o = tau_k + lad_delta``, ``round(lad_count * lad_growth^level)`` jobs each, prompt
  fraction ``lad_prompt`` (the geometric class structure the interval argument is tight
  on);
* *blockers*: ``blockers`` jobs with a large prompt ``s = cap - o_b`` and short output;
* *half-memory* jobs: ``s = floor(M/2)``, output ``o_h`` (no two fit together);
* *identical jobs*: every class is a block of copies;
* the *order* in which the jobs are listed (``given``: classes, blockers, half-memory;
  ``reverse``; ``o_desc``; ``o_asc``; ``s_desc``; ``interleave``; ``shuffle`` -- seeded):
  a non-clairvoyant algorithm breaks ties by index, so the listing is part of its worst
  case;
* ``M`` and the regime's footprint cap ``cap = floor(max_ratio * M)``.

The optimiser over these parameters is :mod:`adversary.family_search`; this module
imports nothing of the search or the records, so both can rebuild an instance from it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from kvsched import Instance
from kvsched.algorithms.pipeline import geometric_budgets
from kvsched.errors import KvschedError

ORDERS = ("given", "reverse", "o_desc", "o_asc", "s_desc", "interleave", "shuffle")


@dataclass(frozen=True)
class Param:
    """A named parameter: ``kind`` is ``int``, ``float`` or ``choice`` (then ``choices``)."""

    name: str
    kind: str
    lo: float = 0.0
    hi: float = 1.0
    log: bool = False
    choices: tuple = ()

    def decode(self, u: float) -> Any:
        """Map ``u`` in ``[0, 1]`` (clipped) to a value of the range."""
        u = min(max(float(u), 0.0), 1.0)
        if self.kind == "choice":
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        if self.log:
            x = math.exp(math.log(self.lo) + u * (math.log(self.hi) - math.log(self.lo)))
        else:
            x = self.lo + u * (self.hi - self.lo)
        if self.kind == "int":
            return int(min(max(round(x), self.lo), self.hi))
        return float(x)

    def encode(self, v: Any) -> float:
        """Inverse of :meth:`decode` (the centre of the value's cell for choices)."""
        if self.kind == "choice":
            return (self.choices.index(v) + 0.5) / len(self.choices)
        if self.hi == self.lo:
            return 0.5
        if self.log:
            return (math.log(v) - math.log(self.lo)) / (math.log(self.hi) - math.log(self.lo))
        return (float(v) - self.lo) / (self.hi - self.lo)

    def validate(self, v: Any) -> None:
        if self.kind == "choice":
            if v not in self.choices:
                raise KvschedError(f"family parameter {self.name} = {v!r} not in {self.choices}")
            return
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not self.lo <= v <= self.hi:
            raise KvschedError(f"family parameter {self.name} = {v!r} outside "
                               f"[{self.lo:g}, {self.hi:g}]")
        if self.kind == "int" and int(v) != v:
            raise KvschedError(f"family parameter {self.name} = {v!r} must be an integer")

    def to_dict(self) -> dict:
        d = {"name": self.name, "kind": self.kind, "lo": self.lo, "hi": self.hi,
             "log": self.log}
        if self.choices:
            d["choices"] = list(self.choices)
        return d


N_CLASSES = 3


def _params(M_lo: int, M_hi: int, count_hi: int) -> tuple[Param, ...]:
    ps = [Param("M", "int", M_lo, M_hi, log=True)]
    for j in range(N_CLASSES):
        ps += [Param(f"k{j}", "int", 0, 9), Param(f"delta{j}", "int", 0, 3),
               Param(f"count{j}", "int", 0, count_hi, log=False),
               Param(f"prompt{j}", "float", 0.0, 1.0)]
    ps += [Param("blockers", "int", 0, count_hi // 2), Param("o_b", "int", 1, 8),
           Param("half", "int", 0, count_hi // 2), Param("o_h", "int", 1, 8),
           Param("lad_k0", "int", 0, 6), Param("lad_levels", "int", 1, 6),
           Param("lad_delta", "int", 0, 3), Param("lad_count", "int", 0, count_hi // 2),
           Param("lad_growth", "float", 0.25, 2.0, log=True),
           Param("lad_prompt", "float", 0.0, 1.0),
           Param("order", "choice", choices=ORDERS)]
    return tuple(ps)


@dataclass(frozen=True)
class ParamFamily:
    """The structured family of the module doc, for one algorithm ``alpha`` (the budgets
    ``tau_k`` the classes sit above) and one regime (``max_ratio``: 1 general, e.g. 0.1
    large memory)."""

    name: str = "classes"
    alpha: float = 2.0
    max_ratio: float = 1.0
    M_lo: int = 8
    M_hi: int = 2048
    count_hi: int = 200

    @property
    def params(self) -> tuple[Param, ...]:
        return _params(self.M_lo, self.M_hi, self.count_hi)

    @property
    def dim(self) -> int:
        return len(self.params)

    def decode(self, u) -> dict[str, Any]:
        return {p.name: p.decode(x) for p, x in zip(self.params, np.asarray(u).tolist())}

    def encode(self, values: dict[str, Any]) -> np.ndarray:
        return np.array([p.encode(values[p.name]) for p in self.params])

    def validate(self, values: dict[str, Any]) -> None:
        names = {p.name for p in self.params}
        extra = set(values) - names
        if extra:
            raise KvschedError(f"family {self.name}: unknown parameters {sorted(extra)}")
        for p in self.params:
            if p.name not in values:
                raise KvschedError(f"family {self.name}: missing parameter {p.name}")
            p.validate(values[p.name])

    def cap(self, M: int) -> int:
        return int(math.floor(self.max_ratio * M + 1e-9))

    def build(self, values: dict[str, Any], seed: int = 0, *, scale: int = 1,
              M: int | None = None) -> Instance:
        """The instance of ``values`` (module doc). Jobs that cannot fit the regime's cap
        are clamped (``o <= cap``, ``s <= cap - o``); an empty instance gets one unit job.

        For growth curves (:mod:`adversary.growth`): ``scale`` multiplies every count
        (the same shape with ``scale`` times the jobs), ``M`` replaces ``values["M"]``
        (outside the search range allowed; prompts stay the same fractions of the cap)."""
        self.validate(values)
        if int(scale) != scale or scale < 1:
            raise KvschedError(f"family scale must be a positive integer, got {scale!r}")
        scale = int(scale)
        M = int(values["M"]) if M is None else int(M)
        if M < 1:
            raise KvschedError(f"family memory M must be >= 1, got {M}")
        cap = max(self.cap(M), 1)
        taus = geometric_budgets(self.alpha, 12)
        s: list[int] = []
        o: list[int] = []
        tag: list[int] = []
        for j in range(N_CLASSES):
            c = int(values[f"count{j}"]) * scale
            oj = min(taus[int(values[f"k{j}"])] + int(values[f"delta{j}"]), cap)
            sj = int(round(float(values[f"prompt{j}"]) * (cap - oj)))
            s += [sj] * c
            o += [oj] * c
            tag += [j] * c
        ob = min(int(values["o_b"]), cap)
        nb, nh = int(values["blockers"]) * scale, int(values["half"]) * scale
        s += [cap - ob] * nb
        o += [ob] * nb
        tag += [N_CLASSES] * nb
        oh = min(int(values["o_h"]), cap)
        sh = min(M // 2, cap - oh)
        s += [sh] * nh
        o += [oh] * nh
        tag += [N_CLASSES + 1] * nh
        for lev in range(int(values["lad_levels"])):      # the ladder: one class per level
            c = int(round(int(values["lad_count"]) * float(values["lad_growth"]) ** lev)) * scale
            k = min(int(values["lad_k0"]) + lev, len(taus) - 1)
            ol = min(taus[k] + int(values["lad_delta"]), cap)
            sl = int(round(float(values["lad_prompt"]) * (cap - ol)))
            s += [sl] * c
            o += [ol] * c
            tag += [N_CLASSES + 2 + lev] * c
        if not o:
            s, o, tag = [0], [1], [0]
        s_a, o_a, t_a = (np.asarray(x, dtype=np.int64) for x in (s, o, tag))
        perm = _order(values["order"], s_a, o_a, t_a, seed)
        return Instance(s=s_a[perm], o=o_a[perm], M=M)

    def preset(self, name: str) -> dict[str, Any]:
        """The named start point ``PRESETS[name]`` completed with :func:`default_values`
        and clipped into this family's ranges."""
        v = default_values(self)
        v.update(PRESETS[name])
        for p in self.params:
            if p.kind != "choice":
                x = min(max(v[p.name], p.lo), p.hi)
                v[p.name] = int(round(x)) if p.kind == "int" else float(x)
        return v

    def to_dict(self) -> dict:
        return {"name": self.name, "alpha": self.alpha, "max_ratio": self.max_ratio,
                "M_lo": self.M_lo, "M_hi": self.M_hi, "count_hi": self.count_hi,
                "params": [p.to_dict() for p in self.params]}

    @classmethod
    def from_dict(cls, d: dict) -> "ParamFamily":
        keys = ("name", "alpha", "max_ratio", "M_lo", "M_hi", "count_hi")
        return cls(**{k: d[k] for k in keys if k in d})


def _order(kind: str, s: np.ndarray, o: np.ndarray, tag: np.ndarray, seed: int) -> np.ndarray:
    idx = np.arange(len(o))
    if kind == "given":
        return idx
    if kind == "reverse":
        return idx[::-1].copy()
    if kind == "o_desc":
        return np.lexsort((idx, -o))
    if kind == "o_asc":
        return np.lexsort((idx, o))
    if kind == "s_desc":
        return np.lexsort((idx, -s))
    if kind == "interleave":           # round-robin over the groups
        rank = np.zeros(len(o), dtype=np.int64)
        for t in np.unique(tag):
            where = np.flatnonzero(tag == t)
            rank[where] = np.arange(len(where))
        return np.lexsort((tag, rank))
    if kind == "shuffle":
        return np.random.default_rng(seed).permutation(len(o))
    raise KvschedError(f"unknown order {kind!r}; choose from {', '.join(ORDERS)}")




def rebuild(family: dict, values: dict, seed: int, scale: int = 1,
            M: int | None = None) -> Instance:
    """The instance a saved record names: ``ParamFamily.from_dict(family).build(values,
    seed, scale=scale, M=M)``."""
    return ParamFamily.from_dict(family).build(values, seed, scale=scale, M=M)


# Named start points for the optimiser's restarts (adversary.family_search): shapes, not
# results -- each is completed with default_values (counts of unnamed parts set to 0).
_NONE = {"count0": 0, "count1": 0, "count2": 0, "blockers": 0, "half": 0, "lad_count": 0}
PRESETS: dict[str, dict[str, Any]] = {
    # identical jobs just above a budget: every slice up to tau_4 is killed
    "identical": {**_NONE, "M": 512, "k0": 4, "delta0": 1, "count0": 150, "prompt0": 0.0},
    # a barrier per round (one job of exactly tau_j, j <= 2) and blockers with huge
    # prompts lengthening rounds 0..2, then many jobs just above tau_2 waiting for them
    "barrier-blockers": {**_NONE, "M": 4096, "k0": 2, "delta0": 1, "count0": 240,
                         "prompt0": 0.0, "lad_k0": 0, "lad_levels": 3, "lad_delta": 0,
                         "lad_count": 1, "lad_growth": 1.0, "lad_prompt": 0.0,
                         "blockers": 21, "o_b": 1},
    # small jobs with small prompts ahead of big-prompt jobs of the same class
    "prompt-mix": {**_NONE, "M": 2048, "k0": 3, "delta0": 2, "count0": 120, "prompt0": 0.0,
                   "k1": 3, "delta1": 2, "count1": 60, "prompt1": 0.75, "half": 30,
                   "o_h": 4},
    # a geometric ladder of classes just above every budget
    "ladder": {**_NONE, "M": 1024, "lad_k0": 1, "lad_levels": 5, "lad_delta": 1,
               "lad_count": 60, "lad_growth": 0.6, "lad_prompt": 0.0},
}


def default_values(fam: ParamFamily) -> dict[str, Any]:
    """The start point of a search: the middle of every range (order ``given``)."""
    v = {p.name: p.decode(0.5) for p in fam.params}
    v["order"] = "given"
    v["lad_count"] = 0
    return v
