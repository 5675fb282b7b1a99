"""The baselines fcfs, mcsf, sorted_f: checked schedules, exact agreement with plain per-step
reference implementations of their rules, and properties that can fail."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from conftest import instances
from kvsched import CompletionOracle, Instance, Schedule, best_lower_bound, load_instance
from kvsched.algorithms import REGISTRY, run_algorithm
from kvsched.algorithms.baselines import fcfs, future_peak, prefix_peak
from kvsched.schedule import memory_profile

BASELINES = ["fcfs", "mcsf", "sorted_f"]


# -- plain per-step references, written from the docstrings, sharing no code ---------------
def fcfs_reference(inst: Instance) -> Schedule:
    """Step by step: complete, preempt the most recent while over M, else admit in order."""
    s, o, M = inst.s.tolist(), inst.o.tolist(), inst.M
    waiting = list(range(inst.n))
    running: list[tuple[int, int]] = []
    attempts = []
    t = 0
    while waiting or running:
        for job, a in list(running):
            if a + o[job] == t:
                attempts.append((job, a, o[job]))
                running.remove((job, a))
        mem = sum(s[j] + t - a + 1 for j, a in running)
        preempted = False
        while mem > M:
            job, a = running.pop()
            attempts.append((job, a, t - a))
            waiting.insert(0, job)
            mem = sum(s[j] + t - a + 1 for j, a in running)
            preempted = True
        if not preempted:
            while waiting and mem + s[waiting[0]] + 1 <= M:
                job = waiting.pop(0)
                running.append((job, t))
                mem += s[job] + 1
        t += 1
    return Schedule.from_attempts(attempts)


def mcsf_reference(inst: Instance, every_step: bool = True) -> Schedule:
    """At every step (or only at 0 and completions), add jobs by (o, index) while the
    whole memory profile stays <= M."""
    order = sorted(range(inst.n), key=lambda i: (inst.o[i], i))
    attempts: list[tuple[int, int, int]] = []
    t = 0
    while order:
        while order:
            j = order[0]
            trial = Schedule.from_attempts(attempts + [(j, t, int(inst.o[j]))])
            if memory_profile(trial, inst.s).max() > inst.M:
                break
            attempts.append((j, t, int(inst.o[j])))
            order.pop(0)
        if order:
            t = t + 1 if every_step else min(a + d for _, a, d in attempts if a + d > t)
    return Schedule.from_attempts(attempts)


def sorted_f_reference(inst: Instance) -> Schedule:
    """Prefixes by (o, index) that fit started together; exact argmin of sum o / k^2."""
    order = sorted(range(inst.n), key=lambda i: (inst.o[i], i))
    attempts = []
    t = 0
    while order:
        best = None
        for k in range(1, len(order) + 1):
            batch = Schedule.from_attempts([(j, 0, int(inst.o[j])) for j in order[:k]])
            if memory_profile(batch, inst.s).max() > inst.M:
                break
            F = Fraction(sum(int(inst.o[j]) for j in order[:k]), k * k)
            if best is None or F <= best[0]:
                best = (F, k)
        k = best[1]
        attempts += [(j, t, int(inst.o[j])) for j in order[:k]]
        t += max(int(inst.o[j]) for j in order[:k])
        order = order[k:]
    return Schedule.from_attempts(attempts)


REFERENCES = {"fcfs": fcfs_reference, "mcsf": mcsf_reference, "sorted_f": sorted_f_reference}


def test_baselines_registered_with_their_kind():
    assert not REGISTRY["fcfs"].clairvoyant
    assert REGISTRY["mcsf"].clairvoyant and REGISTRY["sorted_f"].clairvoyant


@pytest.mark.parametrize("name", BASELINES)
@settings(max_examples=150)
@given(inst=instances(n_max=7, M_max=24))
def test_matches_per_step_reference_and_is_checked(name, inst):
    res = run_algorithm(name, inst)                  # run_algorithm checks the schedule
    assert res.schedule == REFERENCES[name](inst)
    assert res.report.objective >= best_lower_bound(inst)[0]


@pytest.mark.parametrize("name", BASELINES)
@given(inst=instances(n_min=5, n_max=14, M_max=150, edge=False))
def test_matches_reference_on_larger_instances(name, inst):
    """Long gaps between decision steps: the event-driven jumps must land exactly."""
    assert run_algorithm(name, inst).schedule == REFERENCES[name](inst)


@given(inst=instances(n_max=8, M_max=40))
def test_mcsf_at_completions_only_matches_its_reference(inst):
    res = run_algorithm("mcsf", inst, every_step=False)
    assert res.schedule == mcsf_reference(inst, every_step=False)


@pytest.mark.parametrize("name", ["mcsf", "sorted_f"])
@given(inst=instances(n_max=8, M_max=30))
def test_clairvoyant_baselines_never_kill(name, inst):
    rep = run_algorithm(name, inst).report
    assert rep.restarts == 0 and rep.wasted_tokens == 0 and rep.attempts == inst.n


@given(inst=instances(n_max=8, M_max=30))
def test_fcfs_with_ample_memory_runs_everything_at_zero(inst):
    big = Instance(s=inst.s, o=inst.o, M=int((inst.s + inst.o).sum()))
    res = run_algorithm("fcfs", big)
    assert res.schedule == Schedule(np.arange(big.n), np.zeros(big.n, dtype=np.int64), big.o)
    assert res.report.objective == int(big.o.sum())


@given(inst=instances(n_min=2, n_max=8, M_max=30))
def test_fcfs_kills_only_on_overflow_and_only_the_newest(inst):
    """At every kill step T the attempts alive just before T (not completing at T) would
    hold more than M at T; without the kills they do not fit, with them they do, and the
    killed ones are exactly the latest-started of them."""
    sched = run_algorithm("fcfs", inst).schedule
    j, a, d = sched.job, sched.start, sched.steps
    end = a + d
    killed = d < inst.o[j]
    for T in np.unique(end[killed]):
        alive = (a < T) & ((end > T) | ((end == T) & killed))
        held = inst.s[j] + T - a + 1
        assert held[alive].sum() > inst.M
        kept = alive & ~((end == T) & killed)
        assert held[kept].sum() <= inst.M
        k = (end == T) & killed
        assert a[k].min() >= a[kept].max()           # the newest were preempted
        # minimal: keeping one more of the killed ones would still overflow
        assert held[kept].sum() + held[k].max() > inst.M


@given(inst=instances(n_min=2, n_max=8, M_max=30))
def test_fcfs_first_starts_follow_input_order(inst):
    sched = run_algorithm("fcfs", inst).schedule
    first = np.full(inst.n, np.iinfo(np.int64).max)
    np.minimum.at(first, sched.job, sched.start)
    assert np.all(np.diff(first) >= 0)


@given(inst=instances(n_min=2, n_max=6, M_max=20), data=st.data())
def test_fcfs_is_non_clairvoyant(inst, data):
    """Lengthening the last job to finish changes nothing before it would have finished."""
    o1 = run_algorithm("fcfs", inst).report.completion
    last = int(np.argmax(o1))
    T = int(o1[last])
    bigger = data.draw(st.integers(int(inst.o[last]), inst.M - int(inst.s[last])))
    o2 = inst.o.copy()
    o2[last] = bigger
    d1, d2 = [], []
    for inst_, out in ((inst, d1), (inst.with_outputs(o2), d2)):
        oracle = CompletionOracle(inst_)
        fcfs(oracle)
        for dec in oracle.decisions:
            if dec[0] == "advance" and dec[2] >= T:
                break
            out.append(dec)
    assert d1 == d2


def test_future_peak_is_the_profile_maximum():
    """For jobs all started by ``now`` and running past it (MC-SF's situation), the peak
    from the end points equals the maximum of the memory profile from ``now`` on."""
    rng = np.random.default_rng(3)
    now = 5
    for _ in range(300):
        m = int(rng.integers(1, 8))
        a = rng.integers(0, now + 1, m)
        end = rng.integers(now + 1, now + 9, m)
        s = rng.integers(0, 5, m)
        sched = Schedule(np.arange(m), a, end - a)
        assert future_peak(s - a + 1, end) == memory_profile(sched, s)[now:].max()


def test_prefix_peak_matches_profile():
    rng = np.random.default_rng(4)
    for _ in range(200):
        m = int(rng.integers(1, 10))
        o = np.sort(rng.integers(1, 8, m))
        s = rng.integers(0, 6, m)
        for k in range(1, m + 1):
            sched = Schedule(np.arange(k), np.zeros(k, dtype=np.int64), o[:k])
            assert prefix_peak(s, o, k) == memory_profile(sched, s).max()


def test_fcfs_preempts_and_restarts_on_a_known_instance():
    """M = 6, two jobs s = 0, o = 4: both admitted at 0 (1 + 1 <= 6), at step 3 they would
    hold 4 + 4 = 8 > 6, so job 1 is killed after 3 steps, job 0 completes at 4, job 1
    restarts at 4 and completes at 8."""
    res = run_algorithm("fcfs", Instance(s=[0, 0], o=[4, 4], M=6))
    assert res.schedule == Schedule.from_attempts([(0, 0, 4), (1, 0, 3), (1, 4, 4)])
    assert res.report.restarts == 1 and res.report.wasted_tokens == 3
    assert res.report.objective == 4 + 8


@pytest.mark.parametrize("name", BASELINES)
def test_on_a_trace_slice(name, trace_path):
    inst = load_instance(trace_path, 16384, limit=2000)
    res = run_algorithm(name, inst)
    lb = best_lower_bound(inst)[0]
    assert res.report.peak_memory <= inst.M
    assert 1 <= res.report.objective / lb < 5
    if name != "fcfs":
        assert res.report.restarts == 0


@pytest.mark.slow
@pytest.mark.parametrize("M", [16384, 65536])
@pytest.mark.parametrize("name", BASELINES)
def test_full_trace(name, M, trace_path):
    inst = load_instance(trace_path, M)
    res = run_algorithm(name, inst)
    assert res.report.objective >= best_lower_bound(inst)[0]


def test_mcsf_admits_between_completions():
    """M = 3, s = 0, o = (2, 3): job 1 does not fit at step 0 (step 1 would hold 2 + 2),
    but started at step 1 it holds 1 beside job 0's 2, then runs alone: C = (2, 4).
    Deciding only at completions would start it at 2 (C = (2, 5))."""
    inst = Instance(s=[0, 0], o=[2, 3], M=3)
    assert run_algorithm("mcsf", inst).schedule == Schedule.from_attempts([(0, 0, 2), (1, 1, 3)])
    coarse = run_algorithm("mcsf", inst, every_step=False)
    assert coarse.schedule == Schedule.from_attempts([(0, 0, 2), (1, 2, 3)])


# -- the peers of issue 15: mlfq and random ------------------------------------------------
def test_random_order_is_seeded():
    from kvsched import Instance
    from kvsched.algorithms import run_algorithm
    rng = np.random.default_rng(0)
    o = rng.integers(1, 6, size=12)
    inst = Instance(s=np.zeros(12, dtype=int), o=o, M=6)
    a = run_algorithm("random", inst, seed=1).schedule
    b = run_algorithm("random", inst, seed=1).schedule
    c = run_algorithm("random", inst, seed=2).schedule
    assert a == b and a != c


def test_mlfq_skip_join_and_demotion():
    """A long prompt joins a lower queue (skip-join): with memory for one job, the short
    prompt goes first although it has the higher index; a job that has run its quantum is
    demoted and preempted by a fresh top-queue job (recompute: a restart is counted)."""
    from kvsched import Instance
    from kvsched.algorithms import run_algorithm
    inst = Instance(s=[600, 0], o=[1, 1], M=601)
    sch = run_algorithm("mlfq", inst, q0=1, prefill_rate=64).schedule.sorted()
    assert sch.job.tolist()[0] == 1
    inst = Instance(s=[1, 17], o=[38, 2], M=40, r=[0, 20])
    res = run_algorithm("mlfq", inst, q0=1, prefill_rate=64)
    assert res.report.restarts >= 1 and res.report.completion[1] == 22
