"""The ``kvsched`` command: ``verify``, ``run``, ``trace``, ``opt``, ``bounds``, ``search``.

Any :class:`~kvsched.errors.KvschedError` (bad input, infeasible schedule, ...) is
printed as one line ``kvsched: error: ...`` and the exit status is 2; never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from kvsched.errors import KvschedError


def build_parser() -> argparse.ArgumentParser:
    from kvsched import __version__
    from .commands import COMMANDS

    parser = argparse.ArgumentParser(
        prog="kvsched",
        description="Check the GSA/GBA KV-cache scheduling bounds: schedules, exact optima, "
                    "symbolic ratios and adversarial search.")
    parser.add_argument("--version", action="version", version=f"kvsched {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        mod = importlib.import_module(f".commands.{name}", __package__)
        p = sub.add_parser(name, help=mod.HELP, description=mod.__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
        p.set_defaults(_main=mod.main)
    return parser


class _Parser(argparse.ArgumentParser):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(args._main(args) or 0)
    except KvschedError as e:
        print(f"kvsched: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kvsched: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
