"""The native ``IAgoraAPI`` interface: every method of the legacy headers, in native order.

C++ passes each string as ``(char const*, size_t)``; here it is one ``str``. ``uint32_t``
parameters are ``int`` checked to be in range. Most methods return nothing: results arrive
through the :class:`~legacy_signaling.callback.ICallBack` set with ``callbackSet``.

Two implementations exist: ``legacy_signaling.reference.ReferenceAgoraAPI`` (the executable
model, the oracle) and the shim over the RTM core. What each method does is in
``docs/legacy-semantics.md``; the row id is given in each docstring.
"""

from __future__ import annotations

import abc
from typing import Final

from legacy_signaling.callback import ICallBack
from legacy_signaling.ecode_constants import ECodeConstants

__all__ = ["METHOD_NAMES", "IAgoraAPI", "InstanceDestroyedError"]


class InstanceDestroyedError(RuntimeError):
    """A method was called on an instance after ``destroy()`` (D8)."""


class IAgoraAPI(ECodeConstants, abc.ABC):
    """One legacy SDK instance (``getInstance`` / ``createAgoraSDKInstance``); the legacy
    codes are its constants too (``IAgoraAPI.ECODE_LOGOUT_E_KICKED``)."""

    # ------------------------------------------------------------ handler, session
    @abc.abstractmethod
    def callbackSet(self, handler: ICallBack | None) -> None:
        """Set the one callback handler of this instance (I3)."""

    @abc.abstractmethod
    def callbackGet(self) -> ICallBack | None:
        """The handler set last, or None (I3)."""

    @abc.abstractmethod
    def login(self, appId: str, account: str, token: str, uid: int, deviceID: str) -> None:
        """Log in; ``uid`` is "fixed 0" and ``deviceID`` unused (L1-L10)."""

    @abc.abstractmethod
    def login2(
        self,
        appId: str,
        account: str,
        token: str,
        uid: int,
        deviceID: str,
        retry_time_in_s: int,
        retry_count: int,
    ) -> None:
        """Log in with explicit retry limits (L11, L12)."""

    @abc.abstractmethod
    def logout(self) -> None:
        """Log out (L7-L10)."""

    @abc.abstractmethod
    def getStatus(self) -> int:
        """A ``LoginStatus`` value (D6)."""

    @abc.abstractmethod
    def getSdkVersion(self) -> int:
        """``SDK_VERSION`` (I4)."""

    @abc.abstractmethod
    def isOnline(self) -> bool:
        """Deprecated: ``getStatus() == 2`` (X1)."""

    @abc.abstractmethod
    def destroy(self) -> None:
        """Release the instance (I5)."""

    def destory(self) -> None:
        """The spelling of ``destroy`` in the Windows and iOS 1.2.1 headers."""
        self.destroy()

    # ------------------------------------------------------------ messages
    @abc.abstractmethod
    def messageInstantSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        """Peer-to-peer message (P1-P3)."""

    @abc.abstractmethod
    def messageInstantSend2(
        self, account: str, uid: int, msg: str, msgID: str, options: str
    ) -> None:
        """Headers only: as ``messageInstantSend``; ``options`` ignored (P4)."""

    @abc.abstractmethod
    def messageChannelSend(self, channelID: str, msg: str, msgID: str) -> None:
        """Message to the current channel, echoed to the sender (M1, M2)."""

    @abc.abstractmethod
    def messageChannelSendForce(self, channelID: str, msg: str, msgID: str) -> None:
        """Message to a channel without joining it (M3)."""

    @abc.abstractmethod
    def messageChannelSend2(self, channelID: str, msg: str, msgID: str, extra: str) -> None:
        """Headers only: as ``messageChannelSend``; ``extra`` ignored (M4)."""

    @abc.abstractmethod
    def messageAppSend(self, msg: str, msgID: str) -> None:
        """Headers only; not supported (X2)."""

    @abc.abstractmethod
    def messagePushSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        """Headers only; not supported (X2)."""

    @abc.abstractmethod
    def messageChatSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        """Headers only; not supported (X2)."""

    @abc.abstractmethod
    def messageDTMFSend(self, uid: int, msg: str, msgID: str) -> None:
        """Deprecated; not supported (X2)."""

    # ------------------------------------------------------------ queries, attributes
    @abc.abstractmethod
    def queryUserStatus(self, account: str) -> None:
        """Is ``account`` online (Q1)."""

    @abc.abstractmethod
    def setAttr(self, name: str, value: str) -> None:
        """Set (or with "" delete) an own user attribute (A6)."""

    @abc.abstractmethod
    def getAttr(self, name: str) -> None:
        """One own user attribute (A7)."""

    @abc.abstractmethod
    def getAttrAll(self) -> None:
        """All own user attributes (A7)."""

    @abc.abstractmethod
    def getUserAttr(self, account: str, name: str) -> None:
        """One attribute of another user (A8)."""

    @abc.abstractmethod
    def getUserAttrAll(self, account: str) -> None:
        """All attributes of another user (A8)."""

    # ------------------------------------------------------------ channels
    @abc.abstractmethod
    def channelJoin(self, channelID: str) -> None:
        """Join a channel, leaving the current one (CH1-CH4)."""

    @abc.abstractmethod
    def channelLeave(self, channelID: str) -> None:
        """Leave the current channel (CH5, CH6)."""

    @abc.abstractmethod
    def channelQueryUserNum(self, channelID: str) -> None:
        """Member count of a channel (Q2)."""

    @abc.abstractmethod
    def channelQueryUserIsIn(self, channelID: str, account: str) -> None:
        """Is ``account`` a member of ``channelID`` (Q3)."""

    @abc.abstractmethod
    def channelSetAttr(self, channelID: str, name: str, value: str) -> None:
        """Set a channel attribute (A1, A4)."""

    @abc.abstractmethod
    def channelDelAttr(self, channelID: str, name: str) -> None:
        """Delete a channel attribute (A2, A4)."""

    @abc.abstractmethod
    def channelClearAttr(self, channelID: str) -> None:
        """Delete every channel attribute (A3, A4)."""

    @abc.abstractmethod
    def invoke(self, name: str, req: str, callID: str) -> None:
        """Generic RPC (R1-R10)."""

    # ------------------------------------------------------------ invitations
    @abc.abstractmethod
    def channelInviteUser(self, channelID: str, account: str, uid: int = 0) -> None:
        """Invite without extra (V2)."""

    @abc.abstractmethod
    def channelInviteUser2(self, channelID: str, account: str, extra: str) -> None:
        """Invite with a JSON ``extra`` (V1, V3-V6, V13)."""

    @abc.abstractmethod
    def channelInvitePhone(self, channelID: str, phoneNum: str, uid: int = 0) -> None:
        """PSTN; not supported (X3)."""

    @abc.abstractmethod
    def channelInvitePhone2(self, channelID: str, phoneNum: str, sourcesNum: str) -> None:
        """PSTN; not supported (X3)."""

    @abc.abstractmethod
    def channelInvitePhone3(
        self, channelID: str, phoneNum: str, sourcesNum: str, extra: str
    ) -> None:
        """PSTN; not supported (X3)."""

    @abc.abstractmethod
    def channelInviteDTMF(self, channelID: str, phoneNum: str, dtmf: str) -> None:
        """DTMF digits to the other party of a call (V10, V11)."""

    @abc.abstractmethod
    def channelInviteAccept(self, channelID: str, account: str, uid: int, extra: str = "") -> None:
        """Callee accepts (V7, V11); some builds had no ``extra``."""

    @abc.abstractmethod
    def channelInviteRefuse(self, channelID: str, account: str, uid: int, extra: str = "") -> None:
        """Callee refuses (V8, V11)."""

    @abc.abstractmethod
    def channelInviteEnd(self, channelID: str, account: str, uid: int) -> None:
        """Either side ends or cancels the call (V9, V11)."""

    # ------------------------------------------------------------ header-only extras
    @abc.abstractmethod
    def setBackground(self, bOut: int) -> None:
        """Not supported (X3)."""

    @abc.abstractmethod
    def setNetworkStatus(self, bOut: int) -> None:
        """Not supported (X3)."""

    @abc.abstractmethod
    def ping(self) -> None:
        """Not supported (X3)."""

    @abc.abstractmethod
    def start(self) -> None:
        """Not supported (X3)."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Not supported (X3)."""

    @abc.abstractmethod
    def bc_call(self, func: str, json_args: str, callID: str) -> None:
        """Not supported; answered by ``onBCCall_result`` (X4)."""

    @abc.abstractmethod
    def dbg(self, a: str, b: str) -> None:
        """Not supported (X3)."""


#: Every method name of ``IAgoraAPI`` (the ``destory`` alias included), declaration order.
METHOD_NAMES: Final[tuple[str, ...]] = tuple(
    name
    for name, member in vars(IAgoraAPI).items()
    if callable(member) and not name.startswith("_")
)
