"""JSON report (schema ``sig2rtm-audit/1``), stable and free of absolute paths and timings so
it can be committed, diffed and used as a golden file.

Findings name their behaviour differences by key; the texts are in the top-level
``differences`` object (one copy per difference, from the mapping tables).
"""

from __future__ import annotations

import json
from typing import Any

from migration_audit.enrich import Finding
from migration_audit.languages import SHIM_ROUTES
from migration_audit.report import AuditReport

SCHEMA = "sig2rtm-audit/1"


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "path": finding.path,
        "language": finding.language,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "kind": finding.kind.value,
        "api": finding.api,
        "spelling": finding.spelling,
        "replacement": list(finding.replacement),
        "status": finding.status_text,
        "flavour": finding.flavour.value if finding.flavour else None,
        "shim_covers": finding.shim_covers,
        "route": finding.route,
        "effort_minutes": finding.effort_minutes,
        "confidence": finding.confidence.value,
        "evidence": finding.evidence,
        "differences": [d.key for d in finding.differences],
        "note": finding.note,
        "scope": finding.scope,
        "snippet": finding.snippet,
        "conditional": finding.conditional,
        "analysis": finding.analysis.value,
        "ignored": finding.ignored,
        "fingerprint": finding.fingerprint,
        "baseline_state": finding.baseline_state or None,
        "ran": finding.ran,
    }


def report_dict(report: AuditReport) -> dict[str, Any]:
    totals = report.totals
    runtime = report.runtime
    incomplete = {f.path for f in report.not_fully_analysed}
    return {
        "schema": SCHEMA,
        "tool": {"name": report.tool, "version": report.version},
        "summary": {
            "files": totals.files,
            "files_without_sdk_names": totals.files_clean,
            "files_parsed": totals.files_parsed,
            "files_partially_analysed": totals.files_partial,
            "files_text_search_only": totals.files_fallback,
            "files_failed": totals.files_failed,
            "findings": totals.findings,
            "ignored": totals.ignored,
            "by_status": dict(totals.by_status),
            "by_confidence": dict(totals.by_confidence),
            "shim_covers": totals.shim_covers,
            "effort_minutes": totals.effort_minutes,
            "by_route": [
                {
                    "route": r.route,
                    "meaning": SHIM_ROUTES[r.route],
                    "languages": list(r.languages),
                    "findings": r.findings,
                    "with_rows": r.with_rows,
                    "shim_covers": r.shim_covers,
                }
                for r in totals.by_route
            ],
        },
        "apis": [
            {
                "api": t.api,
                "replacement": list(t.replacement),
                "status": t.status,
                "shim_covers": t.shim_covers,
                "shim_sites": t.shim_sites,
                "count": t.count,
                "files": t.files,
                "by_confidence": dict(t.by_confidence),
                "effort_minutes": t.effort_minutes,
                "differences": list(t.differences),
            }
            for t in report.apis
        ],
        "files": [
            {
                "path": f.path,
                "language": f.language,
                "analysis": f.analysis.value,
                "reason": f.reason,
                "findings": f.findings,
                "effort_minutes": f.effort_minutes,
                "error_lines": list(f.error_lines),
            }
            for f in report.files
            if f.findings or f.path in incomplete
        ],
        "findings": [finding_dict(f) for f in report.findings],
        "differences": {
            d.key: {
                "title": d.title,
                "explanation": d.explanation,
                "review": d.review,
                "emulation": d.emulation,
                "effort": d.effort,
            }
            for d in sorted(
                {d.key: d for f in report.findings for d in f.differences}.values(),
                key=lambda d: d.key,
            )
        },
        "checklist": [
            {
                "kind": item.kind,
                "key": item.key,
                "title": item.title,
                "detail": item.detail,
                "count": item.count,
                "apis": list(item.apis),
                "files": list(item.files),
                "emulation": item.emulation,
            }
            for item in report.checklist
        ],
        "unused_ignores": [{"path": u.path, "line": u.line} for u in report.unused_ignores],
        "baseline": (
            None
            if totals.stale is None
            else {
                "new": totals.new,
                "unchanged": totals.unchanged,
                "stale": [
                    {
                        "fingerprint": e.fingerprint,
                        "path": e.path,
                        "api": e.api,
                        "snippet": e.snippet,
                    }
                    for e in report.stale
                ],
            }
        ),
        "runtime": (
            None
            if runtime is None
            else {
                "events": runtime.events,
                "apis": [
                    {"api": a.api, "calls": a.calls, "callbacks": a.callbacks, "found": a.found}
                    for a in runtime.apis
                ],
                "emulations": [
                    {"key": e.key, "title": e.title, "count": e.count} for e in runtime.emulations
                ],
                "found_not_run": list(runtime.not_run),
                "ran_not_found": list(runtime.not_found),
                "unknown_names": list(runtime.unknown_names),
                "unknown_emulations": list(runtime.unknown_emulations),
            }
        ),
        "gaps": list(report.gaps),
    }


def render_json(report: AuditReport) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
