"""Run the named mutants: ``python -m mutants.run [--only NAME ...] [--workers 2]
[--out mutants/results.json] [--update-doc docs/mutation.md]``.

For each mutant of :data:`mutants.catalogue.MUTANTS`:

1. copy the working tree (tracked and untracked-but-not-ignored files, as they are now) to
   a temporary folder laid out like the real one (``<tmp>/main`` beside a link
   ``<tmp>/shared`` to the real ``../shared``, so the trace is found);
2. replace the mutant's ``find`` text by ``replace`` in its file; the text must occur
   exactly once (else the mutant is *stale*: the code moved and the catalogue must follow);
3. run ``python -m pytest -q -x -p no:cacheprovider <tests>`` in the copy with
   ``PYTHONPATH`` set to the copy, so the copy's code is imported, not the installed one.

A mutant is *killed* when pytest fails (exit 1); *survived* when it passes (exit 0);
anything else (no tests collected, usage error, time-out) is an *error* of the catalogue.
Before the mutants, the same tests run once on an unmutated copy (the *baseline*): a kill
means something only if the baseline passes.

Kill rate = killed / (mutants not documented as equivalent). Every survivor must either be
killed by a new test or carry an ``equivalent`` reason in the catalogue.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .catalogue import MUTANTS, Mutant

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
BEGIN, END = "<!-- mutation:begin -->", "<!-- mutation:end -->"


class StaleMutant(Exception):
    """The mutant's text does not occur exactly once in its file."""


def working_tree_files(repo: Path = REPO) -> list[str]:
    """Tracked files and untracked files git does not ignore, as paths relative to repo."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=repo, capture_output=True, check=True).stdout.decode()
    return [p for p in out.split("\0") if p and (repo / p).is_file()]


def make_copy(root: Path, files: list[str], repo: Path = REPO) -> Path:
    """Copy ``files`` of ``repo`` to ``root/main``, with ``root/shared`` -> ``../shared``."""
    dest = root / "main"
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(repo / rel, target)
        except FileNotFoundError:    # removed since listed (another process's output)
            continue
    if SHARED.exists():
        (root / "shared").symlink_to(SHARED, target_is_directory=True)
    return dest


def apply(mutant: Mutant, tree: Path) -> None:
    """Apply the mutant in the copy ``tree`` (raises :class:`StaleMutant`)."""
    path = tree / mutant.file
    if not path.exists():
        raise StaleMutant(f"{mutant.name}: {mutant.file} does not exist")
    text = path.read_text()
    count = text.count(mutant.find)
    if count != 1:
        raise StaleMutant(f"{mutant.name}: text occurs {count} times in {mutant.file}")
    path.write_text(text.replace(mutant.find, mutant.replace))


def stale_mutants(repo: Path = REPO) -> list[str]:
    """Messages for every mutant that does not apply to the working tree as it is."""
    out = []
    for m in MUTANTS:
        if m.stale:             # marked stale in the catalogue: known, skipped, documented
            continue
        path = repo / m.file
        if not path.exists():
            out.append(f"{m.name}: {m.file} does not exist")
            continue
        count = path.read_text().count(m.find)
        if count != 1:
            out.append(f"{m.name}: text occurs {count} times in {m.file}")
    return out


def run_tests(tree: Path, tests: tuple[str, ...], timeout: float) -> tuple[int, float, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                            *tests], cwd=tree, env=env, capture_output=True, text=True,
                           timeout=timeout)
        code, tail = p.returncode, (p.stdout.strip().splitlines() or [""])[-1]
    except subprocess.TimeoutExpired:
        code, tail = -1, f"timed out after {timeout:.0f} s"
    return code, time.perf_counter() - t0, tail


def outcome(code: int) -> str:
    return {0: "survived", 1: "killed"}.get(code, "error")


def run_one(mutant: Mutant | None, files: list[str], tests: tuple[str, ...],
            timeout: float) -> dict:
    """One copy, one mutant (``None``: the baseline), the tests; the record."""
    name = "baseline" if mutant is None else mutant.name
    if mutant is not None and mutant.stale:
        return {"mutant": name, "outcome": "stale", "detail": mutant.stale,
                "seconds": 0.0, "file": mutant.file, "concern": mutant.concern,
                "breaks": mutant.breaks, "tests": list(mutant.tests), "equivalent": ""}
    with tempfile.TemporaryDirectory(prefix="kvsched-mutant-") as tmp:
        tree = make_copy(Path(tmp), files)
        try:
            if mutant is not None:
                apply(mutant, tree)
        except StaleMutant as e:
            return {"mutant": name, "outcome": "stale", "detail": str(e), "seconds": 0.0}
        code, secs, tail = run_tests(tree, tests, timeout)
    rec = {"mutant": name, "outcome": outcome(code), "exit": code, "seconds": round(secs, 1),
           "detail": tail}
    if mutant is not None:
        rec.update(file=mutant.file, concern=mutant.concern, breaks=mutant.breaks,
                   tests=list(tests), equivalent=mutant.equivalent)
    return rec


def run(names: list[str] | None = None, workers: int = 2, timeout: float = 600) -> dict:
    chosen = [m for m in MUTANTS if not names or m.name in names]
    unknown = set(names or []) - {m.name for m in MUTANTS}
    if unknown:
        raise SystemExit(f"mutants.run: unknown mutant(s): {', '.join(sorted(unknown))}")
    files = working_tree_files()
    all_tests = tuple(sorted({t for m in chosen for t in m.tests}))
    t0 = time.perf_counter()
    base = run_one(None, files, all_tests, timeout)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        recs = list(pool.map(lambda m: run_one(m, files, m.tests, timeout), chosen))
    counted = [r for r in recs if not r["equivalent"] and r["outcome"] != "stale"]
    killed = sum(r["outcome"] == "killed" for r in counted)
    return {"kind": "kvsched-mutation-run", "baseline": base, "mutants": recs,
            "killed": killed, "counted": len(counted),
            "equivalent": sum(bool(r["equivalent"]) for r in recs),
            "stale": [r["mutant"] for r in recs if r["outcome"] == "stale"],
            "kill_rate": killed / len(counted) if counted else None,
            "unexplained_survivors": [r["mutant"] for r in counted if r["outcome"] != "killed"],
            "seconds": round(time.perf_counter() - t0, 1)}


def table(result: dict, command: str) -> str:
    lines = [f"Generated by `{command}`: {result['killed']} of {result['counted']} counted "
             f"mutants killed (kill rate {100 * (result['kill_rate'] or 0):.0f} %), "
             f"{result['equivalent']} documented as equivalent, "
             f"{len(result.get('stale', []))} marked stale (not run); baseline "
             f"{result['baseline']['outcome'] if result['baseline']['outcome'] != 'survived' else 'passes'}"
             f" ({result['baseline']['detail']}); {result['seconds']:.0f} s on this machine.", "",
             "| mutant | concern | file | the bug | outcome | caught by | s |",
             "|---|---|---|---|---|---|---|"]
    for r in result["mutants"]:
        out = r["outcome"] + (f" (equivalent: {r['equivalent']})" if r.get("equivalent") else "")
        if r["outcome"] == "stale":
            out = f"**stale, not run**: {r['detail']}"
        tests = ", ".join(f"`{t}`" for t in r.get("tests", []))
        lines.append(f"| {r['mutant']} | {r.get('concern', '')} | `{r.get('file', '')}` | "
                     f"{r.get('breaks', r.get('detail', ''))} | {out} | {tests} | "
                     f"{r['seconds']:.0f} |")
    return "\n".join(lines)


def update_doc(path: Path, result: dict, command: str) -> None:
    from kvsched.results import atomic_write_text
    text = path.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"mutants.run: {path} has no {BEGIN} ... {END} block")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    atomic_write_text(path, f"{head}{BEGIN}\n{table(result, command)}\n{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mutants.run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="run only these mutants")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600, help="seconds per mutant")
    ap.add_argument("--out", type=Path, default=REPO / "mutants" / "results.json")
    ap.add_argument("--update-doc", type=Path)
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = ap.parse_args(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:32s} {m.concern:14s} {m.file}: {m.breaks}")
        return 0
    stale = [s for s in stale_mutants() if not args.only or s.split(":")[0] in args.only]
    if stale:
        print("mutants.run: stale mutants (update mutants/catalogue.py):\n  " + "\n  ".join(stale),
              file=sys.stderr)
        return 2
    result = run(args.only, args.workers, args.timeout)
    from kvsched.results import atomic_write_json
    atomic_write_json(args.out, result)
    cmd = "python -m mutants.run" + (f" --only {' '.join(args.only)}" if args.only else "")
    print(table(result, cmd))
    if args.update_doc:
        update_doc(args.update_doc, result, cmd + f" --update-doc {args.update_doc}")
    bad = result["baseline"]["outcome"] != "survived" or result["unexplained_survivors"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
