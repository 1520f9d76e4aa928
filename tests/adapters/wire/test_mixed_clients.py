"""Legacy wire clients (the real Python SDK) meet other kinds of clients of the same app:
a native-shim app and an RTM app on the same node, and wire clients on two nodes on Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rtm
from adapters.signaling import ShimAgoraAPI, ShimWorld
from adapters.signaling.profile import rtm_app_id
from legacy_signaling.callback import ICallBack
from rtm import net
from tests.adapters.wire.kit import LegacyNode, PySdk
from tests.rtm.netkit import Recorder, RedisServer, wait_until

APP = "mixedapp"


class _Recording(ICallBack):
    """A native legacy callback object that records every callback."""

    def __init__(self, recorder: Recorder, who: str) -> None:
        self._recorder, self._who = recorder, who

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on"):
            recorder, who = (
                object.__getattribute__(self, "_recorder"),
                object.__getattribute__(self, "_who"),
            )
            return lambda *args: recorder.add(who, name, args)
        return object.__getattribute__(self, name)


@pytest.fixture
def sdk(legacy_sdk_python: Path, node: LegacyNode) -> Iterator[PySdk]:
    client = PySdk(legacy_sdk_python, env={"HTTP_PROXY": f"http://127.0.0.1:{node.legacy_port}"})
    yield client
    client.close()


@pytest.fixture
def core(node: LegacyNode) -> Iterator[net.NetworkCore]:
    c = net.connect_core(node.url)
    yield c
    c.close()


def _native(core: net.NetworkCore, recorder: Recorder, account: str) -> ShimAgoraAPI:
    api = ShimWorld(APP, core=core).createAgoraSDKInstance(APP)
    api.callbackSet(_Recording(recorder, account))
    api.login2(APP, account, "_no_need_token", 0, "", 30, 3)
    wait_until(lambda: recorder.of(account, "onLoginSuccess"), 10, f"{account} logged in")
    return api


def test_wire_client_and_native_shim_client(sdk: PySdk, core: net.NetworkCore) -> None:
    recorder = Recorder()
    bob = _native(core, recorder, "bob")
    sdk.do("login", "a", app=APP, account="alice")
    sdk.expect("a", "login_success")
    sdk.do("send", "a", to="bob", msg="to native", tag="1")
    wait_until(lambda: recorder.of("bob", "onMessageInstantReceive"), 10, "bob got it")
    assert recorder.of("bob", "onMessageInstantReceive")[0] == ("alice", 0, "to native")
    bob.messageInstantSend("alice", 0, "to the wire", "m1")
    assert sdk.expect("a", "msg")["msg"] == "to the wire"
    bob.channelJoin("both")
    wait_until(lambda: recorder.of("bob", "onChannelJoined"), 10, "bob joined")
    bob.channelSetAttr("both", "k", "v")
    wait_until(lambda: recorder.of("bob", "onChannelAttrUpdated"), 10, "attr set")
    sdk.do("join", "a", channel="both")
    assert sorted(sdk.expect("a", "user_list")["users"]) == ["alice", "bob"]
    assert sdk.expect("a", "attr")["value"] == "v"
    bob.messageChannelSend("both", "native in channel", "m2")
    assert sdk.expect("a", "channel_msg")["msg"] == "native in channel"
    sdk.do("chansend", "a", msg="wire in channel")
    wait_until(
        lambda: [
            c for c in recorder.of("bob", "onMessageChannelReceive") if c[3] == "wire in channel"
        ],
        10,
        "bob got the channel message",
    )
    bob.channelInviteUser2("call", "alice", "")
    sdk.expect("a", "invite_received", channel="call", peer="bob")
    sdk.do("accept", "a", channel="call", peer="bob")
    wait_until(lambda: recorder.of("bob", "onInviteAcceptedByPeer"), 10, "accepted")
    sdk.do("query", "a", account="bob")
    assert sdk.expect("a", "status")["status"] == 1
    bob.messageInstantSend("erin", 0, "for later", "m3")  # erin is not logged in anywhere
    wait_until(lambda: recorder.of("bob", "onMessageSendSuccess"), 10, "sent")
    sdk.do("login", "e", app=APP, account="erin")
    assert sdk.expect("e", "msg")["msg"] == "for later"
    # a native login of the wire client's account takes the account over
    _native(core, recorder, "alice")
    bob.messageInstantSend("alice", 0, "to the native alice", "m4")
    wait_until(lambda: recorder.of("alice", "onMessageInstantReceive"), 10, "native alice got it")
    assert not [e for e in sdk.seen("a", "msg") if e["msg"] == "to the native alice"]


def test_wire_client_and_rtm_client(sdk: PySdk, core: net.NetworkCore) -> None:
    recorder = Recorder()
    carol = rtm.createRtmService(core)
    assert carol.initialize(rtm_app_id(APP), recorder.handler("carol")) == 0
    assert carol.login(None, "carol") == 0
    wait_until(lambda: recorder.of("carol", "onLoginSuccess"), 10, "carol logged in")
    sdk.do("login", "a", app=APP, account="alice")
    sdk.expect("a", "login_success")
    sdk.do("send", "a", to="carol", msg="to rtm", tag="1")
    sdk.expect("a", "send_ok", tag="1")
    wait_until(lambda: recorder.texts("carol"), 10, "carol got it")
    assert "to rtm" in recorder.texts("carol")
    carol.sendMessageToPeer("alice", carol.createMessage("from rtm"))
    assert sdk.expect("a", "msg")["msg"] == "from rtm"
    sdk.do("join", "a", channel="mix")
    sdk.expect("a", "joined")
    channel = carol.createChannel("mix", recorder.handler("carol-ch", rtm.IChannelEventHandler))
    assert channel is not None
    channel.join()
    wait_until(lambda: recorder.of("carol-ch", "onJoinSuccess"), 10, "carol joined")
    assert sdk.expect("a", "user_joined")["account"] == "carol"
    channel.sendMessage(carol.createMessage("rtm in channel"))
    assert sdk.expect("a", "channel_msg", account="carol")["msg"] == "rtm in channel"
    sdk.do("chansend", "a", msg="wire in channel")
    wait_until(
        lambda: [
            a
            for a in recorder.of("carol-ch", "onMessageReceived")
            if a[1].text == "wire in channel"
        ],
        10,
        "carol heard it",
    )
    calls = carol.getRtmCallManager(recorder.handler("carol-call", rtm.IRtmCallEventHandler))
    invitation = calls.createLocalInvitation("alice")
    invitation.setChannelId("rtm-call")
    calls.sendLocalInvitation(invitation)
    assert sdk.expect("a", "invite_received", channel="rtm-call")["peer"] == "carol"
    sdk.do("accept", "a", channel="rtm-call", peer="carol")
    wait_until(lambda: recorder.of("carol-call", "onLocalInvitationAccepted"), 10, "accepted")
    sdk.do("invite", "a", channel="to-rtm", peer="carol", extra="")
    wait_until(lambda: recorder.of("carol-call", "onRemoteInvitationReceived"), 10, "invited")
    remote = recorder.of("carol-call", "onRemoteInvitationReceived")[0][0]
    assert (remote.callerId, remote.channelId) == ("alice", "to-rtm")
    calls.refuseRemoteInvitation(remote)
    sdk.expect("a", "invite_refused", channel="to-rtm", peer="carol")
    sdk.do("query", "a", account="carol")
    assert sdk.expect("a", "status")["status"] == 1
    carol.release()


def test_wire_clients_on_two_nodes_sharing_redis(
    legacy_sdk_python: Path, redis_server: RedisServer
) -> None:
    redis_server.flush()
    nodes = [
        LegacyNode("--backend", redis_server.url, "--node-id", name, "--heartbeat", "0.2")
        for name in ("na", "nb")
    ]
    sdk = PySdk(legacy_sdk_python, env={"HTTP_PROXY": f"http://127.0.0.1:{nodes[0].legacy_port}"})
    try:
        sdk.do("login", "a", app=APP, account="alice")  # node a, through the LBS
        sdk.do("login", "b", app=APP, account="bob", ap=["127.0.0.1", nodes[1].legacy_port])
        sdk.expect("a", "login_success")
        sdk.expect("b", "login_success")
        sdk.do("send", "a", to="bob", msg="across nodes", tag="x")
        assert sdk.expect("b", "msg")["msg"] == "across nodes"
        sdk.do("send", "b", to="alice", msg="and back", tag="y")
        assert sdk.expect("a", "msg")["msg"] == "and back"
        sdk.do("join", "a", channel="wide")
        sdk.expect("a", "joined")
        sdk.do("join", "b", channel="wide")
        assert sorted(sdk.expect("b", "user_list")["users"]) == ["alice", "bob"]
        sdk.do("chansend", "b", msg="hello from b")
        assert sdk.expect("a", "channel_msg")["msg"] == "hello from b"
        assert sdk.expect("b", "channel_msg")["msg"] == "hello from b"
        sdk.do("invite", "a", channel="c", peer="bob", extra="")
        sdk.expect("b", "invite_received", channel="c")
        sdk.do("refuse", "b", channel="c", peer="alice")
        sdk.expect("a", "invite_refused", channel="c")
        sdk.do("query", "b", account="alice")
        assert sdk.expect("b", "status")["status"] == 1
        sdk.do("set_attr", "b", name="where", value="node b")
        assert sdk.expect("a", "attr", name="where")["value"] == "node b"
        sdk.do("invite", "b", channel="c2", peer="alice", extra="")
        sdk.expect("a", "invite_received", channel="c2")
        sdk.do("accept", "a", channel="c2", peer="bob")
        sdk.expect("b", "invite_accepted", channel="c2")
        sdk.do("end", "b", channel="c2", peer="alice")
        sdk.expect("a", "invite_end_by_peer", channel="c2", peer="bob")
        sdk.do("send", "a", to="frank", msg="kept across nodes", tag="o")
        sdk.expect("a", "send_ok", tag="o")
        sdk.do("login", "f", app=APP, account="frank", ap=["127.0.0.1", nodes[1].legacy_port])
        assert sdk.expect("f", "msg")["msg"] == "kept across nodes"
        sdk.do("login", "a2", app=APP, account="alice", ap=["127.0.0.1", nodes[1].legacy_port])
        sdk.expect("a2", "login_success")
        sdk.do("send", "b", to="alice", msg="to the newest", tag="z")
        assert sdk.expect("a2", "msg")["msg"] == "to the newest"
    finally:
        sdk.close()
        for n in nodes:
            n.close()


def test_wire_client_and_agorasigsdk_drop_in(sdk: PySdk, core: net.NetworkCore) -> None:
    """The real SDK over the wire and sig2rtm's drop-in ``agorasigsdk`` on the same node."""
    import agorasigsdk

    recorder = Recorder()
    world = ShimWorld(APP, core=core)

    class Login(agorasigsdk.LoginSession.LoginCallback):
        def on_login_success(self, session: Any, uid: int) -> None:
            recorder.add("dave", "on_login_success", (uid,))

        def on_msg_instant_received(self, session: Any, account: str, uid: int, msg: str) -> None:
            recorder.add("dave", "on_msg_instant_received", (account, msg))

    class Room(agorasigsdk.Channel.ChannelCallback):
        def on_channel_joined(self, login_session: Any, channel: Any) -> None:
            recorder.add("dave", "on_channel_joined", ())

        def on_msg_channel_received(
            self, login_session: Any, channel: Any, account: str, uid: int, msg: str
        ) -> None:
            recorder.add("dave", "on_msg_channel_received", (account, msg))

    signal = agorasigsdk.AgoraSignal(APP, native_factory=world.createAgoraSDKInstance)
    dave = signal.login("dave", "_no_need_token", Login())
    wait_until(lambda: recorder.of("dave", "on_login_success"), 10, "dave logged in")
    sdk.do("login", "a", app=APP, account="alice")
    sdk.expect("a", "login_success")
    sdk.do("send", "a", to="dave", msg="real to drop-in", tag="1")
    wait_until(lambda: recorder.of("dave", "on_msg_instant_received"), 10, "dave got it")
    assert recorder.of("dave", "on_msg_instant_received") == [("alice", "real to drop-in")]
    dave.msg_instant_send("alice", "drop-in to real", None)
    assert sdk.expect("a", "msg")["msg"] == "drop-in to real"
    dave.channel_join("shared", Room())
    wait_until(lambda: recorder.of("dave", "on_channel_joined"), 10, "dave joined")
    sdk.do("join", "a", channel="shared")
    assert sorted(sdk.expect("a", "user_list")["users"]) == ["alice", "dave"]
    sdk.do("chansend", "a", msg="hello dave")
    wait_until(lambda: recorder.of("dave", "on_msg_channel_received"), 10, "dave heard it")
    assert recorder.of("dave", "on_msg_channel_received") == [("alice", "hello dave")]
    dave.logout()
