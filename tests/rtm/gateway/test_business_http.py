"""The business servers' HTTP API over real HTTP on 127.0.0.1: every action, every refusal
in the vendor's envelope with nothing sent, across two nodes on Redis, and its OpenAPI."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import rtm
from rtm import net
from rtm.gateway.business_http import MAX_BODY_BYTES
from tests.rtm.netkit import APP, GatewayThread, Recorder, RedisServer, wait_until

KEY = "s3cret-key"
OTHER_APP, OTHER_KEY = "fedcba9876543210fedcba9876543210", "other-key"
BIZ = "biz-server"
DOC = Path(__file__).resolve().parents[3] / "docs" / "business-server-openapi.json"


class Site:
    """Gateway node(s) with the API on the first; clients on the last."""

    def __init__(self, redis_url: str | None = None) -> None:
        keys = {APP: KEY, OTHER_APP: OTHER_KEY}
        if redis_url is None:
            self.gateways = [GatewayThread(node_id="solo", http_port=0, server_api_key=keys)]
        else:
            self.gateways = [
                GatewayThread(backend=redis_url, node_id="na", heartbeat=0.2, http_port=0,
                              server_api_key=keys),
                GatewayThread(backend=redis_url, node_id="nb", heartbeat=0.2),
            ]  # fmt: skip
        port = self.gateways[0].gateway.api_port
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False)
        self.core = net.connect_core(self.gateways[-1].url, ping_interval=1.0, ping_timeout=1.0)
        self.recorder = Recorder()
        self.clients: list[rtm.RtmClient] = []

    def login(self, name: str, room: str = "") -> rtm.RtmClient:
        client = rtm.createRtmService(self.core)
        assert client.initialize(APP, self.recorder.handler(name)) == 0
        self.clients.append(client)
        client.login(None, name)
        wait_until(lambda: self.recorder.of(name, "onLoginSuccess"), 5, f"{name} logged in")
        if room:
            tag = f"{name}/{room}"
            channel = client.createChannel(
                room, self.recorder.handler(tag, rtm.IChannelEventHandler)
            )
            assert channel is not None
            channel.join()
            wait_until(lambda: self.recorder.of(tag, "onJoinSuccess"), 5, f"{tag} joined")
        return client

    def post(
        self, action: str, body: Any, *, version: str = "2023-07-20", key: str | None = KEY,
        raw: bytes | None = None,
    ) -> tuple[int, dict[str, Any]]:  # fmt: skip
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        content = raw if raw is not None else json.dumps(body).encode()
        response = self.http.post(
            "/", params={"Action": action, "Version": version}, content=content, headers=headers
        )
        return response.status_code, response.json()

    def close(self) -> None:
        for client in self.clients:
            client.release()
        self.core.close()
        self.http.close()
        for gateway in self.gateways:
            gateway.stop()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


def unicast(to: str = "alice", message: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"AppId": APP, "From": BIZ, "To": to, "Binary": False, "Message": message, **extra}


def error_of(status_body: tuple[int, dict[str, Any]]) -> tuple[int, str]:
    status, body = status_body
    meta = body["ResponseMetadata"]
    assert "Result" not in body and set(meta["Error"]) == {"Code", "Message"}
    assert meta["Error"]["Message"]
    return status, meta["Error"]["Code"]


def test_each_action_over_http(site: Site) -> None:
    site.login("alice", room="r1")
    site.login("bob", room="r1")
    status, body = site.post("SendUnicast", unicast())
    assert status == 200
    meta = body["ResponseMetadata"]
    assert (meta["Action"], meta["Version"], meta["Service"]) == (
        "SendUnicast",
        "2023-07-20",
        "rtc",
    )
    assert "Error" not in meta and body["Result"] == {"Message": "success", "Delivered": 1}
    b64 = base64.b64encode(b"\x00\x01").decode()
    room_unicast = unicast("bob", b64, RoomId="r1", Binary=True)
    assert site.post("SendRoomUnicast", room_unicast)[0] == 200
    batch = unicast(["alice", "bob", "zed"], "batch", RoomId="r1")  # type: ignore[arg-type]
    status, body = site.post("BatchSendRoomUnicast", batch, version="2020-12-01")
    assert status == 200
    assert body["Result"] == {"message": "success", "Delivered": 2, "NotInRoom": ["zed"]}
    broadcast = {"AppId": APP, "RoomId": "r1", "From": BIZ, "Binary": False, "Message": "all"}
    assert site.post("SendBroadcast", broadcast)[1]["Result"]["Delivered"] == 2
    rec = site.recorder
    wait_until(lambda: len(rec.of("alice", "onMessageReceivedFromPeer")) == 2)
    wait_until(lambda: len(rec.of("bob", "onMessageReceivedFromPeer")) == 2)
    wait_until(
        lambda: rec.of("alice/r1", "onMessageReceived") and rec.of("bob/r1", "onMessageReceived")
    )
    alice = [
        (s, m.text, m.getServerRoomId()) for s, m in rec.of("alice", "onMessageReceivedFromPeer")
    ]
    assert alice == [(BIZ, "hi", ""), (BIZ, "batch", "r1")]
    (_, raw), (_, text) = rec.of("bob", "onMessageReceivedFromPeer")
    assert (raw.getRawMessage(), raw.getServerRoomId(), text.text) == (b"\x00\x01", "r1", "batch")
    ((sender, message),) = rec.of("bob/r1", "onMessageReceived")
    assert (sender, message.text, message.isFromServer()) == (BIZ, "all", True)


def test_refusals_are_the_vendors_envelope_and_send_nothing(site: Site) -> None:
    site.login("alice", room="r1")
    many = unicast([f"u{i}" for i in range(601)], RoomId="r1")  # type: ignore[arg-type]
    cases: list[tuple[tuple[int, dict[str, Any]], tuple[int, str]]] = [
        (site.post("SendUnicast", None, raw=b"{not json"), (400, "InvalidParameter")),
        (site.post("SendUnicast", None, raw=b"[1, 2]"), (400, "InvalidParameter")),
        (site.post("SendUnicast", {"AppId": APP, "From": BIZ}), (400, "MissingParameter")),
        (site.post("SendRoomUnicast", unicast()), (400, "MissingParameter")),
        (site.post("SendUnicast", unicast(message="x" * 65537)), (413, "MessageTooLarge")),
        (site.post("SendUnicast", None, raw=b" " * (MAX_BODY_BYTES + 1)), (413, "RequestTooLarge")),
        (site.post("BatchSendRoomUnicast", many), (400, "TooManyRecipients")),
        (site.post("SendUnicast", unicast(), key=None), (401, "MissingAuthorization")),
        (site.post("SendUnicast", unicast(), key="wrong"), (401, "InvalidAuthorization")),
        (site.post("SendUnicast", unicast(), key=OTHER_KEY), (401, "InvalidAuthorization")),
        (site.post("SendMulticast", unicast()), (400, "InvalidActionOrVersion")),
        (site.post("SendUnicast", unicast(), version="2019-1-1"), (400, "InvalidActionOrVersion")),
        (site.post("SendUnicast", unicast(From="bad from!")), (400, "InvalidParameter")),
        (site.post("SendUnicast", unicast(Binary="yes")), (400, "InvalidParameter")),
        (site.post("SendUnicast", unicast(AppId=5)), (400, "InvalidParameter")),
        (site.post("SendUnicast", unicast(AppId=OTHER_APP)), (401, "InvalidAuthorization")),
        (site.post("SendUnicast", unicast("nobody")), (404, "UserNotOnline")),
    ]  # fmt: skip
    for got, expected in cases:
        assert error_of(got) == expected, got
    response = site.http.post("/", params={"Version": "2023-07-20"}, content=b"{}")
    assert error_of((response.status_code, response.json())) == (400, "MissingParameter")
    assert site.post("SendUnicast", unicast(message="the only one"))[0] == 200
    wait_until(lambda: site.recorder.texts("alice"))
    assert site.recorder.texts("alice") == ["the only one"]


def test_across_two_nodes_on_redis(redis_server: RedisServer) -> None:
    redis_server.flush()
    site = Site(redis_server.url)
    try:
        site.login("alice", room="r9")  # on node b; the API is on node a
        assert site.post("SendUnicast", unicast())[0] == 200
        broadcast = {"AppId": APP, "RoomId": "r9", "From": BIZ, "Binary": False, "Message": "b"}
        assert site.post("SendBroadcast", broadcast)[0] == 200
        wait_until(
            lambda: (
                site.recorder.texts("alice") and site.recorder.of("alice/r9", "onMessageReceived")
            )
        )
        ((sender, message),) = site.recorder.of("alice", "onMessageReceivedFromPeer")
        assert (sender, message.text, message.isFromServer()) == (BIZ, "hi", True)
        ((sender, message),) = site.recorder.of("alice/r9", "onMessageReceived")
        assert (sender, message.text, message.isFromServer()) == (BIZ, "b", True)
    finally:
        site.close()


def test_openapi_is_served_and_the_docs_copy_is_current(site: Site) -> None:
    served = site.http.get("/openapi.json").json()
    assert json.loads(DOC.read_text(encoding="utf-8")) == served, (
        "docs/business-server-openapi.json is stale: regenerate it "
        "(python -m rtm.gateway.business_http > docs/business-server-openapi.json)"
    )
    schemas = served["components"]["schemas"]
    assert {"SendUnicastBody", "BatchSendRoomUnicastBody", "Envelope"} <= set(schemas)
    assert schemas["BatchSendRoomUnicastBody"]["properties"]["To"]["maxItems"] == 600


def test_the_same_endpoints_reach_legacy_signaling_users(site: Site) -> None:
    """A legacy Signaling app (the shim, over the gateway) gets a unicast as an instant
    message and a broadcast as a channel message, from ``From``."""
    from adapters.signaling import ShimWorld
    from legacy_signaling.callback import RecordingCallBack

    api, rec = ShimWorld(APP, core=site.core).createAgoraSDKInstance(APP), RecordingCallBack()
    api.callbackSet(rec)
    api.login(APP, "lena", "_no_need_token", 0, "")
    wait_until(lambda: "onLoginSuccess" in rec.names())
    api.channelJoin("lobby")
    wait_until(lambda: ("onChannelJoined", ("lobby",)) in rec.trace)
    assert site.post("SendUnicast", unicast("lena", "psst"))[0] == 200
    broadcast = {"AppId": APP, "RoomId": "lobby", "From": BIZ, "Binary": False, "Message": "all"}
    assert site.post("SendBroadcast", broadcast)[1]["Result"]["Delivered"] == 1
    wait_until(lambda: ("onMessageInstantReceive", (BIZ, 0, "psst")) in rec.trace)
    wait_until(lambda: "onMessageChannelReceive" in rec.names())
    ((channel, account, _uid, text),) = [a for n, a in rec.trace if n == "onMessageChannelReceive"]
    assert (channel, account, text) == ("lobby", BIZ, "all")
    api.logout()


def test_over_the_apps_rate_is_429_and_nothing_sent() -> None:
    """The API with a rate of one message (no refill to speak of): the second is refused."""
    import asyncio

    from rtm.gateway.business_http import ApiServer, create_app
    from rtm.service.business import AppRate, BusinessActions

    node = GatewayThread(node_id="rate")
    gateway = node.gateway
    actions = BusinessActions(gateway.service, AppRate(1e-9, burst=1))
    api = ApiServer(create_app(actions, {APP: KEY}, lambda: gateway.scheduler), "127.0.0.1", 0)
    asyncio.run_coroutine_threadsafe(api.start(), node.loop).result(10)
    core = net.connect_core(node.url, ping_interval=1.0, ping_timeout=1.0)
    try:
        recorder = Recorder()
        client = rtm.createRtmService(core)
        client.initialize(APP, recorder.handler("alice"))
        client.login(None, "alice")
        wait_until(lambda: recorder.of("alice", "onLoginSuccess"))
        with httpx.Client(base_url=f"http://127.0.0.1:{api.port}", trust_env=False) as http:
            query = {"Action": "SendUnicast", "Version": "2023-07-20"}
            auth = {"Authorization": f"Bearer {KEY}"}
            first = http.post("/", params=query, json=unicast(message="1"), headers=auth)
            second = http.post("/", params=query, json=unicast(message="2"), headers=auth)
        assert first.status_code == 200
        assert error_of((second.status_code, second.json())) == (429, "FlowLimitExceeded")
        wait_until(lambda: recorder.texts("alice"))
        assert recorder.texts("alice") == ["1"]
        client.release()
    finally:
        core.close()
        asyncio.run_coroutine_threadsafe(api.stop(), node.loop).result(10)
        node.stop()
