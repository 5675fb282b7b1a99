"""Instances of the offline KV-cache scheduling problem (SPEC section 2).

An instance is ``n >= 1`` jobs with integer prompt sizes ``s_i >= 0`` and output lengths
``o_i >= 1`` and an integer memory budget ``M`` with ``s_i + o_i <= M`` for every job.
Job ``i`` decoding its ``j``-th token holds ``s_i + j`` memory, so a completed attempt
covers the area ``a_i = s_i*o_i + o_i*(o_i+1)/2`` (memory x steps).

Release dates (the online setting, issue 15): each job has an integer ``r_i >= 0``, the
first step at which it may run (an attempt starting at ``a`` needs ``a >= r_i``); the
objective is then the flow time ``sum_i (C_i - r_i)``. ``r`` defaults to all zeros, the
paper's offline batch setting, where flow time and ``sum_i C_i`` coincide and everything
behaves exactly as without release dates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, Sequence

import numpy as np

from .errors import InputFormatError, InvalidInstanceError


def _as_int_array(values: Sequence[Any] | np.ndarray, what: str) -> np.ndarray:
    """Convert to a read-only int64 array, rejecting non-integers with the job named."""
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "iu":
        out = values.astype(np.int64)
    else:
        items = values.tolist() if isinstance(values, np.ndarray) else list(values)
        out = np.empty(len(items), dtype=np.int64)
        for i, v in enumerate(items):
            if isinstance(v, bool) or not isinstance(v, Integral):
                raise InvalidInstanceError(
                    f"job {i}: {what} = {v!r} is not an integer", job=i)
            if not -2**62 <= v <= 2**62:
                raise InvalidInstanceError(f"job {i}: {what} = {v} is too large", job=i)
            out[i] = int(v)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Instance:
    """Jobs ``(s_i, o_i)`` and memory budget ``M``; validated on construction.

    >>> inst = Instance(s=[2, 0], o=[3, 1], M=5)
    >>> inst.n, int(inst.area.sum())
    (2, 13)
    >>> Instance(s=[2, 0], o=[3, 1], M=5, r=[0, 4]).r.tolist()
    [0, 4]
    """

    s: np.ndarray
    o: np.ndarray
    M: int
    name: str = field(default="", compare=False)
    r: np.ndarray | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        s = _as_int_array(self.s, "s")
        o = _as_int_array(self.o, "o")
        if self.r is None:
            r = np.zeros(len(s), dtype=np.int64)
            r.setflags(write=False)
        else:
            r = _as_int_array(self.r, "release date r")
        if isinstance(self.M, bool) or not isinstance(self.M, Integral):
            raise InvalidInstanceError(f"memory budget M = {self.M!r} is not an integer")
        M = int(self.M)
        if len(s) != len(o):
            raise InvalidInstanceError(f"{len(s)} prompt sizes but {len(o)} output lengths")
        if len(r) != len(s):
            raise InvalidInstanceError(f"{len(s)} prompt sizes but {len(r)} release dates")
        if len(s) == 0:
            raise InvalidInstanceError("empty instance: at least one job is needed")
        if M < 1:
            raise InvalidInstanceError(f"memory budget M = {M} must be at least 1")
        if M > 2**40:      # areas s*o ~ M^2 must fit in int64
            raise InvalidInstanceError(f"memory budget M = {M} is too large (at most 2**40)")
        bad = np.flatnonzero(s < 0)
        if bad.size:
            i = int(bad[0])
            raise InvalidInstanceError(f"job {i}: prompt size s = {s[i]} is negative", job=i)
        bad = np.flatnonzero(o < 1)
        if bad.size:
            i = int(bad[0])
            raise InvalidInstanceError(f"job {i}: output length o = {o[i]} must be >= 1", job=i)
        bad = np.flatnonzero(r < 0)
        if bad.size:
            i = int(bad[0])
            raise InvalidInstanceError(f"job {i}: release date r = {r[i]} is negative", job=i)
        bad = np.flatnonzero(s + o > M)
        if bad.size:
            i = int(bad[0])
            raise InvalidInstanceError(
                f"job {i}: s + o = {s[i]} + {o[i]} = {s[i] + o[i]} exceeds memory M = {M}",
                job=i)
        object.__setattr__(self, "s", s)
        object.__setattr__(self, "o", o)
        object.__setattr__(self, "M", M)
        object.__setattr__(self, "r", r)

    # -- derived quantities -------------------------------------------------------------
    @property
    def n(self) -> int:
        return int(len(self.s))

    @property
    def area(self) -> np.ndarray:
        """``a_i = s_i*o_i + o_i(o_i+1)/2``: memory-steps of a completed attempt."""
        return self.s * self.o + self.o * (self.o + 1) // 2

    @property
    def total_tokens(self) -> int:
        return int(self.o.sum())

    @property
    def has_releases(self) -> bool:
        """Whether some job has a nonzero release date (the online setting)."""
        return bool(self.r.any())

    @property
    def large_memory_ratio(self) -> float:
        """``max_i (s_i + o_i) / M``; the large-memory regime is this ratio -> 0."""
        return float((self.s + self.o).max() / self.M)

    def __len__(self) -> int:
        return self.n

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Instance):
            return NotImplemented
        return (self.M == other.M and np.array_equal(self.s, other.s)
                and np.array_equal(self.o, other.o) and np.array_equal(self.r, other.r))

    def __hash__(self) -> int:
        if self.has_releases:
            return hash((self.M, self.s.tobytes(), self.o.tobytes(), self.r.tobytes()))
        return hash((self.M, self.s.tobytes(), self.o.tobytes()))

    def __repr__(self) -> str:
        rel = f", r={self.r.tolist()}" if self.has_releases else ""
        if self.n <= 8:
            return f"Instance(s={self.s.tolist()}, o={self.o.tolist()}, M={self.M}{rel})"
        rel = f", max r={int(self.r.max())}" if self.has_releases else ""
        return f"Instance(n={self.n}, M={self.M}, tokens={self.total_tokens}{rel})"

    # -- conversion -----------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The JSON form ``{"M": M, "jobs": [{"s": .., "o": ..}, ...]}``; a job with a
        nonzero release date also carries ``"r"`` (so the batch form is unchanged)."""
        d: dict[str, Any] = {"M": self.M,
                             "jobs": [{"s": int(a), "o": int(b)} for a, b in zip(self.s, self.o)]}
        if self.has_releases:
            for job, ri in zip(d["jobs"], self.r.tolist()):
                if ri:
                    job["r"] = int(ri)
        if self.name:
            d["name"] = self.name
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Instance":
        return instance_from_dict(d)

    def with_outputs(self, o: Sequence[int] | np.ndarray) -> "Instance":
        """The same prompts and budget with other output lengths."""
        return Instance(s=self.s, o=np.asarray(o), M=self.M, name=self.name, r=self.r)

    def with_releases(self, r: Sequence[int] | np.ndarray | None) -> "Instance":
        """The same jobs and budget with release dates ``r`` (``None``: all zero)."""
        return Instance(s=self.s, o=self.o, M=self.M, name=self.name, r=r)

    def subset(self, jobs: Sequence[int] | np.ndarray) -> "Instance":
        idx = np.asarray(jobs, dtype=np.int64)
        return Instance(s=self.s[idx], o=self.o[idx], M=self.M, name=self.name,
                        r=self.r[idx])


def instance_from_dict(d: Any, path: str | None = None) -> Instance:
    """Build an instance from the JSON form, naming the job on any error."""
    if not isinstance(d, dict):
        raise InputFormatError("top level must be an object with keys 'M' and 'jobs'", path)
    unknown = set(d) - {"M", "jobs", "name"}
    if unknown:
        raise InputFormatError(f"unknown key(s) {sorted(unknown)}; expected 'M', 'jobs'", path)
    if "M" not in d:
        raise InputFormatError("missing key 'M' (memory budget)", path)
    if "jobs" not in d or not isinstance(d["jobs"], list):
        raise InputFormatError("missing key 'jobs' (a list of {\"s\": .., \"o\": ..})", path)
    s, o, r = [], [], []
    for i, job in enumerate(d["jobs"]):
        if not isinstance(job, dict):
            raise InputFormatError(f"job {i}: expected an object {{\"s\": .., \"o\": ..}}", path)
        extra = set(job) - {"s", "o", "r"}
        missing = {"s", "o"} - set(job)
        if extra or missing:
            raise InputFormatError(
                f"job {i}: keys must be exactly 's' and 'o', optionally 'r' (missing "
                f"{sorted(missing)}, unknown {sorted(extra)})", path)
        s.append(job["s"])
        o.append(job["o"])
        r.append(job.get("r", 0))
    try:
        return Instance(s=np.array(s, dtype=object), o=np.array(o, dtype=object), M=d["M"],
                        name=str(d.get("name", "")),
                        r=np.array(r, dtype=object) if any(x != 0 for x in r) else None)
    except InvalidInstanceError as e:
        if path is None:
            raise
        raise InvalidInstanceError(f"{path}: {e}", job=e.job) from None
