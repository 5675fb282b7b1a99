"""Non-clairvoyance (SPEC section 2): a non-clairvoyant scheduler's decisions up to time T
depend only on s, M and what the completion oracle revealed by T.

For every registered algorithm whose spec says ``clairvoyant=False``: run it on an
instance, pick T, change every output length that was not revealed by T to another value
consistent with what was revealed (a job not completed by T gets any o' larger than its
largest observed progress), run again and compare the decision logs up to T.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from conftest import instances
from kvsched import CompletionOracle, Instance
from kvsched.algorithms import REGISTRY, run_algorithm

NON_CLAIRVOYANT = sorted(name for name, spec in REGISTRY.items() if not spec.clairvoyant)


def decisions(name: str, inst: Instance) -> tuple[list, object]:
    spec = REGISTRY[name]
    oracle = CompletionOracle(inst)
    spec.func(oracle, **spec.defaults)
    return oracle.decisions, oracle.schedule()


def revealed_progress(schedule, inst: Instance, T: int) -> tuple[np.ndarray, np.ndarray]:
    """Per job: completed by T (o revealed), and the largest progress seen by T
    (an attempt from a that is killed at a + d <= T shows d; one still running at T shows
    T - a; either way o > that progress)."""
    done = np.zeros(inst.n, dtype=bool)
    progress = np.zeros(inst.n, dtype=np.int64)
    for j, a, d in schedule.attempts():
        if a >= T:
            continue
        if d == inst.o[j] and a + d <= T:
            done[j] = True
        progress[j] = max(progress[j], min(a + d, T) - a)
    return done, progress


def log_prefix_length(log: list, T: int) -> int:
    """Entries decided with the clock <= T: up to the first advance whose result is > T."""
    for i, entry in enumerate(log):
        if entry[0] == "advance" and entry[2] > T:
            return i
    return len(log)


@pytest.mark.parametrize("name", NON_CLAIRVOYANT)
@given(inst=instances(n_max=7, M_max=24), data=st.data())
def test_decisions_depend_only_on_revealed_information(name, inst, data):
    log1, sched1 = decisions(name, inst)
    makespan = int(sched1.end.max())
    T = data.draw(st.integers(0, makespan), label="T")
    done, progress = revealed_progress(sched1, inst, T)
    o2 = inst.o.copy()
    for j in np.flatnonzero(~done):
        # any length consistent with "not finished after progress[j] steps"
        o2[j] = data.draw(st.integers(int(progress[j]) + 1, inst.M - int(inst.s[j])),
                          label=f"o'[{j}]")
    inst2 = inst.with_outputs(o2)
    log2, _ = decisions(name, inst2)
    cut = log_prefix_length(log1, T)
    assert log2[:cut] == log1[:cut], f"{name} decided differently before T = {T}"
    if cut < len(log1):              # the first call that moves past T was the same call
        assert log2[cut][:2] == log1[cut][:2]


def test_every_non_clairvoyant_algorithm_is_covered():
    assert {"gsa", "gsa_no_stagger", "gsa_no_restart", "sequential_nc"} <= set(NON_CLAIRVOYANT)


def test_changing_hidden_lengths_changes_the_log_after_T():
    """The comparison can fail: with the lengths changed *before* they are revealed, the
    logs differ (so the test above is not vacuous)."""
    inst = Instance(s=[0, 0, 0], o=[1, 3, 6], M=12)
    log1, _ = decisions("gsa", inst)
    log2, _ = decisions("gsa", inst.with_outputs([2, 3, 6]))   # job 0 revealed at step 1
    assert log1[:log_prefix_length(log1, 1)] != log2[:log_prefix_length(log1, 1)]


class PublicOracle:
    """Exactly the public interface of CompletionOracle, nothing else: a scheduler that
    reached for a hidden attribute would raise AttributeError here."""

    __slots__ = ("_oracle",)
    PUBLIC = ("s", "M", "n", "now", "done", "n_done", "is_done", "running", "start", "kill",
              "advance", "run_to_completion", "decisions", "r", "arrived", "n_arrived",
              "all_arrived")

    def __init__(self, oracle: CompletionOracle):
        object.__setattr__(self, "_oracle", oracle)

    def __getattr__(self, name):
        if name not in self.PUBLIC:
            raise AttributeError(f"non-clairvoyant scheduler touched hidden {name!r}")
        return getattr(object.__getattribute__(self, "_oracle"), name)


@pytest.mark.parametrize("name", NON_CLAIRVOYANT)
def test_scheduler_sees_no_output_lengths(name):
    inst = Instance(s=[1, 0, 2, 0], o=[5, 3, 7, 11], M=16)
    oracle = CompletionOracle(inst)
    # structurally: no attribute of the oracle is, or holds, the output lengths
    for attr in CompletionOracle.__slots__ + ("s", "M", "n", "now", "done"):
        if not hasattr(oracle, attr):
            continue
        value = getattr(oracle, attr)
        assert not isinstance(value, Instance)
        if isinstance(value, np.ndarray):
            assert not np.array_equal(value, inst.o)
    assert not any(hasattr(oracle, a) for a in ("o", "instance", "outputs", "lengths"))
    # behaviourally: the scheduler runs to completion through the public interface only
    spec = REGISTRY[name]
    spec.func(PublicOracle(oracle), **spec.defaults)
    assert oracle.n_done == inst.n
    run_algorithm(name, inst)        # and its schedule passes the checker


def test_the_comparison_catches_a_clairvoyant_cheat():
    """A scheduler that peeks at the hidden lengths (shortest first) is caught: changing an
    unrevealed length at T = 0 changes its decisions before anything is revealed."""

    def cheat(oracle):
        lengths = [oracle._run(j, None)[0] for j in range(oracle.n)]   # peeking
        for j in np.argsort(lengths, kind="stable"):
            oracle.start(int(j))
            oracle.advance()

    inst = Instance(s=[0, 0], o=[5, 2], M=8)
    logs = []
    for o in ([5, 2], [1, 2]):       # nothing is revealed at T = 0
        oracle = CompletionOracle(inst.with_outputs(o))
        cheat(oracle)
        logs.append(oracle.decisions)
    cut = log_prefix_length(logs[0], 0)
    assert logs[0][:cut] != logs[1][:cut]
