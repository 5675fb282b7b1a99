"""One module per ``kvsched`` subcommand: each defines ``HELP``, ``add_arguments(parser)``
and ``main(args) -> int``. :mod:`kvsched.cli` wires them together."""

COMMANDS = ["verify", "run", "trace", "opt", "bounds", "search", "game", "exhaust"]
