"""Figures for the notebooks that :mod:`kvsched.plotting` and :mod:`bounds.plot` do not draw.

* :func:`certified_ratio_figure` — the distribution of certified ratios ``ALG/OPT`` per
  algorithm and ``alpha`` (box + points), with the derived bound ``R(alpha)`` beside it.
* :func:`trace_summary_figure` — per memory budget: ``ALG/LB`` (an *estimate*), restarts
  and wasted tokens of several algorithms on one trace.

Both return a :class:`matplotlib.figure.Figure` (no pyplot state, Agg-safe); a notebook
shows it as the cell's value. The certified/estimate label is part of every axis title.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

ALGORITHM_COLOURS = {"gsa": "tab:red", "gba": "tab:blue", "fcfs": "tab:gray",
                     "mcsf": "tab:green", "sorted_f": "tab:purple",
                     "gsa_no_stagger": "tab:orange", "gsa_no_restart": "tab:brown",
                     "sequential_spt": "k", "sequential_nc": "tab:olive"}


def _figure(ncols: int, figsize: tuple[float, float], sharey: bool = False):
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False, sharey=sharey)[0]
    return fig, axes


def colour(algorithm: str) -> str:
    return ALGORITHM_COLOURS.get(algorithm, "tab:cyan")


def certified_ratio_figure(records: Iterable[Mapping[str, Any]],
                           bound: Callable[[str, float], float | None],
                           title: str = "", seed: int = 0):
    """One panel per algorithm: at each ``alpha`` a box plot and the jittered points of
    the certified ratios ``ALG/OPT`` (``records``: dicts with ``algorithm``, ``alpha``,
    ``ratio``), and the bound ``bound(algorithm, alpha)`` as a red bar (``None``: no bound
    claimed at that alpha, nothing drawn). Log y axis, so the ratios near 1 and the bounds
    (tens) are both visible. ``seed`` fixes the horizontal jitter. The axes say
    "certified", so a record labelled otherwise (``label``/``ratio_label`` not
    ``"certified"``, e.g. an ALG/LB estimate) is refused with ``ValueError``."""
    recs = list(records)
    for r in recs:
        label = r.get("ratio_label", r.get("label", "certified"))
        if label != "certified":
            raise ValueError(f"certified_ratio_figure draws certified ratios only; got a "
                             f"{label!r} ratio for {r['algorithm']} at alpha {r['alpha']}")
    algs = list(dict.fromkeys(r["algorithm"] for r in recs))
    fig, axes = _figure(max(1, len(algs)), (5.2 * max(1, len(algs)), 4.4), sharey=True)
    rng = np.random.default_rng(seed)
    for ax, alg in zip(axes, algs):
        alphas = sorted({float(r["alpha"]) for r in recs if r["algorithm"] == alg})
        data = [np.array([r["ratio"] for r in recs
                          if r["algorithm"] == alg and float(r["alpha"]) == a]) for a in alphas]
        pos = np.arange(len(alphas))
        ax.boxplot(data, positions=pos, widths=0.5, showfliers=False,
                   medianprops={"color": "k"})
        for p, d in zip(pos, data):
            ax.scatter(p + rng.uniform(-0.18, 0.18, len(d)), d, s=9, alpha=0.6,
                       color=colour(alg), zorder=3)
        drawn = False
        for p, a in zip(pos, alphas):
            b = bound(alg, a)
            if b is None:
                continue
            ax.hlines(b, p - 0.35, p + 0.35, color="red", lw=2.5, gid="bound",
                      label=None if drawn else "derived bound R(alpha), general")
            ax.annotate(f"{b:.3g}", (p + 0.36, b), fontsize=7, color="red", va="center")
            drawn = True
        ax.set_xticks(pos, [f"{a:.4g}" for a in alphas])
        ax.set_xlim(-0.6, len(alphas) - 0.1)
        ax.set_xlabel(r"$\alpha$")
        ax.set_yscale("log")
        ax.set_title(f"{alg.upper()}: certified ALG/OPT (n = {len(data[0]) if data else 0} "
                     f"per alpha)", fontsize=10)
        ax.grid(True, which="both", axis="y", alpha=0.3)
        if drawn:
            ax.legend(loc="upper left", fontsize=8)
    top = max([b for alg in algs for a in {float(r["alpha"]) for r in recs}
               if (b := bound(alg, a)) is not None] + [max(r["ratio"] for r in recs)]
              if recs else [10.0])
    axes[0].set_ylim(0.8, 4 * top)
    axes[0].set_ylabel("certified ratio ALG/OPT (OPT proven optimal)")
    if title:
        fig.suptitle(title)
    return fig


def trace_summary_figure(rows: Sequence[Mapping[str, Any]], title: str = ""):
    """Grouped bars per memory budget ``M`` and algorithm: ``ALG/LB`` (estimate), restarts
    and wasted tokens. ``rows``: dicts with ``M``, ``algorithm``, ``ratio_to_lower_bound``,
    ``restarts`` and ``wasted_tokens`` (from checked runs)."""
    budgets = sorted({int(r["M"]) for r in rows})
    algs = list(dict.fromkeys(r["algorithm"] for r in rows))
    by = {(int(r["M"]), r["algorithm"]): r for r in rows}
    panels = [("ratio_to_lower_bound", "ALG / LB  (estimate: LB = best lower bound)", False),
              ("restarts", "restarts (killed attempts)", True),
              ("wasted_tokens", "wasted tokens (decoded by killed attempts)", True)]
    fig, axes = _figure(len(panels), (16, 4.2))
    width = 0.8 / max(1, len(algs))
    x = np.arange(len(budgets))
    for ax, (key, label, log) in zip(axes, panels):
        for k, alg in enumerate(algs):
            vals = [float(by[(M, alg)][key]) if (M, alg) in by else np.nan for M in budgets]
            ax.bar(x + (k - (len(algs) - 1) / 2) * width, vals, width, color=colour(alg),
                   label=alg)
        ax.set_xticks(x, [f"M = {M}" for M in budgets])
        ax.set_title(label, fontsize=10)
        if log:
            ax.set_yscale("symlog", linthresh=1)
            top = max([float(r[key]) for r in rows] + [1.0])
            ax.set_ylim(0, top * 3)
        else:
            ax.axhline(1.0, color="k", lw=0.8, ls=":")
        ax.grid(True, axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


LOSS_COLOURS = {"useful_steps": "tab:green", "wasted_steps": "tab:red",
                "fill_idle_steps": "tab:orange", "barrier_idle_steps": "tab:gray"}
LOSS_LABELS = {"useful_steps": "useful (completing attempts' area / M)",
               "wasted_steps": "wasted (killed attempts' area / M)",
               "fill_idle_steps": "idle while the round's jobs wait (reservations, pacing)",
               "barrier_idle_steps": "idle at the round barrier (drain)"}


def round_losses_figure(rounds: Sequence[Mapping[str, Any]], title: str = ""):
    """Per round ``k`` (budget ``tau_k``): the round's length split into useful, wasted,
    fill-idle and barrier-idle steps (:func:`kvsched.loss_analysis.round_losses`; the four
    sum to the length), and the wasted tokens per round on the right."""
    fig, (ax, ax2) = _figure(2, (14, 4.5))
    x = np.arange(len(rounds))
    bottom = np.zeros(len(rounds))
    for key, c in LOSS_COLOURS.items():
        v = np.array([float(r[key]) for r in rounds])
        ax.bar(x, v, 0.8, bottom=bottom, color=c, label=LOSS_LABELS[key])
        bottom += v
    ticks = [f"{r['k']}\n{r['budget']}" for r in rounds]
    ax.set_xticks(x, ticks, fontsize=8)
    ax.set_xlabel("round k / budget tau_k")
    ax.set_ylabel("steps")
    ax.set_title("round length = useful + wasted + idle (memory-time / M)", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    ax2.bar(x, [r["wasted_tokens"] for r in rounds], 0.8, color="tab:red")
    ax2.set_xticks(x, ticks, fontsize=8)
    ax2.set_xlabel("round k / budget tau_k")
    ax2.set_title("wasted tokens per round (decoded by killed attempts)", fontsize=10)
    for ax_ in (ax, ax2):
        ax_.grid(True, axis="y", alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def memory_exposure_figure(mem: np.ndarray, exposure: np.ndarray | None, M: int,
                           round_starts: Sequence[int] = (), title: str = "",
                           max_points: int = 3000):
    """Memory used ``mem(t)``, the worst-case exposure of the running attempts (what a
    reservation must plan for; :func:`kvsched.loss_analysis.exposure_profile`) and ``M``
    over time, as per-bin means; round starts as faint vertical lines."""
    from .plotting import binned_profile
    fig, (ax,) = _figure(1, (12, 4.2))
    t, _pk, mean = binned_profile(mem, max_points)
    ax.step(t, mean, where="post", lw=1, color="tab:blue", label="memory used")
    if exposure is not None:
        te, _pe, me = binned_profile(exposure, max_points)
        ax.step(te, me, where="post", lw=1, color="tab:orange",
                label="worst-case exposure sum(s_i + slice_i) of running attempts")
    ax.axhline(M, color="k", ls="--", lw=1, label="M")
    for r0 in round_starts:
        ax.axvline(r0, color="0.8", lw=0.5)
    ax.set_xlabel("step")
    ax.set_ylabel("memory (tokens)")
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title, fontsize=10)
    return fig
