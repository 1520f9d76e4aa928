"""What the rows declared unsupported do: report the declared error (X2-X4).

Each unsupported method row names the callback that reports it (``reports``); these
operations are that report, so a legacy app always gets one answer, never silence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from legacy_signaling.codes import ECODE, ErrorDesc

if TYPE_CHECKING:
    from ..instance import ShimAgoraAPI

__all__ = ["UNSUPPORTED", "unsupported_error", "unsupported_send"]

Operation = Callable[..., None]


def unsupported_error(method: str) -> Operation:
    """X3: ``onError(method, GENERAL_E_FAILED, "not supported")``."""

    def report(shim: ShimAgoraAPI, *args: object) -> None:
        shim.api_error(method, ECODE.GENERAL_E_FAILED, ErrorDesc.UNSUPPORTED)

    report.__name__ = f"unsupported_{method}"
    return report


def unsupported_send(shim: ShimAgoraAPI, *args: object) -> None:
    """X2: a send that is not supported still gets its one result, an error (D4 ids)."""
    msg_id = args[-1]
    assert isinstance(msg_id, str)
    shim.deliver("onMessageSendError", shim.ids.resolve(msg_id), ECODE.SENDMESSAGE_E_OTHER)


def bc_call(shim: ShimAgoraAPI, func: str, json_args: str, callID: str) -> None:
    """X4."""
    shim.deliver("onBCCall_result", ErrorDesc.UNSUPPORTED, "", callID)


#: Operation name (as the rows spell it) -> its report.
UNSUPPORTED: dict[str, Operation] = {
    "start": unsupported_error("start"),
    "stop": unsupported_error("stop"),
    "set_background": unsupported_error("setBackground"),
    "set_network_status": unsupported_error("setNetworkStatus"),
    "ping": unsupported_error("ping"),
    "dbg": unsupported_error("dbg"),
    "channel_invite_phone": unsupported_error("channelInvitePhone"),
    "channel_invite_phone2": unsupported_error("channelInvitePhone2"),
    "channel_invite_phone3": unsupported_error("channelInvitePhone3"),
    "message_app_send": unsupported_send,
    "message_push_send": unsupported_send,
    "message_chat_send": unsupported_send,
    "message_dtmf_send": unsupported_send,
    "bc_call": bc_call,
}
