"""``sig2rtm`` command line: one subcommand per job, each in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

__all__ = ["main"]

#: subcommand -> (module, help). Each module has configure_parser(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("sig2rtm.demo", "run a scripted legacy-app scenario on the embedded core"),
    "tables": ("sig2rtm.tables", "print the mapping tables as Markdown"),
    "audit": ("migration_audit.cli", "audit a legacy codebase for Signaling call sites"),
    "serve": ("sig2rtm.serve", "run the network gateway"),
}


def build_parser() -> tuple[
    argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]
]:
    parser = argparse.ArgumentParser(
        prog="sig2rtm", description="Run legacy Agora Signaling apps on an RTM-style core."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    runners: dict[str, Callable[[argparse.Namespace], int]] = {}
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            missing = str(exc)

            def unavailable(args: argparse.Namespace, _why: str = missing, _n: str = name) -> int:
                print(f"sig2rtm {_n}: not available in this installation ({_why})", file=sys.stderr)
                return 2

            sub.add_parser(name, help=f"{help_text} (unavailable)")
            runners[name] = unavailable
            continue
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.configure_parser(command_parser)
        runners[name] = module.run
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    return runners[args.command](args)
