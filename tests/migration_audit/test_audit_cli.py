"""The command line: formats, exit codes, --fail-on, baseline, runtime trace, python -m."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migration_audit import audit as audit_mod
from migration_audit.cli import main
from tests.migration_audit.audit_support import PROJECT, REPO, project_copy, real_tables

JAVA = """class Chat {
    AgoraAPIOnlySignal api;
    void send(String peer) {
        api.messageInstantSend(peer, 0, "hi", "");
        api.channelJoin("room");
    }
}
"""


@pytest.fixture(autouse=True)
def _tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the tables once for the whole module instead of once per CLI run."""
    monkeypatch.setattr(audit_mod, "load_tables", real_tables)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "Chat.java").write_text(JAVA, "utf-8")
    return root


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*args, "--jobs", "1", "--no-progress"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "sarif", "html"])
def test_every_format_on_the_fixtures(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_cli([str(PROJECT), "--root", str(PROJECT), "--format", fmt], capsys)
    assert code == 0
    marker = {
        "table": "Legacy Signaling migration audit",
        "json": '"schema": "sig2rtm-audit/1"',
        "markdown": "# Legacy Signaling migration audit",
        "sarif": '"version": "2.1.0"',
        "html": "<!DOCTYPE html>",
    }[fmt]
    assert marker in out
    assert "android/LoginActivity.java" in out


def test_report_option_writes_several_formats(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarif, html = tmp_path / "a.sarif", tmp_path / "a.html"
    code, out, _ = run_cli(
        [
            str(project),
            "--root",
            str(project),
            "-f",
            "json",
            "--report",
            f"sarif={sarif}",
            "--report",
            f"html={html}",
        ],
        capsys,
    )
    assert code == 0
    assert json.loads(out)["summary"]["findings"] == 2
    assert json.loads(sarif.read_text())["runs"][0]["results"]
    assert "chart-api" in html.read_text()


def test_output_file(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.md"
    code, out, _ = run_cli(
        [str(project), "--root", str(project), "-f", "markdown", "-o", str(target)], capsys
    )
    assert code == 0 and out == ""
    assert "messageInstantSend" in target.read_text()


@pytest.mark.parametrize(
    ("term", "code"),
    [
        ("any", 1),
        ("mapped", 1),
        ("unsupported", 0),
        ("high", 1),
        ("mapped:high", 1),
        ("unknown:low", 0),
        ("emulated,unsupported", 0),
        ("stale", 0),
    ],
)
def test_fail_on(project: Path, term: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    result, _out, err = run_cli(
        [str(project), "--root", str(project), "-f", "json", "--fail-on", term], capsys
    )
    assert result == code
    if code:
        assert "--fail-on" in err


def test_fail_on_unsupported_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(
        [str(PROJECT / "native"), "--root", str(PROJECT), "-f", "json", "--fail-on", "unsupported"],
        capsys,
    )
    assert code == 1
    assert "unsupported: 2 findings" in err


def test_bad_fail_on_term_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run_cli([str(project), "--fail-on", "severe"], capsys)
    assert code == 2
    assert "--fail-on 'severe'" in err


def test_missing_path_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([str(tmp_path / "nope")], capsys)
    assert code == 2
    assert "no such file or directory" in err
    assert out == ""


def test_strict_reports_partial_analysis(capsys: pytest.CaptureFixture[str]) -> None:
    broken = PROJECT / "broken"
    code, _, err = run_cli([str(broken), "--root", str(PROJECT), "-f", "json", "--strict"], capsys)
    assert code == 3
    assert "not fully analysed" in err
    code, _, _ = run_cli([str(broken), "--root", str(PROJECT), "-f", "json"], capsys)
    assert code == 0
    # a matching --fail-on wins over --strict
    code, _, _ = run_cli(
        [str(broken), "--root", str(PROJECT), "-f", "json", "--strict", "--fail-on", "any"], capsys
    )
    assert code == 1


def test_baseline_cycle(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    args = [str(project), "--root", str(project), "-f", "json"]
    code, _, err = run_cli([*args, "--update-baseline", str(baseline)], capsys)
    assert code == 0 and "wrote 2 baseline entries" in err
    # unchanged code: nothing new, --fail-on any passes
    code, out, _ = run_cli([*args, "--baseline", str(baseline), "--fail-on", "any"], capsys)
    assert code == 0
    assert json.loads(out)["baseline"] == {"new": 0, "unchanged": 2, "stale": []}
    # move the code down and re-indent it: still the same call sites
    source = project / "Chat.java"
    source.write_text("// header\n\n\n" + JAVA.replace("        api.", "            api."), "utf-8")
    code, out, _ = run_cli([*args, "--baseline", str(baseline), "--fail-on", "any"], capsys)
    assert code == 0
    assert json.loads(out)["baseline"]["unchanged"] == 2
    # a new call fails; the removed one is stale
    source.write_text(JAVA.replace('api.channelJoin("room");', "api.logout();"), "utf-8")
    code, out, err = run_cli([*args, "--baseline", str(baseline), "--fail-on", "any"], capsys)
    assert code == 1
    data = json.loads(out)
    assert data["baseline"]["new"] == 1
    assert [e["api"] for e in data["baseline"]["stale"]] == ["channelJoin"]
    new = [f for f in data["findings"] if f["baseline_state"] == "new"]
    assert [f["api"] for f in new] == ["logout"]
    code, _, err = run_cli([*args, "--baseline", str(baseline), "--fail-on", "stale"], capsys)
    assert code == 1 and "stale baseline entries" in err


def test_bad_baseline_is_an_input_error(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "b.json"
    bad.write_text('{"entries": []}')
    code, _, err = run_cli([str(project), "--baseline", str(bad)], capsys)
    assert code == 2 and "not a sig2rtm-audit baseline" in err


def test_runtime_trace_is_merged(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "trace.jsonl"
    lines = [
        {
            "ts": 1.0,
            "kind": "call",
            "name": "messageInstantSend",
            "flavour": "native",
            "emulation": None,
        },
        {
            "ts": 1.1,
            "kind": "emulation",
            "name": "onMessageSendSuccess",
            "flavour": "native",
            "emulation": "peer_ack_timing",
        },
        {
            "ts": 1.2,
            "kind": "callback",
            "name": "onMessageSendSuccess",
            "flavour": "native",
            "emulation": "peer_ack_timing",
        },
        {
            "ts": 1.3,
            "kind": "call",
            "name": "msg_instant_send",
            "flavour": "python",
            "emulation": None,
        },
        {"ts": 1.4, "kind": "call", "name": "logout", "flavour": "native", "emulation": None},
    ]
    trace.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    code, out, _ = run_cli(
        [str(project), "--root", str(project), "-f", "json", "--runtime", str(trace)], capsys
    )
    assert code == 0
    data = json.loads(out)
    runtime = data["runtime"]
    assert runtime["events"] == 5
    apis = {a["api"]: a for a in runtime["apis"]}
    assert apis["messageInstantSend"] == {
        "api": "messageInstantSend",
        "calls": 2,
        "callbacks": 0,
        "found": True,
    }
    assert apis["onMessageSendSuccess"]["callbacks"] == 1
    assert runtime["found_not_run"] == ["channelJoin"]
    assert runtime["ran_not_found"] == ["logout", "onMessageSendSuccess"]
    assert runtime["emulations"] == [
        {
            "key": "peer_ack_timing",
            "title": real_tables().differences["peer_ack_timing"].title,
            "count": 2,
        }
    ]
    ran = {f["api"]: f["ran"] for f in data["findings"]}
    assert ran == {"messageInstantSend": True, "channelJoin": False}


def test_malformed_trace_names_the_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "trace.jsonl"
    trace.write_text(
        '{"ts": 1, "kind": "call", "name": "login", "flavour": "native"}\n'
        '{"ts": 2, "kind": "jump", "name": "login", "flavour": "native"}\n'
    )
    code, _, err = run_cli([str(project), "--runtime", str(trace)], capsys)
    assert code == 2
    assert "trace.jsonl:2" in err and "kind" in err


def test_min_confidence_filters(capsys: pytest.CaptureFixture[str]) -> None:
    web = PROJECT / "web"
    _, out, _ = run_cli([str(web), "--root", str(PROJECT), "-f", "json"], capsys)
    all_findings = json.loads(out)["findings"]
    _, out, _ = run_cli(
        [str(web), "--root", str(PROJECT), "-f", "json", "--min-confidence", "high"], capsys
    )
    high = json.loads(out)["findings"]
    assert {f["confidence"] for f in high} == {"high"}
    assert (
        len(high) == sum(1 for f in all_findings if f["confidence"] == "high") < len(all_findings)
    )


def test_gitignore_can_be_disabled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = project_copy(tmp_path / "project")
    _, out, _ = run_cli([str(copy), "--root", str(copy), "-f", "json"], capsys)
    paths = {f["path"] for f in json.loads(out)["findings"]}
    assert "generated/Stub.java" not in paths and "web/vendor.min.js" not in paths
    _, out, _ = run_cli([str(copy), "--root", str(copy), "-f", "json", "--no-gitignore"], capsys)
    paths = {f["path"] for f in json.loads(out)["findings"]}
    assert "generated/Stub.java" in paths and "web/vendor.min.js" in paths
    _, out, _ = run_cli(
        [
            str(PROJECT),
            "--root",
            str(PROJECT),
            "-f",
            "json",
            "--exclude",
            "web/",
            "--exclude",
            "*.py",
        ],
        capsys,
    )
    paths = {f["path"] for f in json.loads(out)["findings"]}
    assert not any(p.startswith("web/") or p.endswith(".py") for p in paths)
    assert "android/LoginActivity.java" in paths


def test_parallel_run_matches_serial(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [str(PROJECT), "--root", str(PROJECT), "-f", "json", "--jobs", "1", "--no-progress"]
    )
    serial = capsys.readouterr().out
    code2 = main(
        [str(PROJECT), "--root", str(PROJECT), "-f", "json", "--jobs", "2", "--no-progress"]
    )
    parallel = capsys.readouterr().out
    assert code == code2 == 0
    assert serial == parallel


def test_python_dash_m_entry_point(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "migration_audit",
            str(project),
            "--root",
            str(project),
            "-f",
            "json",
            "--jobs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=REPO,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["summary"]["findings"] == 2
    assert completed.stderr == ""  # no progress bar when stderr is not a terminal


def test_help_documents_exit_codes() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "migration_audit", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert completed.returncode == 0
    assert "exit codes: 0 ok; 1 a --fail-on condition matched" in " ".join(completed.stdout.split())


def test_fixture_copy_audits_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Reports hold relative paths only: a copy elsewhere gives the same JSON."""
    copy = tmp_path / "copy"
    shutil.copytree(PROJECT, copy)
    _, here, _ = run_cli([str(PROJECT), "--root", str(PROJECT), "-f", "json"], capsys)
    _, there, _ = run_cli([str(copy), "--root", str(copy), "-f", "json"], capsys)
    assert here == there
