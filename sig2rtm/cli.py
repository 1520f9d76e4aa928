"""``sig2rtm`` command line: one subcommand per job, each in its own module.

Every failure a user can cause ends in one line on stderr and a non-zero exit, never in a
traceback: a missing extra names the ``pip install`` that adds it (exit 2), and output cut
short by the reader (``sig2rtm demo | head``) ends quietly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .extras import install_hint, missing_module

__all__ = ["EXIT_BROKEN_PIPE", "main"]

#: What a process killed by SIGPIPE reports (128 + 13): the reader closed our stdout.
EXIT_BROKEN_PIPE = 141

#: subcommand -> (module, help, extra it needs or None). Each module has
#: configure_parser(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "demo": ("sig2rtm.demo", "run a scripted legacy-app scenario on the embedded core", None),
    "tables": ("sig2rtm.tables", "print the mapping tables as Markdown", None),
    "audit": (
        "migration_audit.cli",
        "audit a legacy codebase for Signaling call sites",
        "audit",
    ),
    "serve": ("sig2rtm.serve", "run the network gateway", "server"),
}

Runner = Callable[[argparse.Namespace], int]


def _unavailable(name: str, extra: str, module: str) -> Runner:
    def run(args: argparse.Namespace) -> int:
        print(
            f"sig2rtm {name}: needs the '{extra}' extra ({module} is not installed): "
            f"{install_hint(extra)}",
            file=sys.stderr,
        )
        return 2

    return run


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Runner], set[str]]:
    """The parser, each command's runner, and the commands whose extra is missing (these
    accept any arguments, so the user learns about the extra rather than about flags)."""
    parser = argparse.ArgumentParser(
        prog="sig2rtm", description="Run legacy Agora Signaling apps on an RTM-style core."
    )
    parser.add_argument("--version", action="version", version=f"sig2rtm {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    runners: dict[str, Runner] = {}
    unavailable: set[str] = set()
    for name, (module_name, help_text, extra) in COMMANDS.items():
        missing = missing_module(extra) if extra is not None else None
        if extra is not None and missing is not None:
            sub.add_parser(name, help=f"{help_text} (needs {install_hint(extra)})")
            runners[name] = _unavailable(name, extra, missing)
            unavailable.add(name)
            continue
        module = importlib.import_module(module_name)
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.configure_parser(command_parser)
        runners[name] = module.run
    return parser, runners, unavailable


def main(argv: Sequence[str] | None = None) -> int:
    parser, runners, unavailable = build_parser()
    args, rest = parser.parse_known_args(argv)
    if rest and args.command not in unavailable:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        return runners[args.command](args)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _silence_stdout() -> None:
    """The reader went away: point stdout at /dev/null so the interpreter's final flush
    does not report the broken pipe once more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass
