"""The handler base classes an RTS app subclasses: every callback an overridable no-op.

Parameters follow the vendor's C++ headers (snake_case), with Python values in place of C
structures: a binary payload is ``bytes`` (its ``size`` is still passed, as the C++ callback
passes it), an ACK is ``bytes``, ``SysStats`` is :class:`SysStats`. Which RTM event produces
each callback is a row of ``mapping_tables/data/rts.toml``.
"""

from __future__ import annotations

import attrs

__all__ = ["IRTSEventHandler", "IRTSRoomEventHandler", "SysStats"]


@attrs.frozen
class SysStats:
    """The process's CPU and memory figures (``onSysStats``), as the vendor's struct has them.

    CPU usages are fractions in [0, 1] over the last interval; memory figures are MB,
    ratios percentages. ``source`` says where they came from (``/proc``, or ``resource``
    where no /proc exists: then the machine-wide figures are 0, see docs/rts.md).
    """

    cpu_cores: int
    cpu_app_usage: float
    cpu_total_usage: float
    memory_usage: float
    full_memory: float
    total_memory_usage: float
    free_memory: float
    memory_ratio: float
    total_memory_ratio: float
    source: str = "/proc"


class IRTSEventHandler:
    """Engine callbacks (``IRTSEventHandler``). Override what the app needs."""

    def onSysStats(self, stats: SysStats) -> None:
        """Every 2 s: the process's CPU and memory use."""

    def onNetworkTypeChanged(self, type: int) -> None:
        """The link's type changed (``NetworkType``)."""

    def onConnectionStateChanged(self, state: int) -> None:
        """The engine's connection to the core changed (``ConnectionState``)."""

    def onCreateRoomStateChanged(self, room_id: str, error_code: int) -> None:
        """``createRoom`` failed: -1007 invalid room ID, -1013 a room of that ID exists."""

    def onLoginResult(self, uid: str, error_code: int, elapsed: int) -> None:
        """The result of ``login`` (``LoginErrorCode``); ``elapsed`` in ms since the call."""

    def onLogout(self, reason: int) -> None:
        """Logged out (``LogoutReason``): own ``logout``, or the same uid logged in elsewhere."""

    def onServerParamsSetResult(self, error: int) -> None:
        """The result of ``setServerParams``: 200 is success, anything else a failure."""

    def onGetPeerOnlineStatus(self, peer_user_id: str, status: int) -> None:
        """The result of ``getPeerOnlineStatus`` (``UserOnlineStatus``)."""

    def onMessageReceived(self, uid: str, message: str) -> None:
        """A text message from a user (``sendMessage``) or a business server (SendUnicast)."""

    def onBinaryMessageReceived(self, uid: str, size: int, message: bytes) -> None:
        """A binary message from a user or a business server."""

    def onMessageSendResult(self, msgid: int, error: int) -> None:
        """The result of ``sendMessage`` / ``sendBinaryMessage`` (``UserMessageSendResult``)."""

    def onServerMessageSendResult(self, msgid: int, error: int, ack: bytes) -> None:
        """The result of ``sendServerMessage`` / ``sendServerBinaryMessage``; ``ack`` is the
        business server's response body (b"" on failure)."""

    def onUserMessageReceivedOutsideRoom(self, uid: str, message: str) -> None:
        """RTC naming (createRTS parameter ``sig2rtm.rtc_naming``): a business server's
        SendUnicast text."""

    def onUserBinaryMessageReceivedOutsideRoom(self, uid: str, size: int, message: bytes) -> None:
        """RTC naming: a business server's SendUnicast binary message."""


class IRTSRoomEventHandler:
    """Room callbacks (``IRTSRoomEventHandler``). Override what the app needs."""

    def onRoomStateChanged(self, room_id: str, uid: str, state: int, extra_info: str) -> None:
        """Joined (state 0; ``extra_info`` ``{"elapsed": ms, "join_type": 0|1}``, 1 after a
        reconnect) or a join failure / loss of the room (an ``RtsErrorCode``)."""

    def onLeaveRoom(self) -> None:
        """``leaveRoom`` completed."""

    def onUserJoined(self, uid: str, elapsed: int) -> None:
        """Another user joined the room (``elapsed`` is meaningless, always 0)."""

    def onUserLeave(self, uid: str, reason: int) -> None:
        """Another user left the room (``UserOfflineReason``)."""

    def onRoomMessageReceived(self, uid: str, message: str) -> None:
        """A text broadcast from another member or a business server (SendBroadcast)."""

    def onRoomBinaryMessageReceived(self, uid: str, size: int, message: bytes) -> None:
        """A binary broadcast from another member or a business server."""

    def onRoomMessageSendResult(self, msgid: int, error: int) -> None:
        """The result of ``sendRoomMessage`` / ``sendRoomBinaryMessage`` (200 is success)."""

    def onUserMessageReceived(self, uid: str, message: str) -> None:
        """A business server's text to this user in this room (SendRoomUnicast / Batch)."""

    def onUserBinaryMessageReceived(self, uid: str, size: int, message: bytes) -> None:
        """A business server's binary message to this user in this room."""
