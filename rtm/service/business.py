"""A business server's messages to users (the RTS OpenAPI actions), on a service node.

``SendUnicast``, ``SendRoomUnicast``, ``BatchSendRoomUnicast`` and ``SendBroadcast`` as
checks plus deliveries over the service's backend, so that they reach users on every node
and of every dialect: a unicast is an ordinary peer message from ``From`` (marked
``origin="server"``, with the room of a room unicast), a broadcast an ordinary channel
message in the channel named like the room. Every check happens before anything is sent:
a refused request sends nothing. Sans-I/O: the caller holds the scheduler's lock (the
Python API, :mod:`adapters.rts.server`) or runs on the service's loop (the gateway's HTTP
API, :mod:`rtm.gateway.business_http`).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

import attrs

from .. import protocol as p
from ..enums import MESSAGE_TYPE
from ..validation import check_id, utf8_len
from .core import RtmService

__all__ = [
    "ACTIONS",
    "MAX_BATCH_BYTES",
    "MAX_MESSAGE_BYTES",
    "MAX_RECIPIENTS",
    "RATE_PER_SECOND",
    "ActionError",
    "AppRate",
    "BusinessActions",
    "SendResult",
    "core_app_id",
    "decode_message",
]

#: The four actions, by their OpenAPI names.
ACTIONS: Final = ("SendUnicast", "SendRoomUnicast", "BatchSendRoomUnicast", "SendBroadcast")
#: Largest message of SendUnicast / SendRoomUnicast / SendBroadcast (text or decoded binary).
MAX_MESSAGE_BYTES: Final = 64 * 1024
#: Largest message of BatchSendRoomUnicast, and its most recipients.
MAX_BATCH_BYTES: Final = 20 * 1024
MAX_RECIPIENTS: Final = 600
#: Calls per second per app, all four actions together; a batch to N users counts N.
RATE_PER_SECOND: Final = 500
#: The vendor's rule for ``From``, room and user IDs.
ID_RULE: Final = re.compile(r"[a-zA-Z0-9_@\-\.]{1,128}")
_ID_BYTES: Final = 128


class ActionError(Exception):
    """A request refused before anything was sent. ``code`` is the error's name in the
    OpenAPI envelope (``ResponseMetadata.Error.Code``), ``status`` its HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@attrs.frozen
class SendResult:
    """What an accepted request did: how many sessions were handed the message, and (batch)
    the recipients skipped because they are not in the room."""

    delivered: int
    not_in_room: tuple[str, ...] = ()


class AppRate:
    """At most ``rate`` units per second per app, ``n`` units taken at once or not at all:
    a token bucket refilled at ``rate`` a second that holds ``burst`` (by default one
    second's worth, or one largest batch if that is more: a batch of 600 must be able to
    pass under a rate of 500 a second, and then waits for the bucket to refill)."""

    def __init__(self, rate: float = RATE_PER_SECOND, burst: float | None = None) -> None:
        self.rate = rate
        self.burst = max(rate, MAX_RECIPIENTS) if burst is None else burst
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, app: str, n: int, now: float) -> bool:
        tokens, last = self._buckets.get(app, (self.burst, now))
        tokens = min(self.burst, tokens + max(0.0, now - last) * self.rate)
        if n > tokens:
            self._buckets[app] = (tokens, now)
            return False
        self._buckets[app] = (tokens - n, now)
        return True


def decode_message(message: object, binary: object, limit: int) -> p.Payload:
    """The payload of an action's ``Message`` / ``Binary`` fields (base64 when binary)."""
    if not isinstance(binary, bool):
        raise ActionError("InvalidParameter", "Binary must be true or false")
    if not isinstance(message, str):
        raise ActionError("InvalidParameter", "Message must be a string")
    if binary:
        try:
            raw = base64.b64decode(message.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise ActionError(
                "InvalidParameter", "Message must be base64 when Binary is true"
            ) from None
        size = len(raw)
        payload = p.Payload(int(MESSAGE_TYPE.MESSAGE_TYPE_RAW), "", raw)
    else:
        size = utf8_len(message)
        payload = p.Payload(int(MESSAGE_TYPE.MESSAGE_TYPE_TEXT), message)
    if size > limit:
        raise ActionError(
            "MessageTooLarge", f"Message is {size} bytes, more than {limit}", status=413
        )
    return payload


_VENDOR_APP_ID = re.compile(r"[0-9a-fA-F]{24}")


def core_app_id(app_id: str) -> str:
    """The core's app ID for an app ID of this product family: the vendor's 24 hexadecimal
    characters are prefixed with eight ``0`` (the RTS engine logs in under that ID, see
    ``adapters.rts``), any other ID is the core's own. A business server sends its
    vendor ID unchanged and reaches the engines of that app."""
    return "0" * 8 + app_id if _VENDOR_APP_ID.fullmatch(app_id) else app_id


def _check_from(value: object) -> str:
    if not isinstance(value, str) or not ID_RULE.fullmatch(value):
        raise ActionError("InvalidParameter", "From must match [a-zA-Z0-9_@\\-\\.]{1,128}")
    return value


def _check_target(value: object, what: str) -> str:
    """A user or room ID: the vendor's rule, or any valid RTM ID (so RTM and legacy
    Signaling users and channels are reachable too)."""
    if isinstance(value, str) and ID_RULE.fullmatch(value):
        return value
    reason = check_id(value, what, _ID_BYTES)
    if reason:
        raise ActionError("InvalidParameter", reason)
    assert isinstance(value, str)
    return value


class BusinessActions:
    """The actions of one app's business servers, on one service node."""

    def __init__(self, service: RtmService, rate: AppRate | None = None) -> None:
        self.service = service
        self.rate = rate or AppRate()

    def _now(self) -> float:
        return self.service.scheduler.time()

    def _admit(self, app: str, n: int) -> None:
        if not self.rate.take(app, n, self._now()):
            raise ActionError(
                "FlowLimitExceeded",
                f"more than {RATE_PER_SECOND} messages a second for app {app}",
                status=429,
            )

    def _stamp(self) -> int:
        return int(self._now() * 1000)

    def send_unicast(
        self, app: str, from_user: object, to: object, message: object, binary: object
    ) -> SendResult:
        """A peer message from ``From`` to a logged-in user, outside rooms."""
        app = core_app_id(app)
        sender = _check_from(from_user)
        target = _check_target(to, "To")
        payload = decode_message(message, binary, MAX_MESSAGE_BYTES)
        backend = self.service.backend
        session = backend.session_of(app, target)
        if session is None:
            raise ActionError("UserNotOnline", f"user {target} is not logged in", status=404)
        self._admit(app, 1)
        frame = p.PeerMessageIn(sender, payload, self._stamp(), origin="server")
        backend.deliver(session, frame)
        return SendResult(1)

    def send_room_unicast(
        self, app: str, room: object, from_user: object, to: object, message: object,
        binary: object,
    ) -> SendResult:  # fmt: skip
        """A peer message from ``From`` to a member of ``room``."""
        app = core_app_id(app)
        room_id = _check_target(room, "RoomId")
        sender = _check_from(from_user)
        target = _check_target(to, "To")
        payload = decode_message(message, binary, MAX_MESSAGE_BYTES)
        backend = self.service.backend
        session = backend.session_of(app, target)
        if session is None or target not in backend.members(app, room_id):
            raise ActionError(
                "UserNotInRoom", f"user {target} is not in room {room_id}", status=404
            )
        self._admit(app, 1)
        frame = p.PeerMessageIn(sender, payload, self._stamp(), origin="server", room=room_id)
        backend.deliver(session, frame)
        return SendResult(1)

    def batch_send_room_unicast(
        self, app: str, room: object, from_user: object, to: object, message: object,
        binary: object,
    ) -> SendResult:  # fmt: skip
        """One peer message from ``From`` to each listed member of ``room``; recipients not
        in the room are skipped and named in the result."""
        app = core_app_id(app)
        room_id = _check_target(room, "RoomId")
        sender = _check_from(from_user)
        if not isinstance(to, list | tuple) or not to:
            raise ActionError("InvalidParameter", "To must be a non-empty array of user IDs")
        if len(to) > MAX_RECIPIENTS:
            raise ActionError(
                "TooManyRecipients",
                f"To lists {len(to)} users, more than {MAX_RECIPIENTS}",
            )
        targets = list(dict.fromkeys(_check_target(user, "To[]") for user in to))
        payload = decode_message(message, binary, MAX_BATCH_BYTES)
        backend = self.service.backend
        members = set(backend.members(app, room_id))
        inside = [user for user in targets if user in members]
        skipped = tuple(user for user in targets if user not in members)
        self._admit(app, len(targets))
        sessions = []
        for user in inside:
            session = backend.session_of(app, user)
            if session is not None:
                sessions.append(session)
        frame = p.PeerMessageIn(sender, payload, self._stamp(), origin="server", room=room_id)
        backend.deliver_many(sessions, frame)
        return SendResult(len(sessions), skipped)

    def send_broadcast(
        self, app: str, room: object, from_user: object, message: object, binary: object
    ) -> SendResult:
        """A channel message from ``From`` to every member of ``room``."""
        app = core_app_id(app)
        room_id = _check_target(room, "RoomId")
        sender = _check_from(from_user)
        payload = decode_message(message, binary, MAX_MESSAGE_BYTES)
        self._admit(app, 1)
        backend = self.service.backend
        sessions = []
        for user in backend.members(app, room_id):
            session = backend.session_of(app, user)
            if session is not None:
                sessions.append(session)
        frame = p.ChannelMessageIn(room_id, sender, payload, self._stamp(), origin="server")
        backend.deliver_many(sessions, frame)
        return SendResult(len(sessions))
