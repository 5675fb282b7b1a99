"""Bad input, as a new user would type it, for every subcommand and flag: each gets one line
``kvsched: error: ...`` naming the problem and exit 2, never a traceback or a silent
success (issue 16 part 4).

In-process (``kvsched_cli.cli.main``, fast): hypothesis drives every numeric flag of every
subcommand with numbers and junk, and instance files with malformed content; fixed cases
cover empty, truncated, binary and oversized files, folders given as files, and corrupted
search checkpoints and exhaust chunks. A few subprocess cases check the real command
(exit status, no traceback on stderr)."""
from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvsched_cli.cli import build_parser, main
from kvsched_cli.commands import COMMANDS
from kvsched_cli.commands.common import FLAG_RULES, NumberRule

FAST = settings(max_examples=60, deadline=None, derandomize=True,   # same cases every run
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def run_main(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` in-process: (exit status, stdout, stderr). Any exception other than
    SystemExit propagates, so a traceback fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code: int, err: str, *needles: str, progress: bool = False) -> str:
    """Exit 2 and one error line naming the problem (``progress``: after progress lines
    that were printed before the problem was met)."""
    lines = err.strip().splitlines()
    assert code == 2, (code, err)
    if progress:
        lines = lines[-1:] if sum(x.startswith("kvsched: error:") for x in lines) == 1 else lines
    assert len(lines) == 1 and lines[0].startswith("kvsched: error:"), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def numeric_flags() -> list[tuple[str, str, NumberRule]]:
    """(command, option string, rule) for every int/float flag of every subcommand."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    out = []
    for name, p in sub.choices.items():
        for a in p._actions:
            if isinstance(a.type, NumberRule):
                out.append((name, a.option_strings[0] if a.option_strings else a.dest,
                            a.type))
    return out


FLAGS = numeric_flags()
REQUIRED = {"run": ["x.json"], "opt": ["x.json"], "trace": ["--trace", "x.csv", "-M", "9"],
            "exhaust": ["--n-max", "1", "--M-max", "1"]}


def test_every_numeric_flag_has_a_rule():
    """A new int/float flag without an entry in FLAG_RULES would accept NaN or -1."""
    assert build_parser().unruled_numbers == []
    assert {c for c, _, _ in FLAGS} >= {"run", "opt", "trace", "search", "exhaust", "game",
                                        "bounds", "verify"} & set(COMMANDS)
    assert len(FLAGS) >= 25


def _expected_ok(rule: NumberRule, text: str) -> bool:
    """An independent reading of the rule: does ``text`` name an allowed value?"""
    try:
        x = int(text, 10) if rule.kind is int else float(text)
    except ValueError:
        return False
    if not math.isfinite(x):
        return False
    if rule.lo is not None and (x < rule.lo or (rule.open_lo and x == rule.lo)):
        return False
    return rule.hi is None or x <= rule.hi


BAD_WORDS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", "abc", "", " ",
             "1,5", "0x10", "1.5.2", "--", "½", "1e3" , "-0", "0", "-1", "2.5",
             str(2**64), "-" + str(2**64), "99999999999999999999999999999"]
numbers = st.one_of(st.sampled_from(BAD_WORDS), st.integers(-2**70, 2**70).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.text(max_size=6))


@FAST
@given(flag=st.sampled_from(FLAGS), text=numbers)
def test_numeric_flags_reject_bad_numbers_in_one_line(flag, text, tmp_path):
    """Parsing only (the value is checked before any work): an allowed value parses to a
    number within the rule; anything else is one line naming the flag, exit 2."""
    command, option, rule = flag
    argv = [command, *REQUIRED.get(command, []), f"{option}={text}"]
    parser = build_parser()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            ns = parser.parse_args(argv)
            code = 0
        except SystemExit as e:
            code = e.code
    if _expected_ok(rule, text):
        assert code == 0, err.getvalue()
        value = getattr(ns, next(a.dest for a in parser._subparsers._group_actions[0]
                                 .choices[command]._actions if option in a.option_strings))
        assert isinstance(value, rule.kind) and (rule.kind is int or math.isfinite(value))
    else:
        assert_one_line_error(code, err.getvalue(), option)


def _boundary_words(rule: NumberRule) -> list[str]:
    words = ["nan", "inf", "-inf", "x", "", "1e999"]
    if rule.lo is not None:
        lo = rule.lo
        words += [repr(lo) if rule.kind is float else str(int(lo)), str(int(lo) - 1)]
        if rule.kind is float:
            words += [repr(lo + 1e-9), repr(float(int(lo)))]
    if rule.hi is not None:
        words += [str(int(rule.hi)), str(int(rule.hi) + 1)]
    return words


def test_every_flag_at_its_boundaries():
    """Deterministic companion of the property test: each flag at its own edges (the
    lower limit, just below it, the upper limit and beyond, NaN, inf, junk)."""
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices
    for command, option, rule in FLAGS:
        for word in _boundary_words(rule):
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                try:
                    parser.parse_args([command, *REQUIRED.get(command, []), f"{option}={word}"])
                    code = 0
                except SystemExit as e:
                    code = e.code
            want = _expected_ok(rule, word)
            assert (code == 0) == want, (command, option, word, err.getvalue())
            if not want:
                assert_one_line_error(code, err.getvalue(), option)
    assert sub["run"]._option_string_actions["--alpha"].type.open_lo


# --- instance files ------------------------------------------------------------------------
def _instance_json(M, jobs) -> str:
    return json.dumps({"M": M, "jobs": jobs}, allow_nan=True)


junk_value = st.one_of(st.integers(-10, 10), st.integers(2**62, 2**80), st.floats(),
                       st.text(max_size=3), st.none(), st.booleans(),
                       st.lists(st.integers(), max_size=2))
job = st.fixed_dictionaries({"s": st.one_of(st.integers(0, 5), junk_value),
                             "o": st.one_of(st.integers(1, 5), junk_value)})
contents = st.one_of(
    st.builds(_instance_json, st.one_of(st.integers(1, 12), junk_value),
              st.lists(job, max_size=4)),
    st.text(max_size=40),
    st.sampled_from(["", "{", "[]", "null", '{"M": 10}', '{"jobs": []}', '{"M": 10, "jobs": []}',
                     '{"M": 10, "jobs": [{"s": 1}]}', 's,o\n1,2\nx,3\n', 's,o\n', 'a,b\n1,2\n'])
).map(str.encode) | st.binary(max_size=40)


@FAST
@given(text=contents, suffix=st.sampled_from([".json", ".csv"]))
def test_run_on_any_instance_file_is_a_result_or_one_line(text, suffix, tmp_path):
    """``kvsched run`` on arbitrary file content: a valid instance gives exit 0 and a
    checked report; anything else is one line and exit 2 (never a traceback)."""
    p = tmp_path / f"inst{suffix}"
    p.write_bytes(text)
    code, out, err = run_main(["run", str(p), "--alg", "gsa", "--json", "-M", "12"]
                              if suffix == ".csv" else ["run", str(p), "--alg", "gsa", "--json"])
    if code == 0:
        rep = json.loads(out)
        assert rep and "Traceback" not in err
    else:
        assert_one_line_error(code, err)


BAD_FILES = {
    "empty.json": "", "truncated.json": '{"M": 10, "jobs": [', "junk.json": "not json\n",
    "no-jobs.json": '{"M": 10}', "zero-jobs.json": '{"M": 10, "jobs": []}',
    "string-M.json": '{"M": "x", "jobs": [{"s": 1, "o": 2}]}',
    "nan-o.json": '{"M": 10, "jobs": [{"s": 1, "o": NaN}]}',
    "inf-M.json": '{"M": 1e400, "jobs": [{"s": 1, "o": 2}]}',
    "huge-M.json": '{"M": 100000000000000000000000, "jobs": [{"s": 1, "o": 2}]}',
    "negative-s.json": '{"M": 10, "jobs": [{"s": -1, "o": 2}]}',
    "fraction-s.json": '{"M": 10, "jobs": [{"s": 1.5, "o": 2}]}',
    "list.json": "[1, 2, 3]", "bad.csv": "s,o\n1,2\nx,3\n", "empty.csv": "",
    "header-only.csv": "s,o\n",
}


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    for name, text in BAD_FILES.items():
        (d / name).write_text(text)
    (d / "binary.json").write_bytes(b"\xff\xfe\x00\x81garbage")
    (d / "folder.json").mkdir()
    return d


FILE_NAMES = [*BAD_FILES, "binary.json", "folder.json", "missing.json"]
FILE_COMMANDS = {
    "run": lambda f: ["run", f, "--alg", "gsa"],
    "opt": lambda f: ["opt", f],
    "trace": lambda f: ["trace", "--trace", f, "-M", "12", "--algs", "gsa"],
    "bounds --check": lambda f: ["bounds", "--check", f],
    "bounds --points": lambda f: ["bounds", "--symbolic", "--points", f],
    "search --replay": lambda f: ["search", "--replay", f],
    "search --shrink": lambda f: ["search", "--shrink", f],
    "search --growth": lambda f: ["search", "--growth", f],
}


@pytest.mark.parametrize("command", list(FILE_COMMANDS))
def test_bad_files_are_one_line(bad_dir, command):
    for name in FILE_NAMES:
        argv = FILE_COMMANDS[command](str(bad_dir / name))
        code, out, err = run_main(argv)
        try:
            assert_one_line_error(code, err)
        except AssertionError as e:
            raise AssertionError(f"{argv}: {e}") from None


def test_huge_instance_is_refused_before_solving(tmp_path):
    p = tmp_path / "big.json"
    p.write_text(json.dumps({"M": 2000, "jobs": [{"s": 0, "o": 1000}] * 3000}))
    code, _, err = run_main(["opt", str(p)])
    assert_one_line_error(code, err, "too large")


def test_opt_bad_solver_and_formulation():
    code, _, err = run_main(["opt", "x.json", "--solver", "gurobi"])
    assert_one_line_error(code, err, "--solver")
    code, _, err = run_main(["opt", "x.json", "--formulation", "loose"])
    assert_one_line_error(code, err, "--formulation")


def test_unknown_command_and_flag_are_one_line():
    assert_one_line_error(*run_main(["bogus"])[::2], "bogus")
    assert_one_line_error(*run_main(["run", "x.json", "--no-such-flag"])[::2],
                          "--no-such-flag")


# --- saved results: search checkpoints and exhaust chunks -----------------------------------
CORRUPT = {"empty": b"", "truncated": b'{"kind": ', "list": b"[]", "binary": b"\xff\x00\xfe\x81"}
SEARCH = ["search", "--alg", "gsa", "--n", "3", "--workers", "1", "--quiet",
          "--reference", "registered"]


@pytest.fixture(scope="module")
def search_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("search")
    code, _, err = run_main([*SEARCH, "--evals", "20", "--out", str(out)])
    assert code == 0, err
    return out


@pytest.mark.parametrize("kind", list(CORRUPT))
def test_corrupted_search_checkpoint_is_one_line(search_out, tmp_path, kind):
    out = tmp_path / "s"
    shutil.copytree(search_out, out)
    ckpt = next(out.rglob("checkpoint.json"))
    ckpt.write_bytes(CORRUPT[kind])
    code, _, err = run_main([*SEARCH, "--evals", "40", "--out", str(out)])
    line = assert_one_line_error(code, err)
    assert "checkpoint" in line or str(ckpt.name) in line or "JSON" in line or "UTF-8" in line
    assert ckpt.read_bytes() == CORRUPT[kind]       # nothing saved was overwritten


@pytest.fixture(scope="module")
def exhaust_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("exhaust")
    code, _, err = run_main(["exhaust", "--n-max", "2", "--M-max", "3", "--out", str(out),
                             "--workers", "0", "--yes", "--no-progress", "--no-plot",
                             "--calibrate-seconds", "0.2"])
    assert code == 0, err
    return out


@pytest.mark.parametrize("kind", list(CORRUPT))
def test_corrupted_exhaust_chunk_is_one_line_or_recomputed(exhaust_out, tmp_path, kind):
    out = tmp_path / "e"
    shutil.copytree(exhaust_out, out)
    chunk = sorted((out / "chunks").rglob("*.json"))[0]
    chunk.write_bytes(CORRUPT[kind])
    code, _, err = run_main(["exhaust", "--n-max", "2", "--M-max", "3", "--out", str(out),
                             "--workers", "0", "--yes", "--no-progress", "--no-plot",
                             "--calibrate-seconds", "0.2"])
    if code != 0:
        assert_one_line_error(code, err, progress=True)
    else:                                   # recomputed: the chunk is valid JSON again
        json.loads(chunk.read_text())


# --- the real command ------------------------------------------------------------------------
def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kvsched_cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


@pytest.mark.parametrize("args, needle", [
    (["opt", "{dir}"], "folder"),
    (["run", "{dir}/missing.json"], "missing.json"),
    (["opt", "x.json", "--time-limit", "nan"], "--time-limit"),
    (["search", "--n", "-3"], "--n"),
    (["exhaust", "--M-max", "inf"], "--M-max"),
    (["trace", "--trace", "t.csv", "-M", "1e9"], "--memory"),
])
def test_subprocess_one_line_exit_2(tmp_path, args, needle):
    r = _cli(*[a.replace("{dir}", str(tmp_path)) for a in args], cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kvsched: error:") and needle in lines[0]
    assert r.stdout == ""


@pytest.mark.slow
def test_kill_9_during_a_search_then_resume_gives_the_uninterrupted_result(tmp_path):
    """A search killed with SIGKILL mid-run and started again with the same arguments ends
    with the same best result and improvement files as a run never interrupted (nothing
    saved is lost or corrupted; --evals makes the search deterministic)."""
    import signal
    import time
    args = ["search", "--alg", "gsa", "--n", "4", "--evals", "300", "--workers", "1",
            "--quiet", "--reference", "registered", "--json"]
    whole = _cli(*args, "--out", "a", cwd=tmp_path)
    assert whole.returncode == 0, whole.stderr
    p = subprocess.Popen([sys.executable, "-m", "kvsched_cli", *args, "--out", "b"],
                         cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not list((tmp_path / "b").rglob("checkpoint.json")):
        time.sleep(0.2)
    time.sleep(1.0)
    p.send_signal(signal.SIGKILL)
    p.wait()
    resumed = _cli(*args, "--out", "b", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    a, b = json.loads(whole.stdout), json.loads(resumed.stdout)
    assert a["evals"] == b["evals"] == 300
    assert a["best"]["instance"] == b["best"]["instance"]
    assert a["best"]["ratio"] == b["best"]["ratio"]
    assert [x["evaluation"] for x in a["improvements"]] == \
        [x["evaluation"] for x in b["improvements"]]
