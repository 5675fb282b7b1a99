"""Run several schedulers on one request trace (all requests present at time 0) and print
one row per algorithm: objective, mean latency, restarts, wasted tokens, peak memory, and
the ratio to the best lower bound (estimate)."""
from __future__ import annotations

import argparse

from ..errors import KvschedError

HELP = "compare algorithms on a request trace (e.g. the Azure conversation trace)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trace", required=True, help="trace CSV (Azure format or s,o)")
    p.add_argument("--memory", "-M", type=int, required=True, help="memory budget M")
    p.add_argument("--algs", default="gsa,gba,fcfs,mcsf,sorted_f",
                   help="comma-separated algorithm names")
    p.add_argument("--alpha", type=float, default=None, help="alpha for GSA/GBA")
    p.add_argument("--limit", type=int, default=None, help="keep only the first N requests")
    p.add_argument("--sample", type=int, default=None, help="then keep N drawn with --seed")
    p.add_argument("--drop-oversized", action="store_true",
                   help="drop requests with s+o > M instead of rejecting the trace")
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")
    p.add_argument("--seed", type=int, default=0, help="random seed for --sample")


def main(args: argparse.Namespace) -> int:
    raise KvschedError("`kvsched trace` is not built yet (issue 3)")
