"""Derive the GSA/GBA ratio expressions from named lemmas, minimise them over alpha
exactly, and print the proof ledger beside the published constants."""
from __future__ import annotations

import argparse

from ..errors import KvschedError

HELP = "the proof ledger: lemmas, derived ratios, minimisers, published values"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")
    p.add_argument("--plot", metavar="PNG", default=None, help="draw R(alpha) curves")


def main(args: argparse.Namespace) -> int:
    raise KvschedError("`kvsched bounds` is not built yet (issue 5)")
