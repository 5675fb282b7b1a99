"""Plots: the pictures show the checked schedule (memory, M, completed and killed attempts),
large schedules are aggregated without losing the peak, and PNGs are written."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from kvsched import Instance, Schedule, load_instance, memory_profile
from kvsched.algorithms import run_algorithm
from kvsched.plotting import (binned_profile, memory_profiles_figure, plot_memory_profiles,
                              plot_schedule, schedule_figure)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _segments(ax):
    """Segments per LineCollection label in the attempts axis."""
    return {c.get_label(): c.get_segments() for c in ax.collections
            if c.get_label() in ("completed", "killed")}


def test_schedule_figure_shows_memory_M_and_attempts():
    inst = Instance(s=[0, 0], o=[4, 4], M=6)
    res = run_algorithm("fcfs", inst)          # job 1 is killed at step 3, restarts at 4
    fig = schedule_figure(res.schedule, inst, title="t")
    ax_mem, ax_bar = fig.axes[:2]
    mem = memory_profile(res.schedule, inst.s)
    profile = ax_mem.lines[0].get_ydata()
    assert np.array_equal(profile[:-1], mem)
    assert any(np.all(np.asarray(l.get_ydata()) == inst.M) for l in ax_mem.lines[1:])
    segs = _segments(ax_bar)
    assert len(segs["completed"]) == 2 and len(segs["killed"]) == 1
    (x0, _), (x1, _) = segs["killed"][0]
    assert (x0, x1) == (0, 3)
    marks = ax_bar.collections[-1].get_offsets()
    assert np.array_equal(np.asarray(marks)[:, 0], [3])   # the kill step is marked


@given(mem=st.lists(st.integers(0, 100), min_size=1, max_size=300),
       max_points=st.integers(1, 50))
def test_binned_profile_keeps_the_peak_and_the_mean(mem, max_points):
    mem = np.array(mem)
    t, peak, mean = binned_profile(mem, max_points)
    assert len(t) <= max_points + 1 or len(mem) <= max_points
    assert peak.max() == mem.max()
    widths = np.diff(t)
    assert np.isclose((mean[:-1] * widths).sum(), mem.sum())
    assert t[0] == 0 and t[-1] == len(mem)


def test_large_schedule_is_subsampled_and_written(tmp_path, trace_path):
    inst = load_instance(trace_path, 16384, limit=3000)
    res = run_algorithm("fcfs", inst)
    fig = schedule_figure(res.schedule, inst, max_jobs=100)
    shown = sum(len(v) for v in _segments(fig.axes[1]).values())
    assert 0 < shown < len(res.schedule) / 10
    assert len(fig.axes[0].collections[0].get_paths()) >= 1   # aggregated max band
    out = plot_schedule(res.schedule, inst, tmp_path / "sub" / "fcfs.png", title="fcfs")
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_memory_profiles_overlay(tmp_path):
    inst = Instance(s=[1, 2, 0, 3], o=[3, 2, 4, 1], M=7)
    results = [run_algorithm(a, inst) for a in ("fcfs", "mcsf", "sorted_f")]
    fig = memory_profiles_figure(results, inst)
    ax = fig.axes[0]
    labels = [l.get_label() for l in ax.lines]
    assert [lb.split(" ")[0] for lb in labels[:3]] == ["fcfs", "mcsf", "sorted_f"]
    for line, r in zip(ax.lines, results):
        y = np.asarray(line.get_ydata())
        assert np.allclose(y[:-1] * inst.M, memory_profile(r.schedule, inst.s))
        assert y.max() <= 1
    out = plot_memory_profiles({r.algorithm: r for r in results}, inst, tmp_path / "m.png")
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_kill_marks_are_left_out_when_too_many():
    inst = Instance(s=[0, 0], o=[4, 4], M=6)
    res = run_algorithm("fcfs", inst)
    ax_bar = schedule_figure(res.schedule, inst, max_kill_marks=0).axes[1]
    assert len(_segments(ax_bar)["killed"]) == 1
    assert not any(c.get_label() == "kill" for c in ax_bar.collections)


@pytest.mark.parametrize("key", ["label", "ratio_label"])
def test_certified_ratio_figure_refuses_an_estimate(key):
    from kvsched.figures import certified_ratio_figure

    recs = [{"algorithm": "gsa", "alpha": 2.0, "ratio": 1.2, key: "certified"},
            {"algorithm": "gsa", "alpha": 2.0, "ratio": 1.5, key: "estimate"}]
    with pytest.raises(ValueError, match="'estimate' ratio for gsa"):
        certified_ratio_figure(recs, lambda alg, a: None)
    fig = certified_ratio_figure(recs[:1], lambda alg, a: None)
    assert "certified" in fig.axes[0].get_title()
