"""The audit pipeline: walk -> scan (parallel) -> enrich from the tables -> baseline -> runtime.

I/O happens here and in the scanner's file read; everything between is pure and testable.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

import attrs

from mapping_tables.model import MappingTables
from migration_audit import baseline as baseline_mod
from migration_audit import runtime as runtime_mod
from migration_audit.catalogue import Catalogue, build_catalogue
from migration_audit.enrich import Finding, enrich
from migration_audit.executor import Executor, ScanFn, default_jobs
from migration_audit.languages import registry
from migration_audit.markers import markers
from migration_audit.model import Confidence, FileResult
from migration_audit.report import AuditReport, build_report
from migration_audit.scanner import ScanContext, scan_task
from migration_audit.walk import WalkError, WalkOptions, walk

TOOL = "sig2rtm-audit"


def _version() -> str:
    try:
        return metadata.version("sig2rtm")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


VERSION = _version()
DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_TIMEOUT = 10.0

Progress = Callable[[int, int], None]


class AuditError(Exception):
    """Bad input to the audit (paths, baseline, trace, tables): exit code 2."""


@attrs.frozen
class AuditOptions:
    paths: tuple[Path, ...]
    root: Path | None = None
    jobs: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    gitignore: bool = True
    excludes: tuple[str, ...] = ()
    min_confidence: Confidence = Confidence.LOW
    baseline: Path | None = None
    runtime: Path | None = None


def load_tables() -> MappingTables:
    """The project's mapping tables (the same data the shim runs on)."""
    try:
        from mapping_tables.loader import load
    except ImportError as exc:  # pragma: no cover - only in a broken checkout
        raise AuditError(f"the mapping tables cannot be imported: {exc}") from exc
    try:
        return load()
    except (OSError, ValueError) as exc:
        raise AuditError(f"the mapping tables failed to load: {exc}") from exc


def audit_root(paths: Sequence[Path], root: Path | None) -> Path:
    """The directory report paths are relative to.

    ``--root`` wins; otherwise the current directory if every path lies inside it (the usual
    CI case, so SARIF URIs resolve against the checkout), else the paths' common directory.
    """
    if root is not None:
        resolved = root.resolve()
        if not resolved.is_dir():
            raise AuditError(f"--root {root}: not a directory")
        return resolved
    cwd = Path.cwd().resolve()
    absolute = [p.resolve() for p in paths]
    if all(p == cwd or cwd in p.parents for p in absolute):
        return cwd
    dirs = [p if p.is_dir() else p.parent for p in absolute]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def catalogue_gaps(catalogue: Catalogue, findings: Sequence[Finding]) -> list[str]:
    gaps = [f"spelling conflict in the catalogue: {c}" for c in catalogue.conflicts]
    gaps += [f"no catalogue spelling for any platform of language {k}" for k in catalogue.uncovered]
    missing = sorted({f.api for f in findings if f.status is None})
    gaps += [f"catalogue API {api} has no row in any mapping table" for api in missing]
    return gaps


def run_audit(
    options: AuditOptions,
    *,
    tables: MappingTables | None = None,
    progress: Progress | None = None,
    scan: ScanFn = scan_task,
) -> AuditReport:
    started = time.monotonic()
    if not options.paths:
        raise AuditError("no paths to audit")
    if options.max_bytes <= 0 or options.timeout <= 0:
        raise AuditError("--max-file-size and --timeout must be positive")
    tables = tables if tables is not None else load_tables()
    reg = registry()
    root = audit_root(options.paths, options.root)
    entries = None
    if options.baseline is not None:
        try:
            entries = baseline_mod.load(options.baseline)
        except baseline_mod.BaselineError as exc:
            raise AuditError(str(exc)) from exc
    events = None
    if options.runtime is not None:
        try:
            events = runtime_mod.load(options.runtime)
        except runtime_mod.TraceError as exc:
            raise AuditError(str(exc)) from exc
    try:
        tasks = list(
            walk(
                options.paths,
                root,
                reg,
                WalkOptions(gitignore=options.gitignore, excludes=options.excludes),
            )
        )
    except WalkError as exc:
        raise AuditError(str(exc)) from exc
    catalogue = build_catalogue(tables, reg, markers())
    context = ScanContext(catalogue.indexes, options.max_bytes, options.timeout)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, len(tasks))

    if progress is not None:
        progress(0, len(tasks))
    jobs = options.jobs if options.jobs is not None else default_jobs()
    results: list[FileResult] = Executor(context, jobs, scan=scan, on_progress=advance).run(tasks)
    findings: list[Finding] = []
    for result in results:
        spec = reg.languages.get(result.language)
        flavours = spec.flavours if spec is not None else ()
        route = spec.shim if spec is not None else "port"
        for raw in result.findings:
            if raw.confidence.rank < options.min_confidence.rank:
                continue
            findings.append(
                enrich(
                    raw,
                    result.relpath,
                    result.language,
                    result.analysis,
                    tables,
                    flavours,
                    catalogue.token_differences,
                    route,
                )
            )
    findings = baseline_mod.fingerprint_all(findings)
    stale: tuple[baseline_mod.BaselineEntry, ...] = ()
    if entries is not None:
        compared = baseline_mod.compare(findings, entries)
        findings, stale = list(compared.findings), compared.stale
    summary = None
    if events is not None:
        summary = runtime_mod.summarise(events, findings, tables)
        findings = runtime_mod.mark(findings, summary)
    return build_report(
        tool=TOOL,
        version=VERSION,
        root=str(root),
        results=results,
        findings=findings,
        stale=stale,
        baseline_used=entries is not None,
        runtime=summary,
        gaps=catalogue_gaps(catalogue, findings),
        seconds=time.monotonic() - started,
    )
