"""``sig2rtm demo``: the main job runs on the embedded default and shows the legacy story."""

from __future__ import annotations

import io

import pytest

from sig2rtm.cli import main
from sig2rtm.demo import run_legacy


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_legacy_demo_shows_calls_rtm_calls_and_callbacks(flavour: str) -> None:
    out = io.StringIO()
    assert run_legacy(out, flavour=flavour) == 0
    text = out.getvalue()
    for expected in (
        "alice <- onLoginSuccess(",
        "RTM: createMessage, sendMessageToPeer",
        "carol <- onMessageInstantReceive('alice', 0, 'see you later')",
        "bob   <- onChannelUserList(['alice', 'bob']",
        "bob   <- onMessageChannelReceive('lobby', 'bob'",  # the echo
        "bob   <- onInviteReceived('room-1', 'alice'",
        "alice <- onInviteRefusedByPeer('room-2', 'carol'",
        "alice <- onLogout(101)",
        "getStatus() after logout: [0, 0, 0]",
    ):
        assert expected in text, expected


def test_cli_runs_the_rtm_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--rtm"]) == 0
    text = capsys.readouterr().out
    assert "onMessageReceivedFromPeer('alice', 'hello bob')" in text
    assert "onSendMessageResult(" in text


def test_cli_prints_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tables"]) == 0
    text = capsys.readouterr().out
    assert "| `messageInstantSend(account, uid, msg, msgID)` |" in text


def test_legacy_demo_runs_over_a_gateway() -> None:
    """``sig2rtm demo --url``: the same legacy story through a real gateway on 127.0.0.1."""
    from tests.rtm.netkit import GatewayThread

    gateway = GatewayThread()
    try:
        out = io.StringIO()
        assert run_legacy(out, url=gateway.url) == 0
    finally:
        gateway.stop()
    text = out.getvalue()
    assert f"on the gateway at {gateway.url}" in text
    for expected in (
        "bob   <- onMessageInstantReceive('alice', 0, 'hello bob')",
        "carol <- onMessageInstantReceive('alice', 0, 'see you later')",
        "bob   <- onMessageChannelReceive('lobby', 'bob'",
        "alice <- onInviteAcceptedByPeer('room-1', 'bob'",
        "getStatus() after logout: [0, 0, 0]",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--url", "garbage"], {}, "--url: 'garbage' is not a ws:// or wss:// URL"),
        (["--url", "http://127.0.0.1:9000"], {}, "'http://127.0.0.1:9000' is not a ws://"),
        ([], {"SIG2RTM_URL": "garbage"}, "SIG2RTM_URL: 'garbage' is not a ws://"),
    ],
)
def test_a_bad_gateway_url_is_one_line_and_exit_2(
    args: list[str],
    env: dict[str, str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["demo", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], captured.err


def test_nothing_listening_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.rtm.netkit import free_port

    url = f"ws://127.0.0.1:{free_port()}"
    assert main(["demo", "--url", url]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"sig2rtm demo: no gateway answers at {url}: ")
    assert "sig2rtm serve" in lines[0]


def test_sig2rtm_url_picks_the_gateway_for_the_demo(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.rtm.netkit import GatewayThread

    gateway = GatewayThread()
    try:
        monkeypatch.setenv("SIG2RTM_URL", gateway.url)
        assert main(["demo"]) == 0
    finally:
        gateway.stop()
    assert f"on the gateway at {gateway.url}" in capsys.readouterr().out


def test_the_demo_over_a_gateway_is_repeatable() -> None:
    """A second run on the same gateway starts afresh: the first one cleared its channel
    attribute, so alice's join shows no attribute left over."""
    from tests.rtm.netkit import GatewayThread

    def join_step(text: str) -> str:
        return text.split('  alice.channelJoin("lobby")', 1)[1].split("\n\n", 1)[0]

    gateway = GatewayThread()
    try:
        runs = []
        for _ in range(2):
            out = io.StringIO()
            assert run_legacy(out, url=gateway.url) == 0
            runs.append(out.getvalue())
    finally:
        gateway.stop()
    assert 'alice.channelClearAttr("lobby")' in runs[0]
    for text in runs:
        assert "alice <- onChannelJoined('lobby')" in join_step(text)
        assert "onChannelAttrUpdated" not in join_step(text), join_step(text)
