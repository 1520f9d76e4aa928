"""``sig2rtm tables``: the mapping tables as Markdown, generated from the data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mapping_tables import load
from mapping_tables.render import render_markdown

__all__ = ["configure_parser", "run"]


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")


def run(args: argparse.Namespace) -> int:
    text = render_markdown(load())
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
