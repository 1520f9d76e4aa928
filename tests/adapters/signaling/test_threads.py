"""The shim on the threaded scheduler: app threads, RTM events and shim timers at once.

The instance lock is taken before the core's lock, never after it (shim timers hop off the
core thread): several app threads calling, callbacks calling back into the shim and the
20 s invitation timers firing must all complete, with every expected callback, and no
thread left hanging.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import rtm
from adapters.signaling import ShimWorld
from adapters.signaling.ops import calls
from adapters.signaling.profile import LEGACY_LIMITS
from legacy_signaling.callback import ICallBack
from rtm.scheduler import ThreadedScheduler

APP = "threads000000000000000000000000a"
ROUNDS = 150


class Recorder(ICallBack):
    def __init__(self, name: str) -> None:
        self.name = name
        self.api: Any = None
        self.lock = threading.Lock()
        self.events: list[tuple[Any, ...]] = []
        self.changed = threading.Condition(self.lock)

    def _add(self, *event: Any) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def count(self, name: str) -> int:
        with self.lock:
            return sum(1 for e in self.events if e[0] == name)

    def wait_for(self, name: str, n: int, timeout: float = 60.0) -> bool:
        with self.changed:
            return self.changed.wait_for(
                lambda: sum(1 for e in self.events if e[0] == name) >= n, timeout
            )

    def onLoginSuccess(self, uid: int, fd: int) -> None:
        self._add("onLoginSuccess")

    def onChannelJoined(self, channelID: str) -> None:
        self._add("onChannelJoined", channelID)

    def onMessageSendSuccess(self, messageID: str) -> None:
        self._add("onMessageSendSuccess", messageID)

    def onMessageSendError(self, messageID: str, ecode: int) -> None:
        self._add("onMessageSendError", messageID, ecode)

    def onMessageInstantReceive(self, account: str, uid: int, msg: str) -> None:
        self._add("onMessageInstantReceive", account, msg)
        if msg.startswith("ping"):
            # A callback calling back into the shim, while other threads call it too.
            self.api.messageInstantSend(account, 0, "pong" + msg[4:], "")

    def onMessageChannelReceive(self, channelID: str, account: str, uid: int, msg: str) -> None:
        self._add("onMessageChannelReceive", account, msg)

    def onInviteReceived(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self._add("onInviteReceived", channelID, account)

    def onInviteEndByMyself(self, channelID: str, account: str, uid: int) -> None:
        self._add("onInviteEndByMyself", channelID, account)

    def onInviteEndByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self._add("onInviteEndByPeer", channelID, account)

    def onInviteFailed(
        self, channelID: str, account: str, uid: int, ecode: int, extra: str
    ) -> None:
        self._add("onInviteFailed", channelID, account, ecode, threading.current_thread().name)


def _run_together(*apps: Callable[[], None]) -> None:
    """Each function on an app thread of its own, all at once; none may hang."""
    threads = [threading.Thread(target=f) for f in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60.0)
        assert not t.is_alive(), "an app thread hung (lock order?)"


def test_app_threads_events_and_timers_complete_together() -> None:
    core = rtm.EmbeddedCore(ThreadedScheduler(name="shimthreads"))
    world = ShimWorld(APP, core=core, send_quota=10**6, channel_quota=10**6)
    people: dict[str, Recorder] = {}
    try:
        for name in ("ann", "bob", "cid"):
            rec = Recorder(name)
            rec.api = world.createAgoraSDKInstance(APP)
            rec.api.callbackSet(rec)
            rec.api.login(APP, name, "_no_need_token", 0, "")
            people[name] = rec
        for rec in people.values():
            assert rec.wait_for("onLoginSuccess", 1)
            rec.api.channelJoin("lobby")
        for rec in people.values():
            assert rec.wait_for("onChannelJoined", 1)
        ann, bob, cid = people["ann"], people["bob"], people["cid"]

        def ann_sends() -> None:
            for i in range(ROUNDS):
                ann.api.messageInstantSend("bob", 0, f"ping{i}", f"a{i}")
                ann.api.messageChannelSend("lobby", f"ann{i}", f"c{i}")

        def cid_invites() -> None:
            for i in range(ROUNDS // 10):
                cid.api.channelInviteUser(f"room{i}", "bob", 0)
                if i % 2:
                    cid.api.channelInviteEnd(f"room{i}", "bob", 0)

        _run_together(ann_sends, cid_invites)
        # Every ping was answered by bob's callback, every channel message reached both.
        assert ann.wait_for("onMessageInstantReceive", ROUNDS)
        assert bob.wait_for("onMessageChannelReceive", ROUNDS)
        assert cid.wait_for("onMessageChannelReceive", ROUNDS)
        assert bob.wait_for("onInviteReceived", ROUNDS // 10)
        # The invitations cid ended himself, ended once each.
        assert cid.wait_for("onInviteEndByMyself", ROUNDS // 20)
        pongs = [e for e in ann.events if e[0] == "onMessageInstantReceive"]
        assert sorted(int(e[2][4:]) for e in pongs) == list(range(ROUNDS))
        assert ann.count("onMessageSendError") == 0
        assert ann.count("onMessageSendSuccess") == 2 * ROUNDS
    finally:
        for rec in people.values():
            rec.api.destroy()
        core.close()


def test_invitation_timers_fire_off_the_core_thread_and_end_the_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shim's offline timer (an invitation to nobody online) ends the call on its own,
    its work on the callback thread: the offline wait is shortened for the test."""
    monkeypatch.setattr(calls, "INVITE_OFFLINE_WAIT_S", 0.2)
    core = rtm.EmbeddedCore(ThreadedScheduler(name="shimtimers"))
    world = ShimWorld(APP, core=core)
    ann = Recorder("ann")
    try:
        ann.api = world.createAgoraSDKInstance(APP)
        ann.api.callbackSet(ann)
        ann.api.login(APP, "ann", "_no_need_token", 0, "")
        assert ann.wait_for("onLoginSuccess", 1)
        ann.api.channelInviteUser("room", "nobody-online", 0)
        assert ann.wait_for("onInviteFailed", 1, timeout=30.0)
        failed = [e for e in ann.events if e[0] == "onInviteFailed"]
        assert failed[0][1:3] == ("room", "nobody-online")
        assert failed[0][-1] == "shimtimers-callbacks"
    finally:
        ann.api.destroy()
        core.close()


def test_an_instances_callbacks_keep_their_order_while_its_app_thread_holds_it() -> None:
    """ann's app thread sends as fast as it can (holding ann's instance lock most of the
    time) while bob's thread messages ann: ann's answers, which meet the held lock and wait
    in her backlog (adapters.signaling.gate), and bob's messages, which must not overtake
    them, all arrive, each kind in the order it was caused."""
    # RTM's own peer-message rate raised too: this test is about order, not quotas.
    limits = attrs.evolve(
        LEGACY_LIMITS, rates=attrs.evolve(LEGACY_LIMITS.rates, messages=rtm.Rate(10**9, 1.0))
    )
    core = rtm.EmbeddedCore(ThreadedScheduler(name="shimorder"), rtm.ServiceConfig(limits=limits))
    world = ShimWorld(APP, core=core, send_quota=10**6, channel_quota=10**6)
    ann, bob = Recorder("ann"), Recorder("bob")
    try:
        for rec in (ann, bob):
            rec.api = world.createAgoraSDKInstance(APP)
            rec.api.callbackSet(rec)
            rec.api.login(APP, rec.name, "_no_need_token", 0, "")
            assert rec.wait_for("onLoginSuccess", 1)
        n = 2000

        def ann_sends() -> None:
            for i in range(n):
                ann.api.messageInstantSend("bob", 0, f"note{i}", f"a{i}")

        def bob_sends() -> None:
            for i in range(n):
                bob.api.messageInstantSend("ann", 0, f"note{i}", f"b{i}")

        _run_together(ann_sends, bob_sends)
        assert ann.wait_for("onMessageSendSuccess", n)
        assert ann.wait_for("onMessageInstantReceive", n)
        with ann.lock:
            answers = [e[1] for e in ann.events if e[0] == "onMessageSendSuccess"]
            received = [e[2] for e in ann.events if e[0] == "onMessageInstantReceive"]
        assert ann.count("onMessageSendError") == 0
        assert answers == [f"a{i}" for i in range(n)]
        assert received == [f"note{i}" for i in range(n)]
    finally:
        for rec in (ann, bob):
            rec.api.destroy()
        core.close()
