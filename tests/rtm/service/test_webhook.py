"""Clients' messages to their business server, against a real HTTP server on 127.0.0.1.

Embedded (the core's own webhook thread) and through a gateway (POSTs from its loop), with
``RtmClient.sendMessageToServer``: the ACK, non-200, timeout, connection refused, and a
business server that hangs while other traffic (peer messages, other webhooks) flows.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import rtm
from rtm import ServiceConfig, net
from rtm.enums import SERVER_MESSAGE_ERR as E
from rtm.service.webhook import HttpSink, WebhookConfig
from tests.rtm.bizserver import BusinessHttpServer, refused_url
from tests.rtm.netkit import APP, GatewayThread, Recorder, wait_until

#: Short enough for the timeout test, long enough for a loaded machine's round trips.
TIMEOUT = 1.5


class Results:
    """``sendMessageToServer`` callbacks, in arrival order (they come on another thread)."""

    def __init__(self) -> None:
        self.got: list[tuple[str, int, bytes]] = []
        self._lock = threading.Lock()

    def cb(self, label: str) -> Callable[[int, bytes], None]:
        def done(code: int, ack: bytes) -> None:
            with self._lock:
                self.got.append((label, code, ack))

        return done

    def of(self, label: str) -> list[tuple[int, bytes]]:
        with self._lock:
            return [(code, ack) for got, code, ack in self.got if got == label]

    def labels(self) -> list[str]:
        with self._lock:
            return [label for label, _, _ in self.got]


class Site:
    """Clients on one core: embedded, or a network core on a gateway node."""

    def __init__(self, kind: str, timeout: float) -> None:
        self.gateway: GatewayThread | None = None
        self.core: Any
        if kind == "embedded":
            self.core = rtm.EmbeddedCore(config=ServiceConfig(webhook=WebhookConfig(timeout)))
        else:
            self.gateway = GatewayThread(node_id="solo", webhook_timeout=timeout)
            self.core = net.connect_core(self.gateway.url, ping_interval=1.0, ping_timeout=1.0)
        self.recorder = Recorder()
        self.clients: list[rtm.RtmClient] = []

    def login(self, name: str) -> rtm.RtmClient:
        client = rtm.createRtmService(self.core)
        assert client.initialize(APP, self.recorder.handler(name)) == 0
        self.clients.append(client)
        assert client.login(None, name) == 0
        wait_until(lambda: self.recorder.of(name, "onLoginSuccess"), 5, f"{name} logged in")
        return client

    def close(self) -> None:
        for client in self.clients:
            client.release()
        self.core.close()
        if self.gateway is not None:
            self.gateway.stop()


@pytest.fixture
def biz() -> Iterator[BusinessHttpServer]:
    server = BusinessHttpServer()
    yield server
    server.close()


@pytest.fixture(params=["embedded", "gateway"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    s = Site(str(request.param), TIMEOUT)
    yield s
    s.close()


def test_ack_is_the_response_body_and_the_post_is_the_documented_json(
    site: Site, biz: BusinessHttpServer
) -> None:
    alice, results = site.login("alice"), Results()
    message = alice.createMessage("hello business")
    assert alice.sendMessageToServer(message, biz.url(), "sig-1", results.cb("text")) == 0
    raw = alice.createMessage(b"\x00\xffbin", "desc")
    assert alice.sendMessageToServer(raw, biz.url(), "sig-2", results.cb("raw")) == 0
    wait_until(lambda: results.of("text") and results.of("raw"), 10, "both results")
    # Two posts in flight at once may arrive in either order: matched by their signature.
    by_signature = {post.json()["signature"]: post for post in biz.requests("/ack")}
    text_post, raw_post = by_signature["sig-1"], by_signature["sig-2"]
    assert text_post.json() == {"message": "hello business", "binary": False, "signature": "sig-1"}
    assert raw_post.json() == {
        "message": base64.b64encode(b"\x00\xffbin").decode(),
        "binary": True,
        "signature": "sig-2",
    }
    # The vendor's webhook carries no JSON content type; sig2rtm says who sent it instead.
    assert "content-type" not in text_post.headers
    assert text_post.headers["x-sig2rtm-user-id"] == "alice"
    assert text_post.headers["x-sig2rtm-app-id"] == APP
    assert results.of("text") == [(E.OK, b"ack:" + text_post.body)]
    assert results.of("raw") == [(E.OK, b"ack:" + raw_post.body)]


def test_non_200_is_return_failed(site: Site, biz: BusinessHttpServer) -> None:
    alice, results = site.login("alice"), Results()
    for status in (500, 404, 204):
        message = alice.createMessage(f"s{status}")
        alice.sendMessageToServer(message, biz.url(f"/status/{status}"), "s", results.cb("x"))
    wait_until(lambda: len(results.of("x")) == 3, 10, "three results")
    assert results.of("x") == [(E.RETURN_FAILED, b"")] * 3
    assert len(biz.requests()) == 3  # each posted once: no retries


def test_no_answer_within_the_timeout_is_send_failed(site: Site, biz: BusinessHttpServer) -> None:
    alice, results = site.login("alice"), Results()
    alice.sendMessageToServer(alice.createMessage("hm"), biz.url("/hold"), "s", results.cb("x"))
    wait_until(lambda: results.of("x"), 10 + TIMEOUT, "the timeout")
    assert results.of("x") == [(E.SEND_FAILED, b"")]
    assert len(biz.requests("/hold")) == 1


def test_connection_refused_is_send_failed(site: Site) -> None:
    alice, results = site.login("alice"), Results()
    alice.sendMessageToServer(alice.createMessage("hm"), refused_url(), "s", results.cb("x"))
    wait_until(lambda: results.of("x"), 10, "the result")
    assert results.of("x") == [(E.SEND_FAILED, b"")]


@pytest.mark.parametrize("kind", ["embedded", "gateway"])
def test_a_hung_business_server_does_not_hold_up_other_traffic(
    kind: str, biz: BusinessHttpServer
) -> None:
    """More held POSTs than one URL's slots: peer messages, and webhooks to another URL,
    still go through; the held ones finish when the server answers."""
    site = Site(kind, 60.0)
    try:
        alice, bob, results = site.login("alice"), site.login("bob"), Results()
        held = WebhookConfig().per_url + 3
        for i in range(held):
            message = alice.createMessage(f"held {i}")
            sent = alice.sendMessageToServer(message, biz.url("/hold"), "s", results.cb("held"))
            assert sent == 0
        wait_until(lambda: len(biz.requests("/hold")) == WebhookConfig().per_url, 10, "slots")
        alice.sendMessageToPeer("bob", alice.createMessage("meanwhile"))
        alice.sendMessageToServer(alice.createMessage("quick"), biz.url(), "s", results.cb("ok"))
        wait_until(lambda: site.recorder.texts("bob") and results.of("ok"), 10, "other traffic")
        assert results.of("ok")[0][0] == E.OK
        assert results.of("held") == []  # still waiting on the hung server
        assert site.recorder.texts("bob") == ["meanwhile"]
        biz.release()
        wait_until(lambda: len(results.of("held")) == held, 20, "held results")
        assert results.of("held") == [(E.OK, b"late")] * held
        assert len(biz.requests("/hold")) == held
        del bob
    finally:
        site.close()


def test_immediate_errors_return_the_code_and_call_back_once(biz: BusinessHttpServer) -> None:
    site = Site("embedded", TIMEOUT)
    try:
        results = Results()
        client = rtm.createRtmService(site.core)
        client.initialize(APP, site.recorder.handler("carol"))
        site.clients.append(client)
        message = client.createMessage("x")
        assert client.sendMessageToServer(message, biz.url(), "s", results.cb("out")) == 102
        client.login(None, "carol")
        wait_until(lambda: site.recorder.of("carol", "onLoginSuccess"))
        for url in ("", "ftp://127.0.0.1/x", "http://", "not a url"):
            assert client.sendMessageToServer(message, url, "s", results.cb("url")) == 106
        big = client.createMessage("x" * (64 * 1024 + 1))
        assert client.sendMessageToServer(big, biz.url(), "s", results.cb("big")) == 7
        wait_until(lambda: len(results.got) == 6)
        assert results.of("out") == [(E.NOT_LOGGED_IN, b"")]
        assert results.of("url") == [(E.INVALID_URL, b"")] * 4
        assert results.of("big") == [(E.INVALID_MESSAGE, b"")]
        assert biz.requests() == []
    finally:
        site.close()


def test_a_core_without_a_webhook_client_answers_unavailable(
    biz: BusinessHttpServer, caplog: pytest.LogCaptureFixture
) -> None:
    site = Site("embedded", TIMEOUT)
    try:
        site.core.service.webhooks.attach(None)
        alice, results = site.login("alice"), Results()
        alice.sendMessageToServer(alice.createMessage("x"), biz.url(), "s", results.cb("x"))
        alice.sendMessageToServer(alice.createMessage("y"), biz.url(), "s", results.cb("x"))
        wait_until(lambda: len(results.of("x")) == 2)
        assert results.of("x") == [(E.UNAVAILABLE, b"")] * 2
        warnings = [r.getMessage() for r in caplog.records if "'rts' extra" in r.getMessage()]
        assert len(warnings) == 1  # one line, naming the extra
        assert biz.requests() == []
    finally:
        site.close()


def test_the_http_sink_exists_when_httpx_is_installed() -> None:
    assert HttpSink.create() is not None


def test_without_httpx_there_is_no_sink(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 'rts' extra missing: no sink, so the service answers UNAVAILABLE (above)."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "httpx" else real(name, *a)
    )
    assert HttpSink.create() is None
