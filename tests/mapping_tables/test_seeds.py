"""Seed checks: the flavour tables cover every name of seeds 001 and 003, and the reference.

The seeds live in ../shared/seeds (read-only project documents); the tests fail, not skip, when
that directory is missing.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from mapping_tables import Flavour, MappingTables
from mapping_tables.seeds import SeedRow, cell_names, coverage_problems, is_callback, parse_seed
from tests.mapping_tables.mt_helpers import SHARED, require_shared

SEED_FILES = {Flavour.CPP: "001_*.txt", Flavour.JAVA: "003_*.txt"}

#: Reference legacy-signaling.md §1.2: every native IAgoraAPI method (written out by hand).
REFERENCE_METHODS = frozenset(
    {
        "callbackSet", "callbackGet", "login", "login2", "logout", "channelJoin", "channelLeave",
        "channelQueryUserNum", "channelQueryUserIsIn", "channelSetAttr", "channelDelAttr",
        "channelClearAttr", "channelInviteUser", "channelInviteUser2", "channelInvitePhone",
        "channelInvitePhone2", "channelInvitePhone3", "channelInviteDTMF", "channelInviteAccept",
        "channelInviteRefuse", "channelInviteEnd", "messageInstantSend", "messageInstantSend2",
        "messageChannelSend", "messageChannelSendForce", "messageChannelSend2", "messageAppSend",
        "messagePushSend", "messageChatSend", "messageDTMFSend", "setAttr", "getAttr", "getAttrAll",
        "getUserAttr", "getUserAttrAll", "queryUserStatus", "invoke", "getStatus", "getSdkVersion",
        "isOnline", "setBackground", "setNetworkStatus", "ping", "start", "stop", "bc_call", "dbg",
        "destroy",
    }
)  # fmt: skip
#: The factories the seeds list as legacy methods (reference §1.1).
SEED_FACTORIES = frozenset({"getInstance", "createAgoraSDKInstance"})
#: Reference §2.1: every native ICallBack callback with its parameters.
REFERENCE_CALLBACKS = {
    "onReconnecting": ("nretry",),
    "onReconnected": ("fd",),
    "onLoginSuccess": ("uid", "fd"),
    "onLoginFailed": ("ecode",),
    "onLogout": ("ecode",),
    "onChannelJoined": ("channelID",),
    "onChannelJoinFailed": ("channelID", "ecode"),
    "onChannelLeaved": ("channelID", "ecode"),
    "onChannelUserJoined": ("account", "uid"),
    "onChannelUserLeaved": ("account", "uid"),
    "onChannelUserList": ("accounts", "uids"),
    "onChannelQueryUserNumResult": ("channelID", "ecode", "num"),
    "onChannelQueryUserIsIn": ("channelID", "account", "isIn"),
    "onChannelAttrUpdated": ("channelID", "name", "value", "type"),
    "onInviteReceived": ("channelID", "account", "uid", "extra"),
    "onInviteReceivedByPeer": ("channelID", "account", "uid"),
    "onInviteAcceptedByPeer": ("channelID", "account", "uid", "extra"),
    "onInviteRefusedByPeer": ("channelID", "account", "uid", "extra"),
    "onInviteFailed": ("channelID", "account", "uid", "ecode", "extra"),
    "onInviteEndByPeer": ("channelID", "account", "uid", "extra"),
    "onInviteEndByMyself": ("channelID", "account", "uid"),
    "onInviteMsg": ("channelID", "account", "uid", "msgType", "msgData", "extra"),
    "onMessageSendSuccess": ("messageID",),
    "onMessageSendError": ("messageID", "ecode"),
    "onMessageSendProgress": ("account", "messageID", "type", "info"),
    "onMessageInstantReceive": ("account", "uid", "msg"),
    "onMessageChannelReceive": ("channelID", "account", "uid", "msg"),
    "onMessageAppReceived": ("msg",),
    "onLog": ("txt",),
    "onInvokeRet": ("callID", "err", "resp"),
    "onMsg": ("from", "t", "msg"),
    "onUserAttrResult": ("account", "name", "value"),
    "onUserAttrAllResult": ("account", "value"),
    "onError": ("name", "ecode", "desc"),
    "onQueryUserStatusResult": ("name", "status"),
    "onDbg": ("a", "b"),
    "onBCCall_result": ("reason", "json_ret", "callID"),
}


def seed_rows(shared: Path, flavour: Flavour) -> tuple[SeedRow, ...]:
    matches = sorted((shared / "seeds").glob(SEED_FILES[flavour]))
    assert len(matches) == 1, f"expected one seed {SEED_FILES[flavour]} in {shared / 'seeds'}"
    return parse_seed(matches[0].read_text(encoding="utf-8"))


def test_missing_shared_fails_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"\.\./shared is absent"):
        require_shared(tmp_path / "no-such-dir")
    assert require_shared(tmp_path) == tmp_path


def test_shared_is_looked_up_next_to_the_repository() -> None:
    repo = Path(__file__).resolve().parents[2]
    assert (repo / "pyproject.toml").is_file()
    assert repo / ".." / "shared" == SHARED


# ------------------------------------------------------------------ the parser


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("`login`/`login2`", ("login", "login2")),
        ("[createRtmService](https://x/y.html#a1)<sup>1</sup>", ("createRtmService",)),
        ("N/A", ()),
        ("N/A<sup>3</sup>", ()),
        ("N/A\u3002see [onConnectionStateChanged](https://x)", ()),
        ("`onLocalInvitationFailure`\u3002see `LOCAL_INVITATION_ERR_CODE`\u3002<sup>5</sup>",
         ("onLocalInvitationFailure",)),
        ("<li>`onA` <li> `onB`", ("onA", "onB")),
        ("[onSuccess](https://x) \u6216 [onFailure](https://y)", ("onSuccess", "onFailure")),
        ("   ", ()),
    ],
)  # fmt: skip
def test_cell_names(cell: str, names: tuple[str, ...]) -> None:
    assert cell_names(cell) == names


def test_parse_seed_skips_headers_rules_and_empty_rows() -> None:
    text = "\n".join(
        [
            "intro",
            "| what | legacy | RTM |",
            "| ---- | ------ | --- |",
            "| a | `login` | [login](https://x)<sup>2</sup> |",
            "|   |         |     |",
            "",
            "| what | legacy | RTM |",
            "| --- | --- | --- |",
            "| b | N/A | `createMessage` |",
        ]
    )
    assert parse_seed(text) == (
        SeedRow(line=4, legacy=("login",), rtm=("login",)),
        SeedRow(line=9, legacy=(), rtm=("createMessage",)),
    )


def test_parse_seed_rejects_a_malformed_row() -> None:
    with pytest.raises(ValueError, match="line 3: expected 3 cells"):
        parse_seed("| h | h | h |\n|---|---|---|\n| a | b |")


def test_callback_names_are_recognised() -> None:
    assert is_callback("onLoginSuccess") and is_callback("OnQueryUserStatusResult")
    assert not is_callback("online") and not is_callback("login")


def test_coverage_reports_what_is_missing(tables: MappingTables) -> None:
    rows = (
        SeedRow(1, ("messageInstantSend",), ("sendMessageToPeer",)),
        SeedRow(2, ("messageTeleport",), ("beamMessage",)),
        SeedRow(3, ("onTeleported",), ("onBeamed",)),
    )
    assert coverage_problems(tables.flavour("cpp"), rows) == [
        "line 2: legacy method 'messageTeleport' has no row",
        "line 2: RTM name 'beamMessage' is used by no row",
        "line 3: legacy callback 'onTeleported' has no row",
        "line 3: RTM name 'onBeamed' is used by no row",
    ]


# ------------------------------------------------------------------ the real seeds


@pytest.mark.parametrize("flavour", list(Flavour))
def test_flavour_table_covers_its_seed(
    shared: Path, tables: MappingTables, flavour: Flavour
) -> None:
    rows = seed_rows(shared, flavour)
    assert len(rows) > 60  # the seeds have about seventy rows; an empty parse must not pass
    assert coverage_problems(tables.flavour(flavour), rows) == []


@pytest.mark.parametrize("flavour", list(Flavour))
def test_seed_spellings_are_needed_and_used(
    shared: Path, tables: MappingTables, flavour: Flavour
) -> None:
    table = tables.flavour(flavour)
    rows = seed_rows(shared, flavour)
    seed_names = {name for row in rows for name in (*row.legacy, *row.rtm)}
    assert set(table.seed_spellings) <= seed_names  # no stale aliases
    without = attrs.evolve(table, seed_spellings={})
    problems = "\n".join(coverage_problems(without, rows))
    for seed_name in table.seed_spellings:
        assert repr(seed_name) in problems


def test_known_seed_misspellings_map_to_reference_names(tables: MappingTables) -> None:
    cpp = tables.flavour("cpp").seed_spellings
    assert cpp["queryuserStatus"] == "queryUserStatus"
    assert cpp["OnQueryUserStatusResult"] == "onQueryUserStatusResult"
    assert cpp["oninviteReceived"] == "onInviteReceived"
    assert cpp["oninviteReceivedByPeer"] == "onInviteReceivedByPeer"
    assert cpp["deleteLocaluserAttributeByKeys"] == "deleteLocalUserAttributesByKeys"
    assert cpp["onAddorUpdateLocalUserAttributesResult"] == "onAddOrUpdateLocalUserAttributesResult"


def test_both_flavours_cover_the_same_legacy_names(tables: MappingTables) -> None:
    cpp, java = tables.flavour("cpp"), tables.flavour("java")
    assert {m.legacy for m in cpp.methods} == {m.legacy for m in java.methods}
    assert {e.legacy for e in cpp.events} == {e.legacy for e in java.events}
    for row in cpp.methods:
        assert java.method(row.legacy).operation == row.operation


def test_legacy_names_are_exactly_the_reference_lists(tables: MappingTables) -> None:
    for table in tables.flavours.values():
        assert {m.legacy for m in table.methods} == REFERENCE_METHODS | SEED_FACTORIES
        assert {e.legacy for e in table.events} == set(REFERENCE_CALLBACKS)
        for row in table.events:
            assert row.args == REFERENCE_CALLBACKS[row.legacy], row.legacy


EXPECTED_OPERATIONS = (
    "bc_call", "callback_get", "callback_set", "channel_clear_attr", "channel_del_attr",
    "channel_invite_accept", "channel_invite_dtmf", "channel_invite_end", "channel_invite_phone",
    "channel_invite_phone2", "channel_invite_phone3", "channel_invite_refuse",
    "channel_invite_user", "channel_invite_user2", "channel_join", "channel_leave",
    "channel_query_user_is_in",
    "channel_query_user_num", "channel_set_attr", "create_instance", "dbg", "destroy",
    "force_send_channel_message", "get_attr", "get_attr_all", "get_instance", "get_sdk_version",
    "get_status", "get_user_attr", "get_user_attr_all", "invoke", "is_online", "login", "login2",
    "logout", "message_app_send", "message_chat_send", "message_dtmf_send", "message_push_send",
    "ping", "query_user_status", "send_channel_message", "send_channel_message2",
    "send_peer_message", "send_peer_message2", "set_attr", "set_background", "set_network_status",
    "start", "stop",
)  # fmt: skip


def test_operation_registry_names(tables: MappingTables) -> None:
    assert tables.operations == EXPECTED_OPERATIONS
    assert tables.flavour("cpp").method("messageInstantSend").operation == "send_peer_message"
    assert tables.flavour("cpp").method("messageChannelSendForce").operation == (
        "force_send_channel_message"
    )
