"""The business server's side of RTS as a Python API: send to users, in rooms, to rooms.

The same four actions as the gateway's HTTP API (``POST /?Action=SendUnicast&...``), on a
core in this process — the embedded default that RTS engines, RTM clients and legacy
Signaling apps of this process use, or any :class:`~rtm.embedded.EmbeddedCore`::

    from adapters.rts.server import BusinessServer

    server = BusinessServer(None, "0123456789abcdef01234567")  # None: the default core
    server.send_unicast("biz-server", "alice", "hello")        # str: text, bytes: binary
    server.send_broadcast("room-1", "biz-server", b"\x00\x01")

Each call checks the request as the HTTP API does and raises
:class:`~rtm.service.business.ActionError` (``.code`` as in the OpenAPI envelope) without
sending anything when it is refused; it returns a :class:`~rtm.service.business.SendResult`
otherwise. Receivers get a peer message (``isFromServer()`` true, ``getServerRoomId()`` the
room of a room unicast) or a channel message from ``From``. A gateway's users are reached
through that gateway's HTTP API (``sig2rtm serve --http-port``): :class:`HttpBusinessServer`
makes the same calls there.
"""

from __future__ import annotations

import base64
import threading
import weakref
from collections.abc import Sequence

from rtm.scheduler import Scheduler
from rtm.service.business import ActionError, AppRate, BusinessActions, SendResult
from rtm.service.core import RtmService

__all__ = ["ActionError", "BusinessServer", "HttpBusinessServer", "SendResult"]


def _fields(message: str | bytes) -> tuple[object, bool]:
    """(Message, Binary) as the OpenAPI carries them: bytes travel base64."""
    if isinstance(message, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(message)).decode("ascii"), True
    return message, False


class BusinessServer:
    """An app's business server on a core of this process.

    ``core``: an :class:`~rtm.embedded.EmbeddedCore`, an :class:`RtmService`, or None for
    the process-wide default core (``rtm.embedded.default_core``). The rate limit (500
    messages a second per app, a batch to N users counting N) is shared by the business
    servers of one core.
    """

    def __init__(self, core: object, app_id: str, *, rate: AppRate | None = None) -> None:
        if core is None:
            from rtm.embedded import default_core

            core = default_core()
        service = core if isinstance(core, RtmService) else getattr(core, "service", None)
        if not isinstance(service, RtmService):
            raise TypeError(
                f"BusinessServer needs a core of this process (EmbeddedCore or RtmService), "
                f"not {type(core).__name__}: a gateway's users are reached through its HTTP "
                "API (sig2rtm serve --http-port; HttpBusinessServer)"
            )
        if not isinstance(app_id, str) or not app_id:
            raise ValueError("app_id must be a non-empty string")
        self.app_id = app_id
        self._scheduler: Scheduler = service.scheduler
        # ``rate``: a limit of this server's own (benchmarks lift it), not the core's shared one.
        self._actions = _actions_of(service) if rate is None else BusinessActions(service, rate)

    def send_unicast(self, from_user: str, to: str, message: str | bytes) -> SendResult:
        """``SendUnicast``: to a logged-in user, outside rooms."""
        text, binary = _fields(message)
        with self._scheduler.lock:
            return self._actions.send_unicast(self.app_id, from_user, to, text, binary)

    def send_room_unicast(
        self, room: str, from_user: str, to: str, message: str | bytes
    ) -> SendResult:
        """``SendRoomUnicast``: to a member of ``room`` (UserNotInRoom otherwise)."""
        text, binary = _fields(message)
        with self._scheduler.lock:
            return self._actions.send_room_unicast(self.app_id, room, from_user, to, text, binary)

    def batch_send_room_unicast(
        self, room: str, from_user: str, to: Sequence[str], message: str | bytes
    ) -> SendResult:
        """``BatchSendRoomUnicast``: to each listed member of ``room`` (at most 600, 20 KB);
        recipients not in the room are skipped and listed in ``not_in_room``."""
        text, binary = _fields(message)
        users = list(to) if not isinstance(to, str) else to
        with self._scheduler.lock:
            return self._actions.batch_send_room_unicast(
                self.app_id, room, from_user, users, text, binary
            )

    def send_broadcast(self, room: str, from_user: str, message: str | bytes) -> SendResult:
        """``SendBroadcast``: a channel message to every member of ``room``."""
        text, binary = _fields(message)
        with self._scheduler.lock:
            return self._actions.send_broadcast(self.app_id, room, from_user, text, binary)


_SHARED: weakref.WeakKeyDictionary[RtmService, BusinessActions] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def _actions_of(service: RtmService) -> BusinessActions:
    """One :class:`BusinessActions` (and so one rate limit) per service."""
    with _SHARED_LOCK:
        actions = _SHARED.get(service)
        if actions is None:
            actions = _SHARED[service] = BusinessActions(service, AppRate())
        return actions


class HttpBusinessServer:
    """The same four calls through a gateway's HTTP API (``sig2rtm serve --http-port``):
    for a business server whose users are on gateways (``SIG2RTM_URL``). Needs httpx (the
    'rts' extra). A refusal raises :class:`ActionError` with the envelope's code and the
    HTTP status (``BadResponse`` when the answer is not the API's envelope), an unreachable
    API ``ConnectionError``; success returns :class:`SendResult`."""

    def __init__(
        self, base_url: str, app_id: str, key: str, *, version: str = "2023-07-20",
        timeout: float = 10.0,
    ) -> None:  # fmt: skip
        try:
            import httpx
        except ImportError:  # pragma: no cover - depends on installed extras
            raise ImportError(
                "HttpBusinessServer needs the 'rts' extra (httpx): pip install 'sig2rtm[rts]'"
            ) from None
        self.app_id = app_id
        self.version = version
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {key}"},
            timeout=timeout,
            trust_env=False,
        )

    def _call(self, action: str, **fields: object) -> SendResult:
        import httpx

        body = {"AppId": self.app_id, **fields}
        try:
            response = self._http.post(
                "/", params={"Action": action, "Version": self.version}, json=body
            )
        except httpx.HTTPError as exc:
            raise ConnectionError(f"business-server API at {self._http.base_url}: {exc}") from None
        try:
            envelope = response.json()
            meta = envelope["ResponseMetadata"]
        except (ValueError, KeyError, TypeError):
            raise ActionError(
                "BadResponse", f"HTTP {response.status_code}: not the API's envelope", 502
            ) from None
        error = meta.get("Error")
        if error:
            raise ActionError(str(error.get("Code")), str(error.get("Message")),
                              response.status_code)  # fmt: skip
        result = envelope.get("Result") or {}
        return SendResult(int(result.get("Delivered", 0)), tuple(result.get("NotInRoom") or ()))

    def send_unicast(self, from_user: str, to: str, message: str | bytes) -> SendResult:
        text, binary = _fields(message)
        return self._call("SendUnicast", From=from_user, To=to, Binary=binary, Message=text)

    def send_room_unicast(
        self, room: str, from_user: str, to: str, message: str | bytes
    ) -> SendResult:
        text, binary = _fields(message)
        return self._call(
            "SendRoomUnicast", RoomId=room, From=from_user, To=to, Binary=binary, Message=text
        )

    def batch_send_room_unicast(
        self, room: str, from_user: str, to: Sequence[str], message: str | bytes
    ) -> SendResult:
        text, binary = _fields(message)
        return self._call(
            "BatchSendRoomUnicast", RoomId=room, From=from_user, To=list(to), Binary=binary,
            Message=text,
        )  # fmt: skip

    def send_broadcast(self, room: str, from_user: str, message: str | bytes) -> SendResult:
        text, binary = _fields(message)
        return self._call("SendBroadcast", RoomId=room, From=from_user, Binary=binary,
                          Message=text)  # fmt: skip

    def close(self) -> None:
        self._http.close()
