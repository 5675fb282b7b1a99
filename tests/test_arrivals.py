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
