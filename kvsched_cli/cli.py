"""The ``kvsched`` command: ``verify``, ``run``, ``trace``, ``opt``, ``bounds``, ``search``.

Any :class:`~kvsched.errors.KvschedError` (bad input, infeasible schedule, ...) is
printed as one line ``kvsched: error: ...`` and the exit status is 2; never a traceback.
Usage errors (unknown flags, malformed numbers: ``commands.common.FLAG_RULES``) too. As a
last line of defence, file-system errors (``OSError``: missing file, a folder given as a
file, ...) and undecodable or truncated input files (``UnicodeDecodeError``,
``json.JSONDecodeError``) are reported the same way; the subcommands should name the file
themselves (``tests/test_bad_input.py``).
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys

from kvsched.errors import KvschedError


class _Parser(argparse.ArgumentParser):
    """Usage errors (unknown flag, missing or malformed value) as one line
    ``kvsched: error: ...`` and exit 2, like every other bad input (not argparse's
    usage block)."""

    def parse_known_args(self, args=None, namespace=None):
        # argparse drops a "--" given as a flag's value (--seed=--) and stores [] silently
        for a in (sys.argv[1:] if args is None else args):
            if isinstance(a, str) and a.startswith("-") and a.endswith("=--"):
                self.error(f"argument {a.split('=', 1)[0]}: expected a value, got '--'")
        return super().parse_known_args(args, namespace)

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
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:         # --help, --version (0) or a usage error (2, one line)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(args._main(args) or 0)
    except KvschedError as e:
        print(f"kvsched: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:            # a path that is missing, a folder, unreadable, full, ...
        where = f": {e.filename}" if e.filename else ""
        print(f"kvsched: error: {e.strerror or e}{where}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as e:  # a binary file where text was expected
        print(f"kvsched: error: an input file is not UTF-8 text ({e.reason} at byte "
              f"{e.start})", file=sys.stderr)
        return 2
    except json.JSONDecodeError as e:   # a saved file that is truncated or corrupted
        print(f"kvsched: error: an input file is not valid JSON ({e.msg} at line {e.lineno} "
              f"column {e.colno})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kvsched: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
