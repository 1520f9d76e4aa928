"""SARIF 2.1.0 for GitHub code scanning and IDEs.

What GitHub needs beyond the schema is all here: ``$schema``; one rule per legacy API with
short and full descriptions and help text (plain and Markdown: the replacement, the status,
and the behaviour differences to review); relative URIs with ``uriBaseId: SRCROOT``;
``partialFingerprints`` (the audit's line-independent fingerprint); full regions. Findings
that need a human decision (low confidence) are ``kind: review`` (level ``none``, as SARIF
§3.27.10 requires for non-``fail`` kinds). Ignored findings carry an ``inSource`` suppression.
Files that were not fully analysed appear as tool execution notifications.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from migration_audit.enrich import Finding
from migration_audit.languages import SHIM_ROUTES
from migration_audit.model import Confidence
from migration_audit.render.common import ANALYSIS_LABEL, finding_message, replacement_text
from migration_audit.report import AuditReport

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "SRCROOT"
FINGERPRINT_KEY = "sig2rtmAudit/v1"

#: Rule default level by table status.
LEVEL_BY_STATUS: Mapping[str, str] = {
    "unsupported": "error",
    "unknown": "warning",
    "emulated": "warning",
    "mapped": "note",
}
#: ``properties.precision`` (GitHub's ordering hint) by confidence.
PRECISION: Mapping[Confidence, str] = {
    Confidence.HIGH: "high",
    Confidence.MEDIUM: "medium",
    Confidence.LOW: "low",
}


def rule_id(finding: Finding) -> str:
    """One rule per legacy API and table flavour (the replacement differs per flavour)."""
    if finding.flavour is None:
        return f"legacy-signaling/{finding.api}"
    return f"legacy-signaling/{finding.flavour.value}/{finding.api}"


def _rule(finding: Finding) -> dict[str, Any]:
    target = replacement_text(finding.replacement)
    status = finding.status_text
    covered = "yes" if finding.shim_covers else "no"
    lines = [
        f"Legacy Signaling `{finding.api}` becomes RTM `{target}`.",
        "",
        f"* Status in the mapping tables: **{status}**",
        f"* The sig2rtm shim runs it unchanged today: **{covered}** "
        f"({SHIM_ROUTES[finding.route]})",
    ]
    if finding.note:
        lines.append(f"* Note: {finding.note}")
    plain = [
        f"Legacy Signaling {finding.api} becomes RTM {target}. Status: {status}. "
        f"Shim runs it unchanged today: {covered} ({SHIM_ROUTES[finding.route]})."
    ]
    if finding.note:
        plain.append(finding.note)
    if finding.differences:
        lines += ["", "Behaviour differences to review:", ""]
        for d in finding.differences:
            emulation = f" Shim emulation: {d.emulation}" if d.emulation else ""
            lines.append(
                f"- [ ] **{d.title}** ({d.effort} effort): {d.explanation} "
                f"Review: {d.review}{emulation}"
            )
            plain.append(f"Review {d.title}: {d.explanation} {d.review}{emulation}")
    full = f"{finding.api} ({status}) -> {target}."
    if finding.differences:
        full += " Differences: " + "; ".join(d.title for d in finding.differences) + "."
    return {
        "id": rule_id(finding),
        "name": finding.api,
        "shortDescription": {"text": f"Legacy Signaling {finding.api} -> RTM {target}"},
        "fullDescription": {"text": full},
        "help": {"text": " ".join(plain), "markdown": "\n".join(lines)},
        "defaultConfiguration": {"level": LEVEL_BY_STATUS[status]},
        "properties": {
            "tags": ["migration", "agora-signaling", status],
            "status": status,
            "replacement": list(finding.replacement),
            "shimCovers": finding.shim_covers,
        },
    }


def _uri(path: str) -> str:
    return quote(path, safe="/")


def _result(finding: Finding, index: int) -> dict[str, Any]:
    review = finding.confidence is Confidence.LOW
    result: dict[str, Any] = {
        "ruleId": rule_id(finding),
        "ruleIndex": index,
        "kind": "review" if review else "fail",
        "level": "none" if review else LEVEL_BY_STATUS[finding.status_text],
        "message": {"text": finding_message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": BASE_ID},
                    "region": {
                        "startLine": finding.line,
                        "startColumn": finding.column,
                        "endLine": finding.end_line,
                        "endColumn": finding.end_column,
                        "snippet": {"text": finding.snippet},
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "confidence": finding.confidence.value,
            "precision": PRECISION[finding.confidence],
            "evidence": finding.evidence,
            "kind": finding.kind.value,
            "spelling": finding.spelling,
            "status": finding.status_text,
            "shimCovers": finding.shim_covers,
            "effortMinutes": finding.effort_minutes,
            "differences": [d.key for d in finding.differences],
            "analysis": finding.analysis.value,
        },
    }
    if finding.scope:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": finding.scope}]
    if finding.baseline_state:
        result["baselineState"] = finding.baseline_state
    if finding.ran is not None:
        result["properties"]["ranAtRuntime"] = finding.ran
    if finding.ignored:
        result["suppressions"] = [
            {"kind": "inSource", "justification": "sig2rtm-audit: ignore comment"}
        ]
    return result


def sarif_dict(report: AuditReport) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    for finding in report.findings:
        key = rule_id(finding)
        if key not in index_of:
            index_of[key] = len(rules)
            rules.append(_rule(finding))
    notifications = [
        {
            "level": "warning",
            "message": {
                "text": f"{f.path}: {ANALYSIS_LABEL[f.analysis]}"
                + (f" ({f.reason})" if f.reason else "")
            },
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path), "uriBaseId": BASE_ID}
                    }
                }
            ],
        }
        for f in report.not_fully_analysed
    ]
    root_uri = Path(report.root).as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report.tool,
                "version": report.version,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {BASE_ID: {"uri": root_uri}},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": [_result(f, index_of[rule_id(f)]) for f in report.findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "findings": report.totals.findings,
            "effortMinutes": report.totals.effort_minutes,
            "byStatus": dict(report.totals.by_status),
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(report: AuditReport) -> str:
    return json.dumps(sarif_dict(report), indent=2, ensure_ascii=False) + "\n"
