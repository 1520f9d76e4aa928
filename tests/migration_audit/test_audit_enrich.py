"""What the audit claims about each finding: entry points have rows, and "the shim runs it"
means what it means in the finding's language (real tables, real catalogue)."""

from __future__ import annotations

import pytest

from mapping_tables.model import Status
from migration_audit.audit import AuditOptions, run_audit
from migration_audit.render.markdown import render_markdown
from migration_audit.report import AuditReport
from tests.migration_audit.audit_support import real_tables

APP = {
    "web/app.js": (
        "var signal = new Signal(appid);\n"
        "var session = signal.login(account, '_no_need_token');\n"
    ),
    "server/Main.java": (
        "import io.agora.signal.Signal;\n"
        "class Main { void run() { Signal signal = new Signal(appid);\n"
        "  signal.login(account, token, null); } }\n"
    ),
    "bot/bot.py": (
        "from agorasigsdk import AgoraSignal\n"
        "signal = AgoraSignal(APP_ID)\n"
        "session = signal.login('alice', '_no_need_token')\n"
    ),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> AuditReport:
    root = tmp_path_factory.mktemp("app")
    for relpath, text in APP.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, "utf-8")
    return run_audit(AuditOptions(paths=(root,), root=root, jobs=1), tables=real_tables())


def test_entry_points_have_rows(report: AuditReport) -> None:
    entries = [f for f in report.findings if f.api == "Signal"]
    assert {f.path for f in entries} == set(APP), "new Signal / AgoraSignal in every language"
    for finding in entries:
        assert finding.status is Status.MAPPED
        assert finding.replacement == ("RtmClient.createInstance",)
        assert "agorasigsdk.AgoraSignal" in finding.note
    assert not [item for item in report.checklist if item.kind == "unknown"]


@pytest.mark.parametrize(
    ("path", "route", "covers"),
    [
        ("bot/bot.py", "runs", True),
        ("web/app.js", "wire", True),  # the original AgoraSig.js through --legacy-port
        ("server/Main.java", "port", False),
    ],
)
def test_the_shim_runs_only_what_it_runs(
    report: AuditReport, path: str, route: str, covers: bool
) -> None:
    findings = [f for f in report.findings if f.path == path]
    assert findings
    for finding in findings:
        assert finding.route == route
        assert finding.shim_covers is (covers and finding.status is not None)


def test_the_summary_says_per_language_what_runs_unchanged(report: AuditReport) -> None:
    text = render_markdown(report)
    python = sum(1 for f in report.findings if f.path == "bot/bot.py")
    web = sum(1 for f in report.findings if f.path == "web/app.js")
    assert f"- Python: the sig2rtm shim runs {python} of {python} call sites unchanged" in text
    assert (
        f"- JavaScript (web apps on the original AgoraSig.js): sig2rtm serve --legacy-port runs "
        f"{web} of {web} call sites unchanged through the legacy wire protocol" in text
    )
    assert "- Java: " in text and "call sites to port to an RTM SDK" in text
    assert report.totals.shim_covers == python + web
    per_api = next(a for a in report.apis if a.api == "Signal")
    assert (per_api.shim_sites, per_api.count, per_api.shim_covers) == (2, 3, False)
    assert "| `Signal` | RtmClient.createInstance | mapped | 2 of 3 |" in text



def test_imports_and_subclasses_of_the_sdk_are_call_sites(report: AuditReport) -> None:
    sites = {(f.path, f.line, f.kind.value, f.api) for f in report.findings}
    assert ("server/Main.java", 1, "import", "io.agora.signal") in sites
    assert ("bot/bot.py", 1, "import", "agorasigsdk") in sites
    module = next(f for f in report.findings if f.api == "io.agora.signal")
    assert module.replacement == ("io.agora.rtm",) and module.status is Status.MAPPED
