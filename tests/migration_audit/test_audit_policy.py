"""--fail-on terms, exit codes, and the report's totals and checklist."""

from __future__ import annotations

import attrs
import pytest

from migration_audit.model import Analysis, Confidence, FileResult
from migration_audit.policy import (
    EXIT_FAIL,
    EXIT_INCOMPLETE,
    EXIT_OK,
    PolicyError,
    parse_terms,
    verdict,
)
from migration_audit.report import AuditReport, build_report
from tests.migration_audit.audit_support import enriched

# No import line: the declared SDK type is the evidence, and the findings are the uses.
CODE = """class A { AgoraAPIOnlySignal api; void f() {
  api.messageInstantSend(p, 0, m, i);
  api.invoke(n, r, id);
  x.logout();
  api.channelJoin(c); // sig2rtm-audit: ignore
} }
"""


def report(partial: bool = False) -> AuditReport:
    findings = enriched("java", CODE)
    results = [
        FileResult(
            "src/A.java",
            "java",
            Analysis.PARTIAL if partial else Analysis.FULL,
            "syntax errors" if partial else "",
            (),
        )
    ]
    return build_report(tool="t", version="0", root="/r", results=results, findings=findings)


def test_terms_parse() -> None:
    conditions = parse_terms(["unsupported:high,low", "stale"])
    assert [str(c) for c in conditions] == ["unsupported:high", "low", "stale"]
    assert parse_terms(["HIGH:emulated"])[0].status == "emulated"
    for bad in ("fatal", "high:low", "mapped:emulated", "any:high"):
        with pytest.raises(PolicyError):
            parse_terms([bad])


@pytest.mark.parametrize(
    ("term", "code"),
    [
        ("unsupported", EXIT_FAIL),  # invoke is unsupported in the stub tables
        ("unsupported:high", EXIT_FAIL),
        ("emulated", EXIT_FAIL),  # messageInstantSend is emulated in the stub tables
        ("emulated:high", EXIT_FAIL),
        ("low", EXIT_FAIL),
        ("mapped:medium", EXIT_OK),
        ("mapped:low", EXIT_FAIL),
        ("unknown", EXIT_OK),
    ],
)
def test_verdict(term: str, code: int) -> None:
    assert verdict(report(), parse_terms([term]), strict=False).code == code


def test_ignored_and_baselined_findings_do_not_fail() -> None:
    r = report()
    ignored = [f for f in r.findings if f.ignored]
    assert [f.api for f in ignored] == ["channelJoin"]
    only_join = parse_terms(["mapped:high"])
    assert verdict(r, only_join, strict=False).code == EXIT_OK
    unchanged = attrs.evolve(
        r, findings=tuple(attrs.evolve(f, baseline_state="unchanged") for f in r.findings)
    )
    assert verdict(unchanged, parse_terms(["any"]), strict=False).code == EXIT_OK


def test_strict_and_partial() -> None:
    assert verdict(report(partial=True), (), strict=True).code == EXIT_INCOMPLETE
    assert verdict(report(partial=True), (), strict=False).code == EXIT_OK
    assert verdict(report(), (), strict=True).code == EXIT_OK


def test_totals_and_checklist() -> None:
    r = report()
    t = r.totals
    assert (t.findings, t.ignored) == (3, 1)
    assert dict(t.by_status) == {"mapped": 1, "emulated": 1, "unsupported": 1, "unknown": 0}
    assert dict(t.by_confidence) == {"high": 2, "medium": 0, "low": 1}
    # Java: two rows map or emulate, but the shim runs no Java code: that needs a port.
    assert t.shim_covers == 0
    assert [(x.route, x.languages, x.findings, x.with_rows) for x in t.by_route] == [
        ("port", ("java",), 3, 2)
    ]
    assert t.effort_minutes == sum(f.effort_minutes for f in r.findings if not f.ignored)
    kinds = [(item.kind, item.key) for item in r.checklist]
    assert kinds == [
        ("difference", "peer_ack_timing"),
        ("unsupported", "invoke"),
        ("confirm", "low-confidence"),
    ]
    assert [(a.api, a.count) for a in r.apis] == [
        ("invoke", 1),
        ("logout", 1),
        ("messageInstantSend", 1),
    ]
    assert next(f for f in r.findings if f.api == "logout").confidence is Confidence.LOW
