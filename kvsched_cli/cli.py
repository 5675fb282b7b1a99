"""The ``kvsched`` command: ``verify``, ``run``, ``trace``, ``opt``, ``bounds``, ``search``.

Any :class:`~kvsched.errors.KvschedError` (bad input, infeasible schedule, ...) is
printed as one line ``kvsched: error: ...`` and the exit status is 2; never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from kvsched.errors import KvschedError


class _Parser(argparse.ArgumentParser):
    """Usage errors (unknown flag, missing or malformed value) as one line
    ``kvsched: error: ...`` and exit 2, like every other bad input (not argparse's
    usage block)."""

    def error(self, message: str):
        cmd = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        hint = f" (see `kvsched {cmd} --help`)" if cmd else " (see `kvsched --help`)"
        self.exit(2, f"kvsched: error: {' '.join(message.split())}{hint}\n")


def build_parser() -> argparse.ArgumentParser:
    from kvsched import __version__
    from .commands import COMMANDS
    from .commands.common import apply_number_rules

    parser = _Parser(
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
        parser.unruled_numbers = getattr(parser, "unruled_numbers", []) + \
            apply_number_rules(name, p)
        p.set_defaults(_main=mod.main)
    return parser


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
