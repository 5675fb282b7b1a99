"""Solve an instance exactly (time-indexed integer program, HiGHS or CBC) and report the
optimum, the solver status, gap and time. A run that hits its time limit reports
"not proven optimal" with the best schedule found."""
from __future__ import annotations

import argparse

from ..errors import KvschedError
from .common import add_instance_arguments, add_output_arguments

HELP = "exact optimum of a small instance (PuLP with HiGHS or CBC)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_instance_arguments(p)
    p.add_argument("--solver", choices=["highs", "cbc"], default="highs")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    add_output_arguments(p, seed=False)


def main(args: argparse.Namespace) -> int:
    raise KvschedError("`kvsched opt` is not built yet (issue 4)")
