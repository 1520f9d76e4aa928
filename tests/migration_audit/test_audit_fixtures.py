"""Per-language fixtures against the real mapping tables.

Each fixture line that should produce findings carries ``expect: api@confidence``; every other
line (comments, strings, unrelated receivers, the app's own same-named methods) must produce
none. The set of (line, api, confidence, ignored) must match exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migration_audit.audit import AuditOptions, run_audit
from migration_audit.model import Analysis
from migration_audit.report import AuditReport
from tests.migration_audit.audit_support import (
    IGNORED_FILES,
    PROJECT,
    expectations,
    project_copy,
    real_tables,
)

LANGUAGE_FILES = {
    "java": "android/LoginActivity.java",
    "kotlin": "android/ChatActivity.kt",
    "objc": "ios/ChatViewController.m",
    "objc header": "ios/SignalingHelpers.h",
    "swift": "ios/CallViewController.swift",
    "cpp": "native/demo.cpp",
    "cpp header": "native/SignalWrapper.h",
    "c": "native/capi.c",
    "javascript": "web/meeting.js",
    "javascript (no import)": "web/globals.js",
    "typescript": "web/signaling.ts",
    "tsx": "web/ChatPanel.tsx",
    "python": "python/dialogue.py",
    "java, syntax errors": "broken/BrokenActivity.java",
    "python, syntax errors": "broken/half.py",
    "ignore comments": "ignore/Legacy.java",
    "no SDK names": "android/Plain.java",
}


@pytest.fixture(scope="module")
def report() -> AuditReport:
    return run_audit(AuditOptions(paths=(PROJECT,), root=PROJECT, jobs=1), tables=real_tables())


@pytest.mark.parametrize("relpath", list(LANGUAGE_FILES.values()), ids=list(LANGUAGE_FILES))
def test_findings_match_annotations(report: AuditReport, relpath: str) -> None:
    expected = expectations(PROJECT / relpath)
    actual = {
        (f.line, f.api, f.confidence.value, f.ignored) for f in report.findings if f.path == relpath
    }
    assert actual == expected, (
        f"unexpected: {sorted(actual - expected)}; missing: {sorted(expected - actual)}"
    )


def test_every_fixture_is_checked(report: AuditReport) -> None:
    audited = {f.path for f in report.files}
    assert audited == set(LANGUAGE_FILES.values())


def test_gitignored_files_are_not_audited(tmp_path: Path) -> None:
    copy = project_copy(tmp_path / "project")
    report = run_audit(AuditOptions(paths=(copy,), root=copy, jobs=1), tables=real_tables())
    paths = {f.path for f in report.files}
    assert set(IGNORED_FILES) & paths == set()
    assert all((copy / relpath).is_file() for relpath in IGNORED_FILES)
    assert paths == set(LANGUAGE_FILES.values())


def test_languages_are_detected(report: AuditReport) -> None:
    languages = {f.path: f.language for f in report.files}
    assert languages["ios/SignalingHelpers.h"] == "objc"
    assert languages["native/SignalWrapper.h"] == "cpp"
    assert languages["web/ChatPanel.tsx"] == "tsx"
    assert languages["native/capi.c"] == "c"


def test_file_without_sdk_names_is_not_parsed(report: AuditReport) -> None:
    plain = next(f for f in report.files if f.path == "android/Plain.java")
    assert plain.analysis is Analysis.CLEAN


@pytest.mark.parametrize(
    ("relpath", "line"), [("broken/BrokenActivity.java", 7), ("broken/half.py", 4)]
)
def test_broken_files_are_partially_analysed(report: AuditReport, relpath: str, line: int) -> None:
    summary = next(f for f in report.files if f.path == relpath)
    assert summary.analysis is Analysis.PARTIAL
    assert line in summary.error_lines or summary.error_lines[0] >= line - 1
    assert "syntax errors" in summary.reason
    assert summary in report.not_fully_analysed


def test_conditional_compilation_is_flagged(report: AuditReport) -> None:
    demo = [f for f in report.findings if f.path == "native/demo.cpp"]
    join = next(f for f in demo if f.api == "channelJoin")
    assert join.conditional
    login = next(f for f in demo if f.api == "login2")
    assert not login.conditional


def test_unused_ignore_comment_is_reported(report: AuditReport) -> None:
    unused = [(u.path, u.line) for u in report.unused_ignores]
    # line 10 names another API than the call on its line; line 11 covers a line without SDK use
    assert unused == [("ignore/Legacy.java", 10), ("ignore/Legacy.java", 11)]


def test_objective_c_selectors_are_rebuilt(report: AuditReport) -> None:
    spellings = {f.spelling for f in report.findings if f.path == "ios/ChatViewController.m"}
    assert "login2:account:token:uid:deviceID:retry_time_in_s:retry_count:" in spellings
    # the build without `extra` and the one with it are both channelInviteAccept
    assert "channelInviteAccept:account:uid:" in spellings
    assert "channelInviteAccept:account:uid:extra:" in spellings
    assert "setOnMessageInstantReceive:" in spellings


def test_name_drift_maps_to_one_api(report: AuditReport) -> None:
    destroys = {(f.path, f.spelling) for f in report.findings if f.api == "destroy"}
    assert ("ios/ChatViewController.m", "destory") in destroys
    assert ("native/demo.cpp", "destory") in destroys
    assert ("native/demo.cpp", "release") in destroys
    assert ("android/ChatActivity.kt", "destroy") in destroys


def test_python_snake_case_spellings(report: AuditReport) -> None:
    spellings = {(f.spelling, f.api) for f in report.findings if f.path == "python/dialogue.py"}
    assert ("msg_instant_send", "messageInstantSend") in spellings
    assert ("on_msg_channel_received", "onMessageChannelReceive") in spellings
    assert ("accept", "channelInviteAccept") in spellings


def test_fixture_paths_exist() -> None:
    for relpath in LANGUAGE_FILES.values():
        assert Path(PROJECT / relpath).is_file(), relpath
