"""``sig2rtm demo``: the main job, on the embedded default core."""

from __future__ import annotations

import argparse
import sys

__all__ = ["configure_parser", "run"]


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rtm", action="store_true", help="show the RTM core alone, without the legacy shim"
    )


def run(args: argparse.Namespace) -> int:
    from . import demo_rtm

    return demo_rtm.run(sys.stdout)
