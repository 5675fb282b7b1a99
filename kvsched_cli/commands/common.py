"""Arguments and helpers shared by the subcommands."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from kvsched.instance import Instance
from kvsched.loaders import load_instance
from kvsched.results import dumps
from kvsched.tables import Table, render


# -- numeric flags: one place that rejects 0, negatives, NaN, inf and absurd sizes -------
MAX_INT = 2**31 - 1          # no size, count or budget of this toolkit comes near it
MAX_SEED = 2**32 - 1         # numpy's legacy seeding and Python's random accept these


class NumberRule:
    """An argparse ``type`` for a numeric flag: parses with ``kind`` (int or float) and
    rejects non-numbers, NaN and infinities, values below ``lo`` (or equal to it when
    ``open_lo``) and above ``hi``, each with a message naming the flag and the value.
    argparse turns the ``ArgumentTypeError`` into ``kvsched: error: argument --flag: ...``."""

    def __init__(self, kind: type, lo: float | None = None, open_lo: bool = False,
                 hi: float | None = None, what: str = ""):
        self.kind, self.lo, self.open_lo, self.hi = kind, lo, open_lo, hi
        self.what = what or self._describe()
        self.__name__ = f"{kind.__name__} {self.what}"   # argparse's "invalid X value"

    def _describe(self) -> str:
        if self.lo is None:
            return "number"
        rel = ">" if self.open_lo else ">="
        lo = int(self.lo) if float(self.lo).is_integer() else self.lo
        return f"{rel} {lo}"

    def __call__(self, text: str):
        import math
        word = "an integer" if self.kind is int else "a number"
        try:
            x = float(text) if self.kind is float else int(text, 10)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(
                f"expected {word} {self.what}, got {text!r}") from None
        if self.kind is float and not math.isfinite(x):
            raise argparse.ArgumentTypeError(f"expected a finite number {self.what}, "
                                             f"got {text!r}")
        if self.lo is not None and (x < self.lo or (self.open_lo and x == self.lo)):
            raise argparse.ArgumentTypeError(f"must be {self.what}, got {text!r}")
        if self.hi is not None and x > self.hi:
            raise argparse.ArgumentTypeError(f"too large: {text!r} (at most {self.hi:,})")
        return x


POSITIVE_INT = NumberRule(int, 1, hi=MAX_INT)
NONNEG_INT = NumberRule(int, 0, hi=MAX_INT)
SEED = NumberRule(int, 0, hi=MAX_SEED)
POSITIVE_FLOAT = NumberRule(float, 0, open_lo=True, hi=1e9)
ALPHA = NumberRule(float, 1, open_lo=True, hi=1e6)
FRACTION = NumberRule(float, 0, open_lo=True, hi=1, what="in (0, 1]")

# flag (its dest) -> rule; ("command", dest) overrides. Every numeric flag of every
# subcommand is listed; tests/test_bad_input.py fails on a numeric flag that is not.
FLAG_RULES: dict = {
    "memory": POSITIVE_INT, "limit": POSITIVE_INT, "sample": POSITIVE_INT,
    "threads": NumberRule(int, 1, hi=256), "seed": SEED, "n": POSITIVE_INT,
    "evals": POSITIVE_INT, "walkers": POSITIVE_INT, "o_max": POSITIVE_INT,
    "M_max": POSITIVE_INT, "n_max": POSITIVE_INT, "count_max": POSITIVE_INT,
    "popsize": POSITIVE_INT, "growth_n_max": POSITIVE_INT, "task_size": POSITIVE_INT,
    "M": POSITIVE_INT, "L": POSITIVE_INT, "polish": NONNEG_INT, "random": NONNEG_INT,
    "workers": NumberRule(int, 0, hi=1024), "time_limit": POSITIVE_FLOAT,
    "budget": POSITIVE_FLOAT, "max_minutes": POSITIVE_FLOAT,
    "calibrate_seconds": POSITIVE_FLOAT, "tokens_per_second": POSITIVE_FLOAT,
    "alpha": ALPHA, "family_alpha": ALPHA, "large_threshold": FRACTION,
    # game checks 0 itself, naming the family ("L = 0 ..."); negatives and junk stop here
    ("game", "L"): NONNEG_INT, ("game", "M"): NONNEG_INT,
    # sizes that would only hang (a search or a box far beyond anything that finishes)
    ("search", "n"): NumberRule(int, 1, hi=1_000), ("search", "o_max"): NumberRule(int, 1, hi=100_000),
    ("search", "M_max"): NumberRule(int, 1, hi=10_000_000),
    ("search", "n_max"): NumberRule(int, 1, hi=100_000),
    ("search", "walkers"): NumberRule(int, 1, hi=100_000),
    ("search", "popsize"): NumberRule(int, 1, hi=100_000),
    ("exhaust", "n_max"): NumberRule(int, 1, hi=40), ("exhaust", "M_max"): NumberRule(int, 1, hi=40),
    ("bounds", "random"): NumberRule(int, 0, hi=1_000_000),
}


def apply_number_rules(command: str, p: argparse.ArgumentParser) -> list[str]:
    """Replace the ``type`` of every ``int``/``float`` flag of ``p`` by its
    :data:`FLAG_RULES` entry; returns the numeric flags that have no rule (a test keeps
    that list empty)."""
    missing = []
    for a in p._actions:
        if a.type not in (int, float):
            continue
        rule = FLAG_RULES.get((command, a.dest), FLAG_RULES.get(a.dest))
        if rule is None or rule.kind is not a.type:
            missing.append(f"{command} {a.option_strings or a.dest}")
            continue
        a.type = rule
    return missing


def add_instance_arguments(p: argparse.ArgumentParser, file_required: bool = True) -> None:
    p.add_argument("file", metavar="FILE", nargs=None if file_required else "?",
                   help="instance: JSON {\"M\":..,\"jobs\":[{\"s\":..,\"o\":..}]}, CSV with "
                        "columns s,o, or an Azure trace CSV (TIMESTAMP,ContextTokens,"
                        "GeneratedTokens)")
    p.add_argument("--memory", "-M", type=int, default=None,
                   help="memory budget M (required for CSV and traces; overrides JSON's M)")
    p.add_argument("--limit", type=int, default=None, help="keep only the first N jobs")
    p.add_argument("--sample", type=int, default=None,
                   help="then keep N jobs drawn at random (with --seed)")
    p.add_argument("--drop-oversized", action="store_true",
                   help="drop jobs with s+o > M instead of rejecting the instance")


def add_output_arguments(p: argparse.ArgumentParser, seed: bool = True) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")
    if seed:
        p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def check_alpha(alpha: float | None) -> None:
    """``--alpha`` must be ``> 1`` when given (the geometric budgets need it)."""
    from kvsched.errors import KvschedError
    if alpha is not None and not alpha > 1:
        raise KvschedError(f"--alpha must be > 1, got {alpha}")


MAX_MEMORY = 2**40           # a budget beyond this overflows int64 areas (s * o ~ M^2)


def instance_from_args(args: argparse.Namespace) -> Instance:
    """The instance of ``FILE`` with the shared flags applied; refuses a path that is a
    folder and a memory budget too large for exact integer arithmetic."""
    from pathlib import Path

    from kvsched.errors import InputFormatError
    if args.file is not None and Path(args.file).is_dir():
        raise InputFormatError(f"{args.file} is a folder, not an instance file")
    inst = load_instance(args.file, args.memory, limit=args.limit, sample=args.sample,
                         seed=getattr(args, "seed", None), drop_oversized=args.drop_oversized)
    if int(inst.M) > MAX_MEMORY:
        raise InputFormatError(f"{args.file}: M = {inst.M} is too large (at most 2**40: "
                               f"areas s*o must fit in 64-bit integers)")
    return inst


def emit(args: argparse.Namespace, tables: list[Table], payload: Any = None) -> None:
    """Print tables, or with ``--json`` the payload (default: the tables' records)."""
    if getattr(args, "json", False):
        sys.stdout.write(dumps(payload if payload is not None
                               else [t.to_dict() for t in tables]) + "\n")
    else:
        render(tables)
