"""``SessionCore``: the part of a login session both object facades share.

A facade's ``LoginSession`` owns one core; the core owns the native instance's router,
tracks the session's status and uid from delivered callbacks, and delivers routed events
to the app's callback objects using the facade's :class:`Flavour` tables. The facade adds
only its method names and argument checks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Generic, Protocol, TypeVar

from legacy_signaling.api import IAgoraAPI
from legacy_signaling.codes import ECODE
from legacy_signaling.objects.dispatch import call_user
from legacy_signaling.objects.events import CallEvent, ChannelEvent, SessionEvent
from legacy_signaling.objects.flavour import Flavour
from legacy_signaling.objects.router import MessageResult, NativeRouter, Sink

__all__ = [
    "HasCallback",
    "Reply",
    "SessionCore",
    "failed",
    "failure_reason",
    "ok",
    "parse_object",
]


class HasCallback(Protocol):
    """An app-facing object whose callback object is its ``cb`` attribute."""

    @property
    def cb(self) -> object: ...


ChannelT = TypeVar("ChannelT", bound=HasCallback)
CallT = TypeVar("CallT", bound=HasCallback)

#: An RPC-style reply as the object SDKs passed it: ``(err, data)``; ``err`` "" on success.
Reply = tuple[str, dict[str, object]]


def ok(**fields: object) -> dict[str, object]:
    """The ``data`` of a successful reply: ``{"result": "ok", ...}``."""
    return {"result": "ok", **fields}


def failed(reason: str) -> dict[str, object]:
    """The ``data`` of a failed reply: ``{"result": "failed", "reason": reason}``."""
    return {"result": "failed", "reason": reason}


def failure_reason(ecode: int) -> str:
    """The reason text for a legacy error code: its ``ECODE`` name, or the number."""
    try:
        return ECODE(ecode).name
    except ValueError:
        return str(ecode)


def parse_object(resp: str) -> dict[str, object]:
    """The JSON object in an ``invoke`` response; ``{}`` for an empty response.

    A response that is not a JSON object means the provider broke the ``invoke``
    contract (docs/legacy-semantics.md R); that is raised, not hidden.
    """
    if not resp:
        return {}
    value = json.loads(resp)
    if not isinstance(value, dict):
        raise ValueError(f"invoke response is not a JSON object: {resp!r}")
    return value


class SessionCore(Sink[ChannelT, CallT], Generic[ChannelT, CallT]):
    """One login session over one native instance, in one flavour."""

    def __init__(
        self,
        flavour: Flavour,
        owner: HasCallback,
        native: IAgoraAPI,
        app_id: str,
        make_call: Callable[[str, str, int, str], CallT],
    ) -> None:
        self.flavour = flavour
        self.owner = owner
        self.status: int = flavour.initial_status
        #: The uid of the last ``LOGIN_SUCCESS`` (0 before).
        self.uid = 0
        self._make_call = make_call
        self.router: NativeRouter[ChannelT, CallT] = NativeRouter(native, app_id, self)

    # ---------------------------------------------------------------- requests

    def login(self, account: str, token: str) -> None:
        # The status moves first: a threaded provider may deliver onLoginSuccess before
        # native login() returns, and that later status must not be overwritten.
        before, self.status = self.status, self.flavour.login_status
        try:
            self.router.login(account, token)
        except BaseException:
            self.status = before
            raise

    def message_result(self, cb: object | None) -> MessageResult:
        """A result handler calling ``cb``'s MessageCallback methods (nothing for None)."""
        flavour = self.flavour
        owner = self.owner

        def deliver(ecode: int) -> None:
            if cb is None:
                return
            if ecode == ECODE.SUCCESS:
                call_user(cb, flavour.message_success, owner)
            else:
                call_user(cb, flavour.message_error, owner, ecode)

        return deliver

    def invoke(
        self,
        function: str,
        params: Mapping[str, object],
        on_reply: Callable[[str, dict[str, object]], None],
    ) -> None:
        """``invoke`` with the reply decoded: ``("", resp object)`` or ``(err, {})``."""

        def decode(err: str, resp: str) -> None:
            on_reply(err, {} if err else parse_object(resp))

        self.router.invoke(function, params, decode)

    # ---------------------------------------------------------------- Sink

    def session_event(self, event: SessionEvent, args: tuple[object, ...]) -> None:
        status = self.flavour.status_after.get(event)
        if status is not None:
            self.status = status
        if event is SessionEvent.LOGIN_SUCCESS and isinstance(args[0], int):
            self.uid = args[0]
        name = self.flavour.session_callbacks.get(event)
        if name is not None:
            call_user(self.owner.cb, name, self.owner, *args)

    def channel_event(
        self, channel: ChannelT, event: ChannelEvent, args: tuple[object, ...]
    ) -> None:
        name = self.flavour.channel_callbacks[event]
        call_user(channel.cb, name, self.owner, channel, *self.flavour.project_channel(event, args))

    def call_event(self, call: CallT, event: CallEvent, args: tuple[object, ...]) -> None:
        call_user(call.cb, self.flavour.call_callbacks[event], self.owner, call, *args)

    def incoming_call(self, channel: str, peer: str, peer_uid: int, extra: str) -> CallT:
        return self._make_call(channel, peer, peer_uid, extra)
