"""Reading instances from JSON, CSV (``s,o``) and the Azure LLM inference trace.

Formats
-------
* JSON: ``{"M": 20, "jobs": [{"s": 3, "o": 5}, ...]}`` (optional ``"name"``; a job may
  carry a release date ``"r": 7``, default 0).
* CSV: header ``s,o`` (exactly these columns, any order); the budget comes from ``memory``.
* Azure trace: header ``TIMESTAMP,ContextTokens,GeneratedTokens``;
  ``ContextTokens -> s_i``, ``GeneratedTokens -> o_i``; the budget comes from ``memory``.
  With ``arrivals=True`` (``--arrivals``), ``TIMESTAMP -> r_i`` in decode steps
  (:func:`release_dates`, rate ``--tokens-per-second``, default
  :data:`DEFAULT_TOKENS_PER_SECOND`); otherwise the timestamps are ignored (batch setting).

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
from .instance import Instance, instance_from_dict  # noqa: F401  (re-exported)

AZURE_COLUMNS = ("TIMESTAMP", "ContextTokens", "GeneratedTokens")
CSV_COLUMNS = ("s", "o")


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
                  text_column: str | None = None, texts: list[str] | None = None,
                  ) -> tuple[list[list[int]], list[int]]:
    """Read a CSV whose header is exactly ``columns`` (any order); return the integer
    values of ``wanted`` and the 1-based line of each row. With ``text_column``, that
    column's raw strings are appended to ``texts``, one per row."""
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
    tpos = None if text_column is None else header.index(text_column)
    rows: list[list[int]] = []
    lines: list[int] = []
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not x.strip() for x in row):
            continue
        if len(row) != len(header):
            raise InputFormatError(f"expected {len(header)} fields, found {len(row)}", p, line_no)
        rows.append([_parse_int(row[j], c, p, line_no) for j, c in zip(pos, wanted)])
        lines.append(line_no)
        if tpos is not None:
            texts.append(row[tpos])
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


DEFAULT_TOKENS_PER_SECOND = 50.0
"""Default ``--tokens-per-second``: decode steps per second of wall-clock time. One step
decodes one token of every running attempt, so this is the per-request decode speed;
50 tokens/s (20 ms per decode iteration) is typical of continuous-batching servers
(vLLM) on one data-centre GPU for 7B-13B models. On the conv trace (3,502 s, 19,366
requests) it makes the offered load ``sum_i a_i / (M * r_max)`` about 1.75 at
M = 16384 (overloaded: queues grow), 0.44 at M = 65536 and 0.11 at M = 262144."""


def parse_timestamps(texts: list[str], lines, path: str) -> np.ndarray:
    """Timestamps as int64 nanoseconds: ISO date-times (``2023-11-16 18:15:46.68059``, the
    Azure format) or, if the first one is a plain number, seconds. Vectorised; on a bad
    value the first bad row is located and named by its line."""
    p = str(path)
    strip = [x.strip() for x in texts]
    numeric = True
    try:
        float(strip[0])
    except ValueError:
        numeric = False
    try:
        if numeric:
            v = np.array(strip, dtype=np.float64)
            if not np.isfinite(v).all():
                raise ValueError
            return np.round(v * 1e9).astype(np.int64)
        v = np.array(strip, dtype="datetime64[ns]")
        if np.isnat(v).any():
            raise ValueError
        return v.astype(np.int64)
    except ValueError:
        pass
    for x, line in zip(strip, lines):           # error path only: find the bad row
        try:
            ok = np.isfinite(float(x)) if numeric else not np.isnat(np.datetime64(x, "ns"))
        except ValueError:
            ok = False
        if not ok:
            kind = "a number of seconds" if numeric else "a date-time (YYYY-MM-DD HH:MM:SS.f)"
            raise InputFormatError(f"column 'TIMESTAMP': {x!r} is not {kind}", p, int(line))
    raise InputFormatError("column 'TIMESTAMP': unreadable timestamps", p)


def release_dates(ts_ns: np.ndarray, lines, path: str, tokens_per_second: float) -> np.ndarray:
    """``r_i = floor((ts_i - ts_0) * rate)`` steps, ``ts_0`` the first kept request's
    timestamp and ``rate = tokens_per_second`` (one step = one decode token). Exact
    integer arithmetic for an integer rate, float64 otherwise. A timestamp earlier than
    ``ts_0`` is an error naming its line (traces are in arrival order)."""
    from .errors import KvschedError
    rate = float(tokens_per_second)
    if not (np.isfinite(rate) and rate > 0):
        raise KvschedError(f"--tokens-per-second must be a positive number, got "
                           f"{tokens_per_second!r}")
    if len(ts_ns) == 0:
        return np.zeros(0, dtype=np.int64)
    dt = ts_ns - ts_ns[0]
    bad = np.flatnonzero(dt < 0)
    if bad.size:
        k = int(bad[0])
        raise InputFormatError(f"column 'TIMESTAMP': request is {-dt[k] / 1e9:.6g} s earlier "
                               f"than the first request (line {lines[0]}); the trace must be "
                               f"in arrival order", str(path), int(lines[k]))
    if rate.is_integer():
        return dt * int(rate) // 10**9
    return np.floor(dt.astype(np.float64) * (rate / 1e9)).astype(np.int64)


def _instance_from_rows(rows, lines, memory, path, limit, sample, seed, drop_oversized,
                        name, stamps=None, tokens_per_second=None) -> Instance:
    if memory is None:
        raise InputFormatError("a memory budget is needed for this format (give --memory M)",
                               str(path))
    arr = np.asarray(rows, dtype=np.int64)
    keep = _select(len(arr), limit, sample, seed)
    arr = arr[keep]
    lines_kept = np.asarray(lines)[keep]
    ts = None if stamps is None else parse_timestamps(
        [stamps[k] for k in keep.tolist()], lines_kept, str(path))
    if drop_oversized:
        ok = arr[:, 0] + arr[:, 1] <= memory
        arr, lines_kept = arr[ok], lines_kept[ok]
        ts = None if ts is None else ts[ok]
    r = None if ts is None else release_dates(ts, lines_kept, str(path), tokens_per_second)
    try:
        return Instance(s=arr[:, 0], o=arr[:, 1], M=memory, name=name, r=r)
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
                     drop_oversized: bool = False, arrivals: bool = False,
                     tokens_per_second: float = DEFAULT_TOKENS_PER_SECOND) -> Instance:
    """Azure LLM inference trace (``TIMESTAMP,ContextTokens,GeneratedTokens``).

    By default all requests are present at time 0 (the paper's offline batch setting).
    With ``arrivals=True`` the TIMESTAMP column gives release dates
    ``r_i = floor((ts_i - ts_0) * tokens_per_second)`` (:func:`release_dates`; one step is
    one decode token, default :data:`DEFAULT_TOKENS_PER_SECOND`), ``ts_0`` the first kept
    request's timestamp. ``limit`` keeps the first N requests, ``sample`` then draws N of
    them with ``seed``; ``drop_oversized`` drops ``s + o > M`` (before the dates are made).
    """
    stamps: list[str] | None = [] if arrivals else None
    rows, lines = _read_columns(path, AZURE_COLUMNS, ("ContextTokens", "GeneratedTokens"),
                                "TIMESTAMP" if arrivals else None, stamps)
    return _instance_from_rows(rows, lines, memory, path, limit, sample, seed, drop_oversized,
                               Path(path).stem, stamps, tokens_per_second)


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
                  drop_oversized: bool = False, arrivals: bool = False,
                  tokens_per_second: float = DEFAULT_TOKENS_PER_SECOND) -> Instance:
    """Load any supported format. For JSON, ``memory`` (if given) overrides ``M`` and
    ``limit``/``sample`` select jobs as for the CSV formats; its release dates (``"r"``)
    are always kept. ``arrivals`` (Azure traces only) keeps the trace's timestamps as
    release dates at ``tokens_per_second``; asked of a format without timestamps it is an
    error naming the file."""
    fmt = sniff_format(path)
    if arrivals and fmt != "azure":
        raise InputFormatError("--arrivals needs a trace with a TIMESTAMP column (Azure "
                               "format); a JSON instance carries its own release dates 'r'",
                               str(path))
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
                                drop_oversized=drop_oversized, arrivals=arrivals,
                                tokens_per_second=tokens_per_second)
    return load_csv(path, memory, limit=limit, sample=sample, seed=seed,
                    drop_oversized=drop_oversized)


def save_json(instance: Instance, path: str | Path) -> None:
    from .results import atomic_write_json
    atomic_write_json(path, instance.to_dict())
