"""The native ``ICallBack`` handler, with every legacy callback as an overridable no-op.

Names and parameter order are the native headers'. C++ passes strings as
``(char const*, size_t)`` pairs and the user list as ``(n, accounts, uids)``; here they are
``str`` and two lists. One rename: ``onMsg``'s first parameter ``from`` is a Python keyword,
so it is ``from_``.

``RecordingCallBack`` records every callback as ``(name, args)``: the traces that the
reference model and the shim are compared by.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Final

__all__ = ["CALLBACK_NAMES", "UNRECORDED", "ICallBack", "RecordingCallBack", "TraceEntry"]


class ICallBack:
    """Legacy callback handler: subclass it and override what the app needs."""

    # ---------------------------------------------------------------- connection
    def onReconnecting(self, nretry: int) -> None:
        """The connection was lost; retry number ``nretry`` (1, 2, ...) is under way."""

    def onReconnected(self, fd: int) -> None:
        """The connection is back; ``fd`` is internal (always 0 here)."""

    def onLoginSuccess(self, uid: int, fd: int) -> None:
        """Logged in; ``uid`` is the server's internal uid for the account."""

    def onLoginFailed(self, ecode: int) -> None:
        """Login failed with a 2xx code."""

    def onLogout(self, ecode: int) -> None:
        """Logged out with a 1xx code (101 by the user, 102 network, 103 kicked, ...)."""

    # ---------------------------------------------------------------- channels
    def onChannelJoined(self, channelID: str) -> None:
        """This instance joined ``channelID``."""

    def onChannelJoinFailed(self, channelID: str, ecode: int) -> None:
        """Joining ``channelID`` failed."""

    def onChannelLeaved(self, channelID: str, ecode: int) -> None:
        """This instance left ``channelID`` (``ecode`` says why)."""

    def onChannelUserJoined(self, account: str, uid: int) -> None:
        """Another user joined the current channel."""

    def onChannelUserLeaved(self, account: str, uid: int) -> None:
        """Another user left the current channel."""

    def onChannelUserList(self, accounts: list[str], uids: list[int]) -> None:
        """The members of a just-joined channel (at most the latest 200)."""

    def onChannelQueryUserNumResult(self, channelID: str, ecode: int, num: int) -> None:
        """Result of ``channelQueryUserNum``."""

    def onChannelQueryUserIsIn(self, channelID: str, account: str, isIn: int) -> None:
        """Result of ``channelQueryUserIsIn`` (``isIn`` 1 or 0)."""

    def onChannelAttrUpdated(self, channelID: str, name: str, value: str, type: str) -> None:
        """A channel attribute changed; ``type`` is "update", "del" or "clear"."""

    # ---------------------------------------------------------------- invitations
    def onInviteReceived(self, channelID: str, account: str, uid: int, extra: str) -> None:
        """Callee: ``account`` invites this user to ``channelID``."""

    def onInviteReceivedByPeer(self, channelID: str, account: str, uid: int) -> None:
        """Caller: the callee's SDK received the invitation."""

    def onInviteAcceptedByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        """Caller: the callee accepted."""

    def onInviteRefusedByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        """Caller: the callee refused."""

    def onInviteFailed(
        self, channelID: str, account: str, uid: int, ecode: int, extra: str
    ) -> None:
        """Caller: the invitation failed with a 7xx code."""

    def onInviteEndByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        """The other party ended the call."""

    def onInviteEndByMyself(self, channelID: str, account: str, uid: int) -> None:
        """This instance ended the call."""

    def onInviteMsg(
        self,
        channelID: str,
        account: str,
        uid: int,
        msgType: str,
        msgData: str,
        extra: str,
    ) -> None:
        """A message inside a call (DTMF: ``msgType`` "DTMF")."""

    # ---------------------------------------------------------------- messages
    def onMessageSendSuccess(self, messageID: str) -> None:
        """The server accepted message ``messageID``."""

    def onMessageSendError(self, messageID: str, ecode: int) -> None:
        """Message ``messageID`` was not sent."""

    def onMessageSendProgress(self, account: str, messageID: str, type: str, info: str) -> None:
        """Headers only; never fired by this implementation."""

    def onMessageInstantReceive(self, account: str, uid: int, msg: str) -> None:
        """A peer-to-peer message from ``account``."""

    def onMessageChannelReceive(self, channelID: str, account: str, uid: int, msg: str) -> None:
        """A channel message (also the sender's own, echoed)."""

    def onMessageAppReceived(self, msg: str) -> None:
        """Headers only; never fired by this implementation."""

    # ---------------------------------------------------------------- misc
    def onLog(self, txt: str) -> None:
        """One SDK log line."""

    def onInvokeRet(self, callID: str, err: str, resp: str) -> None:
        """Result of ``invoke``: ``err`` "" on success."""

    def onMsg(self, from_: str, t: str, msg: str) -> None:
        """Headers only (the native parameter is named ``from``)."""

    def onUserAttrResult(self, account: str, name: str, value: str) -> None:
        """One user attribute ("" when unset)."""

    def onUserAttrAllResult(self, account: str, value: str) -> None:
        """All attributes of a user as a JSON object."""

    def onError(self, name: str, ecode: int, desc: str) -> None:
        """Method ``name`` failed with a 1000-family code."""

    def onQueryUserStatusResult(self, name: str, status: str) -> None:
        """Result of ``queryUserStatus``: "1" online, "0" offline."""

    def onDbg(self, a: str, b: str) -> None:
        """Internal debugging channel."""

    def onBCCall_result(self, reason: str, json_ret: str, callID: str) -> None:
        """Result of ``bc_call``."""


def _is_callback(name: str, member: object) -> bool:
    return name.startswith("on") and callable(member)


#: Every callback name, in declaration order.
CALLBACK_NAMES: Final[tuple[str, ...]] = tuple(
    name for name, member in vars(ICallBack).items() if _is_callback(name, member)
)

#: One recorded callback: its name and positional arguments.
TraceEntry = tuple[str, tuple[object, ...]]


class RecordingCallBack(ICallBack):
    """Appends ``(name, args)`` for every callback to :attr:`trace` (but ``onLog``: see
    :data:`UNRECORDED`).

    Keyword arguments are bound to their positions, and list arguments are copied, so two
    traces compare equal exactly when the callbacks were the same.
    """

    def __init__(self) -> None:
        self.trace: list[TraceEntry] = []

    def names(self) -> list[str]:
        """Just the callback names of :attr:`trace`, in order."""
        return [name for name, _ in self.trace]

    def take(self) -> list[TraceEntry]:
        """Return the trace so far and start a new one."""
        taken, self.trace = self.trace, []
        return taken


def _recorder(name: str) -> Callable[..., None]:
    signature = inspect.signature(getattr(ICallBack, name))

    def record(self: RecordingCallBack, *args: object, **kwargs: object) -> None:
        bound = signature.bind(self, *args, **kwargs)
        values = tuple(
            list(value) if isinstance(value, list) else value for value in bound.args[1:]
        )
        self.trace.append((name, values))

    record.__name__ = name
    record.__qualname__ = f"RecordingCallBack.{name}"
    return record


#: Callbacks a trace leaves out: ``onLog`` carries an implementation's own diagnostic text
#: (the reference model writes none, the shim explains its refusals), not behaviour to compare.
UNRECORDED = frozenset({"onLog"})

for _name in CALLBACK_NAMES:
    if _name not in UNRECORDED:
        setattr(RecordingCallBack, _name, _recorder(_name))
del _name
