"""Scan one file: read, prefilter, parse under a deadline, extract, analyse.

This is what a worker process runs for each :class:`~migration_audit.model.Task`. Every path
ends in a :class:`~migration_audit.model.FileResult`; a file is never dropped silently:

* no legacy spelling in the bytes -> ``CLEAN`` (not parsed; most files of a large tree);
* parsed without errors -> ``FULL``; with syntax errors -> ``PARTIAL`` (findings from the parts
  that parsed, plus the error lines);
* over the size cap, past the deadline, or the grammar failed -> ``FALLBACK`` (a text search
  for distinctive names, each reported at low confidence);
* unreadable -> ``FAILED`` with the reason.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from migration_audit import extract as extract_mod
from migration_audit.analyse import analyse
from migration_audit.catalogue import LanguageIndex
from migration_audit.languages import HEADER, registry
from migration_audit.markers import markers
from migration_audit.model import (
    Analysis,
    Confidence,
    FileResult,
    FindingKind,
    RawFinding,
    Task,
)

#: Bytes read to decide whether a ``.h`` file is Objective-C.
HEADER_SNIFF_BYTES = 16_384
#: The parser reads the source in chunks this large (the reader form lets us cancel a parse).
READ_CHUNK = 1 << 16


class DeadlineExceeded(Exception):
    """The per-file deadline passed."""


@attrs.frozen
class ScanContext:
    """Everything a worker needs; picklable."""

    indexes: Mapping[str, LanguageIndex]
    max_bytes: int
    timeout: float


@functools.cache
def _prefilter(pattern: str) -> re.Pattern[bytes]:
    return re.compile(pattern.encode())


@functools.cache
def _parser(language: str) -> Any:
    import tree_sitter

    from migration_audit.languages import grammar

    return tree_sitter.Parser(grammar(language))


@functools.cache
def _error_query(language: str) -> Any:
    import tree_sitter

    from migration_audit.languages import grammar

    return tree_sitter.Query(grammar(language), "(ERROR) @error")


def warm_up(languages: Iterable[str], context: ScanContext) -> None:
    """Load grammars and compile queries and prefilters now, once.

    Compiling the queries of the larger grammars takes a few hundred milliseconds; done in
    the parent before the worker pool forks, every worker inherits the result instead of
    paying it again.
    """
    header = registry().header
    wanted = set(languages)
    if HEADER in wanted:
        wanted |= {header.objc, header.otherwise}
    for language in sorted(wanted & set(context.indexes)):
        _prefilter(context.indexes[language].prefilter)
        _parser(language)
        extract_mod.query(language)
        _error_query(language)


def resolve_language(task_language: str, head: bytes) -> str:
    if task_language == HEADER:
        return registry().header.language_for(head)
    return task_language


def _parse(language: str, source: bytes, deadline: float) -> Any:
    parser = _parser(language)

    def read(offset: int, _point: Any) -> bytes:
        return source[offset : offset + READ_CHUNK]

    def progress(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline

    try:
        return parser.parse(read, progress_callback=progress)
    except ValueError as exc:  # tree-sitter cancels a parse by raising ValueError
        # A cancelled parser resumes the old parse on its next call unless it is reset, so
        # the next file would get this file's tree.
        parser.reset()
        if time.monotonic() > deadline:
            raise DeadlineExceeded from exc
        raise


def _missing_lines(root: Any) -> Iterator[int]:
    """Lines of MISSING nodes and of the innermost nodes flagged with an error.

    Descends only into subtrees that contain an error, so a clean tree costs nothing.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing:
            yield node.start_point[0] + 1
            continue
        bad = [child for child in node.children if child.has_error or child.is_missing]
        if not bad and node.has_error:
            yield node.start_point[0] + 1
        stack.extend(bad)


def error_lines(language: str, root: Any) -> tuple[int, ...]:
    import tree_sitter

    lines: set[int] = set()
    for node in tree_sitter.QueryCursor(_error_query(language)).captures(root).get("error", ()):
        lines.add(node.start_point[0] + 1)
    lines.update(_missing_lines(root))
    return tuple(sorted(lines))


def fallback_findings(source: bytes, index: LanguageIndex, reason: str) -> list[RawFinding]:
    """A text search for distinctive names, used when the file could not be parsed.

    Generic names are left out: without a tree they cannot be told from other APIs. Every hit
    is low confidence because comments and strings cannot be excluded.
    """
    names = {n: e for n, e in index.calls.items() if not e.generic}
    names.update({n: e for n, e in index.callbacks.items() if not e.generic})
    names.update(index.tokens)
    if not names:
        return []
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile((r"(?<![\w$])(" + alternation + r")(?![\w$])").encode())
    lines = source.split(b"\n")
    out: list[RawFinding] = []
    for row, line in enumerate(lines):
        for match in pattern.finditer(line):
            name = match.group(1).decode()
            entry = names[name]
            column = len(line[: match.start()].decode("utf-8", "replace")) + 1
            kind = {
                "method": FindingKind.CALL,
                "factory": FindingKind.FACTORY,
                "callback": FindingKind.CALLBACK,
                "token": FindingKind.TOKEN,
            }[entry.kind]
            out.append(
                RawFinding(
                    line=row + 1,
                    column=column,
                    end_line=row + 1,
                    end_column=column + len(name),
                    kind=kind,
                    spelling=name,
                    api=entry.api,
                    confidence=Confidence.LOW,
                    evidence=f"text search ({reason}); may be a comment or string",
                    snippet=line.decode("utf-8", "replace").strip()[:200],
                    scope="",
                )
            )
    return out


def scan_source(
    relpath: str,
    task_language: str,
    source: bytes,
    context: ScanContext,
    *,
    oversized: bool = False,
) -> FileResult:
    """Scan bytes already in memory (the testable core of :func:`scan_task`)."""
    started = time.monotonic()
    language = resolve_language(task_language, source[:HEADER_SNIFF_BYTES])
    index = context.indexes.get(language)
    if index is None:
        return FileResult(relpath, language, Analysis.FAILED, "no catalogue index", ())
    if not _prefilter(index.prefilter).search(source):
        return FileResult(relpath, language, Analysis.CLEAN, "", ())
    if oversized:
        reason = f"larger than the size cap ({context.max_bytes} bytes)"
        return FileResult(
            relpath,
            language,
            Analysis.FALLBACK,
            reason,
            tuple(fallback_findings(source, index, "not parsed: size cap")),
            seconds=time.monotonic() - started,
        )
    deadline = started + context.timeout

    def check() -> None:
        if time.monotonic() > deadline:
            raise DeadlineExceeded

    try:
        tree = _parse(language, source, deadline)
        root = tree.root_node
        facts = extract_mod.extract(language, root, check)
        findings, ignores = analyse(source, facts, index, markers())
        check()
    except DeadlineExceeded:
        reason = f"deadline of {context.timeout:g}s exceeded"
        return FileResult(
            relpath,
            language,
            Analysis.FALLBACK,
            reason,
            tuple(fallback_findings(source, index, "not parsed: deadline")),
            seconds=time.monotonic() - started,
        )
    except (ValueError, RuntimeError) as exc:
        reason = f"parser failed: {exc}"
        return FileResult(
            relpath,
            language,
            Analysis.FALLBACK,
            reason,
            tuple(fallback_findings(source, index, "not parsed: parser failed")),
            seconds=time.monotonic() - started,
        )
    if root.has_error:
        lines = error_lines(language, root)
        shown = ", ".join(str(n) for n in lines[:5]) + (" ..." if len(lines) > 5 else "")
        return FileResult(
            relpath,
            language,
            Analysis.PARTIAL,
            f"syntax errors at line {shown}" if lines else "syntax errors",
            tuple(findings),
            tuple(ignores),
            error_lines=lines,
            seconds=time.monotonic() - started,
        )
    return FileResult(
        relpath,
        language,
        Analysis.FULL,
        "",
        tuple(findings),
        tuple(ignores),
        seconds=time.monotonic() - started,
    )


def scan_task(task: Task, context: ScanContext) -> FileResult:
    """Read and scan one file. I/O errors become a FAILED result, never an exception."""
    try:
        with open(task.path, "rb") as handle:
            source = handle.read()
    except OSError as exc:
        return FileResult(
            task.relpath, task.language, Analysis.FAILED, f"cannot read: {exc.strerror}", ()
        )
    return scan_source(
        task.relpath, task.language, source, context, oversized=len(source) > context.max_bytes
    )

