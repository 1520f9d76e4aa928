"""Channel handlers that take a message's payload (``rtm.handlers.ChannelPayloadReceiver``).

A sig2rtm extension for adapters that read only a message's text: such a handler is given
the frame's payload, shared by all such members, instead of an RtmMessage of its own — on
the in-process fan-out and on the frame path alike — and only handlers that derive from
the class opt in.
"""

from __future__ import annotations

from typing import Any

import rtm
from rtm import protocol as p
from rtm.handlers import ChannelPayloadReceiver
from rtm.scheduler import DeterministicScheduler

APP = "payloads0000000000000000000000aa"


class Seen:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, Any]] = []


class PayloadHandler(ChannelPayloadReceiver, rtm.IChannelEventHandler):
    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    def onMessagePayload(self, userId: str, payload: p.Payload) -> None:
        self.seen.events.append(("payload", userId, payload))

    def onMessageReceived(self, userId: str, message: Any) -> None:
        self.seen.events.append(("message", userId, message))


class JavaPayloadListener(ChannelPayloadReceiver, rtm.RtmChannelListener):
    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    def onMessagePayload(self, userId: str, payload: p.Payload) -> None:
        self.seen.events.append(("payload", userId, payload))

    def onMessageReceived(self, message: Any, fromMember: Any) -> None:
        self.seen.events.append(("message", fromMember.userId, message))


class CatchAll(rtm.IChannelEventHandler):
    """An app's handler answering every name: it must not opt in by chance."""

    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.seen.events.append((name, *args))

    def onMessageReceived(self, userId: str, message: Any) -> None:
        self.seen.events.append(("message", userId, message))


def _member(core: rtm.EmbeddedCore, user: str, handler: Any) -> rtm.RtmChannel:
    client = rtm.createRtmService(core)
    client.initialize(APP, rtm.IRtmServiceEventHandler())
    client.login(None, user)
    core.run_until_idle()
    channel = client.createChannel("room", handler)
    assert channel is not None
    channel.join()
    core.run_until_idle()
    return channel


def test_payload_receivers_take_the_shared_payload_others_a_message_each() -> None:
    core = rtm.EmbeddedCore(DeterministicScheduler())
    sender = _member(core, "ann", rtm.IChannelEventHandler())
    payload_seen, java_seen, plain_seen, catch_seen = Seen(), Seen(), Seen(), Seen()
    _member(core, "bob", PayloadHandler(payload_seen))
    _member(core, "cy", JavaPayloadListener(java_seen))
    _member(core, "dee", CatchAll(plain_seen))
    _member(core, "eve", CatchAll(catch_seen))
    for seen in (payload_seen, java_seen, plain_seen, catch_seen):
        seen.events.clear()
    assert sender.sendMessage(rtm.RtmMessage("hi")) == 0
    core.run_until_idle()
    (kind, user, payload), *rest = payload_seen.events
    assert (kind, user, payload.text, rest) == ("payload", "ann", "hi", [])
    (kind, user, java_payload), *rest = java_seen.events
    assert (kind, user, rest) == ("payload", "ann", []) and java_payload is payload  # shared
    for seen in (plain_seen, catch_seen):
        (kind, user, message), *rest = seen.events
        assert (kind, user, message.getText(), rest) == ("message", "ann", "hi", [])
        assert isinstance(message, rtm.RtmMessage)


def test_the_frame_path_gives_payload_receivers_the_payload_too() -> None:
    core = rtm.EmbeddedCore(DeterministicScheduler())
    seen = Seen()
    channel = _member(core, "bob", PayloadHandler(seen))
    seen.events.clear()
    payload = p.Payload(rtm.MESSAGE_TYPE.MESSAGE_TYPE_TEXT, "over the link")
    channel.message_in(p.ChannelMessageIn("room", "ann", payload, 1))
    core.run_until_idle()
    assert seen.events == [("payload", "ann", payload)]
