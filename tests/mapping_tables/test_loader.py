"""Loader validation: every kind of broken table fails with the file, the row and the field named.

Each test breaks one thing in a private copy of the packaged data and checks the message; the
packaged data itself must load cleanly (that is the first test).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from mapping_tables import (
    DEFAULT_DATA_DIR,
    EventRow,
    Flavour,
    MappingTables,
    MethodRow,
    Status,
    TableError,
    load,
)
from mapping_tables.model import Difference
from tests.mapping_tables.mt_helpers import DataCopy

CPP = "signaling_cpp.toml"
JAVA = "signaling_java.toml"


def sub(pattern: str, repl: str) -> Callable[[str], str]:
    """An edit that replaces the first match of `pattern` (multiline) in a row block."""

    def edit(block: str) -> str:
        return re.sub(pattern, repl, block, count=1, flags=re.MULTILINE)

    return edit


def expect(data: DataCopy, *parts: str) -> TableError:
    with pytest.raises(TableError) as info:
        data.load()
    message = str(info.value)
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"
    return info.value


# ------------------------------------------------------------------ the packaged data


def test_packaged_tables_load_and_are_cached() -> None:
    first = load()
    assert load() is first
    assert load(DEFAULT_DATA_DIR) is not first  # an explicit directory is read afresh
    assert set(first.flavours) == {Flavour.CPP, Flavour.JAVA}


def test_loaded_records_are_typed_and_frozen(tables: MappingTables) -> None:
    row = tables.flavour("cpp").method("messageInstantSend")
    assert row.status is Status.MAPPED
    assert row.args == ("account", "uid", "msg", "msgID")
    assert row.rtm == ("IRtmService.createMessage", "IRtmService.sendMessageToPeer")
    assert row.operation == "send_peer_message"
    with pytest.raises(AttributeError):
        row.status = Status.EMULATED  # type: ignore[misc]
    event = tables.flavour("java").events_for("onMessageSendSuccess")[0]
    with pytest.raises(TypeError):
        event.projection["messageID"] = "x"  # type: ignore[index]


def test_every_emulated_row_names_an_emulation(tables: MappingTables) -> None:
    for table in tables.flavours.values():
        rows: list[MethodRow | EventRow] = [*table.methods, *table.events]
        for row in rows:
            if row.status is Status.EMULATED:
                emulations = [tables.differences[k].emulation for k in row.differences]
                assert any(emulations), row.legacy


def test_the_seed_decisions_of_the_brief(tables: MappingTables) -> None:
    cpp, java = tables.flavour("cpp"), tables.flavour("java")
    assert cpp.method("messageChannelSendForce").status is Status.EMULATED
    assert cpp.method("channelInviteDTMF").status is Status.EMULATED
    assert cpp.method("getStatus").status is Status.EMULATED
    assert cpp.method("callbackSet").status is Status.EMULATED
    assert cpp.method("callbackSet").rtm == ()
    set_attr = cpp.method("channelSetAttr")
    assert set_attr.status is Status.EMULATED
    assert "channel_attributes_rtm_1_0" in set_attr.differences
    assert set_attr.rtm == ("IRtmService.addOrUpdateChannelAttributes",)
    assert java.method("channelSetAttr").status is Status.MAPPED
    assert cpp.method("channelInvitePhone").status is Status.UNSUPPORTED
    assert cpp.method("channelInvitePhone").unsupported_reason


def test_legacy_api_marks_generic_spellings(tables: MappingTables) -> None:
    accept = tables.legacy_api["channelInviteAccept"]
    assert not accept.generic
    by_platform = {(s.platform, s.name): s.generic for s in accept.spellings}
    assert by_platform[("python", "accept")] is True
    assert by_platform[("native", "channelInviteAccept")] is False
    assert tables.legacy_api["login"].generic
    assert ("ios", "login2:account:token:uid:deviceID:retry_time_in_s:retry_count:") in {
        (s.platform, s.name) for s in tables.legacy_api["login2"].spellings
    }


# ------------------------------------------------------------------ file-level errors


def test_missing_file(data: DataCopy) -> None:
    (data.root / "error_codes.toml").unlink()
    expect(data, "error_codes.toml", "file not found")


def test_invalid_toml_names_the_file(data: DataCopy) -> None:
    data.replace(JAVA, "[meta]", "[meta")
    expect(data, JAVA, "invalid TOML")


def test_unknown_top_level_key(data: DataCopy) -> None:
    data.write(CPP, data.text(CPP) + "\n[extra]\nx = 1\n")
    expect(data, CPP, "unknown top-level key 'extra'")


def test_flavour_mismatch_in_meta(data: DataCopy) -> None:
    data.replace(JAVA, 'flavour = "java"', 'flavour = "cpp"')
    expect(data, JAVA, "meta", "field 'flavour'", "must be 'java'")


# ------------------------------------------------------------------ method rows


def test_unknown_key_in_a_method_row(data: DataCopy) -> None:
    i = data.edit_row(CPP, "method", "legacy", "logout", sub(r"^topic = ", "tpoic = 1\ntopic = "))
    expect(data, CPP, f"method #{i} 'logout'", "field 'tpoic'", "unknown key")


def test_missing_required_field(data: DataCopy) -> None:
    i = data.edit_row(CPP, "method", "legacy", "logout", sub(r"^operation = .*\n", ""))
    expect(data, CPP, f"method #{i} 'logout'", "field 'operation'", "missing required field")


def test_wrong_field_type(data: DataCopy) -> None:
    i = data.edit_row(JAVA, "method", "legacy", "logout", sub(r"^args = \[\]", "args = 'none'"))
    expect(data, JAVA, f"method #{i} 'logout'", "field 'args'", "must be a list of strings")


def test_bad_status(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "method", "legacy", "login", sub(r"^status = 'mapped'", "status = 'mapd'")
    )
    expect(data, CPP, f"method #{i} 'login'", "field 'status'", "bad status 'mapd'")


def test_unknown_difference_key(data: DataCopy) -> None:
    i = data.edit_row(CPP, "method", "legacy", "login", sub(r"'legacy_tokens'", "'legacy_tokenz'"))
    expect(data, CPP, f"method #{i} 'login'", "field 'differences'", "'legacy_tokenz'")


def test_duplicate_method_row(data: DataCopy) -> None:
    text = data.text(CPP)
    block = re.search(r"\[\[method\]\]\nlegacy = 'ping'\n.*?\n\n", text, re.DOTALL)
    assert block is not None
    data.write(CPP, text + "\n" + block.group())
    count = len(re.findall(r"^\[\[method\]\]", text, re.MULTILINE))
    expect(data, CPP, f"method #{count + 1} 'ping'", "field 'legacy'", "duplicate method row")


def test_duplicate_operation(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "method", "legacy", "stop", sub(r"^operation = 'stop'", "operation = 'start'")
    )
    expect(data, CPP, f"method #{i} 'stop'", "field 'operation'", "'start' is already used")


def test_operation_must_be_snake_case(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "method", "legacy", "stop", sub(r"^operation = 'stop'", "operation = 'Stop'")
    )
    expect(data, CPP, f"method #{i} 'stop'", "field 'operation'", "snake_case")


def test_unknown_rtm_method(data: DataCopy) -> None:
    i = data.edit_row(
        JAVA, "method", "legacy", "logout", sub(r"'RtmClient.logout'", "'RtmClient.logoff'")
    )
    expect(data, JAVA, f"method #{i} 'logout'", "field 'rtm'", "unknown java RTM method")


def test_emulated_row_without_an_emulation(data: DataCopy) -> None:
    # pstn_calls documents a difference but no emulation
    i = data.edit_row(
        CPP, "method", "legacy", "callbackSet", sub(r"'callback_object'", "'pstn_calls'")
    )
    expect(data, CPP, f"method #{i} 'callbackSet'", "field 'differences'", "emulated row must name")


def test_unsupported_row_without_a_reason(data: DataCopy) -> None:
    i = data.edit_row(CPP, "method", "legacy", "bc_call", sub(r"^unsupported_reason = .*\n", ""))
    expect(data, CPP, f"method #{i} 'bc_call'", "field 'unsupported_reason'", "needs the error")


def test_reason_on_a_supported_row(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "method", "legacy", "logout", sub(r"^topic = ", "unsupported_reason = 'x'\ntopic = ")
    )
    expect(data, CPP, f"method #{i} 'logout'", "field 'unsupported_reason'", "only unsupported")


def test_mapped_row_must_call_rtm(data: DataCopy) -> None:
    i = data.edit_row(CPP, "method", "legacy", "logout", sub(r"^rtm = .*$", "rtm = []"))
    expect(data, CPP, f"method #{i} 'logout'", "field 'rtm'", "must name the RTM method")


# ------------------------------------------------------------------ event rows


def test_expression_syntax_error_names_field_and_position(data: DataCopy) -> None:
    i = data.edit_row(
        CPP,
        "event",
        "legacy",
        "onChannelJoined",
        sub(r"^request = .*$", "when = 'request.method =='"),
    )
    err = expect(
        data, CPP, f"event #{i} 'onChannelJoined'", "field 'when'", "bad expression", "position 17"
    )
    assert err.field == "when"
    assert err.index == i


def test_unknown_root_in_a_projection(data: DataCopy) -> None:
    i = data.edit_row(
        JAVA, "event", "legacy", "onChannelJoined", sub(r"channelID = 'request", "channelID = 'req")
    )
    expect(
        data, JAVA, f"event #{i} 'onChannelJoined'", "field 'projection.channelID'", "unknown root"
    )


def test_unknown_function(data: DataCopy) -> None:
    i = data.edit_row(CPP, "event", "legacy", "onLoginSuccess", sub(r"legacy_uid\(", "legacy_id("))
    expect(data, CPP, f"event #{i} 'onLoginSuccess'", "field 'projection.uid'", "unknown function")


def test_projection_key_that_is_not_a_legacy_arg(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "event", "legacy", "onLoginSuccess", sub(r"fd = '0'", "fd = '0', fd2 = '1'")
    )
    expect(
        data,
        CPP,
        f"event #{i} 'onLoginSuccess'",
        "field 'projection'",
        "'fd2' is not an argument of legacy callback onLoginSuccess (uid, fd)",
    )


def test_projection_missing_an_arg(data: DataCopy) -> None:
    i = data.edit_row(CPP, "event", "legacy", "onLoginSuccess", sub(r", fd = '0'", ""))
    expect(
        data,
        CPP,
        f"event #{i} 'onLoginSuccess'",
        "field 'projection'",
        "no projection for argument 'fd'",
    )


def test_unknown_rtm_callback(data: DataCopy) -> None:
    i = data.edit_row(
        CPP,
        "event",
        "legacy",
        "onLoginSuccess",
        sub(
            r"^rtm = 'IRtmServiceEventHandler.onLoginSuccess'",
            "rtm = 'IRtmServiceEventHandler.onLoginSucces'",
        ),
    )
    expect(data, CPP, f"event #{i} 'onLoginSuccess'", "field 'rtm'", "unknown cpp RTM callback")


def test_event_path_must_be_a_callback_parameter(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "event", "legacy", "onLoginFailed", sub(r"event\.errorCode", "event.errorcode")
    )
    expect(data, CPP, f"event #{i} 'onLoginFailed'", "not a parameter of the callback (errorCode)")


def test_request_on_an_unsolicited_callback(data: DataCopy) -> None:
    i = data.edit_row(
        CPP,
        "event",
        "legacy",
        "onChannelUserJoined",
        sub(r"account = 'event.member.userId'", "account = 'request.account'"),
    )
    expect(data, CPP, f"event #{i} 'onChannelUserJoined'", "answers no request (unsolicited)")


def test_unknown_request_field(data: DataCopy) -> None:
    i = data.edit_row(
        JAVA, "event", "legacy", "onChannelJoined", sub(r"request\.channelID", "request.chan")
    )
    expect(data, JAVA, f"event #{i} 'onChannelJoined'", "request.chan: not an argument")


def test_unknown_session_field(data: DataCopy) -> None:
    i = data.edit_row(
        CPP,
        "event",
        "legacy",
        "onReconnecting",
        sub(r"session\.reconnect_attempt", "session.tries"),
    )
    expect(
        data,
        CPP,
        f"event #{i} 'onReconnecting'",
        "field 'projection.nretry'",
        "unknown session field",
    )


def test_item_outside_an_each_row(data: DataCopy) -> None:
    i = data.edit_row(CPP, "event", "legacy", "onLoginSuccess", sub(r"fd = '0'", "fd = 'item.fd'"))
    expect(data, CPP, f"event #{i} 'onLoginSuccess'", "'item' exists only in projections of 'each'")


def test_result_callback_needs_a_trigger(data: DataCopy) -> None:
    i = data.edit_row(JAVA, "event", "legacy", "onLoginSuccess", sub(r"^trigger = .*\n", ""))
    expect(data, JAVA, f"event #{i} 'onLoginSuccess'", "field 'trigger'", "must name the RTM call")


def test_trigger_only_on_result_callbacks(data: DataCopy) -> None:
    i = data.edit_row(
        CPP,
        "event",
        "legacy",
        "onChannelUserJoined",
        sub(r"^status = ", "trigger = 'RtmChannel.join'\nstatus = "),
    )
    expect(
        data,
        CPP,
        f"event #{i} 'onChannelUserJoined'",
        "field 'trigger'",
        "only ResultCallback rows",
    )


def test_legacy_code_with_an_unknown_member(data: DataCopy) -> None:
    i = data.edit_row(
        JAVA, "event", "legacy", "onLogout", sub(r'"LOGOUT_ERR_OK"', '"LOGOUT_ERR_FINE"')
    )
    expect(data, JAVA, f"event #{i} 'onLogout'", "LOGOUT_ERR_CODE has no member 'LOGOUT_ERR_FINE'")


def test_legacy_code_needs_every_member_mapped(data: DataCopy) -> None:
    text = data.text("error_codes.toml")
    new = re.sub(
        r"\[\[code\]\]\nrtm_enum = 'JOIN_CHANNEL_ERR'\nrtm_name = 'JOIN_CHANNEL_TIMEOUT'\n.*?\n\n",
        "",
        text,
        count=1,
        flags=re.DOTALL,
    )
    assert new != text
    data.write("error_codes.toml", new)
    expect(data, CPP, "'onChannelJoinFailed'", "does not map JOIN_CHANNEL_TIMEOUT")


def test_legacy_code_with_an_enum_without_rows(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "event", "legacy", "onLoginFailed", sub(r'"LOGIN_ERR_CODE"', '"RENEW_TOKEN_ERR_CODE"')
    )
    expect(
        data,
        CPP,
        f"event #{i} 'onLoginFailed'",
        "error_codes.toml has no rows for RENEW_TOKEN_ERR_CODE",
    )


def test_rtm_const_must_exist(data: DataCopy) -> None:
    i = data.edit_row(CPP, "event", "legacy", "onReconnecting", sub(r"RECONNECTING", "RECONECTING"))
    expect(data, CPP, f"event #{i} 'onReconnecting'", "unknown RTM constant")


def test_request_method_compared_with_an_unknown_method(data: DataCopy) -> None:
    i = data.edit_row(
        CPP,
        "event",
        "legacy",
        "onChannelJoined",
        sub(r"^request = .*$", """when = 'request.method == "channelJion"'"""),
    )
    expect(data, CPP, f"event #{i} 'onChannelJoined'", "unknown method 'channelJion'")


def test_request_field_names_legacy_methods(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "event", "legacy", "onChannelJoined", sub(r"'channelJoin'", "'channelJion'")
    )
    expect(data, CPP, f"event #{i} 'onChannelJoined'", "field 'request'", "'channelJion'")


def test_request_field_needs_a_solicited_callback(data: DataCopy) -> None:
    i = data.edit_row(
        CPP,
        "event",
        "legacy",
        "onChannelUserJoined",
        sub(r"^status = (.*)$", r"status = \1\nrequest = ['channelJoin']"),
    )
    expect(data, CPP, f"event #{i} 'onChannelUserJoined'", "field 'request'", "unsolicited")


def test_outcome_field_is_ok_or_error_on_a_callback_with_an_error_code(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "event", "legacy", "onChannelLeaved", sub(r"^outcome = 'ok'", "outcome = 'fine'")
    )
    expect(data, CPP, f"event #{i} 'onChannelLeaved'", "field 'outcome'", "bad outcome 'fine'")
    data.edit_row(
        CPP, "event", "legacy", "onChannelLeaved", sub(r"^outcome = 'fine'", "outcome = 'ok'")
    )
    j = data.edit_row(
        JAVA,
        "event",
        "legacy",
        "onChannelJoined",
        sub(r"^status = (.*)$", r"status = \1\noutcome = 'ok'"),
    )
    expect(data, JAVA, f"event #{j} 'onChannelJoined'", "field 'outcome'", "errorCode")


def test_unsupported_method_names_its_reporting_callback(data: DataCopy) -> None:
    i = data.edit_row(CPP, "method", "legacy", "ping", sub(r"^reports = .*\n", ""))
    expect(data, CPP, f"method #{i} 'ping'", "field 'reports'", "names the legacy callback")
    data.edit_row(
        CPP, "method", "legacy", "ping", sub(r"^(status = .*)$", r"\1\nreports = 'onNope'")
    )
    expect(data, CPP, f"method #{i} 'ping'", "field 'reports'", "'onNope' is not a legacy callback")


def test_rows_carry_their_line_numbers(tables: MappingTables) -> None:
    text = (DEFAULT_DATA_DIR / "signaling_cpp.toml").read_text("utf-8").splitlines()
    table = tables.flavour("cpp")
    rows: list[tuple[str, MethodRow | EventRow]] = [("[[method]]", r) for r in table.methods]
    rows += [("[[event]]", r) for r in table.events]
    for header, row in rows:
        assert text[row.line - 1] == header
        assert f"legacy = '{row.legacy}'" in text[row.line : row.line + 3]


def test_unsupported_event_needs_a_reason(data: DataCopy) -> None:
    i = data.edit_row(JAVA, "event", "legacy", "onMsg", sub(r"^note = .*\n", ""))
    expect(data, JAVA, f"event #{i} 'onMsg'", "field 'note'", "needs the reason")


def test_unsupported_event_never_fires(data: DataCopy) -> None:
    i = data.edit_row(
        JAVA,
        "event",
        "legacy",
        "onMsg",
        sub(r"^projection = \{\}", "when = 'true'\nprojection = {}"),
    )
    expect(data, JAVA, f"event #{i} 'onMsg'", "field 'when'", "never fires")


def test_duplicate_event_row(data: DataCopy) -> None:
    text = data.text(CPP)
    block = re.search(r"\[\[event\]\]\nlegacy = 'onLog'\n.*?\n\n", text, re.DOTALL)
    assert block is not None
    data.write(CPP, text + "\n" + block.group())
    expect(data, CPP, "'onLog'", "duplicate event row")


def test_args_must_agree_between_rows_of_a_callback(data: DataCopy) -> None:
    i = data.edit_row(
        CPP, "event", "legacy", "onLogout", sub(r"^args = \['ecode'\]", "args = ['code']"), nth=2
    )
    expect(data, CPP, f"event #{i} 'onLogout'", "field 'projection'")


# ------------------------------------------------------------------ tables of a flavour file


def test_seed_spelling_to_an_unknown_name(data: DataCopy) -> None:
    data.replace(CPP, "queryuserStatus = 'queryUserStatus'", "queryuserStatus = 'queryUsrStatus'")
    expect(data, CPP, "seed_spellings", "field 'queryuserStatus'", "neither a legacy row nor")


def test_rtm_only_name_used_by_a_row(data: DataCopy) -> None:
    data.write(
        CPP, data.text(CPP).replace("[rtm_only]\n", "[rtm_only]\n\"IRtmService.login\" = 'x'\n", 1)
    )
    expect(data, CPP, "rtm_only", "field 'IRtmService.login'", "used by a row")


def test_rtm_only_unknown_name(data: DataCopy) -> None:
    data.write(
        JAVA, data.text(JAVA).replace("[rtm_only]\n", "[rtm_only]\n\"RtmClient.fly\" = 'x'\n", 1)
    )
    expect(data, JAVA, "rtm_only", "field 'RtmClient.fly'", "unknown java RTM name")


# ------------------------------------------------------------------ cross-file checks


def test_flavours_must_cover_the_same_methods(data: DataCopy) -> None:
    text = data.text(JAVA)
    new = re.sub(r"\[\[method\]\]\nlegacy = 'ping'\n.*?\n\n", "", text, count=1, flags=re.DOTALL)
    assert new != text
    data.write(JAVA, new)
    expect(data, JAVA, "legacy methods differ between flavours", "only C++ ['ping']")


def test_flavours_must_use_the_same_operation(data: DataCopy) -> None:
    i = data.edit_row(
        JAVA, "method", "legacy", "ping", sub(r"^operation = 'ping'", "operation = 'keepalive'")
    )
    expect(
        data, JAVA, f"method #{i} 'ping'", "field 'operation'", "C++ table uses operation 'ping'"
    )


def test_unused_difference(data: DataCopy) -> None:
    data.write(
        "differences.toml",
        data.text("differences.toml")
        + "\n[[difference]]\nkey = 'spare'\ntitle = 't'\nexplanation = 'e'\nreview = 'r'\n"
        "effort = 'low'\nsource = 's'\n",
    )
    expect(data, "differences.toml", "'spare'", "field 'key'", "no table row refers")


def test_difference_with_a_bad_effort(data: DataCopy) -> None:
    i = data.edit_row(
        "differences.toml",
        "difference",
        "key",
        "sdk_version",
        sub(r'^effort = "low"', 'effort = "tiny"'),
    )
    expect(data, "differences.toml", f"difference #{i} 'sdk_version'", "field 'effort'")


def test_difference_missing_a_title(data: DataCopy) -> None:
    i = data.edit_row(
        "differences.toml", "difference", "key", "sdk_version", sub(r"^title = .*\n", "")
    )
    expect(data, "differences.toml", f"difference #{i} 'sdk_version'", "field 'title'", "missing")


def test_error_code_with_a_wrong_rtm_value(data: DataCopy) -> None:
    i = data.edit_row(
        "error_codes.toml",
        "code",
        "rtm_name",
        "LOGIN_ERR_TOKEN_EXPIRED",
        sub(r"^rtm_value = 6", "rtm_value = 7"),
    )
    expect(
        data,
        "error_codes.toml",
        f"code #{i} 'LOGIN_ERR_TOKEN_EXPIRED'",
        "field 'rtm_value'",
        "is 6, not 7",
    )


def test_error_code_with_an_unknown_legacy_code(data: DataCopy) -> None:
    i = data.edit_row(
        "error_codes.toml",
        "code",
        "rtm_name",
        "LOGIN_ERR_TOKEN_EXPIRED",
        sub(r"^legacy_name = .*$", "legacy_name = 'LOGIN_E_EXPIRED'"),
    )
    expect(
        data,
        "error_codes.toml",
        f"code #{i}",
        "field 'legacy_name'",
        "not a code of [legacy_codes]",
    )


def test_error_code_legacy_value_must_match_the_catalogue(data: DataCopy) -> None:
    i = data.edit_row(
        "error_codes.toml",
        "code",
        "rtm_name",
        "LOGIN_ERR_TOKEN_EXPIRED",
        sub(r"^legacy_value = 204", "legacy_value = 205"),
    )
    expect(
        data,
        "error_codes.toml",
        f"code #{i}",
        "field 'legacy_value'",
        "LOGIN_E_TOKENEXPIRED is 204",
    )


def test_error_code_for_an_unknown_callback(data: DataCopy) -> None:
    i = data.edit_row(
        "error_codes.toml",
        "code",
        "rtm_name",
        "LOGIN_ERR_TOKEN_EXPIRED",
        sub(r"^legacy_callback = .*$", "legacy_callback = 'onLoginFail'"),
    )
    expect(data, "error_codes.toml", f"code #{i}", "field 'legacy_callback'")


def test_duplicate_error_code_row(data: DataCopy) -> None:
    text = data.text("error_codes.toml")
    block = re.search(r"\[\[code\]\]\nrtm_enum = 'LOGIN_ERR_CODE'\n.*?\n\n", text, re.DOTALL)
    assert block is not None
    data.write("error_codes.toml", text + "\n" + block.group())
    expect(data, "error_codes.toml", "duplicate row for this RTM enum member")


def test_catalogue_must_list_every_row(data: DataCopy) -> None:
    text = data.text("legacy_api.toml")
    new = re.sub(r"\[\[api\]\]\nname = 'ping'\n.*?\]\n", "", text, count=1, flags=re.DOTALL)
    assert new != text
    data.write("legacy_api.toml", new)
    expect(data, CPP, "'ping'", "field 'legacy'", "no entry in legacy_api.toml")


def test_catalogue_spelling_with_an_unknown_platform(data: DataCopy) -> None:
    data.replace(
        "legacy_api.toml",
        "platform = 'python', name = 'accept'",
        "platform = 'cobol', name = 'accept'",
    )
    expect(data, "legacy_api.toml", "'channelInviteAccept'", "unknown platform 'cobol'")


def test_differences_record_shape(tables: MappingTables) -> None:
    diff = tables.differences["peer_ack_timing"]
    assert isinstance(diff, Difference)
    assert diff.effort in {"low", "medium", "high"}
    assert diff.emulation
    assert "001" in diff.source and "003" in diff.source


# ------------------------------------------------------------------ catalogue facts


def test_entry_points_types_and_modules_carry_catalogue_facts() -> None:
    from mapping_tables import load
    from mapping_tables.model import Status

    api = load().legacy_api
    for name in ("Signal", "ICallBack", "LoginCallback", "agorasigsdk", "io.agora.signal"):
        facts = api[name].facts
        assert facts is not None, name
        assert facts.note
    signal = api["Signal"].facts
    assert signal is not None and signal.status is Status.MAPPED
    assert api["login"].facts is None, "table rows speak for methods"


def test_catalogue_facts_with_a_bad_status(data: DataCopy) -> None:
    i = data.edit_row(
        "legacy_api.toml", "api", "name", "Signal", sub(r"^status = 'mapped'", "status = 'maybe'")
    )
    expect(data, "legacy_api.toml", f"api #{i} 'Signal'", "field 'status'", "must be one of")


def test_catalogue_facts_need_rtm_status_and_note_together(data: DataCopy) -> None:
    i = data.edit_row("legacy_api.toml", "api", "name", "Signal", sub(r"^note = .*\n", ""))
    expect(data, "legacy_api.toml", f"api #{i} 'Signal'", "need rtm, status and note together")


def test_catalogue_facts_name_known_differences(data: DataCopy) -> None:
    i = data.edit_row(
        "legacy_api.toml",
        "api",
        "name",
        "Signal",
        sub(r"^differences = \['create_instances'\]", "differences = ['nope']"),
    )
    expect(data, "legacy_api.toml", f"api #{i} 'Signal'", "unknown difference 'nope'")
