"""Call invitations (RtmCallManager / IRtmCallManager) on the embedded core, both styles."""

from __future__ import annotations

from typing import Any

import pytest

from rtm import (
    INVITATION_API_CALL_ERR_CODE,
    LOCAL_INVITATION_ERR_CODE,
    LOCAL_INVITATION_STATE,
    REMOTE_INVITATION_ERR_CODE,
    REMOTE_INVITATION_STATE,
    LocalInvitation,
    RemoteInvitation,
)
from rtm import protocol as p
from rtm.service.core import RtmService
from tests.rtm.kit import APP, Peer, World, state

L = LOCAL_INVITATION_STATE
RS = REMOTE_INVITATION_STATE
E = INVITATION_API_CALL_ERR_CODE


class Call:
    """A caller and a callee with recording call handlers."""

    def __init__(self, world: World, style: str, callee_online: bool = True) -> None:
        self.world = world
        self.caller = world.peer("alice", style)
        self.callee = world.peer("bob", style)
        self.caller.login()
        if callee_online:
            self.callee.login()
        self.c_calls = world.call_manager_handler(self.caller)
        self.r_calls = world.call_manager_handler(self.callee)
        self.manager = self.caller.client.getRtmCallManager()
        self.remote_manager = self.callee.client.getRtmCallManager()

    def invite(self, content: str = "ring", channel: str = "call-1") -> LocalInvitation:
        invitation = self.manager.createLocalInvitation("bob")
        invitation.setContent(content)
        invitation.setChannelId(channel)
        cb = self.caller.cb("invite")
        assert self.world.api(lambda: self.manager.sendLocalInvitation(invitation, cb)) == 0
        assert invitation.state is L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE
        self.world.run()
        assert cb.value() is None
        return invitation

    def received(self) -> RemoteInvitation:
        (remote,) = self.world.trace.one(self.r_calls, "onRemoteInvitationReceived")
        assert isinstance(remote, RemoteInvitation)
        return remote

    def caller_events(self) -> list[str]:
        return self.world.trace.names(self.c_calls)

    def callee_events(self) -> list[str]:
        return self.world.trace.names(self.r_calls)


def api_error(world: World, peer: Peer, call: Any, code: E) -> None:
    """A call outside the invitation's lifetime: -code at once, onFailure(code), no events."""
    cb = peer.cb("api")
    before = len(world.trace)
    assert world.api(lambda: call(cb)) == -int(code)
    world.run()
    info = cb.error()
    assert info.errorCode == code and info.errorDescription
    assert [e for e in world.trace.events[before:] if e.who != cb.who] == []


# --- full flows -------------------------------------------------------------------------------


def test_invite_and_accept(world: World, style: str) -> None:
    call = Call(world, style)
    invitation = call.invite("hello", "chan")
    assert invitation.getCalleeId() == "bob"
    remote = call.received()
    assert (remote.getCallerId(), remote.getContent(), remote.getChannelId()) == (
        "alice",
        "hello",
        "chan",
    )
    assert remote.getState() == RS.REMOTE_INVITATION_STATE_INVITATION_RECEIVED
    assert world.trace.one(call.c_calls, "onLocalInvitationReceivedByPeer") == (invitation,)
    assert invitation.state is L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE
    remote.setResponse("on my way")
    cb = call.callee.cb("accept")
    assert world.api(lambda: call.remote_manager.acceptRemoteInvitation(remote, cb)) == 0
    assert remote.state is RS.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL
    world.run()
    assert cb.value() is None
    assert world.trace.one(call.c_calls, "onLocalInvitationAccepted") == (invitation, "on my way")
    assert invitation.getResponse() == "on my way"
    assert invitation.getState() == 3 == int(L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE)
    assert world.trace.one(call.r_calls, "onRemoteInvitationAccepted") == (remote,)
    assert remote.getState() == 4 == int(RS.REMOTE_INVITATION_STATE_ACCEPTED)
    # every timer was cancelled: nothing more happens
    world.advance(120)
    assert call.caller_events() == ["onLocalInvitationReceivedByPeer", "onLocalInvitationAccepted"]
    assert call.callee_events() == ["onRemoteInvitationReceived", "onRemoteInvitationAccepted"]


def test_invite_and_refuse(world: World, style: str) -> None:
    call = Call(world, style)
    invitation = call.invite()
    remote = call.received()
    remote.setResponse("busy")
    cb = call.callee.cb("refuse")
    assert world.api(lambda: call.remote_manager.refuseRemoteInvitation(remote, cb)) == 0
    world.run()
    assert cb.value() is None
    assert remote.state is RS.REMOTE_INVITATION_STATE_REFUSED
    assert world.trace.one(call.r_calls, "onRemoteInvitationRefused") == (remote,)
    assert world.trace.one(call.c_calls, "onLocalInvitationRefused") == (invitation, "busy")
    assert invitation.state is L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE
    world.advance(120)
    assert call.caller_events() == ["onLocalInvitationReceivedByPeer", "onLocalInvitationRefused"]
    assert call.callee_events() == ["onRemoteInvitationReceived", "onRemoteInvitationRefused"]


def test_invite_and_cancel(world: World, style: str) -> None:
    call = Call(world, style)
    invitation = call.invite()
    remote = call.received()
    cb = call.caller.cb("cancel")
    assert world.api(lambda: call.manager.cancelLocalInvitation(invitation, cb)) == 0
    assert invitation.state is L.LOCAL_INVITATION_STATE_CANCELED
    world.run()
    assert cb.value() is None
    assert world.trace.one(call.c_calls, "onLocalInvitationCanceled") == (invitation,)
    assert world.trace.one(call.r_calls, "onRemoteInvitationCanceled") == (remote,)
    assert remote.state is RS.REMOTE_INVITATION_STATE_CANCELED
    world.advance(120)
    assert call.caller_events() == ["onLocalInvitationReceivedByPeer", "onLocalInvitationCanceled"]
    assert call.callee_events() == ["onRemoteInvitationReceived", "onRemoteInvitationCanceled"]


def test_cancel_before_the_callee_saw_it(world: World) -> None:
    call = Call(world, "cpp")
    invitation = call.manager.createLocalInvitation("bob")
    world.api(lambda: call.manager.sendLocalInvitation(invitation))
    world.api(lambda: call.manager.cancelLocalInvitation(invitation))
    world.run()
    remote = call.received()
    assert remote.state is RS.REMOTE_INVITATION_STATE_CANCELED
    assert invitation.state is L.LOCAL_INVITATION_STATE_CANCELED
    assert call.callee_events() == ["onRemoteInvitationReceived", "onRemoteInvitationCanceled"]


def test_accept_racing_cancel_ends_canceled_on_both_sides(world: World) -> None:
    call = Call(world, "cpp")
    invitation = call.invite()
    remote = call.received()
    world.api(lambda: call.remote_manager.acceptRemoteInvitation(remote))
    world.api(lambda: call.manager.cancelLocalInvitation(invitation))
    world.run()
    world.advance(10)
    assert invitation.state is L.LOCAL_INVITATION_STATE_CANCELED
    assert remote.state is RS.REMOTE_INVITATION_STATE_CANCELED
    assert "onLocalInvitationAccepted" not in call.caller_events()
    assert call.callee_events()[-1] == "onRemoteInvitationCanceled"


def test_two_invitations_are_independent(world: World) -> None:
    call = Call(world, "cpp")
    first = call.invite("one")
    second = call.invite("two")
    remotes = [a[0] for a in world.trace.args(call.r_calls, "onRemoteInvitationReceived")]
    assert [r.content for r in remotes] == ["one", "two"]
    world.api(lambda: call.remote_manager.acceptRemoteInvitation(remotes[1]))
    world.api(lambda: call.remote_manager.refuseRemoteInvitation(remotes[0]))
    world.run()
    assert first.state is L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE
    assert second.state is L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE


# --- offline callee, resends, timeouts ----------------------------------------------------------


def test_callee_offline_fails_with_peer_offline_at_30_s(world: World, style: str) -> None:
    call = Call(world, style, callee_online=False)
    invitation = call.invite()
    world.advance(29.9)
    assert invitation.state is L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE
    assert call.caller_events() == []
    world.advance(0.2)
    assert world.trace.one(call.c_calls, "onLocalInvitationFailure") == (
        invitation,
        LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_PEER_OFFLINE,
    )
    assert state(invitation) is L.LOCAL_INVITATION_STATE_FAILURE
    # resends stopped: a callee logging in later sees nothing
    call.callee.login()
    world.advance(60)
    assert call.callee_events() == []


def test_callee_logging_in_within_30_s_gets_the_invitation(world: World, style: str) -> None:
    call = Call(world, style, callee_online=False)
    invitation = call.invite()
    world.advance(10)
    call.callee.login()
    world.advance(2.1)  # the next resend
    remote = call.received()
    assert remote.getCallerId() == "alice"
    assert invitation.state is L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE
    world.advance(20)  # past the 30 s mark: no PEER_OFFLINE
    assert "onLocalInvitationFailure" not in call.caller_events()
    world.api(lambda: call.remote_manager.acceptRemoteInvitation(remote))
    world.run()
    assert state(invitation) is L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE
    assert remote.state is RS.REMOTE_INVITATION_STATE_ACCEPTED


def test_unanswered_invitation_expires_on_both_sides_at_60_s(world: World, style: str) -> None:
    call = Call(world, style)
    invitation = call.invite()
    remote = call.received()
    world.advance(59.9)
    assert invitation.state is L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE
    assert remote.state is RS.REMOTE_INVITATION_STATE_INVITATION_RECEIVED
    world.advance(0.2)
    assert world.trace.one(call.c_calls, "onLocalInvitationFailure") == (
        invitation,
        LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_INVITATION_EXPIRE,
    )
    assert world.trace.one(call.r_calls, "onRemoteInvitationFailure") == (
        remote,
        REMOTE_INVITATION_ERR_CODE.REMOTE_INVITATION_ERR_INVITATION_EXPIRE,
    )
    assert state(invitation) is L.LOCAL_INVITATION_STATE_FAILURE
    assert state(remote) is RS.REMOTE_INVITATION_STATE_FAILURE
    # too late to act
    api_error(
        world,
        call.callee,
        lambda cb: call.remote_manager.acceptRemoteInvitation(remote, cb),
        E.INVITATION_API_CALL_ERR_ALREADY_END,
    )


def test_no_acknowledgement_from_an_online_callee_is_peer_no_response(world: World) -> None:
    caller = world.online("alice")[0]
    calls = world.call_manager_handler(caller)
    signals: list[p.ServerFrame] = []

    def mute_bob(service: RtmService) -> None:  # logged in as bob, never acknowledges
        service.receive(service.open_session(signals.append), p.Login(1, APP, "bob", None))

    world.on_service(mute_bob)
    manager = caller.client.getRtmCallManager()
    invitation = manager.createLocalInvitation("bob")
    world.api(lambda: manager.sendLocalInvitation(invitation))
    world.run()
    assert any(isinstance(f, p.CallSignalIn) and f.kind == "invite" for f in signals)
    world.advance(30.1)
    assert world.trace.one(calls, "onLocalInvitationFailure") == (
        invitation,
        LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_PEER_NO_RESPONSE,
    )


def test_accept_without_the_callers_acknowledgement_fails_after_5_s(
    world: World, style: str
) -> None:
    call = Call(world, style)
    invitation = call.invite()
    remote = call.received()
    # the caller's session is replaced by a new login: nobody knows the call any more
    world.peer("alice-2").login("alice")
    assert world.trace.one(call.c_calls, "onLocalInvitationFailure") == (
        invitation,
        LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_NOT_LOGGEDIN,
    )
    world.api(lambda: call.remote_manager.acceptRemoteInvitation(remote))
    world.advance(4.9)
    assert remote.state is RS.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL
    world.advance(0.2)
    assert world.trace.one(call.r_calls, "onRemoteInvitationFailure") == (
        remote,
        REMOTE_INVITATION_ERR_CODE.REMOTE_INVITATION_ERR_ACCEPT_FAILURE,
    )
    assert state(remote) is RS.REMOTE_INVITATION_STATE_FAILURE


def test_accepting_when_the_caller_is_gone_is_peer_offline(world: World) -> None:
    call = Call(world, "cpp")
    invitation = call.invite()
    remote = call.received()
    call.caller.logout()
    assert invitation.state is L.LOCAL_INVITATION_STATE_FAILURE
    world.api(lambda: call.remote_manager.acceptRemoteInvitation(remote))
    world.run()
    assert world.trace.one(call.r_calls, "onRemoteInvitationFailure") == (
        remote,
        REMOTE_INVITATION_ERR_CODE.REMOTE_INVITATION_ERR_PEER_OFFLINE,
    )


def test_caller_logout_fails_pending_invitations_not_logged_in(world: World, style: str) -> None:
    call = Call(world, style, callee_online=False)
    invitation = call.invite()
    call.caller.logout()
    assert world.trace.one(call.c_calls, "onLocalInvitationFailure") == (
        invitation,
        LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_NOT_LOGGEDIN,
    )
    world.advance(60)
    assert call.caller_events() == ["onLocalInvitationFailure"]  # no second outcome


# --- API errors outside an invitation's lifetime ---------------------------------------------


def test_local_api_errors(world: World, style: str) -> None:
    call = Call(world, style)
    m = call.manager
    fresh = m.createLocalInvitation("bob")
    api_error(
        world,
        call.caller,
        lambda cb: m.cancelLocalInvitation(fresh, cb),
        E.INVITATION_API_CALL_ERR_NOT_STARTED,
    )
    assert fresh.state is L.LOCAL_INVITATION_STATE_IDLE
    sent = call.invite()
    api_error(
        world,
        call.caller,
        lambda cb: m.sendLocalInvitation(sent, cb),
        E.INVITATION_API_CALL_ERR_ALREADY_SENT,
    )
    remote = call.received()
    world.api(lambda: call.remote_manager.acceptRemoteInvitation(remote))
    world.run()
    assert sent.state is L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE
    api_error(
        world,
        call.caller,
        lambda cb: m.sendLocalInvitation(sent, cb),
        E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT,
    )
    api_error(
        world,
        call.caller,
        lambda cb: m.cancelLocalInvitation(sent, cb),
        E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT,
    )
    assert sent.state is L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE
    canceled = call.invite()
    world.api(lambda: m.cancelLocalInvitation(canceled))
    world.run()
    for fn in (m.sendLocalInvitation, m.cancelLocalInvitation):
        api_error(
            world,
            call.caller,
            lambda cb, fn=fn: fn(canceled, cb),
            E.INVITATION_API_CALL_ERR_ALREADY_END,
        )
    assert canceled.state is L.LOCAL_INVITATION_STATE_CANCELED


def test_remote_api_errors(world: World, style: str) -> None:
    call = Call(world, style)
    rm = call.remote_manager
    call.invite()
    remote = call.received()
    world.api(lambda: rm.acceptRemoteInvitation(remote))
    # while waiting for the caller's acknowledgement
    early = call.callee.cb("early")
    code = world.api(lambda: rm.refuseRemoteInvitation(remote, early))
    assert code == -E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT
    assert remote.state is RS.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL
    world.run()
    assert early.error().errorCode == E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT
    assert "onRemoteInvitationRefused" not in call.callee_events()
    assert state(remote) is RS.REMOTE_INVITATION_STATE_ACCEPTED
    api_error(
        world,
        call.callee,
        lambda cb: rm.acceptRemoteInvitation(remote, cb),
        E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT,
    )
    api_error(
        world,
        call.callee,
        lambda cb: rm.refuseRemoteInvitation(remote, cb),
        E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT,
    )
    assert state(remote) is RS.REMOTE_INVITATION_STATE_ACCEPTED
    second = call.invite()
    refused = [a[0] for a in world.trace.args(call.r_calls, "onRemoteInvitationReceived")][-1]
    world.api(lambda: rm.refuseRemoteInvitation(refused))
    world.run()
    for fn in (rm.acceptRemoteInvitation, rm.refuseRemoteInvitation):
        api_error(
            world,
            call.callee,
            lambda cb, fn=fn: fn(refused, cb),
            E.INVITATION_API_CALL_ERR_ALREADY_END,
        )
    assert refused.state is RS.REMOTE_INVITATION_STATE_REFUSED
    assert second.state is L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE


def test_invalid_invitation_arguments(world: World, style: str) -> None:
    call = Call(world, style)
    m = call.manager
    too_big = m.createLocalInvitation("bob")
    too_big.setContent("x" * (8 * 1024 + 1))
    bad_callee = m.createLocalInvitation("bad/callee")
    foreign = call.remote_manager.createLocalInvitation("alice")
    for invitation in (too_big, bad_callee, foreign, "not an invitation"):
        api_error(
            world,
            call.caller,
            lambda cb, i=invitation: m.sendLocalInvitation(i, cb),
            E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT,
        )
    assert too_big.state is L.LOCAL_INVITATION_STATE_IDLE
    assert call.callee_events() == []
    exact = m.createLocalInvitation("bob")
    exact.setContent("x" * (8 * 1024))
    assert world.api(lambda: m.sendLocalInvitation(exact)) == 0
    world.run()
    remote = call.received()
    remote.setResponse("y" * (8 * 1024 + 1))
    api_error(
        world,
        call.callee,
        lambda cb: call.remote_manager.acceptRemoteInvitation(remote, cb),
        E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT,
    )
    assert remote.state is RS.REMOTE_INVITATION_STATE_INVITATION_RECEIVED
    stranger = RemoteInvitation("alice", "no-such-call", "", "")
    api_error(
        world,
        call.callee,
        lambda cb: call.remote_manager.refuseRemoteInvitation(stranger, cb),
        E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT,
    )


def test_sending_requires_login(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    manager = alice.client.getRtmCallManager()
    invitation = manager.createLocalInvitation("bob")
    api_error(
        world,
        alice,
        lambda cb: manager.sendLocalInvitation(invitation, cb),
        E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT,
    )
    assert invitation.state is L.LOCAL_INVITATION_STATE_IDLE


def test_call_manager_is_one_per_client_and_aliases(world: World) -> None:
    alice = world.peer("alice")
    manager = alice.client.getRtmCallManager()
    assert alice.client.getRtmCallManager() is manager
    invitation = manager.createLocalCallInvitation("bob")
    assert isinstance(invitation, LocalInvitation)
    assert invitation.getContent() == invitation.getChannelId() == invitation.getResponse() == ""
    assert invitation.getState() == 0
    manager.release()
    invitation.release()
    assert alice.client.getRtmCallManager() is manager


@pytest.mark.parametrize("content", ["", "日本語" * 100])
def test_content_round_trips(world: World, content: str) -> None:
    call = Call(world, "java")
    call.invite(content)
    assert call.received().getContent() == content
