"""Rows X1-X4 of docs/legacy-semantics.md: methods outside the documented set."""

from __future__ import annotations

from legacy_signaling.reference.testing import client, joined, new_world

UNSUPPORTED = "not supported"


def test_x1_is_online_follows_status() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    assert alice.api.isOnline() is False
    alice.login()
    assert alice.api.isOnline() is False  # onLoginSuccess not delivered yet
    world.run_until_idle()
    assert alice.api.isOnline() is True


def test_x2_unsupported_sends_still_get_one_result_each() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    alice.api.messageAppSend("m", "a1")
    alice.api.messagePushSend("bob", 0, "m", "")
    alice.api.messageChatSend("bob", 0, "m", "c1")
    alice.api.messageDTMFSend(0, "1", "")
    world.run_until_idle()
    assert alice.take() == [
        ("onMessageSendError", ("a1", 400)),
        ("onMessageSendError", ("auto-1", 400)),
        ("onMessageSendError", ("c1", 400)),
        ("onMessageSendError", ("auto-2", 400)),
    ]
    assert bob.take() == []


def test_x3_unsupported_methods_report_on_error() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.channelInvitePhone("room", "+100")
    alice.api.channelInvitePhone2("room", "+100", "+200")
    alice.api.channelInvitePhone3("room", "+100", "+200", "{}")
    alice.api.setBackground(1)
    alice.api.setNetworkStatus(0)
    alice.api.ping()
    alice.api.start()
    alice.api.stop()
    alice.api.dbg("lbs_100", "x")
    world.run_until_idle()
    names = [
        "channelInvitePhone",
        "channelInvitePhone2",
        "channelInvitePhone3",
        "setBackground",
        "setNetworkStatus",
        "ping",
        "start",
        "stop",
        "dbg",
    ]
    assert alice.take() == [("onError", (name, 1001, UNSUPPORTED)) for name in names]


def test_x3_unsupported_even_when_logged_out() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.ping()
    world.run_until_idle()
    assert alice.take() == [("onError", ("ping", 1001, UNSUPPORTED))]


def test_x4_bc_call_answers_through_its_own_callback() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.bc_call("func", "{}", "id-7")
    world.run_until_idle()
    assert alice.take() == [("onBCCall_result", (UNSUPPORTED, "", "id-7"))]


def test_callback_arguments_are_plain_ints_and_strs() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.ping()
    alice.api.logout()
    world.run_until_idle()
    for _, args in alice.take():
        assert all(type(a) in (int, str) for a in args)


def test_x5_callbacks_this_model_never_fires() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    alice.api.messageInstantSend("bob", 0, "p", "")
    alice.api.messageChannelSend("room", "c", "")
    alice.api.messageAppSend("a", "")
    alice.api.channelInviteUser2("room", "bob", "")
    bob.api.channelInviteDTMF("room", "alice", "1")
    alice.api.invoke("io.agora.signal.channel_query_num", '{"name":"room"}', "1")
    alice.api.bc_call("f", "{}", "2")
    alice.api.dbg("a", "b")
    world.drop_connection(bob.api)
    world.advance(40)
    seen = {name for name, _ in alice.take() + bob.take()}
    assert "onInviteMsg" in seen
    never = {"onMessageSendProgress", "onMessageAppReceived", "onLog", "onMsg", "onDbg"}
    assert not seen & never


def test_x6_reserved_attribute_names_are_ordinary() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice)
    alice.api.channelSetAttr("room", "_userNotification", "0")
    alice.api.channelSetAttr("room", "_channel_ttl", "1")
    bob.api.channelJoin("room")
    world.run_until_idle()
    assert alice.take()[-1] == ("onChannelUserJoined", ("bob", bob.uid))
    assert bob.take()[2:] == [
        ("onChannelAttrUpdated", ("room", "_channel_ttl", "1", "update")),
        ("onChannelAttrUpdated", ("room", "_userNotification", "0", "update")),
    ]
