"""Greedy shrinking of a found instance to a smaller witness of the same ratio.

Starting from a saved result, re-evaluated (ratio ``r``), repeatedly try the simplifications
remove a job, ``o_i -> o_i - 1``, ``s_i -> 0``, ``s_i -> s_i - 1``, ``M -> M - 1`` (in that
order, first success wins) and keep one when the re-evaluated instance is consistent, has a
ratio ``>= r`` with a label at least as strong (certified if ``r`` is), and stays in the regime
(``max(s+o)/M <= max_ratio``). Stops when no simplification succeeds or after
``max_evals`` evaluations. Deterministic (no randomness).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import numpy as np

from kvsched import Instance
from kvsched.errors import InvalidInstanceError

from .evaluate import CERTIFIED, evaluate
from .records import load_record, make_record, save_record


def simplifications(inst: Instance) -> Iterator[Instance]:
    s, o, M = inst.s, inst.o, inst.M
    tries = []
    if inst.n > 1:
        tries += [(np.delete(s, i), np.delete(o, i), M) for i in range(inst.n)]
    for i in range(inst.n):
        if o[i] > 1:
            tries.append((s, np.where(np.arange(inst.n) == i, o - 1, o), M))
    for i in range(inst.n):
        if s[i] > 0:
            tries.append((np.where(np.arange(inst.n) == i, 0, s), o, M))
            if s[i] > 1:
                tries.append((np.where(np.arange(inst.n) == i, s - 1, s), o, M))
    tries.append((s, o, M - 1))
    for a, b, m in tries:
        try:
            yield Instance(s=a, o=b, M=m)
        except InvalidInstanceError:
            continue


def _at_least(ev: dict, target: dict) -> bool:
    """``ev`` keeps ``target``'s ratio with an equally strong label."""
    return (ev["ratio"] >= target["ratio"] - 1e-12
            and (ev["ratio_label"] == CERTIFIED or target["ratio_label"] != CERTIFIED))


def shrink(path: str | Path, out: str | Path | None = None, max_evals: int = 400,
           time_limit: float = 20.0, reference: str = "exact") -> tuple[dict[str, Any], int]:
    """Shrink the instance of the result file ``path``; save the smallest witness found as
    a result record at ``out`` (default: ``<path stem>-shrunk.json``). Returns
    ``(record, evaluations used)``."""
    rec = load_record(path)
    regime = rec["regime"]
    max_ratio = rec["provenance"]["params"].get("space", {}).get("max_ratio", 1.0)
    config = {"alg": rec["algorithm"], "alpha": rec["alpha"], "reference": reference,
              "time_limit": time_limit, "cross_check_n": 6}
    best = evaluate(rec["instance"], config)
    target = dict(best)       # the saved instance re-evaluated with the current code
    used = 1
    improved = True
    while improved and used < max_evals:
        improved = False
        for cand in simplifications(Instance.from_dict(best["instance"])):
            if cand.large_memory_ratio > max_ratio + 1e-12:
                continue
            ev = evaluate(cand.to_dict(), config)
            used += 1
            if ev["consistent"] and _at_least(ev, target):
                best, improved = ev, True
                break
            if used >= max_evals:
                break
    out = Path(out) if out else Path(path).with_name(Path(path).stem + "-shrunk.json")
    params = {**rec["provenance"]["params"], "shrunk_from": str(path)}
    new = make_record(best, regime=regime, alpha=rec["alpha"],
                      seed=rec["provenance"]["seed"], params=params,
                      evaluation=rec["evaluation"], family=f"shrink of {rec.get('family')}")
    save_record(out, new)
    return new, used
