"""The event rows at work: what legacy callbacks given RTM events produce, in both flavours.

The scenario tests feed the same situation to the C++ table (event handlers) and to the Java
table (ResultCallback / listeners) and require the same legacy trace: that is what lets the two
shims be compared with one legacy reference model. The sweep at the end evaluates every row in
many generated contexts: no row may fail to evaluate, every row must be reachable, and the
legacy arguments must have the legacy types.

The rows run exactly as the shim runs them: compiled into Python by
:mod:`mapping_tables.codegen` with the shim's views of RTM parameters.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pytest

import rtm as rtm_core
from adapters.signaling.context import Request, Session
from adapters.signaling.views import ROW_VIEWS, legacy_view
from mapping_tables import EventRow, Flavour, MappingTables, Status
from mapping_tables.codegen import CompiledRows, RowError, compile_rows
from mapping_tables.expr import ExprEvalError, compile_expr, paths
from mapping_tables.functions import default_legacy_uid as uid
from mapping_tables.functions import encode_peer_signal, standard_functions
from mapping_tables.markers import MARKER_KEY, Marker, encode_marker
from mapping_tables.project import fire
from mapping_tables.rowexpr import plain
from mapping_tables.rtm_surface import callbacks

Trace = tuple[tuple[str, tuple[object, ...]], ...]


class Obj:
    """A stand-in for an RTM object: plain attributes."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


def JavaMember(user_id: str) -> rtm_core.RtmChannelMember:
    """An RtmChannelMember as the Java listeners deliver it."""
    return rtm_core.RtmChannelMember(user_id, "ch1")


def msg(text: str) -> Obj:
    return Obj(text=text)


def attrs_of(**pairs: str) -> list[Obj]:
    return [Obj(key=k, value=v) for k, v in pairs.items()]


SESSION = {
    "self_account": "alice",
    "uid": 42,
    "channel": "ch1",
    "handler_channel": "ch1",
    "previous_state": 3,
    "reconnect_attempt": 1,
    "channel_attrs": [],
}


@pytest.fixture(scope="module")
def fns(tables: MappingTables) -> dict[str, Any]:
    return standard_functions(tables)


_compiled: dict[tuple[int, str], CompiledRows] = {}


def compiled(tables: MappingTables, fns: Mapping[str, Any], flavour: str) -> CompiledRows:
    """A flavour's rows compiled as the shim compiles them (legacy mode)."""
    key = (id(fns), flavour)
    if key not in _compiled:
        _compiled[key] = compile_rows(
            tables.flavour(flavour).events, fns, ROW_VIEWS, file=flavour, label=f"test {flavour}"
        )
    return _compiled[key]


def _request(request: Mapping[str, object] | None) -> Request | None:
    if request is None:
        return None
    args = {k: v for k, v in request.items() if k not in ("method", "self_account")}
    return Request(str(request["method"]), args)


def fired(
    tables: MappingTables,
    fns: Mapping[str, Any],
    flavour: str,
    rtm: str,
    event: Mapping[str, object],
    request: Mapping[str, object] | None,
    session: Mapping[str, object],
    trigger: str = "",
) -> list[tuple[EventRow, tuple[object, ...]]]:
    """The (row, legacy arguments) one RTM event fires, in order."""
    out: list[tuple[EventRow, tuple[object, ...]]] = []
    compiled(tables, fns, flavour).run(
        rtm,
        trigger,
        event,
        _request(request),
        Session(**session),  # type: ignore[arg-type]
        lambda row, args: out.append((row, args)),
    )
    return out


def run(
    tables: MappingTables,
    fns: Mapping[str, Any],
    flavour: str,
    rtm: str,
    event: Mapping[str, object],
    *,
    request: Mapping[str, object] | None = None,
    trigger: str = "",
    **session: object,
) -> Trace:
    out = fired(tables, fns, flavour, rtm, event, request, {**SESSION, **session}, trigger)
    return tuple((row.legacy, args) for row, args in out)


def req(method: str, **args: object) -> dict[str, object]:
    return {"method": method, "self_account": "alice", **args}  # as the interpreter sees it


SEND = req("messageInstantSend", account="bob", uid=0, msg="hi", msgID="m1")
CH_SEND = req("messageChannelSend", channelID="ch1", msg="hi", msgID="m2")


# ------------------------------------------------------------------ peer messages


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (0, (("onMessageSendSuccess", ("m1",)),)),
        (4, (("onMessageSendSuccess", ("m1",)),)),  # cached for an offline peer: accepted
        (3, (("onMessageSendError", ("m1", 400)),)),
        (2, (("onMessageSendError", ("m1", 401)),)),
    ],
)
def test_peer_send_result_is_the_same_in_both_flavours(
    tables: MappingTables, fns: Mapping[str, Any], code: int, expected: Trace
) -> None:
    cpp = run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onSendMessageResult",
        {"messageId": 7, "errorCode": code},
        request=SEND,
    )
    if code == 0:
        java = run(
            tables,
            fns,
            "java",
            "ResultCallback.onSuccess",
            {"responseInfo": None},
            request=SEND,
            trigger="RtmClient.sendMessageToPeer",
        )
    else:
        java = run(
            tables,
            fns,
            "java",
            "ResultCallback.onFailure",
            {"errorInfo": Obj(errorCode=code)},
            request=SEND,
            trigger="RtmClient.sendMessageToPeer",
        )
    assert cpp == expected
    assert java == expected


def test_immediate_send_rejection_arrives_as_the_ordinary_result(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    """The core reports a call it rejects at once through the same result callback."""
    cpp = run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onSendMessageResult",
        {"messageId": 1, "errorCode": 6},
        request=SEND,
    )
    java = run(
        tables,
        fns,
        "java",
        "ResultCallback.onFailure",
        {"errorInfo": Obj(errorCode=6)},
        request=SEND,
        trigger="RtmClient.sendMessageToPeer",
    )
    assert cpp == java == (("onMessageSendError", ("m1", 400)),)


def test_peer_message_delivery_and_shim_signals(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    endcall = encode_peer_signal("endcall", "room_7", "")
    dtmf = encode_peer_signal("dtmf", "room_7", "5#")
    for flavour, rtm, name in (
        ("cpp", "IRtmServiceEventHandler.onMessageReceivedFromPeer", "peerId"),
        ("java", "RtmClientListener.onMessageReceived", "peerId"),
    ):
        plain = run(tables, fns, flavour, rtm, {name: "bob", "message": msg("hello")})
        assert plain == (("onMessageInstantReceive", ("bob", 0, "hello")),)
        ended = run(tables, fns, flavour, rtm, {name: "bob", "message": msg(endcall)})
        assert ended == (("onInviteEndByPeer", ("room_7", "bob", uid("bob"), "")),)
        tones = run(tables, fns, flavour, rtm, {name: "bob", "message": msg(dtmf)})
        assert tones == (
            (
                "onInviteMsg",
                ("room_7", "bob", uid("bob"), "DTMF", "5#", ""),
            ),
        )


# ------------------------------------------------------------------ channels


def test_channel_send_success_then_echo_in_both_flavours(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    expected = (
        ("onMessageSendSuccess", ("m2",)),
        ("onMessageChannelReceive", ("ch1", "alice", 42, "hi")),
    )
    cpp = run(
        tables,
        fns,
        "cpp",
        "IChannelEventHandler.onSendMessageResult",
        {"messageId": 1, "errorCode": 0},
        request=CH_SEND,
    )
    java = run(
        tables,
        fns,
        "java",
        "ResultCallback.onSuccess",
        {"responseInfo": None},
        request=CH_SEND,
        trigger="RtmChannel.sendMessage",
    )
    assert cpp == java == expected


def test_force_send_travels_as_a_marker_and_reports_its_write(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    force = req("messageChannelSendForce", channelID="news", msg="hi", msgID="m3")
    sent = run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onAddOrUpdateChannelAttributesResult",
        {"requestId": 1, "errorCode": 0},
        request=force,
    )
    assert sent == (("onMessageSendSuccess", ("m3",)),)
    failed = run(
        tables,
        fns,
        "java",
        "ResultCallback.onFailure",
        {"errorInfo": Obj(errorCode=5)},
        request=force,
        trigger="RtmClient.addOrUpdateChannelAttributes",
    )
    assert failed == (("onMessageSendError", ("m3", 400)),)
    marker = encode_marker(Marker("7", "msg", "", "hi", "bob"))
    received = run(
        tables,
        fns,
        "cpp",
        "IChannelEventHandler.onAttributesUpdated",
        {"attributes": attrs_of(**{MARKER_KEY: marker}), "numberOfAttributes": 1},
    )
    assert received == (("onMessageChannelReceive", ("ch1", "bob", uid("bob"), "hi")),)


def test_force_send_into_the_current_channel_is_echoed(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    force = req("messageChannelSendForce", channelID="ch1", msg="yo", msgID="m4")
    sent = run(
        tables,
        fns,
        "cpp",
        "IChannelEventHandler.onSendMessageResult",
        {"messageId": 1, "errorCode": 0},
        request=force,
    )
    assert sent[-1] == ("onMessageChannelReceive", ("ch1", "alice", 42, "yo"))


def test_join_sequence(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    join = req("channelJoin", channelID="ch1")
    members = [Obj(userId="alice"), Obj(userId="bob")]
    existing = attrs_of(topic="news", mode="open")
    expected_list = (("onChannelUserList", (["alice", "bob"], [uid("alice"), uid("bob")])),)
    expected_attrs = (
        ("onChannelAttrUpdated", ("ch1", "mode", "open", "update")),
        ("onChannelAttrUpdated", ("ch1", "topic", "news", "update")),
    )
    assert run(tables, fns, "cpp", "IChannelEventHandler.onJoinSuccess", {}, request=join) == (
        ("onChannelJoined", ("ch1",)),
    )
    assert (
        run(
            tables,
            fns,
            "cpp",
            "IChannelEventHandler.onGetMembers",
            {"members": members, "userCount": 2, "errorCode": 0},
            request=join,
        )
        == expected_list
    )
    assert (
        run(
            tables,
            fns,
            "cpp",
            "IRtmServiceEventHandler.onGetChannelAttributesResult",
            {"requestId": 1, "attributes": existing, "numberOfAttributes": 2, "errorCode": 0},
            request=join,
        )
        == expected_attrs
    )
    java_members = [JavaMember("alice"), JavaMember("bob")]
    assert (
        run(
            tables,
            fns,
            "java",
            "ResultCallback.onSuccess",
            {"responseInfo": java_members},
            request=join,
            trigger="RtmChannel.getMembers",
        )
        == expected_list
    )
    assert (
        run(
            tables,
            fns,
            "java",
            "ResultCallback.onSuccess",
            {"responseInfo": existing},
            request=join,
            trigger="RtmClient.getChannelAttributes",
        )
        == expected_attrs
    )


def test_join_failure_codes(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    join = req("channelJoin", channelID="ch1")
    cpp = run(
        tables, fns, "cpp", "IChannelEventHandler.onJoinFailure", {"errorCode": 6}, request=join
    )
    java = run(
        tables,
        fns,
        "java",
        "ResultCallback.onFailure",
        {"errorInfo": Obj(errorCode=6)},
        request=join,
        trigger="RtmChannel.join",
    )
    assert cpp == java == (("onChannelJoinFailed", ("ch1", 300)),)


def test_only_an_explicit_leave_reports(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    leave = req("channelLeave", channelID="ch1")
    assert run(
        tables, fns, "cpp", "IChannelEventHandler.onLeave", {"errorCode": 0}, request=leave
    ) == (("onChannelLeaved", ("ch1", 0)),)
    implicit = req("channelJoin", channelID="ch2")
    assert (
        run(tables, fns, "cpp", "IChannelEventHandler.onLeave", {"errorCode": 0}, request=implicit)
        == ()
    )


def test_members_and_messages_of_other_channels_are_ignored(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    event = {"userId": "bob", "message": msg("x")}
    rtm = "IChannelEventHandler.onMessageReceived"
    assert run(tables, fns, "cpp", rtm, event) == (
        ("onMessageChannelReceive", ("ch1", "bob", uid("bob"), "x")),
    )
    assert run(tables, fns, "cpp", rtm, event, handler_channel="news") == ()
    java = run(
        tables, fns, "java", "RtmChannelListener.onMemberJoined", {"member": JavaMember("eve")}
    )
    assert java == (("onChannelUserJoined", ("eve", uid("eve"))),)


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_attribute_snapshot_becomes_per_key_events(
    tables: MappingTables, fns: Mapping[str, Any], flavour: str
) -> None:
    rtm, param = {
        "cpp": ("IChannelEventHandler.onAttributesUpdated", "attributes"),
        "java": ("RtmChannelListener.onAttributesUpdated", "attributeList"),
    }[flavour]
    before = attrs_of(a="1", b="2")
    changed = run(tables, fns, flavour, rtm, {param: attrs_of(a="1", c="3")}, channel_attrs=before)
    assert changed == (
        ("onChannelAttrUpdated", ("ch1", "b", "", "del")),
        ("onChannelAttrUpdated", ("ch1", "c", "3", "update")),
    )
    cleared = run(tables, fns, flavour, rtm, {param: []}, channel_attrs=before)
    assert cleared == (("onChannelAttrUpdated", ("ch1", "", "", "clear")),)


def test_channel_attribute_write_failure_goes_to_on_error(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    write = req("channelSetAttr", channelID="ch1", name="k", value="v")
    expected = (("onError", ("channelSetAttr", 1005, "ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW")),)
    assert (
        run(
            tables,
            fns,
            "cpp",
            "IRtmServiceEventHandler.onAddOrUpdateChannelAttributesResult",
            {"requestId": 1, "errorCode": 4},
            request=write,
        )
        == expected
    )
    assert (
        run(
            tables,
            fns,
            "java",
            "ResultCallback.onFailure",
            {"errorInfo": Obj(errorCode=4)},
            request=write,
            trigger="RtmClient.addOrUpdateChannelAttributes",
        )
        == expected
    )
    assert (
        run(
            tables,
            fns,
            "cpp",
            "IRtmServiceEventHandler.onAddOrUpdateChannelAttributesResult",
            {"requestId": 1, "errorCode": 0},
            request=write,
        )
        == ()
    )


def test_member_count_and_membership_queries(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    num = req("channelQueryUserNum", channelID="ch1")
    counts = [Obj(channelId="ch1", count=3)]
    assert run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onGetChannelMemberCountResult",
        {"requestId": 1, "channelMemberCounts": counts, "channelCount": 1, "errorCode": 0},
        request=num,
    ) == (("onChannelQueryUserNumResult", ("ch1", 0, 3)),)
    assert run(
        tables,
        fns,
        "java",
        "ResultCallback.onFailure",
        {"errorInfo": Obj(errorCode=4)},
        request=num,
        trigger="RtmClient.getChannelMemberCount",
    ) == (("onChannelQueryUserNumResult", ("ch1", 501, 0)),)
    is_in = req("channelQueryUserIsIn", channelID="ch1", account="bob")
    assert run(
        tables,
        fns,
        "java",
        "ResultCallback.onSuccess",
        {"responseInfo": attrs_of(__sig2rtm_ch="ch1")},
        request=is_in,
        trigger="RtmClient.getUserAttributesByKeys",
    ) == (("onChannelQueryUserIsIn", ("ch1", "bob", 1)),)
    assert run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onGetUserAttributesResult",
        {
            "requestId": 1,
            "userId": "bob",
            "attributes": [],
            "numberOfAttributes": 0,
            "errorCode": 6,
        },
        request=is_in,
    ) == (("onChannelQueryUserIsIn", ("ch1", "bob", 0)),)


# ------------------------------------------------------------------ login, presence, attributes


def test_login_results(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    login = req("login", appId="a", account="alice", token="t", uid=0, deviceID="")
    assert run(tables, fns, "cpp", "IRtmServiceEventHandler.onLoginSuccess", {}, request=login) == (
        ("onLoginSuccess", (uid("alice"), 0)),
    )
    for code, legacy in ((6, 204), (5, 206), (8, 208), (9, 201)):
        assert run(
            tables,
            fns,
            "cpp",
            "IRtmServiceEventHandler.onLoginFailure",
            {"errorCode": code},
            request=login,
        ) == (("onLoginFailed", (legacy,)),)
        assert run(
            tables,
            fns,
            "java",
            "ResultCallback.onFailure",
            {"errorInfo": Obj(errorCode=code)},
            request=login,
            trigger="RtmClient.login",
        ) == (("onLoginFailed", (legacy,)),)


@pytest.mark.parametrize(
    ("state", "reason", "previous", "expected"),
    [
        (5, 8, 3, (("onLogout", (103,)),)),  # kicked by a login elsewhere
        (5, 7, 3, (("onLogout", (100,)),)),  # banned
        (5, 9, 3, ()),  # token expiry is reported by onTokenExpired instead
        (4, 5, 3, (("onReconnecting", (1,)),)),
        (3, 2, 4, (("onReconnected", (0,)),)),
        (3, 2, 2, ()),  # a first login is not a reconnect
        (1, 6, 3, ()),  # user logout: onLogout comes from the logout result
    ],
)
def test_connection_states(
    tables: MappingTables,
    fns: Mapping[str, Any],
    state: int,
    reason: int,
    previous: int,
    expected: Trace,
) -> None:
    event = {"state": state, "reason": reason}
    cpp = run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onConnectionStateChanged",
        event,
        previous_state=previous,
    )
    java = run(
        tables,
        fns,
        "java",
        "RtmClientListener.onConnectionStateChanged",
        event,
        previous_state=previous,
    )
    assert cpp == java == expected


def test_logout_and_token_expiry(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    logout = req("logout")
    assert run(
        tables, fns, "cpp", "IRtmServiceEventHandler.onLogout", {"errorCode": 0}, request=logout
    ) == (("onLogout", (101,)),)
    assert run(
        tables,
        fns,
        "java",
        "ResultCallback.onSuccess",
        {"responseInfo": None},
        request=logout,
        trigger="RtmClient.logout",
    ) == (("onLogout", (101,)),)
    assert run(
        tables, fns, "cpp", "IRtmServiceEventHandler.onLogout", {"errorCode": 102}, request=logout
    ) == (("onLogout", (108,)),)
    assert run(tables, fns, "java", "RtmClientListener.onTokenExpired", {}) == (
        ("onLogout", (105,)),
    )


def test_presence_query(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    query = req("queryUserStatus", account="bob")
    online = [Obj(peerId="bob", onlineState=0)]
    assert run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onQueryPeersOnlineStatusResult",
        {"requestId": 1, "peersStatus": online, "peerCount": 1, "errorCode": 0},
        request=query,
    ) == (("onQueryUserStatusResult", ("bob", "1")),)
    assert run(
        tables,
        fns,
        "java",
        "ResultCallback.onSuccess",
        {"responseInfo": {"bob": False}},
        request=query,
        trigger="RtmClient.queryPeersOnlineStatus",
    ) == (("onQueryUserStatusResult", ("bob", "0")),)
    assert run(
        tables,
        fns,
        "java",
        "ResultCallback.onFailure",
        {"errorInfo": Obj(errorCode=4)},
        request=query,
        trigger="RtmClient.queryPeersOnlineStatus",
    ) == (("onQueryUserStatusResult", ("bob", "0")),)


def test_user_attributes(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    get_attr = req("getUserAttr", account="bob", name="k")
    result = {
        "requestId": 1,
        "userId": "bob",
        "attributes": attrs_of(k="v", z="w"),
        "numberOfAttributes": 2,
    }
    assert run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onGetUserAttributesResult",
        {**result, "errorCode": 0},
        request=get_attr,
    ) == (("onUserAttrResult", ("bob", "k", "v")),)
    all_attrs = req("getAttrAll")
    assert run(
        tables,
        fns,
        "java",
        "ResultCallback.onSuccess",
        {"responseInfo": attrs_of(k="v")},
        request=all_attrs,
        trigger="RtmClient.getUserAttributes",
    ) == (("onUserAttrAllResult", ("alice", '{"k":"v"}')),)
    set_attr = req("setAttr", name="k", value="")
    assert run(
        tables,
        fns,
        "cpp",
        "IRtmServiceEventHandler.onDeleteLocalUserAttributesResult",
        {"requestId": 1, "errorCode": 0},
        request=set_attr,
    ) == (("onUserAttrResult", ("alice", "k", "")),)


# ------------------------------------------------------------------ invitations and invoke


def test_invitation_callbacks(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    remote = Obj(callerId="bob", channelId="ch9", content='{"k":1}')
    local = Obj(calleeId="bob", channelId="ch9", content='{"x":2}')
    for flavour, iface in (("cpp", "IRtmCallEventHandler"), ("java", "RtmCallEventListener")):
        assert run(
            tables,
            fns,
            flavour,
            f"{iface}.onRemoteInvitationReceived",
            {"remoteInvitation": remote},
        ) == (("onInviteReceived", ("ch9", "bob", uid("bob"), '{"k":1}')),)
        assert run(
            tables,
            fns,
            flavour,
            f"{iface}.onLocalInvitationAccepted",
            {"localInvitation": local, "response": "ok"},
        ) == (("onInviteAcceptedByPeer", ("ch9", "bob", uid("bob"), "ok")),)
        assert run(
            tables,
            fns,
            flavour,
            f"{iface}.onLocalInvitationFailure",
            {"localInvitation": local, "errorCode": 2},
        ) == (("onInviteFailed", ("ch9", "bob", uid("bob"), 704, '{"x":2}')),)
        assert (
            run(
                tables,
                fns,
                flavour,
                f"{iface}.onRemoteInvitationAccepted",
                {"remoteInvitation": remote},
            )
            == ()
        )


def test_invitation_that_cannot_be_sent(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    invite = req("channelInviteUser2", channelID="ch9", account="bob", extra="{}")
    expected = (("onInviteFailed", ("ch9", "bob", uid("bob"), 701, "")),)
    assert (
        run(
            tables,
            fns,
            "java",
            "ResultCallback.onFailure",
            {"errorInfo": Obj(errorCode=5)},
            request=invite,
            trigger="RtmCallManager.sendLocalInvitation",
        )
        == expected
    )


def test_ending_a_call_by_peer_signal_confirms_to_the_ender(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    end = req("channelInviteEnd", channelID="ch9", account="bob", uid=0)
    expected = (("onInviteEndByMyself", ("ch9", "bob", uid("bob"))),)
    for code in (0, 3):
        assert (
            run(
                tables,
                fns,
                "cpp",
                "IRtmServiceEventHandler.onSendMessageResult",
                {"messageId": 1, "errorCode": code},
                request=end,
            )
            == expected
        )
    assert (
        run(
            tables,
            fns,
            "java",
            "ResultCallback.onFailure",
            {"errorInfo": Obj(errorCode=3)},
            request=end,
            trigger="RtmClient.sendMessageToPeer",
        )
        == expected
    )


def test_invoke_member_list(tables: MappingTables, fns: Mapping[str, Any]) -> None:
    call = req(
        "invoke", name="io.agora.signal.channel_query_userlist", req='{"name":"ch1"}', callID="c1"
    )
    members = [Obj(userId="alice"), Obj(userId="bob")]
    resp = f'{{"num":2,"list":[["alice",{uid("alice")}],["bob",{uid("bob")}]]}}'
    assert run(
        tables,
        fns,
        "cpp",
        "IChannelEventHandler.onGetMembers",
        {"members": members, "userCount": 2, "errorCode": 0},
        request=call,
    ) == (("onInvokeRet", ("c1", "", resp)),)
    assert run(
        tables,
        fns,
        "java",
        "ResultCallback.onFailure",
        {"errorInfo": Obj(errorCode=4)},
        request=call,
        trigger="RtmChannel.getMembers",
    ) == (("onInvokeRet", ("c1", "1001", "{}")),)


def test_a_non_boolean_condition_fails_naming_its_row(
    tables: MappingTables, fns: Mapping[str, Any]
) -> None:
    row = tables.flavour("cpp").events_for("onError")[-1]
    broken = attrs.evolve(row, when="session.uid", rtm="IRtmServiceEventHandler.onLogout")
    rows = compile_rows([broken], fns, ROW_VIEWS, file="signaling_cpp.toml", label="broken")
    with pytest.raises(RowError, match=rf"signaling_cpp.toml:{row.line}: event row onError") as e:
        rows.run(
            "IRtmServiceEventHandler.onLogout", "", {"errorCode": 0}, None,
            Session(uid=42), lambda row, args: None,
        )  # fmt: skip
    assert isinstance(e.value.__cause__, ExprEvalError)
    assert "not a boolean" in str(e.value)


# ------------------------------------------------------------------ sweep over every row

RPC_NAMES = [
    "channel_query_userlist",
    "channel_query_user_isin",
    "channel_query_num",
    "user_query_user_status",
    "user_get_attr",
    "user_get_attr_all",
    "user_set_attr",
    "channel_set_attr",
    "channel_del_attr",
    "channel_clear_attr",
]
ARG_SAMPLES: dict[str, object] = {
    "channelID": "ch1",
    "account": "bob",
    "uid": 0,
    "msg": "hi",
    "msgID": "m1",
    "name": "k",
    "value": "v",
    "extra": "{}",
    "req": '{"account":"bob","name":"k"}',
    "callID": "c1",
    "token": "t",
    "appId": "app",
    "deviceID": "",
    "retry_time_in_s": 5,
    "retry_count": 1,
    "dtmf": "1",
    "phoneNum": "bob",
    "handler": None,
    "options": "",
    "a": "",
    "b": "",
    "func": "",
    "json_args": "",
    "bOut": 0,
    "sourcesNum": "",
}
INT_ARGS = {"ecode", "uid", "fd", "num", "isIn", "nretry"}
LIST_ARGS = {"accounts", "uids"}
RESPONSE_INFO: dict[str, object] = {
    "RtmChannel.getMembers": [JavaMember("alice"), JavaMember("bob")],
    "RtmClient.getUserAttributes": attrs_of(k="v"),
    "RtmClient.getUserAttributesByKeys": attrs_of(k="v"),
    "RtmClient.getChannelAttributes": attrs_of(k="v"),
    "RtmClient.queryPeersOnlineStatus": {"bob": True},
    "RtmClient.getChannelMemberCount": [Obj(channelID="ch1", memberCount=2)],
}


def requests(tables: MappingTables, flavour: Flavour) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for method in tables.flavour(flavour).methods:
        base: dict[str, object] = {"method": method.legacy, "self_account": "alice"}
        base.update({a: ARG_SAMPLES[a] for a in method.args})
        names = [f"io.agora.signal.{n}" for n in RPC_NAMES] if method.legacy == "invoke" else [None]
        for name in names:
            out.append(base if name is None else {**base, "name": name})
    return out


def event_variants(
    flavour: Flavour, row: EventRow, tables: MappingTables
) -> Iterator[dict[str, object]]:
    params = callbacks(flavour)[row.rtm].params
    rtm_methods = sorted({n for m in tables.flavour(flavour).methods for n in m.rtm})
    options: dict[str, list[Any]] = {
        "errorCode": [0, 1, 4] if row.rtm.endswith("onSendMessageResult") else [0, 1],
        "state": [1, 3, 4, 5],
        "reason": [2, 7, 8, 9],
        "message": [
            msg("hi"),
            msg(encode_peer_signal("endcall", "ch1", "")),
            msg(encode_peer_signal("dtmf", "ch1", "9")),
        ],
        "errorInfo": [Obj(errorCode=1)]
        + ([Obj(errorCode=4)] if row.trigger == "RtmClient.sendMessageToPeer" else []),
        "method": rtm_methods,
        "responseInfo": [RESPONSE_INFO.get(row.trigger)],
        "members": [[Obj(userId="alice"), Obj(userId="bob")]],
        "attributes": [attrs_of(k="v"), attrs_of(**{MARKER_KEY: _MSG_MARKER})],
        "attributeList": [attrs_of(k="v"), attrs_of(**{MARKER_KEY: _MSG_MARKER})],
        "peersStatus": [[Obj(peerId="bob", onlineState=0)]],
        "channelMemberCounts": [[Obj(channelId="ch1", count=2)]],
        "member": [Obj(userId="bob")],
        "fromMember": [JavaMember("bob")],
        "localInvitation": [Obj(calleeId="bob", channelId="ch1", content="{}")],
        "remoteInvitation": [Obj(callerId="bob", channelId="ch1", content="{}")],
        "enum": ["LOGIN_ERR_CODE"],
        "ecode": [1004],
    }
    choices = [options.get(p, [p]) for p in params]
    for combo in itertools.product(*choices):
        yield dict(zip(params, combo, strict=True))


_MSG_MARKER = encode_marker(Marker("1", "msg", "", "hello", "bob"))


def _uses(row: EventRow, root: str) -> bool:
    texts = [row.when, row.each, *row.projection.values()]
    return any(p.root == root for t in texts if t for p in paths(compile_expr(t)))


@pytest.mark.parametrize("flavour", list(Flavour))
def test_every_row_evaluates_and_is_reachable(
    tables: MappingTables, fns: Mapping[str, Any], flavour: Flavour
) -> None:
    all_requests = requests(tables, flavour)
    sessions = [
        {**SESSION, "handler_channel": h, "previous_state": p, "channel_attrs": attrs_of(k="old")}
        for h in ("ch1", "other")
        for p in (3, 4)
    ]
    unreached: list[str] = []
    for index, row in enumerate(tables.flavour(flavour).events, 1):
        if row.status is Status.UNSUPPORTED:
            continue
        solicited = callbacks(flavour)[row.rtm].solicited if row.rtm else False
        reqs: list[dict[str, object] | None] = (
            list(all_requests) if solicited and (row.request or _uses(row, "request")) else [None]
        )
        sess = sessions if _uses(row, "session") else sessions[:1]
        count = 0
        for event, request, session in itertools.product(
            event_variants(flavour, row, tables), reqs, sess
        ):
            out = fired(tables, fns, flavour.value, row.rtm, event, request, session, row.trigger)
            got = tuple(args for emitted, args in out if emitted is row)
            # The compiled code means what the interpreter (the definition) says.
            context = {
                "event": legacy_view(dict(event)),
                "request": request,
                "session": Session(**session),  # type: ignore[arg-type]
            }
            meant = tuple(tuple(map(plain, a)) for a in fire(row, context, fns))
            assert got == meant, f"{flavour.value} event #{index} {row.legacy}: {got} != {meant}"
            for args in got:
                count += 1
                assert len(args) == len(row.args)
                for name, value in zip(row.args, args, strict=True):
                    expected = int if name in INT_ARGS else list if name in LIST_ARGS else str
                    assert isinstance(value, expected) and not (
                        expected is int and isinstance(value, bool)
                    ), f"{flavour.value} event #{index} {row.legacy}.{name} = {value!r}"
        if not count:
            unreached.append(f"#{index} {row.legacy} <- {row.rtm} when {row.when!r}")
    assert unreached == []
