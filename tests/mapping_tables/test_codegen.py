"""Event rows compiled to Python: inspectable source, errors that name the row, computed once.

What the compiled rows *mean* is checked against the interpreter on every row in
test_rows.py's sweep; here, the properties of the generated code itself.
"""

from __future__ import annotations

import linecache
import traceback
from typing import Any

import attrs
import pytest

from adapters.signaling.context import Session
from adapters.signaling.views import ROW_VIEWS
from mapping_tables import MappingTables
from mapping_tables.codegen import Entry, RowError, compile_entries, compile_rows
from mapping_tables.functions import encode_peer_signal, standard_functions
from mapping_tables.rowexpr import PrefixGuarded
from sig2rtm.cli import main
from sig2rtm.tables import show_code


class Msg:
    def __init__(self, text: str) -> None:
        self.text = text


@pytest.fixture(scope="module")
def fns(tables: MappingTables) -> dict[str, Any]:
    return standard_functions(tables)


def test_one_function_per_rtm_callback_in_table_order(tables: MappingTables, fns: Any) -> None:
    table = tables.flavour("cpp")
    rows = compile_rows(table.events, fns, ROW_VIEWS, file="signaling_cpp.toml", label="t1")
    peer = rows.names[("IRtmServiceEventHandler.onMessageReceivedFromPeer", "")]
    code = rows.code_for(table.events_for("onMessageInstantReceive")[0])
    assert code.startswith(f"def {peer}(params, req, session, sink):")
    fired = [r.legacy for r in table.events if r.rtm.endswith(".onMessageReceivedFromPeer")]
    comments = [line.split(": ")[1].split(" ")[0] for line in code.splitlines() if "# row" in line]
    assert comments == fired  # every row of that callback, in table order, and nothing else


def test_the_decoded_peer_signal_is_computed_once_per_event(
    tables: MappingTables, fns: dict[str, Any]
) -> None:
    calls: list[object] = []

    def counting_peer_signal(text: object) -> object:
        calls.append(text)
        return fns["peer_signal"](text)

    table = tables.flavour("cpp")
    rows = compile_rows(
        table.events, {**fns, "peer_signal": counting_peer_signal}, ROW_VIEWS, file="f", label="t2"
    )
    out: list[tuple[str, tuple[object, ...]]] = []
    for text in (
        "hello",
        encode_peer_signal("endcall", "ch1", ""),
        encode_peer_signal("dtmf", "ch1", "9"),
    ):
        calls.clear()
        rows.run(
            "IRtmServiceEventHandler.onMessageReceivedFromPeer", "",
            {"peerId": "bob", "message": Msg(text)}, None, Session(),
            lambda row, args: out.append((row.legacy, args)),
        )  # fmt: skip
        assert calls == [text]  # three rows test it; it runs once
    assert [name for name, _ in out] == [
        "onMessageInstantReceive",
        "onInviteEndByPeer",
        "onInviteMsg",
    ]


def test_a_prefix_guarded_function_is_called_only_for_texts_with_its_prefix(
    tables: MappingTables, fns: dict[str, Any]
) -> None:
    """peer_signal decodes only the shim's own signals: an ordinary message costs no call."""
    standard = fns["peer_signal"]
    assert isinstance(standard, PrefixGuarded)
    calls: list[object] = []

    def counting_kind(text: object) -> object:
        calls.append(text)
        return standard.fn(text)

    guarded = PrefixGuarded(counting_kind, standard.prefixes, standard.otherwise)
    table = tables.flavour("cpp")
    rows = compile_rows(
        table.events, {**fns, "peer_signal": guarded}, ROW_VIEWS, file="f", label="t2g"
    )
    code = rows.code_for(table.events_for("onMessageInstantReceive")[0])
    assert ".startswith(G_peer_signal)" in code
    out: list[str] = []
    signal = encode_peer_signal("endcall", "ch1", "")
    for text, called in (("hello", []), (signal, [signal])):
        calls.clear()
        rows.run(
            "IRtmServiceEventHandler.onMessageReceivedFromPeer", "",
            {"peerId": "bob", "message": Msg(text)}, None, Session(),
            lambda row, args: out.append(row.legacy),
        )  # fmt: skip
        assert calls == called
    assert out == ["onMessageInstantReceive", "onInviteEndByPeer"]
    # Called directly (the interpreter's way), the guard is the same test.
    assert guarded("hello") == "" and guarded(42) == "" and guarded(signal) == "endcall"


def test_an_error_in_generated_code_names_the_file_and_row_and_shows_the_source(
    tables: MappingTables, fns: dict[str, Any]
) -> None:
    table = tables.flavour("cpp")
    # the first row of the callback evaluates message.text first
    row = next(r for r in table.events if r.rtm.endswith(".onMessageReceivedFromPeer"))
    rows = compile_rows(table.events, fns, ROW_VIEWS, file="signaling_cpp.toml", label="t3")
    with pytest.raises(RowError) as info:
        rows.run(
            "IRtmServiceEventHandler.onMessageReceivedFromPeer", "",
            {"peerId": "bob", "message": object()}, None, Session(), lambda row, args: None,
        )  # fmt: skip
    assert str(info.value).startswith(f"signaling_cpp.toml:{row.line}: event row {row.legacy}")
    assert "AttributeError" in str(info.value)
    # the traceback of the cause shows the generated line (registered with linecache)
    shown = "".join(traceback.format_exception(info.value.__cause__))
    assert "_h1.text" in shown or "params['message'].text" in shown


def test_native_mode_leaves_emulated_rows_out(tables: MappingTables, fns: Any) -> None:
    table = tables.flavour("cpp")
    from mapping_tables.model import Status

    native = compile_rows(
        table.events, fns, ROW_VIEWS, file="f", label="t4",
        skip=lambda row: row.status is Status.EMULATED,
    )  # fmt: skip
    assert all(row.status is not Status.EMULATED for _, _, row in native.spans)
    echo = next(r for r in table.events_for("onMessageChannelReceive") if r.request)
    with pytest.raises(KeyError, match="no generated code"):
        native.code_for(attrs.evolve(echo, rtm="IRtmServiceEventHandler.onTokenExpired"))


def test_show_code_prints_what_the_shim_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tables", "--show-code", "onMessageInstantReceive"]) == 0
    out = capsys.readouterr().out
    assert "def ev" in out and "onMessageReceivedFromPeer" in out
    assert "_h.onMessageInstantReceive(_a0, _a1, _a2)" in out and "sink.emit_row(R" in out
    assert main(["tables", "--show-code", "messageInstantSend", "--flavour", "java"]) == 0
    method = capsys.readouterr().out
    assert method.startswith("def messageInstantSend(self, account, uid, msg, msgID):")
    assert "OP_send_peer_message(" in method
    assert main(["tables", "--show-code", "noSuchThing"]) == 2
    assert "no row 'noSuchThing' in the cpp table" in capsys.readouterr().err
    with pytest.raises(LookupError, match="answered by the world"):
        show_code("getInstance")


# --------------------------------------------------------------------------- entries


def _entry_rows(tables: MappingTables, fns: dict[str, Any], label: str) -> Any:
    return compile_rows(
        tables.flavour("cpp").events, fns, ROW_VIEWS, file="signaling_cpp.toml", label=label
    )


def _peer_entry(**changes: Any) -> Entry:
    entry = Entry(
        name="onMessageReceivedFromPeer",
        rtm="IRtmServiceEventHandler.onMessageReceivedFromPeer",
        trigger="",
        params=("peerId", "message"),
        before=(
            "    sink = self.sink",
            "    session = self.session",
            "    req = None",
            "    sink.log.append('before')",
        ),
        indent=0,
        after=("    sink.log.append('after')",),
    )
    return attrs.evolve(entry, **changes)


def test_an_entry_runs_its_statements_around_the_rows_with_parameters_as_locals(
    tables: MappingTables, fns: dict[str, Any]
) -> None:
    rows = _entry_rows(tables, fns, "e1")
    method = compile_entries(rows, [_peer_entry()], "test")["onMessageReceivedFromPeer"]

    class Handler:
        def __init__(self) -> None:
            self.session = Session()
            self.sink = attrs.make_class("S", ["log"])([])
            self.sink.handler, self.sink.usage, self.sink.destroyed = None, True, False
            self.sink.emit_row = lambda row, args: self.sink.log.append((row.legacy, args))

    handler = Handler()
    method(handler, "bob", Msg("hi"))
    assert handler.sink.log == ["before", ("onMessageInstantReceive", ("bob", 0, "hi")), "after"]
    source = linecache.getlines(method.__code__.co_filename)
    assert "params[" not in "".join(source)  # parameters are locals, not a dict


def test_an_entry_reading_a_parameter_its_callback_lacks_is_refused(
    tables: MappingTables, fns: dict[str, Any]
) -> None:
    rows = _entry_rows(tables, fns, "e2")
    with pytest.raises(ValueError, match=r"reads event\.message: no such parameter"):
        compile_entries(rows, [_peer_entry(params=("peerId",))], "test")


def test_an_entry_may_not_name_a_parameter_as_generated_code_does(
    tables: MappingTables, fns: dict[str, Any]
) -> None:
    rows = _entry_rows(tables, fns, "e3")
    with pytest.raises(ValueError, match="reserved"):
        compile_entries(rows, [_peer_entry(params=("peerId", "message", "code"))], "test")
