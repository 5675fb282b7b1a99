"""Adversarial search for job sets that maximise ALG/OPT for GSA or GBA; saves every
improvement atomically and can replay a saved result."""
from __future__ import annotations

import argparse

from ..errors import KvschedError

HELP = "adversarial search for worst-case instances (and --replay FILE)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--alg", choices=["gsa", "gba"], default="gsa")
    p.add_argument("--regime", choices=["general", "large"], default="general")
    p.add_argument("--n", type=int, default=6, help="jobs per instance")
    p.add_argument("--budget", type=float, default=60.0, help="seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="search-results", help="output folder")
    p.add_argument("--replay", metavar="FILE", default=None, help="recompute a saved result")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None, help="Dask scheduler")
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")


def main(args: argparse.Namespace) -> int:
    raise KvschedError("`kvsched search` is not built yet (issue 6)")
