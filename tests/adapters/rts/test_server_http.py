"""``adapters.rts.server.HttpBusinessServer``: the same Python calls through a gateway's
HTTP API, for business servers whose users are on gateways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import rtm
from adapters.rts.server import ActionError, HttpBusinessServer, SendResult
from rtm import net
from tests.rtm.bizserver import BusinessHttpServer, refused_url
from tests.rtm.netkit import APP, GatewayThread, Recorder, wait_until

KEY = "py-key"
BIZ = "biz-server"


@pytest.fixture
def node() -> Iterator[GatewayThread]:
    gateway = GatewayThread(node_id="py", http_port=0, server_api_key={APP: KEY})
    yield gateway
    gateway.stop()


def test_the_four_calls_and_a_refusal_over_http(node: GatewayThread) -> None:
    core = net.connect_core(node.url, ping_interval=1.0, ping_timeout=1.0)
    recorder = Recorder()
    client = rtm.createRtmService(core)
    client.initialize(APP, recorder.handler("alice"))
    client.login(None, "alice")
    wait_until(lambda: recorder.of("alice", "onLoginSuccess"))
    channel = client.createChannel("r", recorder.handler("alice/r", rtm.IChannelEventHandler))
    assert channel is not None
    channel.join()
    wait_until(lambda: recorder.of("alice/r", "onJoinSuccess"))
    server = HttpBusinessServer(f"http://127.0.0.1:{node.gateway.api_port}", APP, KEY)
    try:
        assert server.send_unicast(BIZ, "alice", "one") == SendResult(1)
        assert server.send_room_unicast("r", BIZ, "alice", b"\x02") == SendResult(1)
        assert server.batch_send_room_unicast("r", BIZ, ["alice", "bob"], "three") == (
            SendResult(1, ("bob",))
        )
        assert server.send_broadcast("r", BIZ, "four") == SendResult(1)
        with pytest.raises(ActionError) as refused:
            server.send_unicast(BIZ, "bob", "x")
        assert (refused.value.code, refused.value.status) == ("UserNotOnline", 404)
        wait_until(lambda: len(recorder.of("alice", "onMessageReceivedFromPeer")) == 3)
        wait_until(lambda: recorder.of("alice/r", "onMessageReceived"))
        got = [(m.text, m.raw, m.getServerRoomId())
               for _, m in recorder.of("alice", "onMessageReceivedFromPeer")]  # fmt: skip
        assert got == [("one", b"", ""), ("", b"\x02", "r"), ("three", b"", "r")]
    finally:
        server.close()
        client.release()
        core.close()


def test_a_wrong_key_and_a_wrong_address_raise(node: GatewayThread) -> None:
    wrong = HttpBusinessServer(f"http://127.0.0.1:{node.gateway.api_port}", APP, "nope")
    with pytest.raises(ActionError) as refused:
        wrong.send_broadcast("r", BIZ, "x")
    assert (refused.value.code, refused.value.status) == ("InvalidAuthorization", 401)
    wrong.close()
    other = BusinessHttpServer()  # answers 200 with a body that is not the envelope
    not_api = HttpBusinessServer(other.url(""), APP, KEY)
    with pytest.raises(ActionError, match="BadResponse"):
        not_api.send_broadcast("r", BIZ, "x")
    not_api.close()
    other.close()
    nobody = HttpBusinessServer(refused_url(), APP, KEY)
    with pytest.raises(ConnectionError, match="business-server API"):
        nobody.send_broadcast("r", BIZ, "x")
    nobody.close()
