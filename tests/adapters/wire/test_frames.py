"""Legacy wire frames, sans-I/O: every client frame of the note decodes; anything else is a
:class:`FrameError` with a fixed code, never another exception."""

from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.wire import frames as f


def test_the_client_frames_of_both_sdks_decode() -> None:
    py_login = {
        "account": "a",
        "token": "_no_need_token",
        "vid": "app",
        "device": "javasdk",
        "ip": "",
        "uid": 0,
        "ver": 1010002000,
    }
    assert f.decode(json.dumps(["login", py_login])) == [
        f.Login("a", "_no_need_token", "app", 0, "javasdk", 1010002000)
    ]
    assert f.decode('["ping", 3]') == [f.Ping(3)]
    assert f.decode('["call2", ["user_getmsg", 0, {"line": "L"}]]') == [
        f.Call2("user_getmsg", 0, {"line": "L"})
    ]
    assert f.decode('["set_flag", {"binary": 1}]') == [f.SetFlag({"binary": 1})]
    assert f.decode('["line_login", {"line": "L"}]') == [f.LineLogin("L")]
    assert f.decode('["multi", [["ping", 1], ["ping", 2]]]') == [f.Ping(1), f.Ping(2)]
    assert f.decode(zlib.compress(b'["ping", 5]')) == [f.Ping(5)]
    assert f.decode(b'["ping", 6]') == [f.Ping(6)]


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("nope", "bad_json"),
        ("[1, 2, 3]", "bad_frame"),
        ('["who", 1]', "unknown_command"),
        ('["ping", true]', "bad_payload"),
        ('["call2", ["", 1, {}]]', "bad_payload"),
        ('["call2", ["f", "1", {}]]', "bad_payload"),
        ('["login", {"account": 1}]', "bad_payload"),
        ('["multi", 5]', "bad_frame"),
        (b"\xff\xfe", "bad_json"),
        (zlib.compress(b" " * (f.MAX_INFLATED + 10)), "too_big"),
    ],
)
def test_bad_frames_say_what_is_wrong(message: str | bytes, code: str) -> None:
    with pytest.raises(f.FrameError) as info:
        f.decode(message)
    assert info.value.code == code and info.value.reason


@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_decode_raises_nothing_but_frame_error(message: str | bytes) -> None:
    try:
        frames = f.decode(message)
    except f.FrameError:
        return
    assert all(
        isinstance(frame, f.Login | f.LineLogin | f.Ping | f.Call2 | f.SetFlag) for frame in frames
    )


@given(st.integers(), st.text(), st.dictionaries(st.text(), st.text()))
def test_server_frames_carry_json_texts_the_sdks_parse(
    callid: int, reason: str, body: dict[str, str]
) -> None:
    for text in (f.call2_ok(callid, body), f.call2_failed(callid, reason)):
        cmd, (got_id, err, inner) = json.loads(text)
        assert (cmd, got_id) == ("call2-ret", callid)
        parsed = json.loads(inner)
        if err:
            assert err == (reason or "failed")
            assert parsed == {"result": "failed", "reason": err, "data": {"result": err}}
        else:
            assert parsed == {**body, "result": "ok"}
    err, inner = json.loads(f.login_ok("L", 7))[1]
    assert (err, json.loads(inner)) == ("", {"result": "ok", "line": "L", "uid": 7})
    assert json.loads(f.notify_channel("c", 3, "x")) == ["notify", ["channel2", "c", 3, "x"]]
