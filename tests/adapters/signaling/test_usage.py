"""The runtime usage trace: JSON lines of legacy calls, callbacks and emulations."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.signaling import ShimWorld, UsageTrace
from legacy_signaling.callback import RecordingCallBack


def test_trace_records_calls_callbacks_and_emulations(tmp_path: Path) -> None:
    path = tmp_path / "usage.jsonl"
    trace = UsageTrace.open(str(path))
    world = ShimWorld("app", usage=trace)
    apis = []
    for name in ("alice", "bob"):
        api = world.createAgoraSDKInstance("app")
        api.callbackSet(RecordingCallBack())
        api.login("app", name, "_no_need_token", 0, "")
        apis.append(api)
    world.run_until_idle()
    apis[0].channelJoin("lobby")
    world.run_until_idle()
    apis[0].messageChannelSend("lobby", "hi", "c1")
    world.run_until_idle()
    trace.close()
    entries = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert all(
        set(e) == {"ts", "kind", "name", "flavour", "rtm_flavour", "emulation"} for e in entries
    )
    assert {(e["flavour"], e["rtm_flavour"]) for e in entries} == {("native", "cpp")}
    assert all("," not in (e["emulation"] or "") for e in entries), "one key per line"
    calls = {e["name"] for e in entries if e["kind"] == "call"}
    assert {"login", "channelJoin", "messageChannelSend"} <= calls
    callbacks = {e["name"] for e in entries if e["kind"] == "callback"}
    assert {"onLoginSuccess", "onChannelJoined", "onMessageSendSuccess"} <= callbacks
    emulations = {(e["name"], e["emulation"]) for e in entries if e["kind"] == "emulation"}
    assert any(
        name == "onMessageChannelReceive" and emu == "channel_echo"
        for name, emu in emulations
    ), emulations
    assert any(name == "onChannelUserList" for name, _ in emulations)


def test_environment_variable_enables_the_trace(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from adapters.signaling import usage

    path = tmp_path / "env.jsonl"
    monkeypatch.setattr(usage, "_global", None)
    monkeypatch.setenv(usage.ENV, str(path))
    world = ShimWorld("app")
    api = world.createAgoraSDKInstance("app")
    api.login("app", "alice", "_no_need_token", 0, "")
    world.run_until_idle()
    assert world.usage is not None
    world.usage.close()
    names = [json.loads(line)["name"] for line in path.read_text("utf-8").splitlines()]
    assert "login" in names and "onLoginSuccess" in names
    monkeypatch.setattr(usage, "_global", None)
