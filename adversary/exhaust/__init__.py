"""Exhaustive verification of small boxes (issue 13, parts 1-3).

Every instance with ``n <= N`` jobs and memory ``M <= M_max`` (all ``(s_i, o_i)`` with
``s_i >= 0``, ``o_i >= 1``, ``s_i + o_i <= M``), once up to job permutation, is run:
exact OPT (a DP shared across the box), each chosen algorithm's checked cost, and the
slack of every behavioural lemma of the ledger. Modules: :mod:`.box` (enumeration,
counting, chunks), :mod:`.opt` (the exact DP), :mod:`.lemmas` (the one adapter to the
ledger), :mod:`.chunk` (one chunk evaluated, aggregates and their merge), :mod:`.run`
(checkpoints, Dask, resume, progress), :mod:`.report` (summary JSON, witnesses, plots).
The argument and the measured speed are in ``docs/exhaustive.md``.
"""
from .box import Chunk, chunks, count_box, job_types
from .opt import opt_value, solve

__all__ = ["Chunk", "chunks", "count_box", "job_types", "opt_value", "solve"]
