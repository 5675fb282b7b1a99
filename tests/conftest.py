"""Shared fixtures and hypothesis strategies for the kvsched test suite."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings, strategies as st

from kvsched import Instance

settings.register_profile("ci", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
TRACE = REPO.parent / "shared" / "traces" / "AzureLLMInferenceTrace_conv.csv"


@pytest.fixture
def trace_path() -> Path:
    """The Azure conversation trace, which CI lays at ../shared/traces/."""
    assert TRACE.exists(), f"trace missing at {TRACE}"
    return TRACE


@st.composite
def instances(draw, n_min: int = 1, n_max: int = 6, M_max: int = 20, o_max: int | None = None,
              edge: bool = True) -> Instance:
    """Random valid instances including the edge cases s_i + o_i = M, s_i = 0, o_i = 1,
    one job and identical jobs."""
    M = draw(st.integers(1, M_max))
    n = draw(st.integers(n_min, n_max))
    top = M if o_max is None else min(M, o_max)
    jobs = []
    for _ in range(n):
        o = draw(st.integers(1, top))
        kind = draw(st.sampled_from(["any", "full", "zero"])) if edge else "any"
        if kind == "full":
            s = M - o
        elif kind == "zero":
            s = 0
        else:
            s = draw(st.integers(0, M - o))
        jobs.append((s, o))
    if edge and n > 1 and draw(st.booleans()) and draw(st.booleans()):
        jobs = [jobs[0]] * n            # identical jobs
    s, o = zip(*jobs)
    return Instance(s=list(s), o=list(o), M=M)
