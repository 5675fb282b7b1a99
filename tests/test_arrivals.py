"""Release dates (issue 15, part 4): the model, the oracle, the checker, the loaders, the
lower bounds and every algorithm in the online setting (a job cannot start before r_i;
objective sum_i (C_i - r_i))."""
from __future__ import annotations

import numpy as np
import pytest

from kvsched import CompletionOracle, Instance, InvalidInstanceError, OracleError


# -- the model --------------------------------------------------------------------------
def test_release_dates_default_zero_and_read_only():
    inst = Instance(s=[1, 2], o=[3, 4], M=10)
    assert inst.r.tolist() == [0, 0] and inst.r.dtype == np.int64
    assert not inst.has_releases
    with pytest.raises(ValueError):
        inst.r[0] = 5
    assert "r" not in str(inst.to_dict())


@pytest.mark.parametrize("r, needle, job", [([0, -1], "job 1: release date r = -1", 1),
                                             ([0.5, 0], "job 0: release date r = 0.5", 0),
                                             ([0, True], "job 1", 1)])
def test_bad_release_dates_name_the_job(r, needle, job):
    with pytest.raises(InvalidInstanceError, match=needle) as e:
        Instance(s=[1, 2], o=[3, 4], M=10, r=r)
    assert e.value.job == job


def test_release_dates_round_trip_only_when_nonzero():
    inst = Instance(s=[1, 2, 0], o=[3, 4, 1], M=10, r=[0, 7, 2])
    d = inst.to_dict()
    assert d["jobs"][0] == {"s": 1, "o": 3} and d["jobs"][1] == {"s": 2, "o": 4, "r": 7}
    back = Instance.from_dict(d)
    assert back == inst and back.r.tolist() == [0, 7, 2]
    assert back != inst.with_releases(None)
    assert inst.subset([2, 1]).r.tolist() == [2, 7]
    assert inst.with_outputs([1, 1, 1]).r.tolist() == [0, 7, 2]


# -- the oracle -------------------------------------------------------------------------
def test_oracle_reveals_jobs_only_at_release():
    inst = Instance(s=[1, 2, 3], o=[2, 2, 2], M=10, r=[0, 5, 5])
    orc = CompletionOracle(inst)
    assert orc.arrived.tolist() == [True, False, False] and orc.n_arrived == 1
    assert orc.s.tolist() == [1, -1, -1] and orc.r.tolist() == [0, -1, -1]
    assert not orc.all_arrived
    with pytest.raises(OracleError, match="job 1 has not arrived"):
        orc.start(1)
    with pytest.raises(OracleError, match="job 1 has not arrived"):
        orc.start(1, at=6)                # even a start after r_1: r_1 is not known yet
    orc.start(0)
    ev = orc.advance()
    assert [(e.time, e.job, e.completed, e.arrival) for e in ev] == [(2, 0, True, False)]
    ev = orc.advance()                    # nothing running: waits for the next arrival
    assert [(e.time, e.job, e.arrival) for e in ev] == [(5, 1, True), (5, 2, True)]
    assert orc.now == 5 and orc.all_arrived
    assert orc.s.tolist() == [1, 2, 3] and orc.r.tolist() == [0, 5, 5]
    orc.start(1)
    orc.start(2)
    orc.run_to_completion()
    with pytest.raises(OracleError):
        orc.advance()                     # nothing running, nothing to come
    assert orc.schedule().attempts() == [(0, 0, 2), (1, 5, 2), (2, 5, 2)]


def test_oracle_stops_at_arrivals_while_running():
    inst = Instance(s=[0, 0], o=[10, 1], M=20, r=[0, 3])
    orc = CompletionOracle(inst)
    orc.start(0)
    ev = orc.advance(until=8)
    assert [(e.time, e.job, e.arrival) for e in ev] == [(3, 1, True)]
    assert orc.decisions[-1] == ("advance", 8, 3, ((1, "arrived"),))


def test_oracle_batch_views_unchanged():
    inst = Instance(s=[1, 2], o=[3, 4], M=10)
    orc = CompletionOracle(inst)
    assert orc.s is inst.s and orc.arrived.all() and orc.all_arrived
    with pytest.raises(ValueError):
        orc.arrived[0] = False


# -- the checker ------------------------------------------------------------------------
def test_checker_rejects_a_start_before_release():
    from kvsched import InfeasibleScheduleError, Schedule, check
    inst = Instance(s=[0, 0], o=[2, 3], M=10, r=[0, 4])
    with pytest.raises(InfeasibleScheduleError, match="job 1: attempt starts at step 3, "
                       "before its release date r = 4") as e:
        check(Schedule.from_attempts([(0, 0, 2), (1, 3, 3)]), inst)
    assert (e.value.kind, e.value.job, e.value.step, e.value.amount) == \
        ("before-release", 1, 3, 1)
    # a killed attempt before release is rejected too
    with pytest.raises(InfeasibleScheduleError, match="before its release"):
        check(Schedule.from_attempts([(0, 0, 2), (1, 2, 1), (1, 4, 3)]), inst)
    rep = check(Schedule.from_attempts([(0, 0, 2), (1, 4, 3)]), inst)
    assert rep.objective == 2 + 7 and rep.flow_time == 2 + 3
    assert rep.latency.tolist() == [2, 3] and rep.mean_latency == 2.5


def test_latency_percentiles_are_nearest_rank():
    from kvsched import Schedule, check
    n = 10
    inst = Instance(s=[0] * n, o=list(range(1, n + 1)), M=200, r=list(range(n)))
    rep = check(Schedule.from_attempts([(i, i, i + 1) for i in range(n)]), inst)
    lat = sorted(rep.latency.tolist())
    assert lat == list(range(1, n + 1))
    summ = rep.summary()
    assert (summ["p50_latency"], summ["p90_latency"], summ["p99_latency"]) == (5, 9, 10)
    assert summ["flow_time"] == sum(lat) and summ["mean_latency"] == sum(lat) / n


# -- the loaders ------------------------------------------------------------------------
def _trace(tmp_path, rows, name="t.csv"):
    p = tmp_path / name
    p.write_text("TIMESTAMP,ContextTokens,GeneratedTokens\n" + "\n".join(rows) + "\n")
    return p


def test_trace_arrivals_scaled_by_rate(tmp_path):
    from kvsched import load_instance
    p = _trace(tmp_path, ["2023-11-16 18:15:46.5000000,10,5",
                          "2023-11-16 18:15:47.0000000,10,5",
                          "2023-11-16 18:15:49.2300000,10,5"])
    assert load_instance(p, 100).r.tolist() == [0, 0, 0]          # batch by default
    assert load_instance(p, 100, arrivals=True, tokens_per_second=10).r.tolist() == [0, 5, 27]
    assert load_instance(p, 100, arrivals=True, tokens_per_second=2.5).r.tolist() == [0, 1, 6]
    assert load_instance(p, 100, arrivals=True, tokens_per_second=10,
                         limit=2).r.tolist() == [0, 5]
    q = _trace(tmp_path, ["1.5,10,5", "2.0,10,5", "4.0,1,1"], "num.csv")
    assert load_instance(q, 100, arrivals=True, tokens_per_second=4).r.tolist() == [0, 2, 10]


@pytest.mark.parametrize("rows, needle", [
    (["2023-11-16 18:15:46,1,1", "yesterday,1,1"], "t.csv:3: column 'TIMESTAMP': 'yesterday'"),
    (["2023-11-16 18:15:46,1,1", "NaT,1,1"], "t.csv:3: column 'TIMESTAMP'"),
    (["2023-11-16 18:15:46,1,1", ",1,1"], "t.csv:3: column 'TIMESTAMP'"),
    (["1.0,1,1", "2.0,1,1", "x,1,1"], "t.csv:4: column 'TIMESTAMP': 'x' is not a number"),
    (["2023-11-16 18:15:46,1,1", "2023-11-16 18:15:45,1,1"], "t.csv:3: .*earlier than the "
                                                           "first request"),
])
def test_bad_timestamps_name_the_line(tmp_path, rows, needle):
    from kvsched import InputFormatError, load_instance
    p = _trace(tmp_path, rows)
    load_instance(p, 100)                       # the batch setting ignores timestamps
    with pytest.raises(InputFormatError, match=needle):
        load_instance(p, 100, arrivals=True)


def test_arrivals_need_timestamps(tmp_path):
    from kvsched import InputFormatError, KvschedError, load_instance
    p = tmp_path / "a.csv"
    p.write_text("s,o\n1,2\n")
    with pytest.raises(InputFormatError, match="a.csv: --arrivals needs a trace"):
        load_instance(p, 10, arrivals=True)
    q = _trace(tmp_path, ["1.0,1,1"])
    with pytest.raises(KvschedError, match="tokens-per-second must be a positive"):
        load_instance(q, 10, arrivals=True, tokens_per_second=0)


# -- the lower bounds -------------------------------------------------------------------
def brute_force_flow_opt(inst: Instance) -> int:
    """Exact min of ``sum_i (C_i - r_i)`` by enumerating every start vector.

    An optimal schedule never kills (dropping killed attempts keeps it feasible with the
    same completions), so only the completing starts ``a_i >= r_i`` matter. After
    ``max r`` every job is released, so an optimal schedule has no step after ``max r``
    with nothing running and a job waiting (shifting every later start one step earlier
    stays feasible and is cheaper); hence all jobs end by ``max r + sum o`` and
    ``a_i <= max r + sum o - o_i``. All start vectors at once, vectorised."""
    import itertools
    H = int(inst.r.max() + inst.o.sum())
    ranges = [range(int(r), H - int(o) + 1) for r, o in zip(inst.r, inst.o)]
    A = np.array(list(itertools.product(*ranges)), dtype=np.int64)   # (#vectors, n)
    t = np.arange(H)
    mem = np.zeros((len(A), H), dtype=np.int64)
    for i in range(inst.n):
        age = t[None, :] - A[:, i:i + 1] + 1                          # 1..o_i while running
        run = (age >= 1) & (age <= inst.o[i])
        mem += np.where(run, inst.s[i] + age, 0)
    ok = (mem <= inst.M).all(axis=1)
    flow = (A + inst.o - inst.r).sum(axis=1)
    return int(flow[ok].min())


def random_release_instance(rng, n: int, M: int = 12, o_max: int = 4, r_max: int = 6):
    o = rng.integers(1, o_max + 1, size=n)
    s = np.array([rng.integers(0, M - oi + 1) for oi in o])
    return Instance(s=s, o=o, M=M, r=rng.integers(0, r_max + 1, size=n))


def test_flow_lower_bounds_below_brute_force_opt():
    from kvsched.lower_bounds import all_flow_lower_bounds, lb_release_area
    rng = np.random.default_rng(15)
    tight = 0
    for trial in range(40):
        inst = random_release_instance(rng, n=int(rng.integers(2, 5)),
                                       M=int(rng.integers(6, 14)))
        opt = brute_force_flow_opt(inst)
        for name, v in all_flow_lower_bounds(inst).items():
            assert v <= opt, (name, inst, v, opt)
        assert lb_release_area(inst) <= opt + int(inst.r.sum())
        tight += all_flow_lower_bounds(inst)["release_area"] == opt
    assert tight >= 1                   # the bound is not vacuous


def test_release_area_bound_is_exact_on_a_crafted_backlog():
    """Two full-memory jobs released together: the second must wait for the first, and the
    group bound sees it: OPT = 2 + 4 = 6 (flow); sum o alone gives only 4."""
    from kvsched.lower_bounds import best_flow_lower_bound, lb_combined, lb_release_area
    inst = Instance(s=[2, 2], o=[2, 2], M=4, r=[3, 3])
    assert brute_force_flow_opt(inst) == 6
    assert best_flow_lower_bound(inst) == (6, "release_area")
    batch = inst.with_releases(None)
    assert lb_release_area(batch) == lb_combined(batch)


# -- every registered algorithm in the online setting -------------------------------------
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from kvsched.algorithms import REGISTRY, run_algorithm  # noqa: E402
from kvsched.checker import check  # noqa: E402

# algorithms that are not release-aware yet (non-strict xfail, so that the test starts
# asserting the day they are); empty: every registered algorithm honours release dates
NOT_YET_ONLINE: set[str] = set()
ALL = [pytest.param(n, marks=pytest.mark.xfail(reason="not release-aware yet", strict=False))
       if n in NOT_YET_ONLINE else n for n in sorted(REGISTRY)]


@st.composite
def release_instances(draw, n_max: int = 7, M_max: int = 20, r_max: int = 15):
    M = draw(st.integers(1, M_max))
    n = draw(st.integers(1, n_max))
    o = [draw(st.integers(1, M)) for _ in range(n)]
    s = [draw(st.integers(0, M - oi)) for oi in o]
    r = [draw(st.integers(0, r_max)) for _ in range(n)]
    return Instance(s=s, o=o, M=M, r=r)


@pytest.mark.parametrize("name", ALL)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=release_instances())
def test_every_algorithm_respects_release_dates(name, inst):
    """run_algorithm checks the schedule (rule a >= r_i among them); re-check it here and
    assert directly that no attempt starts before its job's release date."""
    res = run_algorithm(name, inst)
    sch = res.schedule
    assert (sch.start >= inst.r[sch.job]).all()
    rep = check(sch, inst)
    assert rep.flow_time == int((rep.completion - inst.r).sum()) == res.report.flow_time


@pytest.mark.parametrize("name", ALL)
def test_releases_shift_everything_consistently(name):
    """All jobs released together at r: the schedule is the batch one shifted by r (same
    flow time), for every algorithm (a check that release dates are honoured, not just
    tolerated)."""
    rng = np.random.default_rng(3)
    o = rng.integers(1, 9, size=12)
    s = np.array([rng.integers(0, 24 - x + 1) for x in o])
    batch = Instance(s=s, o=o, M=24)
    late = batch.with_releases(np.full(12, 37))
    a, b = run_algorithm(name, batch), run_algorithm(name, late)
    assert a.report.flow_time == b.report.flow_time
    assert int(b.schedule.start.min()) >= 37


def test_a_scheduler_that_ignores_releases_is_caught():
    """The checker rejects a clairvoyant scheduler that starts a job before r_i."""
    from kvsched.errors import InfeasibleScheduleError
    from kvsched.schedule import Schedule
    inst = Instance(s=[0, 0], o=[2, 2], M=4, r=[0, 5])
    with pytest.raises(InfeasibleScheduleError, match="before-release|release"):
        check(Schedule.from_attempts([(0, 0, 2), (1, 0, 2)]), inst)


NON_CLAIRVOYANT = sorted(n for n, sp in REGISTRY.items() if not sp.clairvoyant)


def log_prefix_length(log: list, T: int) -> int:
    """Entries decided with the clock <= T (as in test_nonclairvoyance)."""
    for i, entry in enumerate(log):
        if entry[0] == "advance" and entry[2] > T:
            return i
    return len(log)


@pytest.mark.parametrize("name", NON_CLAIRVOYANT)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=release_instances(n_max=6, M_max=16, r_max=10), data=st.data())
def test_unarrived_jobs_are_invisible(name, inst, data):
    """Decisions up to T do not depend on the jobs released after T: change their
    prompts and lengths (and push them later) and the decision log up to T is the same."""
    T = data.draw(st.integers(0, int(inst.r.max())))
    later = inst.r > T
    s2, o2, r2 = inst.s.copy(), inst.o.copy(), inst.r.copy()
    for j in np.flatnonzero(later).tolist():
        o2[j] = data.draw(st.integers(1, inst.M))
        s2[j] = data.draw(st.integers(0, inst.M - int(o2[j])))
        r2[j] = int(r2[j]) + data.draw(st.integers(0, 3))
    other = Instance(s=s2, o=o2, M=inst.M, r=r2)
    logs = []
    for x in (inst, other):
        oracle = CompletionOracle(x)
        REGISTRY[name].func(oracle, **REGISTRY[name].defaults)
        logs.append(oracle.decisions)
    cut = log_prefix_length(logs[0], T)
    assert logs[0][:cut] == logs[1][:cut]
