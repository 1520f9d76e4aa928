"""Smoke test on the real ThreadedScheduler: two clients, real threads, real ordering."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from rtm import (
    CONNECTION_STATE,
    EmbeddedCore,
    ErrorInfo,
    IChannelEventHandler,
    IRtmServiceEventHandler,
    ResultCallback,
    RtmChannelListener,
    RtmChannelMember,
    RtmClient,
    RtmClientListener,
    RtmMessage,
    ThreadedScheduler,
    createRtmService,
)

APP = "0123456789abcdef0123456789abcdef"
N = 200


class Box:
    """Thread-safe record of callbacks and the threads they ran on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: list[tuple[str, Any]] = []
        self.threads: set[str] = set()

    def add(self, kind: str, value: Any) -> None:
        with self.lock:
            self.items.append((kind, value))
            self.threads.add(threading.current_thread().name)

    def of(self, kind: str) -> list[Any]:
        with self.lock:
            return [v for k, v in self.items if k == kind]


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for callbacks")
        time.sleep(0.005)


class AliceHandler(IRtmServiceEventHandler):
    def __init__(self, box: Box) -> None:
        self.box = box

    def onLoginSuccess(self) -> None:
        self.box.add("login", None)

    def onMessageReceivedFromPeer(self, peerId: str, message: RtmMessage) -> None:
        if message.text == "b13":
            self.box.add("peer", (peerId, message.text))
            raise RuntimeError("a bug in the app's callback")
        self.box.add("peer", (peerId, message.text))

    def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
        self.box.add("sent", errorCode)


class BobListener(RtmClientListener):
    def __init__(self, box: Box) -> None:
        self.box = box

    def onMessageReceived(self, message: RtmMessage, peerId: str) -> None:
        self.box.add("peer", (peerId, message.text))

    def onConnectionStateChanged(self, state: int, reason: int) -> None:
        self.box.add("state", (state, reason))


class AliceChannel(IChannelEventHandler):
    def __init__(self, box: Box) -> None:
        self.box = box

    def onJoinSuccess(self) -> None:
        self.box.add("joined", None)

    def onMessageReceived(self, userId: str, message: RtmMessage) -> None:
        self.box.add("chan", (userId, message.text))


class BobChannel(RtmChannelListener):
    def __init__(self, box: Box) -> None:
        self.box = box

    def onMessageReceived(self, message: RtmMessage, fromMember: RtmChannelMember) -> None:
        self.box.add("chan", (fromMember.userId, message.text))


def results(box: Box, kind: str) -> ResultCallback[Any]:
    def failed(info: ErrorInfo) -> None:
        box.add(kind, info.errorCode)

    return ResultCallback.of(lambda _value: box.add(kind, 0), failed)


def test_two_clients_on_real_threads(caplog: pytest.LogCaptureFixture) -> None:
    scheduler = ThreadedScheduler(name="smoke")
    core = EmbeddedCore(scheduler)
    a_box, b_box = Box(), Box()
    main = threading.current_thread().name
    try:
        alice = createRtmService(core)
        assert alice.initialize(APP, AliceHandler(a_box)) == 0
        bob = RtmClient.createInstance(APP, BobListener(b_box), core=core)
        assert alice.login(None, "alice") == 0
        assert bob.login(None, "bob", results(b_box, "login")) == 0
        wait_until(lambda: a_box.of("login") == [None] and b_box.of("login") == [0])
        assert alice.connectionState is CONNECTION_STATE.CONNECTION_STATE_CONNECTED
        assert b_box.of("state") == [(2, 1), (3, 2)]

        with caplog.at_level(logging.ERROR, logger="rtm.callbacks"):
            for i in range(N):
                assert alice.sendMessageToPeer("bob", alice.createMessage(f"a{i}")) == 0
                assert (
                    bob.sendMessageToPeer(
                        "alice", bob.createMessage(f"b{i}"), None, results(b_box, "sent")
                    )
                    == 0
                )
            wait_until(
                lambda: (
                    len(a_box.of("sent")) == N
                    and len(b_box.of("sent")) == N
                    and len(a_box.of("peer")) == N
                    and len(b_box.of("peer")) == N
                )
            )
        # every message arrived, in the order it was sent, and was reported delivered
        assert b_box.of("peer") == [("alice", f"a{i}") for i in range(N)]
        assert a_box.of("peer") == [("bob", f"b{i}") for i in range(N)]
        assert a_box.of("sent") == [0] * N and b_box.of("sent") == [0] * N
        # the raising callback was logged and delivery went on
        assert any("user callback" in r.getMessage() for r in caplog.records)

        a_room = alice.createChannel("room", AliceChannel(a_box))
        b_room = bob.createChannel("room", BobChannel(b_box))
        assert a_room is not None and b_room is not None
        assert a_room.join() == 0
        assert b_room.join(results(b_box, "joined")) == 0
        wait_until(lambda: a_box.of("joined") == [None] and b_box.of("joined") == [0])
        for i in range(50):
            assert a_room.sendMessage(RtmMessage(f"ca{i}")) == 0
            assert b_room.sendMessage(RtmMessage(f"cb{i}")) == 0
        wait_until(lambda: len(a_box.of("chan")) == 50 and len(b_box.of("chan")) == 50)
        assert b_box.of("chan") == [("alice", f"ca{i}") for i in range(50)]
        assert a_box.of("chan") == [("bob", f"cb{i}") for i in range(50)]  # no echo

        # all callbacks ran on the scheduler's callback thread, never the caller's
        assert a_box.threads == b_box.threads == {"smoke-callbacks"}
        assert main not in a_box.threads

        assert alice.logout() == 0
        assert bob.logout(results(b_box, "logout")) == 0
        wait_until(lambda: b_box.of("logout") == [0])
        assert scheduler.drain(5.0)
    finally:
        core.close()
    assert not any(t.name.startswith("smoke-") and t.is_alive() for t in threading.enumerate())
