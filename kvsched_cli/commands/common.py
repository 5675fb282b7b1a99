"""Arguments and helpers shared by the subcommands."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from kvsched.instance import Instance
from kvsched.loaders import load_instance
from kvsched.results import dumps
from kvsched.tables import Table, render


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


def instance_from_args(args: argparse.Namespace) -> Instance:
    return load_instance(args.file, args.memory, limit=args.limit, sample=args.sample,
                         seed=getattr(args, "seed", None), drop_oversized=args.drop_oversized)


def emit(args: argparse.Namespace, tables: list[Table], payload: Any = None) -> None:
    """Print tables, or with ``--json`` the payload (default: the tables' records)."""
    if getattr(args, "json", False):
        sys.stdout.write(dumps(payload if payload is not None
                               else [t.to_dict() for t in tables]) + "\n")
    else:
        render(tables)
