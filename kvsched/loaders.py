"""Reading instances from JSON, CSV (``s,o``) and the Azure LLM inference trace.

Formats
-------
* JSON: ``{"M": 20, "jobs": [{"s": 3, "o": 5}, ...]}`` (optional ``"name"``; a job may
  carry a release date ``"r": 7``, default 0).
* CSV: header ``s,o`` (exactly these columns, any order); the budget comes from ``memory``.
* Azure trace: header ``TIMESTAMP,ContextTokens,GeneratedTokens``;
  ``ContextTokens -> s_i``, ``GeneratedTokens -> o_i``; the budget comes from ``memory``.

Every problem raises :class:`InputFormatError` (file and line) or
:class:`InvalidInstanceError` (job, and the line it came from).
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputFormatError, InvalidInstanceError
from .instance import Instance

AZURE_COLUMNS = ("TIMESTAMP", "ContextTokens", "GeneratedTokens")
CSV_COLUMNS = ("s", "o")


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


def _read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise InputFormatError(f"cannot read file: {e.strerror if isinstance(e, OSError) else e}",
                               str(path)) from None


def load_json(path: str | Path) -> Instance:
    text = _read_text(path)
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputFormatError(f"malformed JSON: {e.msg} (column {e.colno})", str(path),
                               e.lineno) from None
    return instance_from_dict(d, str(path))


def _parse_int(text: str, column: str, path: str, line: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InputFormatError(f"column {column!r}: {text!r} is not an integer", path,
                               line) from None


def _read_columns(path: str | Path, columns: tuple[str, ...], wanted: tuple[str, ...],
                  ) -> tuple[list[list[int]], list[int]]:
    """Read a CSV whose header is exactly ``columns`` (any order); return the integer
    values of ``wanted`` and the 1-based line of each row."""
    text = _read_text(path)
    p = str(path)
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise InputFormatError("empty file: no header", p, 1) from None
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in columns]
    missing = [c for c in columns if c not in header]
    if unknown or missing:
        raise InputFormatError(
            f"header must have columns {','.join(columns)}; "
            + (f"unknown column(s) {unknown}" if unknown else "")
            + ("; " if unknown and missing else "")
            + (f"missing column(s) {missing}" if missing else ""), p, 1)
    pos = [header.index(c) for c in wanted]
    rows: list[list[int]] = []
    lines: list[int] = []
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not x.strip() for x in row):
            continue
        if len(row) != len(header):
            raise InputFormatError(f"expected {len(header)} fields, found {len(row)}", p, line_no)
        rows.append([_parse_int(row[j], c, p, line_no) for j, c in zip(pos, wanted)])
        lines.append(line_no)
    if not rows:
        raise InvalidInstanceError(f"{p}: empty instance: no job rows after the header")
    return rows, lines


def _select(n: int, limit: int | None, sample: int | None, seed: int | None) -> np.ndarray:
    """Indices kept: the first ``limit`` rows, then (optionally) ``sample`` of them drawn
    uniformly without replacement with ``seed``, in their original order."""
    idx = np.arange(n if limit is None else min(n, limit))
    if sample is not None and sample < len(idx):
        rng = np.random.default_rng(seed)
        idx = np.sort(rng.choice(idx, size=sample, replace=False))
    return idx


def _instance_from_rows(rows, lines, memory, path, limit, sample, seed, drop_oversized,
                        name) -> Instance:
    if memory is None:
        raise InputFormatError("a memory budget is needed for this format (give --memory M)",
                               str(path))
    arr = np.asarray(rows, dtype=np.int64)
    keep = _select(len(arr), limit, sample, seed)
    arr = arr[keep]
    lines_kept = np.asarray(lines)[keep]
    if drop_oversized:
        ok = arr[:, 0] + arr[:, 1] <= memory
        arr, lines_kept = arr[ok], lines_kept[ok]
    try:
        return Instance(s=arr[:, 0], o=arr[:, 1], M=memory, name=name)
    except InvalidInstanceError as e:
        if e.job is not None:
            raise InvalidInstanceError(f"{path}:{lines_kept[e.job]}: {e}", job=e.job) from None
        raise InvalidInstanceError(f"{path}: {e}") from None


def load_csv(path: str | Path, memory: int | None, *, limit: int | None = None,
             sample: int | None = None, seed: int | None = None,
             drop_oversized: bool = False) -> Instance:
    """CSV with header ``s,o``."""
    rows, lines = _read_columns(path, CSV_COLUMNS, CSV_COLUMNS)
    return _instance_from_rows(rows, lines, memory, path, limit, sample, seed, drop_oversized,
                               Path(path).stem)


def load_azure_trace(path: str | Path, memory: int | None, *, limit: int | None = None,
                     sample: int | None = None, seed: int | None = None,
                     drop_oversized: bool = False) -> Instance:
    """Azure LLM inference trace (``TIMESTAMP,ContextTokens,GeneratedTokens``).

    All requests are treated as present at time 0 (the paper's offline batch setting);
    ``limit`` keeps the first N requests, ``sample`` then draws N of them with ``seed``.
    """
    rows, lines = _read_columns(path, AZURE_COLUMNS, ("ContextTokens", "GeneratedTokens"))
    return _instance_from_rows(rows, lines, memory, path, limit, sample, seed, drop_oversized,
                               Path(path).stem)


def sniff_format(path: str | Path) -> str:
    """``json``, ``csv`` or ``azure`` from the file's first non-blank character/header."""
    text = _read_text(path)
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return "json"
    first = text.splitlines()[0] if text.splitlines() else ""
    cols = [c.strip() for c in first.split(",")]
    if "ContextTokens" in cols or "GeneratedTokens" in cols or "TIMESTAMP" in cols:
        return "azure"
    return "csv"


def load_instance(path: str | Path, memory: int | None = None, *, limit: int | None = None,
                  sample: int | None = None, seed: int | None = None,
                  drop_oversized: bool = False) -> Instance:
    """Load any supported format. For JSON, ``memory`` (if given) overrides ``M`` and
    ``limit``/``sample`` select jobs as for the CSV formats."""
    fmt = sniff_format(path)
    if fmt == "json":
        inst = load_json(path)
        keep = _select(inst.n, limit, sample, seed)
        s, o, r = inst.s[keep], inst.o[keep], inst.r[keep]
        M = inst.M if memory is None else memory
        if drop_oversized:
            ok = s + o <= M
            s, o, r = s[ok], o[ok], r[ok]
        try:
            return Instance(s=s, o=o, M=M, name=inst.name or Path(path).stem, r=r)
        except InvalidInstanceError as e:
            raise InvalidInstanceError(f"{path}: {e}", job=e.job) from None
    if fmt == "azure":
        return load_azure_trace(path, memory, limit=limit, sample=sample, seed=seed,
                                drop_oversized=drop_oversized)
    return load_csv(path, memory, limit=limit, sample=sample, seed=seed,
                    drop_oversized=drop_oversized)


def save_json(instance: Instance, path: str | Path) -> None:
    from .results import atomic_write_json
    atomic_write_json(path, instance.to_dict())
