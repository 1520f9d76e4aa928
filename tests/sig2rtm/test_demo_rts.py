"""``sig2rtm demo --dialect rts``: an RTS app and its business server on the embedded core."""

from __future__ import annotations

from tests.sig2rtm.clikit import run_cli


def test_the_rts_demo_talks_to_its_business_server_and_back() -> None:
    done = run_cli("demo", "--dialect", "rts")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    text = done.stdout
    for expected in (
        "  bob         <- onMessageReceived('alice', 'hi bob')",
        "  alice/lobby <- onRoomMessageReceived('bob', 'hello lobby')",
        "  bob/lobby   <- onRoomMessageSendResult(1, 200)",
        "  alice       <- onServerParamsSetResult(200)",
        "  business    <- POST {message: 'order: 1 pizza', binary: False, signature: 'alice'}",
        "  alice       <- onServerMessageSendResult(2, 0, b\"ack 1: got 'order: 1 pizza'\")",
        "  alice       <- onMessageReceived('biz-server', 'your pizza is on its way')",
        "  bob/lobby   <- onRoomMessageReceived('biz-server', 'kitchen closes at 10 pm')",
        "  alice       <- onLogout(0)",
    ):
        assert expected in text.splitlines(), expected
    assert text.endswith("done\n")


def test_the_rts_demo_needs_the_rts_extra_and_the_embedded_core() -> None:
    missing = run_cli("demo", "--dialect", "rts", hide=("httpx",))
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "sig2rtm demo: the RTS demo (its business server) needs the 'rts' extra "
        "(httpx is not installed): pip install 'sig2rtm[rts]'"
    )
    for args, env in ((("--rtm",), {}), ((), {"SIG2RTM_URL": "ws://127.0.0.1:1"})):
        remote = run_cli("demo", "--dialect", "rts", *args, env=env)
        assert remote.returncode == 2
        assert remote.stderr.strip() == (
            "sig2rtm demo: --dialect rts runs on the embedded core "
            "(no --url, --rtm, --as, $SIG2RTM_URL)"
        )
