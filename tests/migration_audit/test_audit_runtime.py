"""The shim's runtime trace: parsing and merging with findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migration_audit import runtime
from tests.migration_audit.audit_support import enriched, real_tables, stub_tables

REPO = Path(__file__).resolve().parents[2]


def line(**fields: object) -> str:
    record: dict[str, object] = {
        "ts": 1.5,
        "kind": "call",
        "name": "login",
        "flavour": "native",
        "emulation": None,
    }
    record.update(fields)
    return json.dumps(record)


def test_parse_valid_lines_and_skip_blank_ones() -> None:
    events = runtime.parse(
        [line(), "", "   ", line(kind="emulation", emulation="member_list")], "t"
    )
    assert [(e.kind, e.emulation) for e in events] == [("call", None), ("emulation", "member_list")]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{", "not a JSON object"),
        ("[1]", "expected a JSON object"),
        (line(ts="now"), '"ts" must be a number'),
        (line(ts=True), '"ts" must be a number'),
        (line(kind="jump"), '"kind" must be one of'),
        (line(name=""), '"name" must be a non-empty string'),
        (line(flavour="rust"), '"flavour" must be one of'),
        (line(rtm_flavour="go"), '"rtm_flavour" must be one of'),
        (line(emulation=3), '"emulation" must be a difference key or null'),
        (line(kind="emulation"), "needs its"),
    ],
)
def test_malformed_lines_are_rejected_with_their_number(bad: str, message: str) -> None:
    with pytest.raises(runtime.TraceError, match=message) as info:
        runtime.parse([line(), bad], "trace.jsonl")
    assert "trace.jsonl:2" in str(info.value)


def test_summary_and_marking() -> None:
    findings = enriched(
        "java",
        "class A { AgoraAPIOnlySignal api; void f() {\n"
        " api.login(a, b, c, 0, d);\n api.channelJoin(c);\n} }\n",
    )
    events = runtime.parse(
        [
            line(name="login"),
            line(name="channel_join", flavour="python"),
            line(name="logout"),
            line(kind="callback", name="onLoginSuccess", emulation="peer_ack_timing"),
            line(name="mystery"),
            line(kind="emulation", name="onChannelUserList", emulation="no_such_difference"),
        ],
        "t",
    )
    summary = runtime.summarise(events, findings, stub_tables())
    assert {a.api: (a.calls, a.callbacks, a.found) for a in summary.apis} == {
        "login": (1, 0, True),
        "channelJoin": (1, 0, True),
        "logout": (1, 0, False),
        "onLoginSuccess": (0, 1, False),
        "mystery": (1, 0, False),
    }
    assert summary.not_run == ()
    assert summary.not_found == ("logout", "onLoginSuccess")
    assert summary.unknown_names == ("mystery",)
    assert summary.unknown_emulations == ("no_such_difference",)
    assert [(e.key, e.count) for e in summary.emulations] == [
        ("no_such_difference", 1),
        ("peer_ack_timing", 1),
    ]
    assert [f.ran for f in runtime.mark(findings, summary)] == [True, True]


def test_documented_example_lines_parse() -> None:
    """docs/audit.md shows the trace format; its example lines must be valid traces."""
    from tests.migration_audit.audit_support import REPO

    doc = (REPO / "docs" / "audit.md").read_text("utf-8")
    examples = [line for line in doc.splitlines() if line.startswith('{"ts": ')]
    assert len(examples) >= 3
    events = runtime.parse(examples, "docs/audit.md")
    assert {e.kind for e in events} == {"call", "callback", "emulation"}
    documented = {e.emulation for e in events if e.emulation is not None}
    assert documented <= set(real_tables().differences)


#: A legacy Python app (agorasigsdk 1.0.2 style, without Twisted): login, join, send,
#: receive its own message back (an emulation), logout.
BOT = """
from agorasigsdk import AgoraSignal, Channel, LoginSession
from agorasigsdk.runtime import run_forever, stop


class Room(Channel.ChannelCallback):
    def on_channel_joined(self, session, channel):
        channel.msg_channel_send("hi all")

    def on_msg_channel_received(self, session, channel, account, uid, msg):
        print(account, "says", msg)
        session.logout()


class Bot(LoginSession.LoginCallback):
    def on_login_success(self, session, uid):
        session.channel_join("lobby", Room())

    def on_login_failed(self, session, uid):
        stop()

    def on_logout(self, session, err_code):
        stop()


AgoraSignal("0123456789abcdef0123456789abcdef").login("alice", "_no_need_token", Bot())
run_forever()
"""


def test_round_trip_trace_written_by_the_shim_is_read_by_the_audit(tmp_path: Path) -> None:
    """The user's round trip: run a legacy app with SIG2RTM_USAGE_TRACE, then
    ``sig2rtm audit APP --runtime TRACE`` on it."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "bot.py").write_text(BOT, encoding="utf-8")
    trace = tmp_path / "trace.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIG2RTM_")}
    env = {**env, "PYTHONPATH": str(REPO), "SIG2RTM_USAGE_TRACE": str(trace)}
    ran = subprocess.run(
        [sys.executable, "bot.py"], cwd=app, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "alice says hi all\n"
    audited = subprocess.run(
        [sys.executable, "-m", "sig2rtm", "audit", str(app), "--runtime", str(trace),
         "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert audited.returncode == 0, audited.stderr
    runtime = json.loads(audited.stdout)["runtime"]
    assert runtime["unknown_names"] == [] and runtime["unknown_emulations"] == []
    ran_apis = {a["api"]: a for a in runtime["apis"]}
    assert ran_apis["login"]["calls"] == 1 and ran_apis["login"]["found"]
    assert ran_apis["onLogout"]["callbacks"] == 1 and ran_apis["onLogout"]["found"]
    assert "channel_echo" in {e["key"] for e in runtime["emulations"]}
