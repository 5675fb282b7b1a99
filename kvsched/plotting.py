"""Pictures of checked schedules: memory over time and the attempts (matplotlib, Agg).

* :func:`plot_schedule` — memory held per step with the budget ``M`` drawn, above the
  attempts as horizontal bars (completed vs killed, kills marked at the kill step).
* :func:`plot_memory_profiles` — several algorithms' memory utilisation ``mem(t)/M`` on
  one axis (used by the notebooks).

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot global state, so it is
safe in threads and never opens a window) and written with the Agg canvas. Large schedules
stay fast: profiles longer than ``max_points`` steps are drawn as per-bin maximum and mean
(the maximum is what feasibility is about), bars are one ``LineCollection``, and beyond
``max_jobs`` jobs only every k-th job's attempts are drawn (said in the axis label).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from .instance import Instance
from .schedule import Schedule, memory_profile

COMPLETED_COLOUR = "tab:blue"
KILLED_COLOUR = "tab:red"


def _new_figure(height_ratios: list[float], figsize: tuple[float, float]):
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(len(height_ratios), 1, sharex=True,
                        gridspec_kw={"height_ratios": height_ratios}, squeeze=False)[:, 0]
    return fig, axes


def _save(fig, path: str | Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=110)
    return path


def binned_profile(mem: np.ndarray, max_points: int = 4000
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(t, max, mean)`` of ``mem`` over at most ``max_points`` equal bins of steps
    (exact, one bin per step, when the profile is short enough). ``t`` is each bin's first
    step, plus the makespan with the last value repeated, for a ``where="post"`` step."""
    T = len(mem)
    if T == 0:
        return np.zeros(1), np.zeros(1), np.zeros(1)
    if T <= max_points:
        t = np.arange(T + 1)
        m = np.append(mem, mem[-1]).astype(float)
        return t, m, m
    width = -(-T // max_points)
    pad = (-T) % width
    m = np.concatenate([mem, np.full(pad, np.nan)]).reshape(-1, width)
    t = np.append(np.arange(0, T, width), T)
    peak, mean = np.nanmax(m, axis=1), np.nanmean(m, axis=1)
    return t, np.append(peak, peak[-1]), np.append(mean, mean[-1])


def plot_schedule(schedule: Schedule, instance: Instance, path: str | Path,
                  title: str = "", max_jobs: int = 400, max_points: int = 4000,
                  max_kill_marks: int = 200) -> Path:
    """Memory over time (``M`` drawn) above the attempts as bars, saved as PNG to ``path``
    (see :func:`schedule_figure`); returns ``path``."""
    return _save(schedule_figure(schedule, instance, title, max_jobs, max_points,
                                 max_kill_marks), path)


def schedule_figure(schedule: Schedule, instance: Instance, title: str = "",
                    max_jobs: int = 400, max_points: int = 4000, max_kill_marks: int = 200):
    """The figure of :func:`plot_schedule`: axes ``[memory, attempts]``.

    Jobs are placed on the y axis in order of their first start. Completed attempts are
    blue, killed ones red with a black ``x`` at the kill step (the marks are left out
    when more than ``max_kill_marks`` kills are drawn, where they would hide the bars);
    beyond ``max_jobs`` jobs only every k-th (by first start) is drawn, with all its
    attempts.
    """
    from matplotlib.collections import LineCollection

    mem = memory_profile(schedule, instance.s)
    fig, (ax_mem, ax_bar) = _new_figure([1, 2], (10, 6.5))

    t, peak, mean = binned_profile(mem, max_points)
    if len(t) == len(mem) + 1:
        ax_mem.step(t, peak, where="post", lw=0.8, color="tab:green", label="memory")
    else:
        ax_mem.fill_between(t, 0, peak, step="post", color="tab:green", alpha=0.25,
                            label=f"max per {t[1] - t[0]} steps")
        ax_mem.step(t, mean, where="post", lw=0.8, color="tab:green", label="mean")
    ax_mem.axhline(instance.M, color="k", ls="--", lw=1, label=f"M = {instance.M}")
    ax_mem.set_ylabel("memory")
    ax_mem.set_ylim(0, instance.M * 1.08)
    ax_mem.legend(loc="lower right", fontsize=8)
    if title:
        ax_mem.set_title(title)

    job, start, steps = schedule.job, schedule.start, schedule.steps
    first = np.full(instance.n, np.iinfo(np.int64).max)
    np.minimum.at(first, job, start)
    rank = np.empty(instance.n, dtype=np.int64)
    rank[np.lexsort((np.arange(instance.n), first))] = np.arange(instance.n)
    stride = max(1, -(-instance.n // max_jobs))
    shown = rank[job] % stride == 0
    y = rank[job] // stride
    killed = steps < instance.o[job]
    for mask, colour, label in ((shown & ~killed, COMPLETED_COLOUR, "completed"),
                                (shown & killed, KILLED_COLOUR, "killed")):
        if not mask.any():
            continue
        segs = np.stack([np.stack([start[mask], y[mask]], axis=1),
                         np.stack([start[mask] + steps[mask], y[mask]], axis=1)], axis=1)
        lw = float(np.clip(300 / max(1, int(y.max()) + 1), 1.5, 6))
        ax_bar.add_collection(LineCollection(segs.astype(float), colors=colour,
                                             linewidths=lw, label=label))
    km = shown & killed
    if 0 < km.sum() <= max_kill_marks:
        ax_bar.scatter(start[km] + steps[km], y[km], marker="x", s=25, color="k",
                       zorder=3, label="kill")
    ax_bar.set_xlim(0, max(1, len(mem)))
    ax_bar.set_ylim(-1, max(1, int(y[shown].max()) + 1) if shown.any() else 1)
    ax_bar.invert_yaxis()
    ax_bar.set_xlabel("step")
    ax_bar.set_ylabel("job (by first start)" + (f", every {stride}th" if stride > 1 else ""))
    if (shown & killed).any() or (shown & ~killed).any():
        ax_bar.legend(loc="lower right", fontsize=8)
    return fig


def _profiles(results: Mapping[str, Any] | Iterable[Any], instance: Instance
              ) -> list[tuple[str, np.ndarray]]:
    """``(label, memory profile)`` from RunResults, Schedules or arrays, by name."""
    if isinstance(results, Mapping):
        items = list(results.items())
    else:
        items = [(getattr(r, "algorithm", f"#{k}"), r) for k, r in enumerate(results)]
    out = []
    for name, r in items:
        sched = getattr(r, "schedule", r)
        mem = memory_profile(sched, instance.s) if isinstance(sched, Schedule) \
            else np.asarray(sched)
        out.append((str(name), mem))
    return out


def plot_memory_profiles(results: Mapping[str, Any] | Iterable[Any], instance: Instance,
                         path: str | Path, title: str = "", max_points: int = 2000) -> Path:
    """Save :func:`memory_profiles_figure` as PNG to ``path``; returns ``path``."""
    return _save(memory_profiles_figure(results, instance, title, max_points), path)


def memory_profiles_figure(results: Mapping[str, Any] | Iterable[Any], instance: Instance,
                           title: str = "", max_points: int = 2000):
    """Overlay memory utilisation ``mem(t)/M`` of several algorithms on one instance.

    ``results`` maps a label to a RunResult (or a Schedule, or a profile array), or is a
    list of RunResults (labelled by ``.algorithm``). Long profiles are drawn as per-bin
    means over at most ``max_points`` bins, each ending at its algorithm's makespan.
    """
    fig, (ax,) = _new_figure([1], (10, 4))
    for name, mem in _profiles(results, instance):
        t, _peak, mean = binned_profile(mem, max_points)
        mem = mem if len(mem) else np.zeros(1)
        ax.step(t, mean / instance.M, where="post", lw=1,
                label=f"{name} (makespan {len(mem)}, mean {mem.mean() / instance.M:.2f})")
    ax.axhline(1.0, color="k", ls="--", lw=1, label="M")
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("step")
    ax.set_ylabel("memory / M")
    ax.set_title(title or f"memory utilisation, n={instance.n}, M={instance.M}")
    ax.legend(loc="lower left", fontsize=8)
    return fig


def latency_cdfs_figure(results: Mapping[str, Any] | Iterable[Any], title: str = "",
                        max_points: int = 2000):
    """Empirical CDF of the latencies ``C_i - r_i`` (checked reports) of several runs, log
    x axis, with p50/p90/p99 marked. ``results``: label -> RunResult, or RunResults."""
    if isinstance(results, Mapping):
        items = list(results.items())
    else:
        items = [(r.algorithm, r) for r in results]
    fig, (ax,) = _new_figure([1], (9, 4.5))
    for name, r in items:
        lat = np.sort(np.asarray(r.report.latency))
        k = np.unique(np.linspace(0, len(lat) - 1, min(len(lat), max_points)).astype(int))
        ax.step(lat[k], (k + 1) / len(lat), where="post", lw=1.2,
                label=f"{name} (p50 {r.report.latency_percentile(50)}, "
                      f"p99 {r.report.latency_percentile(99)})")
    for q in (0.5, 0.9, 0.99):
        ax.axhline(q, color="0.6", lw=0.6, ls=":")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("latency C_i - r_i (steps, log scale)")
    ax.set_ylabel("fraction of requests")
    ax.set_title(title or "latency CDF")
    ax.legend(loc="lower right", fontsize=7)
    return fig


def plot_latency_cdfs(results: Mapping[str, Any] | Iterable[Any], path: str | Path,
                      title: str = "") -> Path:
    """Save :func:`latency_cdfs_figure` as PNG to ``path``; returns ``path``."""
    return _save(latency_cdfs_figure(results, title), path)
