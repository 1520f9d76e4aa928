"""ICallBack covers every native callback with native parameter order; the recorder works."""

from __future__ import annotations

import inspect
import re

import pytest

from legacy_signaling.callback import CALLBACK_NAMES, UNRECORDED, ICallBack, RecordingCallBack

# The native ICallBack (Windows/Linux headers), parameters in order, C++ size_t halves
# dropped, written out independently of the module. ``from`` is renamed ``from_``.
NATIVE_CALLBACKS: dict[str, tuple[str, ...]] = {
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
    "onMsg": ("from_", "t", "msg"),
    "onUserAttrResult": ("account", "name", "value"),
    "onUserAttrAllResult": ("account", "value"),
    "onError": ("name", "ecode", "desc"),
    "onQueryUserStatusResult": ("name", "status"),
    "onDbg": ("a", "b"),
    "onBCCall_result": ("reason", "json_ret", "callID"),
}


def test_callback_names_are_exactly_the_native_set() -> None:
    assert sorted(CALLBACK_NAMES) == sorted(NATIVE_CALLBACKS)
    assert len(CALLBACK_NAMES) == len(set(CALLBACK_NAMES))


@pytest.mark.parametrize("name", sorted(NATIVE_CALLBACKS))
def test_native_parameter_order(name: str) -> None:
    params = list(inspect.signature(getattr(ICallBack, name)).parameters)
    assert tuple(params[1:]) == NATIVE_CALLBACKS[name]


def test_reference_note_lists_the_same_callbacks(reference_note: str) -> None:
    """Every callback named in the §2.1 table of the reference note is covered."""
    section = reference_note.split("### 2.1", 1)[1].split("\n### ", 1)[0]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    named = {m for cell in first_cells for m in re.findall(r"`(on[A-Za-z_]+)`", cell)}
    assert named, "no callbacks found in §2.1 of the reference note"
    assert named == set(CALLBACK_NAMES)


def test_base_callbacks_do_nothing() -> None:
    handler = ICallBack()
    for name, params in NATIVE_CALLBACKS.items():
        assert getattr(handler, name)(*range(len(params))) is None


def test_recorder_records_every_callback_positionally_but_log_lines() -> None:
    rec = RecordingCallBack()
    for name, params in NATIVE_CALLBACKS.items():
        getattr(rec, name)(*(f"{name}.{p}" for p in params))
    assert rec.names() == [n for n in NATIVE_CALLBACKS if n not in UNRECORDED]
    assert {"onLog"} == UNRECORDED  # diagnostic text, not behaviour to compare
    assert rec.trace[0] == ("onReconnecting", ("onReconnecting.nretry",))


def test_recorder_binds_keywords_and_copies_lists() -> None:
    rec = RecordingCallBack()
    accounts = ["a"]
    rec.onChannelUserList(accounts, uids=[1])
    rec.onMsg(from_="x", t="y", msg="z")
    accounts.append("b")
    assert rec.trace == [("onChannelUserList", (["a"], [1])), ("onMsg", ("x", "y", "z"))]


def test_recorder_rejects_wrong_arity() -> None:
    with pytest.raises(TypeError):
        RecordingCallBack().onLogout()  # type: ignore[call-arg]


def test_take_returns_and_clears() -> None:
    rec = RecordingCallBack()
    rec.onMsg("a", "b", "one")
    assert rec.take() == [("onMsg", ("a", "b", "one"))]
    assert rec.trace == []
