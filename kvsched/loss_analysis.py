"""Where a checked schedule loses memory-time (issue 15, part 1), computed from the
schedule alone (plus GSA's round records where rounds exist). Vectorised, no per-token loop.

The identity everything below rests on, for a schedule of makespan ``T``:

    M T = useful area + wasted area + idle area,

with *useful area* ``sum_i (s_i o_i + o_i(o_i+1)/2)`` (completing attempts), *wasted area*
the same sum over killed attempts (``s_i d + d(d+1)/2`` for ``d`` steps), and *idle area*
``sum_t (M - mem(t))``. For a round-based schedule the idle area of each round
``[R_k, E_k)`` is split at the round's last start ``A_k``:

* *fill idle*: idle memory in ``[R_k, A_k)``: jobs of the round were still waiting, kept
  out by their worst-case reservations or by the pacing;
* *barrier idle*: idle memory in ``[A_k, E_k)``: every job of the round has started, the
  round drains, and the next round's jobs wait for the barrier.

Dividing by ``M`` turns each area into steps, so a round's length is exactly
``useful/M + wasted/M + fill/M + barrier/M`` (the stacked bars of
:func:`kvsched.figures.round_losses_figure`).

*Exposure* (GSA): an attempt started in round ``k`` with slice ``l = min(tau_k, M - s_i)``
may reach ``s_i + l``; ``exposure(t)`` sums that over the attempts running at ``t``. It is
what a worst-case reservation has to plan for, beside the memory ``mem(t)`` actually used.
"""
from __future__ import annotations

import numpy as np

from .instance import Instance
from .schedule import Schedule, memory_profile


def attempt_areas(schedule: Schedule, instance: Instance) -> tuple[np.ndarray, np.ndarray]:
    """Per attempt: memory-time ``s d + d(d+1)/2`` and whether it was killed (``d < o``)."""
    s = instance.s[schedule.job]
    d = schedule.steps
    return s * d + d * (d + 1) // 2, d < instance.o[schedule.job]


def decomposition(schedule: Schedule, instance: Instance) -> dict:
    """``M T = useful + wasted + idle`` (areas) and each as a share of ``M T``."""
    mem = memory_profile(schedule, instance.s)
    area, killed = attempt_areas(schedule, instance)
    T = len(mem)
    total = instance.M * T
    out = {"makespan": T, "capacity_area": total,
           "useful_area": int(area[~killed].sum()), "wasted_area": int(area[killed].sum()),
           "idle_area": int(total - mem.sum())}
    assert out["useful_area"] + out["wasted_area"] + out["idle_area"] == total
    for k in ("useful", "wasted", "idle"):
        out[f"{k}_share"] = out[f"{k}_area"] / total if total else 0.0
    return out


def round_losses(result, instance: Instance) -> list[dict]:
    """Per round of a round-based run (``result.rounds``): length, budget, attempts,
    completions, wasted tokens, and the length split into useful / wasted / fill idle /
    barrier idle steps (areas divided by ``M``; they sum to the round length)."""
    sch = result.schedule
    mem = memory_profile(sch, instance.s)
    cum = np.concatenate([[0], np.cumsum(mem)])
    area, killed = attempt_areas(sch, instance)
    M = instance.M
    out = []
    for r in result.rounds:
        in_round = (sch.start >= r.start) & (sch.start < r.end)
        last = int(sch.start[in_round].max()) if in_round.any() else r.start
        L = r.end - r.start
        used_fill = int(cum[last] - cum[r.start])
        used_drain = int(cum[r.end] - cum[last])
        out.append({
            "k": r.k, "budget": r.budget, "start": r.start, "end": r.end, "length": L,
            "attempted": int(in_round.sum()), "finished": r.finished,
            "killed": int((in_round & killed).sum()),
            "wasted_tokens": int(sch.steps[in_round & killed].sum()),
            "useful_steps": float(area[in_round & ~killed].sum() / M),
            "wasted_steps": float(area[in_round & killed].sum() / M),
            "fill_idle_steps": float(((last - r.start) * M - used_fill) / M),
            "barrier_idle_steps": float(((r.end - last) * M - used_drain) / M),
            "last_start": last})
    return out


def exposure_profile(result, instance: Instance) -> np.ndarray:
    """``exposure(t) = sum (s_i + l_i)`` over the attempts running at ``t``, with the slice
    ``l_i = min(tau_k, M - s_i)`` of the round the attempt started in (GSA's rounds)."""
    sch = result.schedule
    starts = np.array([r.start for r in result.rounds], dtype=np.int64)
    taus = np.array([r.budget for r in result.rounds], dtype=np.int64)
    k = np.searchsorted(starts, sch.start, side="right") - 1
    s = instance.s[sch.job]
    peak = s + np.minimum(taus[k], instance.M - s)
    T = int(sch.end.max()) if len(sch) else 0
    diff = np.zeros(T + 1, dtype=np.int64)
    np.add.at(diff, sch.start, peak)
    np.add.at(diff, sch.end, -peak)
    return np.cumsum(diff)[:T]


def first_budget_waste(rounds: list[dict], instance: Instance) -> dict:
    """Tokens and steps spent in rounds whose budget is below the median output length
    (every job still unfinished is sliced, most are killed: the cost of tiny first
    budgets), against the whole run."""
    med = float(np.median(instance.o))
    early = [r for r in rounds if r["budget"] < med]
    return {"median_o": med, "rounds_below_median": len(early),
            "steps_below_median": int(sum(r["length"] for r in early)),
            "wasted_tokens_below_median": int(sum(r["wasted_tokens"] for r in early)),
            "total_steps": int(sum(r["length"] for r in rounds)),
            "total_wasted_tokens": int(sum(r["wasted_tokens"] for r in rounds))}
