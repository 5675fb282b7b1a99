"""The main job: run every check kvsched has on embedded default instances (no files
needed) and print the summary tables. Exit status 0 when every section passes, 1 when a
section found a failure (a rejected schedule, a bound exceeded, a refuted lemma is *not* a
failure: it is reported as a result)."""
from __future__ import annotations

import argparse

from .common import add_output_arguments, emit

HELP = "run the whole check on embedded default instances and print the summary"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quick", action="store_true", help="smaller defaults (used by the tests)")
    add_output_arguments(p)


def main(args: argparse.Namespace) -> int:
    from kvsched_cli.verify import run_sections

    tables = run_sections(seed=args.seed, quick=args.quick)
    emit(args, tables)
    return 0 if all(t.ok for t in tables) else 1
