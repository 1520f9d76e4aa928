"""``sig2rtm tables``: the mapping tables as Markdown, or the code the shim runs for a row.

``--dialect rts`` does the same for the RTS dialect's table (``rts.toml``, docs/rts.md).

``--show-code ROW`` prints the Python generated from the table (what the shim executes):
ROW is a legacy callback (every function with one of its rows), a legacy method (its
generated method), or the line of a row in the flavour's file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mapping_tables import load
from mapping_tables.render import render_markdown

__all__ = ["configure_parser", "run", "show_code"]


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    parser.add_argument(
        "--show-code",
        metavar="ROW",
        help="print the generated code for a legacy callback, a legacy method, or the row "
        "at a line of the flavour's table file (e.g. onMessageInstantReceive, channelJoin, 964)",
    )
    parser.add_argument("--flavour", choices=("cpp", "java"), default="cpp")
    parser.add_argument("--mode", choices=("legacy", "native"), default="legacy")
    parser.add_argument(
        "--dialect",
        choices=("signaling", "rts"),
        default="signaling",
        help="which dialect's table: legacy Signaling (default) or the vendor RTS API",
    )


def show_code(row: str, flavour: str = "cpp", mode: str = "legacy") -> str:
    """The generated source for ``row`` (raises LookupError naming what exists)."""
    from adapters.signaling.instance import shim_class
    from adapters.signaling.world import compiled_rows, row_functions

    tables = load()
    table = tables.flavour(flavour)
    compiled = compiled_rows(table, row_functions(tables), legacy_mode=mode == "legacy")
    events = [r for r in table.events if (r.line == int(row) if row.isdigit() else r.legacy == row)]
    if events:
        out: list[str] = []
        for event in events:
            try:
                code = compiled.code_for(event)
            except KeyError as exc:
                out.append(f"# {table.flavour.value} line {event.line}: {exc.args[0]}\n")
                continue
            if code not in out:
                out.append(code)
        return f"# {compiled.filename} ({compiled.file})\n" + "\n".join(out)
    methods = [
        m for m in table.methods if m.legacy == row or (row.isdigit() and m.line == int(row))
    ]
    if methods:
        source = shim_class(table).generated_source
        lines = source.splitlines()
        name = methods[0].legacy
        out = []
        for prefix in (f"def {name}(", f"def RUN_{name}("):
            start = next((i for i, line in enumerate(lines) if line.startswith(prefix)), None)
            if start is None:
                continue
            end = start + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            out.append("\n".join(lines[start:end]))
        if not out:
            raise LookupError(f"{name} is answered by the world (it makes instances), not code")
        return "\n\n".join(out) + "\n"
    raise LookupError(
        f"no row {row!r} in the {flavour} table: give a legacy callback, a legacy method or "
        "the line of a row's [[event]]/[[method]] header"
    )


def show_rts_code(row: str) -> str:
    """The generated source for an RTS callback or method (raises LookupError)."""
    import adapters.rts
    from adapters.rts.rows import rts_rows

    rows = rts_rows()
    events = [e for e in rows.table.events if e.legacy == row or str(e.line) == row]
    out: list[str] = []
    for event in events:
        compiled = rows.room if event.topic == "room" else rows.engine
        code = compiled.code_for(event)
        if code not in out:
            out.append(code)
    if out:
        return "\n".join(out)
    for cls in (adapters.rts.RTSEngine, adapters.rts.RTSRoom):
        lines = cls.generated_source.splitlines()
        start = next((i for i, s in enumerate(lines) if s.startswith(f"def {row}(")), None)
        if start is not None:
            end = start + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            return "\n".join(lines[start:end]) + "\n"
    raise LookupError(f"no row {row!r} in the rts table: give an RTS callback or method")


def run(args: argparse.Namespace) -> int:
    if args.dialect == "rts":
        try:
            text = _rts_text(args.show_code)
        except LookupError as exc:
            print(f"sig2rtm tables: {exc.args[0]}", file=sys.stderr)
            return 2
    elif args.show_code:
        try:
            text = show_code(args.show_code, args.flavour, args.mode)
        except LookupError as exc:
            print(f"sig2rtm tables: {exc.args[0]}", file=sys.stderr)
            return 2
    else:
        text = render_markdown(load())
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _rts_text(show: str | None) -> str:
    if show:
        return show_rts_code(show)
    from mapping_tables.dialect import load_dialect
    from mapping_tables.render import render_dialect_markdown

    return render_dialect_markdown(load_dialect())
