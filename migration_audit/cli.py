"""Command line of the audit: ``sig2rtm audit`` (wired by sig2rtm.cli) and
``python -m migration_audit``.

``configure_parser`` adds the arguments to a parser the caller owns; ``run`` executes a
parsed namespace and returns the exit code (see :mod:`migration_audit.policy`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from migration_audit import baseline as baseline_mod
from migration_audit.audit import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    AuditError,
    AuditOptions,
    run_audit,
)
from migration_audit.model import Confidence
from migration_audit.policy import EXIT_ERROR, EXIT_OK, PolicyError, parse_terms, verdict
from migration_audit.render import RENDERERS
from migration_audit.render.table import render_table
from migration_audit.report import AuditReport

PROG = "sig2rtm audit"


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Find every use of the legacy Agora Signaling SDK in a codebase and report its RTM "
        "replacement, status in the mapping tables, behaviour differences to review, whether "
        "the sig2rtm shim runs it unchanged, and an effort estimate."
    )
    parser.epilog = (
        "exit codes: 0 ok; 1 a --fail-on condition matched; 2 usage or input error; "
        "3 --strict and some file was not fully analysed"
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path(".")],
        metavar="PATH",
        help="files or directories to audit (default: .)",
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--format",
        "-f",
        choices=sorted(RENDERERS),
        default="table",
        help="report format (default: table)",
    )
    out.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the report to FILE instead of standard output",
    )
    out.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FORMAT=FILE",
        help="also write FORMAT to FILE (repeatable), e.g. --report sarif=audit.sarif",
    )
    out.add_argument(
        "--min-confidence",
        choices=[c.value for c in Confidence],
        default="low",
        help="leave out findings below this confidence (default: low = keep all)",
    )
    out.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar (default: only when stderr is a terminal)",
    )
    out.add_argument(
        "--no-progress", dest="progress", action="store_false", help="never show a progress bar"
    )
    scan = parser.add_argument_group("scanning")
    scan.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="directory report paths are relative to (default: the current "
        "directory when it contains every PATH)",
    )
    scan.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes (default: usable CPUs; 1 = in-process)",
    )
    scan.add_argument(
        "--max-file-size",
        type=int,
        default=DEFAULT_MAX_BYTES,
        metavar="BYTES",
        help="larger files get a text search only (default: %(default)s)",
    )
    scan.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="per-file analysis deadline (default: %(default)s)",
    )
    scan.add_argument(
        "--no-gitignore",
        dest="gitignore",
        action="store_false",
        help="also audit files that .gitignore excludes",
    )
    scan.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip paths matching this gitignore-style pattern (repeatable)",
    )
    ci = parser.add_argument_group("CI")
    ci.add_argument(
        "--fail-on",
        action="append",
        default=[],
        metavar="TERM",
        help="exit 1 when a finding matches: any, mapped, emulated, unsupported, "
        "unknown, high, medium, low, STATUS:CONFIDENCE, or stale (repeatable, "
        "comma-separated)",
    )
    ci.add_argument(
        "--strict", action="store_true", help="exit 3 when a file was not fully analysed"
    )
    ci.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="mark findings in this baseline as unchanged; only new ones fail",
    )
    ci.add_argument(
        "--update-baseline",
        type=Path,
        metavar="FILE",
        help="write the current findings as a baseline to FILE",
    )
    ci.add_argument(
        "--runtime",
        type=Path,
        metavar="TRACE",
        help="merge the shim's runtime usage trace (JSON lines)",
    )


def _parse_reports(values: list[str]) -> list[tuple[str, Path]]:
    reports: list[tuple[str, Path]] = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not path or name not in RENDERERS:
            raise AuditError(
                f"--report {value!r}: expected FORMAT=FILE with FORMAT one of "
                f"{', '.join(sorted(RENDERERS))}"
            )
        reports.append((name, Path(path)))
    return reports


@contextmanager
def _progress_bar(enabled: bool, stream: TextIO) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(file=stream)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("auditing", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _write(text: str, path: Path) -> None:
    try:
        path.write_text(text, "utf-8", errors="surrogateescape")
    except OSError as exc:
        raise AuditError(f"cannot write {path}: {exc.strerror}") from exc


def _emit(report: AuditReport, fmt: str, output: Path | None, stdout: TextIO) -> None:
    if output is not None:
        _write(RENDERERS[fmt](report), output)
        return
    if fmt == "table":
        color = stdout.isatty()
        width = shutil.get_terminal_size((120, 24)).columns if color else 120
        stdout.write(render_table(report, color=color, width=width))
    else:
        stdout.write(RENDERERS[fmt](report))


def run(args: argparse.Namespace) -> int:
    stdout, stderr = sys.stdout, sys.stderr
    try:
        conditions = parse_terms(args.fail_on)
        reports = _parse_reports(args.report)
        if args.jobs is not None and args.jobs < 1:
            raise AuditError("--jobs must be at least 1")
        options = AuditOptions(
            paths=tuple(args.paths),
            root=args.root,
            jobs=args.jobs,
            max_bytes=args.max_file_size,
            timeout=args.timeout,
            gitignore=args.gitignore,
            excludes=tuple(args.exclude),
            min_confidence=Confidence(args.min_confidence),
            baseline=args.baseline,
            runtime=args.runtime,
        )
        show_progress = args.progress if args.progress is not None else stderr.isatty()
        with _progress_bar(show_progress, stderr) as progress:
            report = run_audit(options, progress=progress)
        _emit(report, args.format, args.output, stdout)
        for fmt, path in reports:
            _write(RENDERERS[fmt](report), path)
        if args.update_baseline is not None:
            _write(baseline_mod.dump(report.findings), args.update_baseline)
            stderr.write(
                f"{PROG}: wrote {len(baseline_mod.entries_of(report.findings))} baseline "
                f"entries to {args.update_baseline}\n"
            )
            return EXIT_OK
    except (AuditError, PolicyError) as exc:
        stderr.write(f"{PROG}: error: {exc}\n")
        return EXIT_ERROR
    result = verdict(report, conditions, strict=args.strict)
    for reason in result.reasons:
        stderr.write(f"{PROG}: {reason}\n")
    return result.code


def main(argv: list[str] | None = None, prog: str = "python -m migration_audit") -> int:
    parser = argparse.ArgumentParser(prog=prog)
    configure_parser(parser)
    return run(parser.parse_args(argv))
