"""``Flavour``: one object-SDK naming style as data.

The Java server SDK and the Python ``agorasigsdk`` share their structure (session first,
then the channel or call object, then the event's arguments) and differ in names, status
numbers and a few argument projections. A ``Flavour`` holds exactly those differences, so
``SessionCore`` delivers events for either without a branch per callback.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Final, TypeVar

import attrs

from legacy_signaling.objects.events import CallEvent, ChannelEvent, SessionEvent

__all__ = ["STATUS_ONLY_EVENTS", "ArgMap", "Flavour"]

#: Turns an event's arguments into the callback's arguments.
ArgMap = Callable[[tuple[object, ...]], tuple[object, ...]]

#: Session events no object flavour has a callback for: they only move the status.
STATUS_ONLY_EVENTS: Final = frozenset({SessionEvent.RECONNECTING, SessionEvent.RECONNECTED})


_E = TypeVar("_E", bound=enum.StrEnum)


def _covers(kind: str, names: Mapping[_E, str], required: frozenset[_E]) -> None:
    missing = sorted(required - set(names))
    if missing:
        raise ValueError(f"flavour names no {kind} callback for {missing}")
    empty = sorted(event for event, name in names.items() if not name)
    if empty:
        raise ValueError(f"flavour gives an empty {kind} callback name for {empty}")


@attrs.frozen
class Flavour:
    """Callback names, status values and argument projections of one object SDK."""

    name: str
    session_callbacks: Mapping[SessionEvent, str]
    channel_callbacks: Mapping[ChannelEvent, str]
    call_callbacks: Mapping[CallEvent, str]
    #: ``MessageCallback`` method names: success ``(session)``, error ``(session, ecode)``.
    message_success: str
    message_error: str
    #: Status of a session object before ``login`` reaches the native instance.
    initial_status: int
    #: Status once ``login`` has been handed to the native instance.
    login_status: int
    #: Status after a delivered session event (events not listed leave it unchanged).
    status_after: Mapping[SessionEvent, int]
    #: Per-event argument projections for channel callbacks (identity when absent).
    channel_args: Mapping[ChannelEvent, ArgMap] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        _covers(
            "session",
            self.session_callbacks,
            frozenset(SessionEvent) - STATUS_ONLY_EVENTS,
        )
        _covers("channel", self.channel_callbacks, frozenset(ChannelEvent))
        _covers("call", self.call_callbacks, frozenset(CallEvent))
        if set(self.session_callbacks) & STATUS_ONLY_EVENTS:
            raise ValueError("status-only session events cannot have callbacks")

    def project_channel(self, event: ChannelEvent, args: tuple[object, ...]) -> tuple[object, ...]:
        projection = self.channel_args.get(event)
        return args if projection is None else projection(args)
