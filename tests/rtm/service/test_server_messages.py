"""Admission, slots, queue and deadlines of webhooks, on virtual time with a scripted sink.

The sink here records each POST and the test decides its outcome; the real HTTP client is
tested against a real server in test_webhook.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rtm import EmbeddedCore, ServiceConfig
from rtm import protocol as p
from rtm.enums import SERVER_MESSAGE_ERR as E
from rtm.service.webhook import (
    MAX_ACK_BYTES,
    WebhookConfig,
    WebhookOutcome,
    WebhookRequest,
    outcome_code,
)

APP = "0123456789abcdef0123456789abcdef"
A, B = "http://127.0.0.1:1/a", "http://127.0.0.1:1/b"


class ScriptedSink:
    def __init__(self) -> None:
        self.posts: list[tuple[WebhookRequest, Callable[[WebhookOutcome], None]]] = []

    def post(self, request: WebhookRequest, done: Callable[[WebhookOutcome], None]) -> None:
        self.posts.append((request, done))

    def urls(self) -> list[str]:
        return [request.url for request, _ in self.posts]


class Node:
    def __init__(self, **webhook: float) -> None:
        config = WebhookConfig(**webhook)  # type: ignore[arg-type]
        self.core = EmbeddedCore.deterministic(ServiceConfig(webhook=config))
        self.service = self.core.service
        self.sink = ScriptedSink()
        self.service.webhooks.attach(self.sink)
        self.frames: list[p.ServerFrame] = []
        self.sid = self.service.open_session(self.frames.append)
        self.service.receive(self.sid, p.Login(1, APP, "alice", None))
        self.core.run_until_idle()
        self.frames.clear()
        self.req = 100

    def send(self, url: str = A, text: str = "m") -> int:
        self.req += 1
        self.service.receive(self.sid, p.SendServer(self.req, p.Payload(1, text), url, "sig"))
        self.core.run_until_idle()
        return self.req

    def result(self, req: int) -> p.Result | None:
        found = [f for f in self.frames if isinstance(f, p.Result) and f.req == req]
        assert len(found) <= 1, found
        return found[0] if found else None

    def finish(self, index: int, outcome: WebhookOutcome) -> None:
        self.sink.posts[index][1](outcome)
        self.core.run_until_idle()


def test_outcomes_map_to_codes() -> None:
    assert outcome_code(WebhookOutcome(200, b"ok")) == (E.OK, b"ok", "")
    assert outcome_code(WebhookOutcome(201, b"ok"))[:2] == (E.RETURN_FAILED, b"")
    assert outcome_code(WebhookOutcome(500))[0] == E.RETURN_FAILED
    assert outcome_code(WebhookOutcome(200, b"x" * MAX_ACK_BYTES))[0] == E.OK
    assert outcome_code(WebhookOutcome(200, b"x", truncated=True))[0] == E.RETURN_FAILED
    assert outcome_code(WebhookOutcome(None, error="refused"))[:2] == (E.SEND_FAILED, b"")


def test_a_url_gets_at_most_its_slots_and_the_rest_wait_in_order() -> None:
    node = Node(per_url=2, per_app=3)
    reqs = [node.send(A) for _ in range(4)]
    assert node.sink.urls() == [A, A]
    other = node.send(B)  # another URL of the app is not held up behind A's queue
    assert node.sink.urls() == [A, A, B]
    node.finish(2, WebhookOutcome(200, b"b"))
    assert node.result(other) == p.Result(other, E.OK, b"b")
    node.finish(0, WebhookOutcome(200, b"first"))
    assert node.result(reqs[0]) == p.Result(reqs[0], E.OK, b"first")
    assert node.sink.urls() == [A, A, B, A]  # the oldest waiting one started
    assert node.service.webhooks.in_flight == 2 and node.service.webhooks.queued == 1


def test_a_full_queue_refuses_with_too_often_and_posts_nothing() -> None:
    node = Node(per_url=1, per_app=1, queue=2)
    node.send(A), node.send(A), node.send(A)
    refused = node.send(A)
    result = node.result(refused)
    assert result is not None and result.code == E.TOO_OFTEN
    assert len(node.sink.posts) == 1 and node.service.webhooks.queued == 2


def test_the_deadline_answers_send_failed_queued_or_in_flight_and_late_outcomes_are_dropped() -> (
    None
):
    node = Node(per_url=1, timeout=5.0)
    flying, waiting = node.send(A), node.send(A)
    node.core.advance(4.9)
    assert node.result(flying) is None and node.result(waiting) is None
    node.core.advance(0.2)
    flying_result, waiting_result = node.result(flying), node.result(waiting)
    assert flying_result is not None and flying_result.code == E.SEND_FAILED
    assert waiting_result is not None and waiting_result.code == E.SEND_FAILED
    assert node.service.webhooks.queued == 0
    assert node.sink.posts[0][0].timeout == pytest.approx(5.0)
    node.finish(0, WebhookOutcome(200, b"too late"))  # frees the slot, answers nothing
    assert len([f for f in node.frames if isinstance(f, p.Result)]) == 2
    assert node.service.webhooks.in_flight == 0
    again = node.send(A)
    node.finish(1, WebhookOutcome(200, b"fine"))
    assert node.result(again) == p.Result(again, E.OK, b"fine")


def test_a_sink_that_fails_to_start_a_post_answers_send_failed() -> None:
    node = Node()

    class Broken:
        def post(self, request: WebhookRequest, done: Callable[[WebhookOutcome], None]) -> None:
            raise RuntimeError("no sockets today")

    node.service.webhooks.attach(Broken())
    req = node.send(A)
    result = node.result(req)
    assert result is not None and result.code == E.SEND_FAILED
    assert node.service.webhooks.in_flight == 0


def test_a_client_may_send_20_messages_a_second() -> None:
    node = Node(per_url=100)
    reqs = [node.send(A) for _ in range(21)]
    assert len(node.sink.posts) == 20
    last = node.result(reqs[-1])
    assert last is not None and last.code == E.TOO_OFTEN
    node.core.advance(1.0)
    node.send(A)
    assert len(node.sink.posts) == 21


def test_the_service_checks_url_and_size_itself() -> None:
    """A network client may skip the checks the Python client makes."""
    node = Node()
    bad_url = node.send("gopher://x")
    big = node.send(A, "x" * (64 * 1024 + 1))
    codes = [getattr(node.result(r), "code", None) for r in (bad_url, big)]
    assert codes == [E.INVALID_URL, E.INVALID_MESSAGE]
    assert node.sink.posts == []


def test_not_logged_in_is_102() -> None:
    node = Node()
    sid = node.service.open_session(node.frames.append)
    node.service.receive(sid, p.SendServer(7, p.Payload(1, "x"), A, "s"))
    node.core.run_until_idle()
    assert node.result(7) == p.Result(7, 102, "not logged in")


def test_a_result_for_a_closed_session_is_dropped() -> None:
    node = Node()
    req = node.send(A)
    node.service.close_session(node.sid)
    node.finish(0, WebhookOutcome(200, b"x"))
    assert node.result(req) is None
