"""The operations of the RTS method rows: the dialect's checks and codes, then RTM calls.

Each function runs one row of ``rts.toml`` (its ``operation``), called by the method the
facade generated (:mod:`adapters.facade`) after the argument types were checked. What the
vendor SDK refuses at once is refused here with its codes; sends get their message ID first
and report a refusal through their result callback (``Rts.*`` signals through the rows).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import rtm
from adapters.signaling.context import Request

from .enums import (
    BusinessCheckCode,
    MessageConfig,
    RoomMessageSendResult,
    RtsErrorCode,
    RtsReturnStatus,
    UserMessageSendResult,
)
from .limits import MAX_MESSAGE_BYTES, valid_business_id, valid_id

if TYPE_CHECKING:
    from .engine import RTSEngineBase
    from .room import RTSRoomBase

__all__ = ["OPERATIONS", "SDK_VERSION"]

#: What getSdkVersion returns: the vendor API level this dialect follows, and sig2rtm's.
SDK_VERSION = "3.58.0 (sig2rtm RTS dialect)"

_OK = int(RtsReturnStatus.RTS_RETURN_STATUS_SUCCESS)
_FAIL = int(RtsReturnStatus.RTS_RETURN_STATUS_FAILURE)
_PARAM = int(RtsReturnStatus.RTS_RETURN_STATUS_PARAMETER_ERR)
_STATE = int(RtsReturnStatus.RTS_RETURN_STATUS_WRONG_STATE)
_U = UserMessageSendResult
_ROOM = RoomMessageSendResult
_SERVER_PARAMS_OK = 200
_CONFIGS = frozenset(int(c) for c in MessageConfig)


def _size(message: str | bytes) -> int:
    return len(message.encode("utf-8")) if isinstance(message, str) else len(message)


# ---------------------------------------------------------------------- engine


def create_rts(*args: Any) -> Any:
    """The createRTS row's operation is the module-level factory (:func:`adapters.rts.createRTS`):
    an engine has no such method."""
    raise NotImplementedError("createRTS is adapters.rts.createRTS, not an engine method")


def get_sdk_version(engine: RTSEngineBase) -> str:
    return SDK_VERSION


def set_rts_event_handler(engine: RTSEngineBase, handler: Any) -> int:
    engine.handler = handler
    return _OK


def set_business_id(engine: RTSEngineBase, business_id: str) -> int:
    with engine.lock:
        if any(room.state != "idle" for room in engine.rooms.values()):
            return int(BusinessCheckCode.BUSINESS_CHECK_CODE_ALREADY_IN_ROOM)
        if not valid_business_id(business_id):
            return int(BusinessCheckCode.BUSINESS_CHECK_CODE_INPUT_INVALIDATE)
        engine.business_id = business_id
        return _OK


def apply_parameters(engine: RTSEngineBase, parameters: Mapping[str, Any]) -> None:
    """Keep run-time parameters; ``sig2rtm.rtc_naming`` (bool) picks the RTC callback names
    for a business server's messages outside rooms."""
    naming = parameters.get("sig2rtm.rtc_naming", engine.rtc_naming)
    if not isinstance(naming, bool):
        raise ValueError("sig2rtm.rtc_naming must be true or false")
    engine.parameters.update(parameters)
    engine.rtc_naming = naming


def set_runtime_parameters(engine: RTSEngineBase, parameters: str) -> int:
    try:
        value = json.loads(parameters)
        if not isinstance(value, dict):
            raise ValueError("not a JSON object")
        with engine.lock:
            apply_parameters(engine, value)
    except ValueError as exc:
        engine.explain(f"setRuntimeParameters: {exc}")
        return _PARAM
    return _OK


def login(engine: RTSEngineBase, token: str, uid: str) -> int:
    with engine.lock:
        if not token:
            engine.explain("login: the token is empty")
            return -1
        if not valid_id(uid):
            engine.explain(f"login: {uid!r} is not a valid user ID ([a-zA-Z0-9_@.-], 1..64)")
            return -1
        if engine.login_state != "out":
            return -2
        engine.uid, engine.token = uid, token
        engine.login_state = "pending"
        engine.login_started = engine.sched.time()
        engine.client.login(token, uid)
        return _OK


def logout(engine: RTSEngineBase) -> int:
    with engine.lock:
        if engine.login_state == "out":
            return _STATE
        engine.client.logout()
        return _OK


def update_login_token(engine: RTSEngineBase, token: str) -> int:
    with engine.lock:
        if not token:
            return _PARAM
        engine.token = token
        if engine.login_state == "in":
            engine.client.renewToken(token)
        elif engine.login_state == "out" and engine.token_failed and engine.uid:
            engine.token_failed = False  # the vendor: log in again with the new token
            engine.login_state = "pending"
            engine.login_started = engine.sched.time()
            engine.client.login(token, engine.uid)
        return _OK


def _valid_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def set_server_params(engine: RTSEngineBase, signature: str, url: str) -> int:
    with engine.lock:
        if not engine.logged_in:
            engine.explain("setServerParams: not logged in")
            error = int(_U.USER_MESSAGE_SEND_RESULT_NOT_LOGIN)
        elif not signature or not _valid_url(url):
            engine.explain("setServerParams: an empty signature or a URL that is not http(s)")
            error = int(_U.USER_MESSAGE_SEND_RESULT_SERVER_PARAMS_NOT_SET)
        else:
            engine.server_params = (signature, url)
            error = _SERVER_PARAMS_OK
        engine.signal("Rts.onServerParamsSet", error=error)
        return _OK


def get_peer_online_status(engine: RTSEngineBase, peer_user_id: str) -> int:
    with engine.lock:
        if not valid_id(peer_user_id):
            return _PARAM
        if not engine.logged_in:
            return _STATE
        rid = rtm.RequestId()
        engine.client.queryPeersOnlineStatus([peer_user_id], requestId=rid)
        request = Request("getPeerOnlineStatus", {"peer_user_id": peer_user_id})
        engine.track_request(rid.value, request)
        return _OK


def _peer_send(engine: RTSEngineBase, uid: str, message: str | bytes, config: int) -> int:
    with engine.lock:
        if not valid_id(uid):
            engine.explain(f"send: {uid!r} is not a valid user ID")
            return _PARAM
        if config not in _CONFIGS:
            engine.explain(f"send: {config!r} is not a MessageConfig")
            return _PARAM
        msgid = engine.next_msgid()
        error = 0
        if not engine.logged_in:
            error = _U.USER_MESSAGE_SEND_RESULT_NOT_LOGIN
        elif _size(message) > MAX_MESSAGE_BYTES:
            error = _U.USER_MESSAGE_SEND_RESULT_EXCEED_MAX_LENGTH
        elif not engine.peer_rate.allow():
            error = _U.USER_MESSAGE_SEND_RESULT_EXCEED_QPS
        if error:
            engine.explain(f"message {msgid} to {uid}: {_U(error).name}")
            engine.signal("Rts.onSendRefused", msgid=msgid, error=int(error))
            return msgid
        rtm_message = engine.client.createMessage(message)
        rtm_message.messageId = msgid
        engine.client.sendMessageToPeer(uid, rtm_message)
        return msgid


def send_message(engine: RTSEngineBase, uid: str, message: str, config: int = 0) -> int:
    return _peer_send(engine, uid, message, config)


def send_binary_message(engine: RTSEngineBase, uid: str, message: bytes, config: int = 0) -> int:
    return _peer_send(engine, uid, bytes(message), config)


def _server_send(engine: RTSEngineBase, message: str | bytes) -> int:
    with engine.lock:
        msgid = engine.next_msgid()
        engine.server_pending.add(msgid)
        error = 0
        params = engine.server_params
        send = getattr(engine.client, "sendMessageToServer", None)
        if not engine.logged_in:
            error = _U.USER_MESSAGE_SEND_RESULT_NOT_LOGIN
        elif params is None:
            error = _U.USER_MESSAGE_SEND_RESULT_SERVER_PARAMS_NOT_SET
        elif _size(message) > MAX_MESSAGE_BYTES:
            error = _U.USER_MESSAGE_SEND_RESULT_EXCEED_MAX_LENGTH
        elif not engine.server_rate.allow():
            error = _U.USER_MESSAGE_SEND_RESULT_EXCEED_QPS
        elif send is None:
            engine.explain("this core cannot send to a business server (no sendMessageToServer)")
            error = _U.USER_MESSAGE_SEND_RESULT_E2BS_SEND_FAILED
        if error or params is None or send is None:
            engine.signal("Rts.onServerSendResult", msgid=msgid, error=int(error), ack=b"")
            return msgid
        signature, url = params
        code = send(
            engine.client.createMessage(message), url, signature, _server_result(engine, msgid)
        )
        if code:
            translated = engine.rows.codes.code("SERVER_MESSAGE_ERR", int(code))
            engine.signal("Rts.onServerSendResult", msgid=msgid, error=translated, ack=b"")
        return msgid


def _server_result(engine: RTSEngineBase, msgid: int) -> Callable[[int, bytes], None]:
    def done(code: int, ack: bytes) -> None:
        error = engine.rows.codes.code("SERVER_MESSAGE_ERR", int(code))
        params = {"msgid": msgid, "error": error, "ack": bytes(ack)}
        engine.on_rtm_event("Rts.onServerSendResult", params, None, "", "")

    return done


def send_server_message(engine: RTSEngineBase, message: str) -> int:
    return _server_send(engine, message)


def send_server_binary_message(engine: RTSEngineBase, message: bytes) -> int:
    return _server_send(engine, bytes(message))


def create_room(engine: RTSEngineBase, room_id: str) -> Any:
    with engine.lock:
        error = 0
        if not valid_id(room_id):
            error = RtsErrorCode.RTS_ERROR_CODE_ROOM_ID_ILLEGAL
        elif room_id in engine.rooms:
            error = RtsErrorCode.RTS_ERROR_CODE_ROOM_ALREADY_EXIST
        if error:
            engine.explain(f"createRoom {room_id!r}: {RtsErrorCode(error).name}")
            engine.signal("Rts.onCreateRoomFailed", room_id=room_id, error=int(error))
            return None
        channel = engine.client.createChannel(room_id, engine.channel_handler(room_id))
        room = engine.room_class(engine, room_id, channel)
        engine.rooms[room_id] = room
        return room


def destroy_rts(engine: RTSEngineBase) -> None:
    with engine.lock:
        engine.cancel_timers()
        for room in list(engine.rooms.values()):
            room_destroy(room)
        engine.destroyed = True
        engine.client.release()


# ---------------------------------------------------------------------- room


def room_destroy(room: RTSRoomBase) -> None:
    with room.lock:
        if room.channel is not None:
            room.channel.release()
        room.engine.rooms.pop(room.room_id, None)
        room.destroyed = True


def set_room_event_handler(room: RTSRoomBase, handler: Any) -> int:
    room.handler = handler
    return _OK


def join_room(room: RTSRoomBase) -> int:
    with room.lock:
        if not room.engine.logged_in or room.channel is None:
            return _FAIL
        if room.state != "idle":
            return _PARAM
        room.state = "joining"
        room.join_started = room.engine.sched.time()
        room.channel.join()
        return _OK


def leave_room(room: RTSRoomBase) -> int:
    with room.lock:
        if room.state in ("joined", "joining"):
            room.state = "leaving"
            room.channel.leave()
        return _OK


def _room_send(room: RTSRoomBase, message: str | bytes) -> int:
    with room.lock:
        engine = room.engine
        msgid = engine.next_msgid()
        error = 0
        if room.state != "joined":
            error = _ROOM.ROOM_MESSAGE_SEND_RESULT_NOT_JOIN
        elif _size(message) > MAX_MESSAGE_BYTES:
            error = _ROOM.ROOM_MESSAGE_SEND_RESULT_EXCEED_MAX_LENGTH
        elif not engine.broadcast_rate.allow():
            error = _ROOM.ROOM_MESSAGE_SEND_RESULT_EXCEED_QPS
        if error:
            engine.explain(f"room message {msgid} in {room.room_id}: {_ROOM(error).name}")
            room.signal("Rts.onRoomSendRefused", msgid=msgid, error=int(error))
            return msgid
        rtm_message = engine.client.createMessage(message)
        rtm_message.messageId = msgid
        room.channel.sendMessage(rtm_message)
        return msgid


def send_room_message(room: RTSRoomBase, message: str) -> int:
    return _room_send(room, message)


def send_room_binary_message(room: RTSRoomBase, message: bytes) -> int:
    return _room_send(room, bytes(message))


#: operation name (the rows' ``operation``) -> function.
OPERATIONS: Mapping[str, Callable[..., Any]] = {
    "create_rts": create_rts,
    "destroy_rts": destroy_rts,
    "get_sdk_version": get_sdk_version,
    "set_rts_event_handler": set_rts_event_handler,
    "set_business_id": set_business_id,
    "set_runtime_parameters": set_runtime_parameters,
    "login": login,
    "logout": logout,
    "update_login_token": update_login_token,
    "set_server_params": set_server_params,
    "get_peer_online_status": get_peer_online_status,
    "send_message": send_message,
    "send_binary_message": send_binary_message,
    "send_server_message": send_server_message,
    "send_server_binary_message": send_server_binary_message,
    "create_room": create_room,
    "room_destroy": room_destroy,
    "set_room_event_handler": set_room_event_handler,
    "join_room": join_room,
    "leave_room": leave_room,
    "send_room_message": send_room_message,
    "send_room_binary_message": send_room_binary_message,
}
