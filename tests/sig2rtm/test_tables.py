"""``sig2rtm tables --dialect rts``: the RTS table and the code its rows run."""

from __future__ import annotations

from tests.sig2rtm.clikit import run_cli


def test_rts_table_as_markdown() -> None:
    done = run_cli("tables", "--dialect", "rts")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# The RTS dialect")
    assert "`onRoomMessageSendResult(msgid, error)`" in done.stdout
    assert "`USER_MESSAGE_SEND_RESULT_E2BS_RETURN_FAILED`" in done.stdout


def test_rts_show_code() -> None:
    done = run_cli("tables", "--dialect", "rts", "--show-code", "onUserJoined")
    assert done.returncode == 0, done.stderr
    assert "def ev" in done.stdout and "_h.onUserJoined(_a0, _a1)" in done.stdout
    method = run_cli("tables", "--dialect", "rts", "--show-code", "joinRoom")
    assert method.stdout.startswith("def joinRoom(self):")
    missing = run_cli("tables", "--dialect", "rts", "--show-code", "noSuchThing")
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "sig2rtm tables: no row 'noSuchThing' in the rts table: give an RTS callback or method"
    )
