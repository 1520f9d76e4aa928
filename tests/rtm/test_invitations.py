"""The invitation objects apps hold: RTM getters and setters; state only via the manager."""

from __future__ import annotations

from rtm import (
    LOCAL_INVITATION_STATE,
    REMOTE_INVITATION_STATE,
    ILocalCallInvitation,
    IRemoteCallInvitation,
    LocalInvitation,
    RemoteInvitation,
)


def test_local_invitation_accessors() -> None:
    invitation = LocalInvitation("bob", "call-1", owner=object())
    assert ILocalCallInvitation is LocalInvitation
    assert invitation.getCalleeId() == "bob"
    invitation.setContent("c")
    invitation.setChannelId("ch")
    assert (invitation.getContent(), invitation.getChannelId()) == ("c", "ch")
    assert invitation.getResponse() == ""
    assert invitation.getState() == 0
    assert invitation.state is LOCAL_INVITATION_STATE.LOCAL_INVITATION_STATE_IDLE
    assert "bob" in repr(invitation) and "IDLE" in repr(invitation)


def test_remote_invitation_accessors() -> None:
    remote = RemoteInvitation("alice", "call-1", "content", "chan")
    assert IRemoteCallInvitation is RemoteInvitation
    assert (remote.getCallerId(), remote.getContent(), remote.getChannelId()) == (
        "alice",
        "content",
        "chan",
    )
    remote.setResponse("ok")
    assert remote.getResponse() == "ok"
    assert remote.state is REMOTE_INVITATION_STATE.REMOTE_INVITATION_STATE_IDLE
    assert remote.getState() == 0
    assert "alice" in repr(remote)
