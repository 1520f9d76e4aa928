"""RTS engines and the business server, on real threads and real sockets: messages to the
business server (the core posts the webhook to a real local HTTP server) and the business
server's messages to engines (the Python API embedded, the HTTP API of a gateway node)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import rtm
from adapters.rts import UserMessageSendResult, createRTS
from adapters.rts.engine import RTSEngineBase
from adapters.rts.server import BusinessServer
from rtm import net
from rtm.service.webhook import WebhookConfig
from tests.adapters.rts.kit import RTS_APP, EngineHandler, RoomHandler
from tests.rtm.bizserver import BusinessHttpServer, refused_url
from tests.rtm.kit import Trace
from tests.rtm.netkit import GatewayThread, wait_until

KEY = "rts-key"
BIZ = "biz-server"
U = UserMessageSendResult


class Site:
    """RTS engines on a threaded core — embedded, or a gateway node with its HTTP API — and
    the app's business server sending to them."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.trace = Trace()
        self.engines: list[RTSEngineBase] = []
        self.gateway: GatewayThread | None = None
        self.core: Any
        if kind == "embedded":
            self.core = rtm.EmbeddedCore(config=rtm.ServiceConfig(webhook=WebhookConfig(2.0)))
            # The business server uses the vendor ID, as with the vendor (the core maps it).
            self.sender = BusinessServer(self.core, RTS_APP)
        else:
            self.gateway = GatewayThread(
                node_id="solo", http_port=0, server_api_key={RTS_APP: KEY},
                webhook_timeout=2.0,
            )  # fmt: skip
            self.core = net.connect_core(self.gateway.url, ping_interval=1.0, ping_timeout=1.0)
            port = self.gateway.gateway.api_port
            self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False)

    def engine(self, name: str, parameters: Any = None) -> RTSEngineBase:
        engine = createRTS(RTS_APP, EngineHandler(self.trace, name), parameters, core=self.core)
        self.engines.append(engine)
        assert engine.login("token", name) == 0
        self.wait(name, "onLoginResult")
        return engine

    def room(self, engine: RTSEngineBase, room_id: str, who: str) -> Any:
        room = engine.createRoom(room_id)
        room.setRTSRoomEventHandler(RoomHandler(self.trace, who))
        assert room.joinRoom() == 0
        self.wait(who, "onRoomStateChanged")
        return room

    def wait(self, who: str, name: str, count: int = 1) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = wait_until(
            lambda: (found := self.trace.args(who, name)) and len(found) >= count and found,
            10,
            f"{who}.{name} x{count}",
        )
        return found

    def send(self, action: str, message: str | bytes, **fields: Any) -> None:
        """One business-server action, by the Python API (embedded) or over HTTP."""
        if self.kind == "embedded":
            method = {
                "SendUnicast": lambda: self.sender.send_unicast(BIZ, fields["To"], message),
                "SendRoomUnicast": lambda: self.sender.send_room_unicast(
                    fields["RoomId"], BIZ, fields["To"], message
                ),
                "BatchSendRoomUnicast": lambda: self.sender.batch_send_room_unicast(
                    fields["RoomId"], BIZ, fields["To"], message
                ),
                "SendBroadcast": lambda: self.sender.send_broadcast(fields["RoomId"], BIZ, message),
            }[action]
            method()  # type: ignore[no-untyped-call]
            return
        binary = isinstance(message, bytes)
        text = base64.b64encode(message).decode() if isinstance(message, bytes) else message
        body = {"AppId": RTS_APP, "From": BIZ, "Binary": binary, "Message": text, **fields}
        response = self.http.post(
            "/",
            params={"Action": action, "Version": "2023-07-20"},
            content=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {KEY}"},
        )
        assert response.status_code == 200, response.text
        assert "Error" not in response.json()["ResponseMetadata"]

    def close(self) -> None:
        for engine in self.engines:
            engine.destroyRTS()
        self.core.close()
        if self.gateway is not None:
            self.http.close()
            self.gateway.stop()


@pytest.fixture(params=["embedded", "gateway"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    s = Site(str(request.param))
    yield s
    s.close()
    assert not s.trace.violations, s.trace.violations


@pytest.fixture
def biz() -> Iterator[BusinessHttpServer]:
    server = BusinessHttpServer()
    yield server
    server.close()


def test_messages_to_the_business_server(site: Site, biz: BusinessHttpServer) -> None:
    alice = site.engine("alice")
    assert alice.setServerParams("signed-by-alice", biz.url()) == 0
    site.wait("alice", "onServerParamsSetResult")
    text = alice.sendServerMessage("order 1")
    binary = alice.sendServerBinaryMessage(b"\x00\xff")
    results = site.wait("alice", "onServerMessageSendResult", 2)
    # The core posts concurrently: the two may arrive in either order.
    posts = biz.requests("/ack")
    (text_post,) = [p for p in posts if not p.json()["binary"]]
    (binary_post,) = [p for p in posts if p.json()["binary"]]
    assert text_post.json() == {
        "message": "order 1",
        "binary": False,
        "signature": "signed-by-alice",
    }
    assert binary_post.json() == {
        "message": base64.b64encode(b"\x00\xff").decode(),
        "binary": True,
        "signature": "signed-by-alice",
    }
    assert sorted(results) == [
        (text, 0, b"ack:" + text_post.body),
        (binary, 0, b"ack:" + binary_post.body),
    ]
    alice.setServerParams("sig", biz.url("/status/500"))
    site.wait("alice", "onServerParamsSetResult", 2)
    refused_status = alice.sendServerMessage("x")
    alice.setServerParams("sig", refused_url())
    site.wait("alice", "onServerParamsSetResult", 3)
    unreachable = alice.sendServerMessage("x")
    outcomes = {m: (e, a) for m, e, a in site.wait("alice", "onServerMessageSendResult", 4)}
    assert outcomes[refused_status] == (U.USER_MESSAGE_SEND_RESULT_E2BS_RETURN_FAILED, b"")
    assert outcomes[unreachable] == (U.USER_MESSAGE_SEND_RESULT_E2BS_SEND_FAILED, b"")


def test_the_business_server_reaches_engines_outside_rooms(site: Site) -> None:
    site.engine("alice")
    site.engine("rtc-style", {"sig2rtm.rtc_naming": True})
    site.send("SendUnicast", "hello alice", To="alice")
    site.send("SendUnicast", b"\x01\x02", To="alice")
    site.send("SendUnicast", "hello rtc", To="rtc-style")
    site.send("SendUnicast", b"\x03", To="rtc-style")
    assert site.wait("alice", "onMessageReceived") == [(BIZ, "hello alice")]
    assert site.wait("alice", "onBinaryMessageReceived") == [(BIZ, 2, b"\x01\x02")]
    assert site.wait("rtc-style", "onUserMessageReceivedOutsideRoom") == [(BIZ, "hello rtc")]
    assert site.wait("rtc-style", "onUserBinaryMessageReceivedOutsideRoom") == [(BIZ, 1, b"\x03")]
    assert site.trace.args("rtc-style", "onMessageReceived") == []


def test_the_business_server_reaches_engines_in_rooms(site: Site) -> None:
    alice, bob = site.engine("alice"), site.engine("bob")
    site.room(alice, "stage", "alice/stage")
    site.room(bob, "stage", "bob/stage")
    site.send("SendRoomUnicast", "only alice", RoomId="stage", To="alice")
    site.send("SendRoomUnicast", b"\x07", RoomId="stage", To="bob")
    site.send("BatchSendRoomUnicast", "both", RoomId="stage", To=["alice", "bob"])
    site.send("SendBroadcast", "everyone", RoomId="stage")
    site.send("SendBroadcast", b"\x08\x09", RoomId="stage")
    assert site.wait("alice/stage", "onUserMessageReceived", 2) == [
        (BIZ, "only alice"),
        (BIZ, "both"),
    ]
    assert site.wait("bob/stage", "onUserBinaryMessageReceived") == [(BIZ, 1, b"\x07")]
    assert site.wait("bob/stage", "onUserMessageReceived") == [(BIZ, "both")]
    for who in ("alice/stage", "bob/stage"):
        assert site.wait(who, "onRoomMessageReceived") == [(BIZ, "everyone")]
        assert site.wait(who, "onRoomBinaryMessageReceived") == [(BIZ, 2, b"\x08\x09")]
    # in-room messages are the room's, not the engine's
    assert site.trace.args("alice", "onMessageReceived") == []
