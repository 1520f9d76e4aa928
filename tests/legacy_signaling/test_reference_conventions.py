"""Rows D1-D10 and I1-I5 of docs/legacy-semantics.md."""

from __future__ import annotations

import logging

import pytest

from legacy_signaling.api import InstanceDestroyedError
from legacy_signaling.callback import ICallBack, RecordingCallBack
from legacy_signaling.identity import legacy_uid
from legacy_signaling.reference.testing import APP_ID, client, joined, new_world


def test_d1_callbacks_wait_for_the_world_but_effects_are_immediate() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    bob = client(world, "bob")
    alice.login()
    assert alice.rec.trace == []  # nothing inside the call
    bob.api.queryUserStatus("alice")  # the server already knows alice
    world.run_until_idle()
    assert alice.take() == [("onLoginSuccess", (alice.uid, 0))]
    assert bob.take() == [("onQueryUserStatusResult", ("alice", "1"))]


def test_d1_calls_from_callbacks_queue_behind_earlier_callbacks() -> None:
    world = new_world()

    class JoinOnLogin(RecordingCallBack):
        def onLoginSuccess(self, uid: int, fd: int) -> None:
            super().onLoginSuccess(uid, fd)
            api.channelJoin("room")

    api = world.createAgoraSDKInstance(APP_ID)
    rec = JoinOnLogin()
    api.callbackSet(rec)
    api.login(APP_ID, "alice", "", 0, "")
    api.getAttrAll()
    world.run_until_idle()
    assert rec.names() == [
        "onLoginSuccess",
        "onUserAttrAllResult",
        "onChannelJoined",
        "onChannelUserList",
    ]


def test_d2_a_raising_callback_is_logged_and_delivery_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = new_world()

    class Boom(RecordingCallBack):
        def onLoginSuccess(self, uid: int, fd: int) -> None:
            super().onLoginSuccess(uid, fd)
            raise RuntimeError("app bug")

    api = world.createAgoraSDKInstance(APP_ID)
    rec = Boom()
    api.callbackSet(rec)
    api.login(APP_ID, "alice", "", 0, "")
    api.getAttrAll()
    with caplog.at_level(logging.ERROR, logger="legacy_signaling.reference"):
        world.run_until_idle()
    assert rec.names() == ["onLoginSuccess", "onUserAttrAllResult"]
    assert "onLoginSuccess" in caplog.text
    assert "app bug" in caplog.text


def test_d3_uids_are_account_derived_except_peer_messages() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    alice.api.messageInstantSend("bob", 12345, "p2p", "m1")
    alice.api.messageChannelSend("room", "chan", "m2")
    world.run_until_idle()
    assert bob.take() == [
        ("onMessageInstantReceive", ("alice", 0, "p2p")),
        ("onMessageChannelReceive", ("room", "alice", alice.uid, "chan")),
    ]


def test_d4_empty_message_ids_are_allocated_per_instance() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    alice.api.messageInstantSend("bob", 0, "a", "")
    alice.api.messageInstantSend("bob", 0, "b", "mine")
    alice.api.messageInstantSend("no one", 0, "c", "")  # fails, still gets an id
    bob.api.messageInstantSend("alice", 0, "d", "")
    world.run_until_idle()
    assert [e for e in alice.take() if e[0].startswith("onMessageSend")] == [
        ("onMessageSendSuccess", ("auto-1",)),
        ("onMessageSendSuccess", ("mine",)),
        ("onMessageSendError", ("auto-2", 400)),
    ]
    assert bob.take()[-1] == ("onMessageSendSuccess", ("auto-1",))


def test_d9_identifier_problems_use_each_calls_family_code() -> None:
    world = new_world()
    alice = client(world, "alice")
    bad_account, long_account = "b o b", "b" * 129
    alice.api.messageInstantSend(bad_account, 0, "x", "m")
    alice.api.channelJoin("a\nb")
    alice.api.channelInviteUser2("room", long_account, "")
    alice.api.getUserAttr(bad_account, "k")
    alice.api.getUserAttr(long_account, "k")
    world.run_until_idle()
    assert alice.take() == [
        ("onMessageSendError", ("m", 400)),
        ("onChannelJoinFailed", ("a\nb", 300)),
        ("onInviteFailed", ("room", long_account, legacy_uid(long_account), 700, "")),
        ("onError", ("getUserAttr", 1004, "invalid account")),
        ("onError", ("getUserAttr", 1005, "invalid account")),
    ]
    other = client(world, bad_account, login=False)
    other.login()
    world.run_until_idle()
    assert other.take() == [("onLoginFailed", (209,))]


def test_d10_limits_are_inclusive() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    biggest = "é" * 4096  # 8192 UTF-8 bytes
    extra = '{"k":"' + "x" * (8192 - 8) + '"}'
    assert len(extra.encode()) == 8192
    alice.api.messageInstantSend("bob", 0, biggest, "m")
    alice.api.setAttr("k" * 128, "v" * 8096)
    alice.api.channelInviteUser2("room", "bob", extra)
    alice.api.messageInstantSend("bob", 0, "", "empty")
    world.run_until_idle()
    assert alice.take() == [
        ("onMessageSendSuccess", ("m",)),
        ("onInviteReceivedByPeer", ("room", "bob", bob.uid)),
        ("onMessageSendSuccess", ("empty",)),
    ]
    assert bob.take()[0] == ("onMessageInstantReceive", ("alice", 0, biggest))


def test_d6_status_follows_delivered_callbacks() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    seen = [alice.api.getStatus()]
    alice.login()
    seen.append(alice.api.getStatus())
    world.run_until_idle()
    seen.append(alice.api.getStatus())
    world.drop_connection(alice.api)
    world.run_until_idle()
    seen.append(alice.api.getStatus())
    world.restore_connection(alice.api)
    world.run_until_idle()
    seen.append(alice.api.getStatus())
    alice.api.logout()
    seen.append(alice.api.getStatus())  # onLogout not delivered yet
    world.run_until_idle()
    seen.append(alice.api.getStatus())
    assert seen == [0, 1, 2, 3, 2, 2, 0]


def test_d7_requests_while_reconnecting_fail_as_not_logged_in() -> None:
    world = new_world()
    alice, _bob = client(world, "alice"), client(world, "bob")
    world.drop_connection(alice.api)
    alice.api.messageInstantSend("bob", 0, "hi", "m")
    alice.api.channelJoin("room")
    alice.api.setAttr("k", "v")
    world.run_until_idle()
    assert alice.take() == [
        ("onReconnecting", (1,)),
        ("onMessageSendError", ("m", 400)),
        ("onChannelJoinFailed", ("room", 300)),
        ("onError", ("setAttr", 1003, "not logged in")),
    ]


def test_d8_a_destroyed_instance_raises() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.destroy()
    for call in (
        alice.api.getStatus,
        alice.api.logout,
        alice.api.destroy,
        lambda: alice.api.channelJoin("room"),
    ):
        with pytest.raises(InstanceDestroyedError):
            call()


def test_i1_get_instance_is_one_per_app_id_until_destroyed() -> None:
    world = new_world()
    first = world.getInstance(APP_ID)
    assert world.getInstance(APP_ID) is first
    assert world.getInstance("other-app") is not first
    first.destroy()
    assert world.getInstance(APP_ID) is not first
    with pytest.raises(ValueError, match="appId"):
        world.getInstance("")


def test_i2_create_makes_a_new_instance_each_time() -> None:
    world = new_world()
    assert world.createAgoraSDKInstance(APP_ID) is not world.createAgoraSDKInstance(APP_ID)
    with pytest.raises(ValueError, match="appId"):
        world.createAgoraSDKInstance("")


def test_i3_the_handler_at_delivery_time_gets_the_callback() -> None:
    world = new_world()
    api = world.createAgoraSDKInstance(APP_ID)
    first, second = RecordingCallBack(), RecordingCallBack()
    api.callbackSet(first)
    api.login(APP_ID, "alice", "", 0, "")
    api.callbackSet(second)
    assert api.callbackGet() is second
    world.run_until_idle()
    assert first.trace == []
    assert second.names() == ["onLoginSuccess"]


def test_i3_no_handler_drops_callbacks_but_status_still_moves() -> None:
    world = new_world()
    api = world.createAgoraSDKInstance(APP_ID)
    assert api.callbackGet() is None
    api.login(APP_ID, "alice", "", 0, "")
    world.run_until_idle()
    assert api.getStatus() == 2
    with pytest.raises(TypeError, match="ICallBack"):
        api.callbackSet(object())  # type: ignore[arg-type]


def test_i3_base_handler_is_accepted() -> None:
    world = new_world()
    api = world.createAgoraSDKInstance(APP_ID)
    api.callbackSet(ICallBack())
    api.login(APP_ID, "alice", "", 0, "")
    assert world.run_until_idle() == 1


def test_i4_sdk_version() -> None:
    assert new_world().getInstance(APP_ID).getSdkVersion() == 1010400000


def test_i5_destroy_logs_out_silently_for_itself() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    bob.api.channelInviteUser2("room", "alice", "")
    world.run_until_idle()
    bob.take()
    alice.api.getAttrAll()  # queued, never delivered
    alice.api.destroy()
    world.run_until_idle()
    assert alice.rec.trace[-1][0] == "onInviteReceived"  # nothing after destroy
    assert bob.take() == [
        ("onChannelUserLeaved", ("alice", alice.uid)),
        ("onInviteEndByPeer", ("room", "alice", alice.uid, "")),
    ]
    bob.api.queryUserStatus("alice")
    world.run_until_idle()
    assert bob.take() == [("onQueryUserStatusResult", ("alice", "0"))]


def test_i5_destroy_cancels_a_retrying_login() -> None:
    world = new_world()
    world.server_available = False
    alice = client(world, "alice", login=False)
    alice.login()
    alice.api.destroy()
    world.server_available = True
    world.advance(60)
    assert alice.rec.trace == []
    assert world.scheduler.pending_timers == 0
