"""The independent checker accepts feasible schedules and names every violation."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from kvsched import InfeasibleScheduleError, Instance, Schedule, check
from kvsched.schedule import memory_profile, memory_profile_reference
from kvsched.verify_section import _violations

from conftest import instances


def test_hand_built_feasible_schedule():
    inst = Instance(s=[2, 1, 0], o=[3, 2, 4], M=8)
    # job 0 killed after 1 step, job 1 runs, job 0 restarts, job 2 runs alone.
    sched = Schedule.from_attempts([(0, 0, 1), (1, 0, 2), (0, 1, 3), (2, 4, 4)])
    rep = check(sched, inst)
    assert rep.completion.tolist() == [4, 2, 8]
    assert rep.objective == 14 and rep.restarts == 1 and rep.wasted_tokens == 1
    # memory at steps 0..: [3+2, 2+3+3? ...] computed by hand:
    # t=0: job0(2+1)+job1(1+1)=5; t=1: job1(1+2)+job0(2+1)=6; t=2: 4; t=3: 5; t=4..7: 1..4
    assert memory_profile(sched, inst.s).tolist() == [5, 6, 4, 5, 1, 2, 3, 4]
    assert rep.peak_memory == 6


def test_memory_exactly_M_is_allowed():
    inst = Instance(s=[2, 1], o=[3, 2], M=8)
    check(Schedule.from_attempts([(0, 0, 3), (1, 1, 2)]), inst)  # peak 5 + 3 = 8


@pytest.mark.parametrize("kind, inst, sched", _violations(), ids=[v[0] for v in _violations()])
def test_each_violation_is_named(kind, inst, sched):
    with pytest.raises(InfeasibleScheduleError) as e:
        check(sched, inst)
    assert e.value.kind == kind
    assert e.value.job is not None


def test_memory_violation_names_step_and_amount():
    inst = Instance(s=[2, 1], o=[3, 2], M=7)
    with pytest.raises(InfeasibleScheduleError) as e:
        check(Schedule.from_attempts([(0, 0, 3), (1, 1, 2)]), inst)
    assert (e.value.step, e.value.amount, e.value.job) == (2, 1, 0)
    assert "step 2: memory 8 exceeds M = 7 by 1" in str(e.value)


def test_bad_job_and_length():
    inst = Instance(s=[0], o=[2], M=4)
    with pytest.raises(InfeasibleScheduleError, match="names job 3"):
        check(Schedule.from_attempts([(3, 0, 2)]), inst)
    with pytest.raises(InfeasibleScheduleError) as e:
        check(Schedule.from_attempts([(0, 0, 0), (0, 1, 2)]), inst)
    assert e.value.kind == "bad-length"
    with pytest.raises(InfeasibleScheduleError) as e:
        check(Schedule.from_attempts([]), inst)
    assert e.value.kind == "not-completed"


@st.composite
def schedules(draw):
    inst = draw(instances(n_max=5))
    attempts = []
    for i in range(inst.n):
        t = draw(st.integers(0, 6))
        for _ in range(draw(st.integers(0, 2)) if inst.o[i] > 1 else 0):  # kills first
            d = draw(st.integers(1, int(inst.o[i]) - 1))
            attempts.append((i, t, d))
            t += d + draw(st.integers(0, 3))
        attempts.append((i, t, int(inst.o[i])))
    return inst, Schedule.from_attempts(attempts)


@given(schedules(), st.integers(0, 50))
def test_vectorised_profile_matches_reference(data, extra):
    inst, sched = data
    H = int(sched.end.max()) + extra
    assert memory_profile(sched, inst.s, H).tolist() == memory_profile_reference(sched, inst.s, H)


@given(schedules())
def test_checker_agrees_with_reference_rules(data):
    """The checker accepts exactly the schedules whose reference profile stays <= M
    (the generated schedules satisfy every other rule by construction)."""
    inst, sched = data
    H = int(sched.end.max())
    ok = max(memory_profile_reference(sched, inst.s, H)) <= inst.M
    try:
        rep = check(sched, inst)
        assert ok
        assert rep.objective == sum(a + d for (i, a, d) in sched.attempts() if d == inst.o[i])
        assert rep.wasted_tokens == sum(d for (i, a, d) in sched.attempts() if d < inst.o[i])
    except InfeasibleScheduleError as e:
        assert not ok and e.kind == "memory"
