"""How the RTS rows see RTM event parameters: a received message as one small view.

Rows ask of a message whether it is binary, whether a business server sent it and in which
room (``event.message.binary``, ``.server``, ``.room``), and read its ``text`` or ``data`` and
``size``. The RTM message carries those facts (``isFromServer()``, ``getServerRoomId()``, the
core's sig2rtm extension; an older core's messages have neither: a user's message, no room).
"""

from __future__ import annotations

from typing import Any

from mapping_tables.rowexpr import Views
from rtm.enums import MESSAGE_TYPE

__all__ = ["ROW_VIEWS", "Message", "message_view"]

_RAW = int(MESSAGE_TYPE.MESSAGE_TYPE_RAW)


class Message:
    """A received RTM message as RTS rows read it."""

    __slots__ = ("binary", "data", "room", "server", "size", "text")

    def __init__(self, message: Any) -> None:
        self.binary = message.getMessageType() == _RAW
        self.data: bytes = message.getRawMessage() if self.binary else b""
        self.size = len(self.data)
        self.text: str = "" if self.binary else message.getText()
        from_server = getattr(message, "isFromServer", None)
        room = getattr(message, "getServerRoomId", None)
        self.server = bool(from_server()) if from_server is not None else False
        self.room: str = str(room()) if room is not None else ""


def message_view(message: Any) -> Message:
    return Message(message)


def _same(value: Any) -> Any:
    return value


#: The views of :mod:`mapping_tables.codegen` for the RTS rows.
ROW_VIEWS = Views(
    functions={"message": message_view, "same": _same},
    by_param={"message": "message"},
    default="same",
    plain=frozenset({"same"}),
    plain_paths=frozenset({"event.message.text"}),
)
