"""The RTS engine and room interfaces: the methods an app calls, with the vendor's names.

These classes declare signatures and say what each method returns; the bodies are generated
from the method rows of ``rts.toml`` (:mod:`adapters.facade`), so every public method runs
its row's operation (:mod:`adapters.rts.ops`). Messages are ``str`` and binary payloads
``bytes`` (the C++ ``length`` argument is the length of the ``bytes``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .handlers import IRTSEventHandler, IRTSRoomEventHandler

__all__ = ["IRTS", "IRTSRoom", "RTSDestroyedError"]


class RTSDestroyedError(RuntimeError):
    """A method of an engine after ``destroyRTS`` (or of a room after ``destroy``)."""


class IRTS:
    """An RTS engine (``createRTS``). Sends return a message ID (≥ 1, one sequence per
    engine) or a negative code; results arrive on the engine's handler."""

    def destroyRTS(self) -> None:
        """Log out, destroy the rooms and release the engine; later calls raise."""
        raise NotImplementedError

    def getSdkVersion(self) -> str:
        """The version string of this SDK (sig2rtm's RTS dialect)."""
        raise NotImplementedError

    def setRtsEventHandler(self, handler: IRTSEventHandler) -> int:
        """Replace the engine's handler: 0."""
        raise NotImplementedError

    def setBusinessId(self, business_id: str) -> int:
        """A free-form tag: 0; -6001 while in a room; -6002 characters outside
        letters, digits and ``.-_@``."""
        raise NotImplementedError

    def setRuntimeParameters(self, parameters: str) -> int:
        """A JSON object of run-time parameters: 0, or -2 when it is not one."""
        raise NotImplementedError

    def login(self, token: str, uid: str) -> int:
        """0 (result in ``onLoginResult``); -1 empty token or invalid uid; -2 logged in."""
        raise NotImplementedError

    def logout(self) -> int:
        """0 (``onLogout(0)`` follows); -3 when not logged in."""
        raise NotImplementedError

    def updateLoginToken(self, token: str) -> int:
        """0: the token for the next (re)login, at once if a login failed on its token;
        -2 for an empty token."""
        raise NotImplementedError

    def setServerParams(self, signature: str, url: str) -> int:
        """0; the result (200 = success) in ``onServerParamsSetResult``."""
        raise NotImplementedError

    def getPeerOnlineStatus(self, peer_user_id: str) -> int:
        """0 (``onGetPeerOnlineStatus`` follows); -2 invalid uid; -3 not logged in."""
        raise NotImplementedError

    def sendMessage(self, uid: str, message: str, config: int = 0) -> int:
        """A text to a user: its msgid (``onMessageSendResult`` follows); -2 invalid uid."""
        raise NotImplementedError

    def sendBinaryMessage(self, uid: str, message: bytes, config: int = 0) -> int:
        """Binary to a user: its msgid; -2 invalid uid."""
        raise NotImplementedError

    def sendServerMessage(self, message: str) -> int:
        """A text to the business server: its msgid (``onServerMessageSendResult``)."""
        raise NotImplementedError

    def sendServerBinaryMessage(self, message: bytes) -> int:
        """Binary to the business server: its msgid."""
        raise NotImplementedError

    def createRoom(self, room_id: str) -> Any:
        """A room object (not joined), or None (``onCreateRoomStateChanged`` says why)."""
        raise NotImplementedError


class IRTSRoom:
    """A room of an engine (``createRoom``): broadcast to the other members."""

    def destroy(self) -> None:
        """Leave (quietly) and forget the room; later calls raise."""
        raise NotImplementedError

    def setRTSRoomEventHandler(self, handler: IRTSRoomEventHandler) -> int:
        """Replace the room's handler: 0."""
        raise NotImplementedError

    def joinRoom(self) -> int:
        """0 (``onRoomStateChanged`` follows); -1 not logged in; -2 already in the room."""
        raise NotImplementedError

    def leaveRoom(self) -> int:
        """0 (``onLeaveRoom`` follows when the room was joined)."""
        raise NotImplementedError

    def sendRoomMessage(self, message: str) -> int:
        """A text to the other members: its msgid (``onRoomMessageSendResult``)."""
        raise NotImplementedError

    def sendRoomBinaryMessage(self, message: bytes) -> int:
        """Binary to the other members: its msgid."""
        raise NotImplementedError
