"""The legacy Signaling shim, unchanged, over the gateway (one node, and two Redis nodes):
the same legacy callbacks as embedded, and onReconnecting/onReconnected around a drop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.signaling import ShimWorld
from legacy_signaling.callback import RecordingCallBack
from rtm import net
from tests.rtm.netkit import APP, GatewayThread, RedisServer, wait_until


@pytest.fixture(params=["gateway", "redis"])
def cores(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[list[net.NetworkCore]]:  # noqa: E501
    if request.param == "gateway":
        gateways = [GatewayThread(node_id="solo", rates="unlimited")]
    else:
        redis_server.flush()
        gateways = [
            GatewayThread(backend=redis_server.url, node_id=n, rates="unlimited")
            for n in ("na", "nb")
        ]
    made = [net.connect_core(g.url, ping_interval=1.0, ping_timeout=1.0) for g in gateways]
    yield made
    for core in made:
        core.close()
    for gateway in gateways:
        gateway.stop()


def test_legacy_app_over_the_gateway(cores: list[net.NetworkCore]) -> None:
    worlds = [ShimWorld(APP, core=core) for core in cores]
    apis, recs = {}, {}
    for i, name in enumerate(("alice", "bob")):
        api = worlds[i % len(worlds)].createAgoraSDKInstance(APP)
        rec = RecordingCallBack()
        api.callbackSet(rec)
        api.login(APP, name, "_no_need_token", 0, "")
        apis[name], recs[name] = api, rec
    wait_until(lambda: all("onLoginSuccess" in r.names() for r in recs.values()))

    apis["alice"].messageInstantSend("bob", 0, "hi bob", "m1")
    wait_until(lambda: ("onMessageInstantReceive", ("alice", 0, "hi bob")) in recs["bob"].trace)
    wait_until(lambda: ("onMessageSendSuccess", ("m1",)) in recs["alice"].trace)

    apis["alice"].channelJoin("lobby")
    wait_until(lambda: ("onChannelJoined", ("lobby",)) in recs["alice"].trace)
    apis["bob"].channelJoin("lobby")
    wait_until(lambda: "onChannelUserJoined" in recs["alice"].names())
    apis["bob"].messageChannelSend("lobby", "hello all", "c1")
    wait_until(lambda: any(
        n == "onMessageChannelReceive" and a[:2] == ("lobby", "bob") and a[-1] == "hello all"
        for n, a in recs["alice"].trace
    ))  # fmt: skip

    transport = apis["alice"].binding.client._transport
    assert isinstance(transport, net.WsTransport) and transport._ws is not None
    transport._core.loop.call_soon_threadsafe(transport._ws.transport.abort)
    wait_until(lambda: "onReconnected" in recs["alice"].names(), 10, "legacy onReconnected")
    names = recs["alice"].names()
    assert names.index("onReconnecting") < names.index("onReconnected")
    apis["bob"].messageInstantSend("alice", 0, "after the drop", "m2")
    wait_until(lambda: ("onMessageInstantReceive", ("bob", 0, "after the drop")) in recs["alice"].trace)  # noqa: E501
