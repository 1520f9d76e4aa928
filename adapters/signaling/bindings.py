"""The two ways the shim talks to the RTM core: C++ event handlers or Java result callbacks.

Seed 001 (C++) and seed 003 (Java) describe the same legacy API on two RTM result styles.
A binding performs the RTM calls an operation needs in its style and turns every RTM
callback into one *RTM event* — the qualified callback name the mapping tables use
(``IRtmServiceEventHandler.onSendMessageResult``, ``ResultCallback.onSuccess`` with its
trigger ``RtmClient.sendMessageToPeer`` ...) plus its parameters — which the shim executes
through the flavour's table. Both bindings must lead to the same legacy traces; the
equivalence tests run both. :class:`Binding` is what the operations call;
``binding_cpp`` and ``binding_java`` implement it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import rtm

from .binding_cpp import CppBinding
from .binding_java import JavaBinding
from .entries import DirectEvents
from .forwarding import EventSink

if TYPE_CHECKING:
    from .context import Request

__all__ = ["Binding", "CppBinding", "EventSink", "JavaBinding", "make_binding"]


class Binding(Protocol):
    client: rtm.RtmClient

    def login(self, token: str | None, user: str, req: Request) -> None: ...
    def logout(self, req: Request) -> None: ...
    def release(self) -> None: ...
    def send_peer(self, peer: str, text: str, offline: bool, req: Request) -> None: ...
    def join(self, channel: str, req: Request) -> None: ...
    def leave(self, channel: str, req: Request) -> None: ...
    def leave_quietly(self, channel: str) -> None: ...
    def abandon_link(self) -> None: ...
    def send_channel(self, channel: str, text: str, req: Request) -> None: ...
    def get_members(self, channel: str, req: Request) -> None: ...
    def query_online(self, peers: list[str], req: Request) -> None: ...
    def watch_presence(self, peers: list[str]) -> None: ...
    def user_attrs_add(self, pairs: list[tuple[str, str]], req: Request | None) -> None: ...
    def user_attrs_delete(self, keys: list[str], req: Request | None) -> None: ...
    def get_user_attrs(self, user: str, keys: list[str] | None, req: Request) -> None: ...
    def channel_attrs_add(
        self, channel: str, pairs: list[tuple[str, str]], notify: bool, req: Request | None
    ) -> None: ...
    def channel_attrs_delete(
        self, channel: str, keys: list[str], notify: bool, req: Request | None
    ) -> None: ...
    def channel_attrs_clear(self, channel: str, notify: bool, req: Request | None) -> None: ...
    def get_channel_attrs(self, channel: str, req: Request) -> None: ...
    def member_count(self, channels: list[str], req: Request) -> None: ...
    def invite(
        self, callee: str, content: str, channel: str, req: Request
    ) -> rtm.LocalInvitation: ...
    def cancel(self, invitation: rtm.LocalInvitation) -> None: ...
    def accept(self, invitation: rtm.RemoteInvitation, response: str, req: Request) -> None: ...
    def refuse(self, invitation: rtm.RemoteInvitation, response: str, req: Request) -> None: ...


def make_binding(
    flavour: str,
    core: Any,
    app_id: str,
    sink: EventSink,
    direct: DirectEvents,
    target: Any,
) -> Binding:
    """The flavour's binding: RTM events go to ``sink`` (``target.on_rtm_event``) or, for
    the callbacks ``direct`` lists, run their rows on ``target`` (the shim instance) in the
    handlers' entries."""
    factories: dict[str, Callable[[Any, str, EventSink, DirectEvents, Any], Binding]] = {
        "cpp": CppBinding,
        "java": JavaBinding,
    }
    try:
        factory = factories[flavour]
    except KeyError:
        raise ValueError(f"unknown RTM flavour {flavour!r}; use 'cpp' or 'java'") from None
    return factory(core, app_id, sink, direct, target)
