"""The completion oracle reveals only completions and records what was run."""
import pytest

from kvsched import CompletionOracle, Instance, OracleError, check


def test_oracle_hides_outputs_and_records_attempts():
    inst = Instance(s=[1, 0], o=[3, 5], M=10)
    orc = CompletionOracle(inst)
    assert not hasattr(orc, "o") and not hasattr(orc, "instance")
    orc.start(0, limit=2)        # killed at step 2
    orc.start(1)
    ev = orc.advance()
    assert [(e.time, e.job, e.completed) for e in ev] == [(2, 0, False)]
    orc.start(0)                 # restart at 2, completes at 5 with job 1
    ev = orc.advance()
    assert [(e.time, e.job, e.completed) for e in ev] == [(5, 0, True), (5, 1, True)]
    rep = check(orc.schedule(), inst)
    assert rep.objective == 10 and rep.restarts == 1 and rep.wasted_tokens == 2


def test_oracle_rejects_misuse():
    orc = CompletionOracle(Instance(s=[1], o=[3], M=10))
    orc.start(0, at=2)
    with pytest.raises(OracleError):
        orc.start(0)
    orc.advance(until=1)
    with pytest.raises(OracleError):
        orc.advance(until=0)
    with pytest.raises(OracleError):
        orc.schedule()               # still running
    orc.kill(0)                      # not begun: cancelled, no attempt recorded
    assert len(orc.schedule()) == 0
