"""The mutation suite checks the checks (mutants/): every named mutant must still apply to
the code as it is (else the catalogue has gone stale and measures nothing), and, in the
slow run, every mutant not documented as equivalent must be killed by its tests."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mutants.catalogue import MUTANTS  # noqa: E402
from mutants.catalogue import Mutant  # noqa: E402
from mutants.run import StaleMutant, apply, run, run_one, stale_mutants  # noqa: E402


def test_every_mutant_applies_to_the_current_code():
    assert stale_mutants() == []


def test_mutants_are_named_once_and_name_existing_tests():
    names = [m.name for m in MUTANTS]
    assert len(names) == len(set(names))
    for m in MUTANTS:
        assert m.find != m.replace, m.name
        for t in m.tests:
            assert (REPO / t.split("::")[0]).exists(), (m.name, t)


def test_a_stale_mutant_is_refused(tmp_path):
    m = MUTANTS[0]
    (tmp_path / Path(m.file).parent).mkdir(parents=True)
    (tmp_path / m.file).write_text("no such text here\n")
    with pytest.raises(StaleMutant):
        apply(m, tmp_path)
    (tmp_path / m.file).write_text(m.find + "\n" + m.find + "\n")   # twice: ambiguous
    with pytest.raises(StaleMutant):
        apply(m, tmp_path)


def test_a_mutant_marked_stale_is_skipped_and_reported():
    m = Mutant("x", "cli", "no/such/file.py", "a", "b", "a bug", ("tests/test_cli.py",),
               stale="the code moved (bounds split)")
    rec = run_one(m, [], m.tests, 1.0)
    assert rec["outcome"] == "stale" and "moved" in rec["detail"]


@pytest.mark.slow
def test_every_counted_mutant_is_killed():
    result = run(workers=2)
    assert result["baseline"]["outcome"] == "survived", result["baseline"]
    assert result["unexplained_survivors"] == [], result["mutants"]
