"""RTM feature flows, each run embedded, through one gateway, and across two Redis nodes.

The same client code and the same expectations on every stack: only the core differs. On
the Redis stack consecutive clients sit on different nodes, so every flow crosses nodes.
"""

from __future__ import annotations

import functools

import rtm
from rtm import (
    CONNECTION_CHANGE_REASON,
    CONNECTION_STATE,
    PEER_MESSAGE_ERR_CODE,
    PEER_ONLINE_STATE,
    ChannelAttributeOptions,
    RtmAttribute,
    RtmChannelAttribute,
    SendMessageOptions,
)
from tests.rtm.netkit import Stack, wait_until


def test_peer_messages_both_ways(stack: Stack) -> None:
    alice, bob = stack.login("alice"), stack.login("bob")
    rec = stack.recorder
    alice.sendMessageToPeer("bob", alice.createMessage("hi bob"))
    bob.sendMessageToPeer("alice", bob.createMessage(b"\x00\x01raw", "desc"))
    wait_until(lambda: rec.texts("bob") and rec.of("alice", "onMessageReceivedFromPeer"))
    assert rec.of("bob", "onMessageReceivedFromPeer")[0][0] == "alice"
    assert rec.texts("bob") == ["hi bob"]
    (peer, raw), = rec.of("alice", "onMessageReceivedFromPeer")
    assert (peer, raw.getRawMessage(), raw.text) == ("bob", b"\x00\x01raw", "desc")
    wait_until(lambda: len(rec.of("alice", "onSendMessageResult")) == 1)
    assert rec.of("alice", "onSendMessageResult")[0][1] == PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_OK


def test_offline_message_cached_and_delivered_at_login(stack: Stack) -> None:
    alice = stack.login("alice")
    rec = stack.recorder
    options = SendMessageOptions()
    options.enableOfflineMessaging = True
    alice.sendMessageToPeer("carol", alice.createMessage("later"), options)
    alice.sendMessageToPeer("carol", alice.createMessage("lost"))
    wait_until(lambda: len(rec.of("alice", "onSendMessageResult")) == 2)
    codes = [args[1] for args in rec.of("alice", "onSendMessageResult")]
    assert codes == [
        PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_CACHED_BY_SERVER,
        PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_PEER_UNREACHABLE,
    ]
    stack.login("carol")
    wait_until(lambda: rec.texts("carol"))
    (_, message), = rec.of("carol", "onMessageReceivedFromPeer")
    assert message.text == "later" and message.isOfflineMessage()


def test_channel_join_message_members_leave(stack: Stack) -> None:
    rec = stack.recorder
    clients = {name: stack.login(name) for name in ("alice", "bob", "carol")}
    channels = {}
    for name, client in clients.items():
        tag = f"{name}/room"
        channel = client.createChannel("room", rec.handler(tag, rtm.IChannelEventHandler))
        assert channel is not None
        channel.join()
        wait_until(functools.partial(rec.of, tag, "onJoinSuccess"), what=f"{name} joined")
        channels[name] = channel
    wait_until(lambda: len(rec.of("alice/room", "onMemberJoined")) == 2)
    assert sorted(m[0].userId for m in rec.of("alice/room", "onMemberJoined")) == ["bob", "carol"]
    channels["bob"].sendMessage(clients["bob"].createMessage("hello room"))
    wait_until(lambda: rec.of("alice/room", "onMessageReceived"))
    wait_until(lambda: rec.of("carol/room", "onMessageReceived"))
    assert rec.of("alice/room", "onMessageReceived")[0][0] == "bob"
    channels["alice"].getMembers()
    wait_until(lambda: rec.of("alice/room", "onGetMembers"))
    members, _count, code = rec.of("alice/room", "onGetMembers")[0]
    assert code == 0 and sorted(m.userId for m in members) == ["alice", "bob", "carol"]
    channels["carol"].leave()
    wait_until(lambda: rec.of("alice/room", "onMemberLeft"))
    assert rec.of("alice/room", "onMemberLeft")[0][0].userId == "carol"
    # No echo: the sender never receives its own channel message.
    assert rec.of("bob/room", "onMessageReceived") == []


def test_presence_subscription_and_query(stack: Stack) -> None:
    rec = stack.recorder
    alice = stack.login("alice")
    alice.subscribePeersOnlineStatus(["bob"])
    wait_until(lambda: rec.of("alice", "onPeersOnlineStatusChanged"))
    first = rec.of("alice", "onPeersOnlineStatusChanged")[0][0][0]
    assert (first.peerId, first.onlineState) == ("bob", PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE)
    bob = stack.login("bob")
    wait_until(lambda: len(rec.of("alice", "onPeersOnlineStatusChanged")) == 2)
    second = rec.of("alice", "onPeersOnlineStatusChanged")[1][0][0]
    assert second.onlineState == PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE
    alice.queryPeersOnlineStatus(["bob", "nobody"])
    wait_until(lambda: rec.of("alice", "onQueryPeersOnlineStatusResult"))
    _, states, _, code = rec.of("alice", "onQueryPeersOnlineStatusResult")[0]
    assert code == 0 and {s.peerId: s.isOnline for s in states} == {"bob": True, "nobody": False}
    bob.logout()
    wait_until(lambda: len(rec.of("alice", "onPeersOnlineStatusChanged")) == 3)
    third = rec.of("alice", "onPeersOnlineStatusChanged")[2][0][0]
    assert third.onlineState == PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE


def test_user_and_channel_attributes(stack: Stack) -> None:
    rec = stack.recorder
    alice, bob = stack.login("alice"), stack.login("bob")
    alice.setLocalUserAttributes([RtmAttribute("mood", "happy"), RtmAttribute("city", "Oslo")])
    wait_until(lambda: rec.of("alice", "onSetLocalUserAttributesResult"))
    bob.getUserAttributes("alice")
    wait_until(lambda: rec.of("bob", "onGetUserAttributesResult"))
    _, user, attributes, _, code = rec.of("bob", "onGetUserAttributesResult")[0]
    assert code == 0 and user == "alice"
    assert {a.key: a.value for a in attributes} == {"mood": "happy", "city": "Oslo"}

    channel = bob.createChannel("room", rec.handler("bob/room", rtm.IChannelEventHandler))
    assert channel is not None
    channel.join()
    wait_until(lambda: rec.of("bob/room", "onJoinSuccess"))
    options = ChannelAttributeOptions()
    options.enableNotificationToChannelMembers = True
    attribute = RtmChannelAttribute()
    attribute.setKey("topic")
    attribute.setValue("news")
    alice.addOrUpdateChannelAttributes("room", [attribute], options)
    wait_until(lambda: rec.of("bob/room", "onAttributesUpdated"))
    updated, _ = rec.of("bob/room", "onAttributesUpdated")[0]
    assert [(a.key, a.value, a.lastUpdateUserId) for a in updated] == [("topic", "news", "alice")]


def test_invitation_accepted_across_clients(stack: Stack) -> None:
    rec = stack.recorder
    alice, bob = stack.login("alice"), stack.login("bob")
    caller = alice.getRtmCallManager(rec.handler("alice/calls", rtm.IRtmCallEventHandler))
    callee = bob.getRtmCallManager(rec.handler("bob/calls", rtm.IRtmCallEventHandler))
    invitation = caller.createLocalInvitation("bob")
    invitation.setContent("join me")
    assert caller.sendLocalInvitation(invitation) == 0
    wait_until(lambda: rec.of("bob/calls", "onRemoteInvitationReceived"))
    (remote,) = rec.of("bob/calls", "onRemoteInvitationReceived")[0]
    assert remote.getCallerId() == "alice" and remote.getContent() == "join me"
    remote.setResponse("ok")
    assert callee.acceptRemoteInvitation(remote) == 0
    wait_until(lambda: rec.of("alice/calls", "onLocalInvitationAccepted"))
    assert rec.of("alice/calls", "onLocalInvitationAccepted")[0][1] == "ok"
    wait_until(lambda: rec.of("bob/calls", "onRemoteInvitationAccepted"))


def test_second_login_kicks_the_first_session(stack: Stack) -> None:
    rec = stack.recorder
    first = stack.login("alice")
    second = stack.client("alice-2")
    assert second.login(None, "alice") == 0
    wait_until(lambda: rec.of("alice-2", "onLoginSuccess"))
    wait_until(lambda: first.connectionState is CONNECTION_STATE.CONNECTION_STATE_ABORTED)
    assert rec.of("alice", "onConnectionStateChanged")[-1] == (
        CONNECTION_STATE.CONNECTION_STATE_ABORTED,
        CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_REMOTE_LOGIN,
    )
