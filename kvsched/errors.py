"""The exceptions kvsched raises. Every one names what is wrong (file, line, job, step).

The command line catches :class:`KvschedError`, prints its message on one line and exits 2.
"""
from __future__ import annotations


class KvschedError(Exception):
    """Base class: a user-facing error whose message is one self-contained line."""


class InvalidInstanceError(KvschedError, ValueError):
    """An instance violates the model (SPEC section 2): ``s_i >= 0``, ``o_i >= 1``,
    integers, ``s_i + o_i <= M``, at least one job. ``job`` is the 0-based job index
    (or ``None`` when the problem is not one job's)."""

    def __init__(self, message: str, job: int | None = None):
        super().__init__(message)
        self.job = job


class InputFormatError(KvschedError, ValueError):
    """A file could not be read as an instance: unreadable, malformed JSON/CSV, missing or
    unknown columns. ``path`` and ``line`` (1-based, when known) locate the problem."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class InfeasibleScheduleError(KvschedError):
    """The independent checker rejected a schedule. ``kind`` is one of
    ``memory``, ``overlap``, ``not-completed``, ``too-long``, ``completed-twice``,
    ``after-completion``, ``negative-start``, ``bad-length``, ``bad-job``;
    ``job``, ``step`` and ``amount`` locate the violation."""

    def __init__(self, kind: str, message: str, job: int | None = None,
                 step: int | None = None, amount: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.job = job
        self.step = step
        self.amount = amount


class OracleError(KvschedError):
    """A non-clairvoyant algorithm used the completion oracle out of order
    (e.g. started an attempt in the past, or ran a job twice at once)."""
