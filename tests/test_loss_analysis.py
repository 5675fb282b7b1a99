"""kvsched.loss_analysis: the capacity identity M T = useful + wasted + idle, the per-round
split summing to each round's length, and GSA's exposure bounding its memory."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from conftest import instances
from kvsched import loss_analysis as la
from kvsched.algorithms import run_algorithm
from kvsched.schedule import memory_profile


@settings(max_examples=40, deadline=None)
@given(inst=instances(n_max=8, M_max=30))
def test_round_split_sums_to_round_length_and_exposure_bounds_memory(inst):
    res = run_algorithm("gsa", inst)
    dec = la.decomposition(res.schedule, inst)
    assert dec["useful_area"] == int(inst.area.sum())
    rounds = la.round_losses(res, inst)
    for r in rounds:
        parts = (r["useful_steps"] + r["wasted_steps"] + r["fill_idle_steps"]
                 + r["barrier_idle_steps"])
        assert abs(parts - r["length"]) < 1e-9
        assert min(r["fill_idle_steps"], r["barrier_idle_steps"]) >= -1e-9
    assert sum(r["wasted_tokens"] for r in rounds) == res.report.wasted_tokens
    mem = memory_profile(res.schedule, inst.s)
    exp = la.exposure_profile(res, inst)
    assert (exp >= mem).all()


def test_decomposition_of_a_killing_schedule():
    from kvsched import Instance
    inst = Instance(s=[0, 0], o=[3, 1], M=4)
    res = run_algorithm("gsa_pj", inst)
    dec = la.decomposition(res.schedule, inst)
    _, killed = la.attempt_areas(res.schedule, inst)
    assert killed.sum() == res.report.restarts
    assert dec["wasted_area"] > 0
    assert dec["useful_area"] + dec["wasted_area"] + dec["idle_area"] == dec["capacity_area"]
    fb = la.first_budget_waste(la.round_losses(run_algorithm("gsa", inst), inst), inst)
    assert fb["total_wasted_tokens"] == run_algorithm("gsa", inst).report.wasted_tokens
    assert np.isclose(fb["median_o"], 2.0)
