"""The wire codec: every frame round-trips; anything else is a precise DecodeError."""

from __future__ import annotations

import json
import typing
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtm import codec
from rtm import protocol as p

ids = st.text(max_size=10)
ints = st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
uints = st.integers(min_value=0, max_value=2**53 - 1)
payloads = st.builds(p.Payload, ints, st.text(max_size=20), st.binary(max_size=20))
attrs_ = st.builds(p.ChannelAttr, ids, ids, ids, ints)
values = st.recursive(
    st.none() | st.booleans() | ints | st.text(max_size=8) | attrs_ | st.binary(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=3).map(tuple),
    max_leaves=8,
)  # fmt: skip

KINDS: dict[Any, st.SearchStrategy[Any]] = {
    codec.INT: ints,
    codec.UINT: uints,
    codec.OPT_UINT: st.none() | uints,
    codec.STR: ids,
    codec.OPT_STR: st.none() | ids,
    codec.BOOL: st.booleans(),
    codec.NUMBER: st.floats(allow_nan=False, allow_infinity=False),
    codec.STRS: st.lists(ids, max_size=3).map(tuple),
    codec.OPT_STRS: st.none() | st.lists(ids, max_size=3).map(tuple),
    codec.PAIRS: st.lists(st.tuples(ids, ids), max_size=3).map(tuple),
    codec.STATES: st.lists(st.tuples(ids, ints), max_size=3).map(tuple),
    codec.PAYLOAD: payloads,
    codec.ATTRS: st.lists(attrs_, max_size=3).map(tuple),
    codec.VALUE: values,
}


def frames_of(spec: Any) -> st.SearchStrategy[Any]:
    return st.builds(spec.cls, **{name: KINDS[kind] for name, kind in spec.kinds.items()})


all_frames = st.one_of(*[frames_of(spec) for spec in codec.SPECS])


def test_every_protocol_frame_has_a_row() -> None:
    in_protocol = set(typing.get_args(p.ClientFrame)) | set(typing.get_args(p.ServerFrame))
    in_codec = {spec.cls for spec in codec.SPECS}
    assert in_protocol <= in_codec
    assert in_codec - in_protocol == {codec.Welcome, codec.ErrorFrame, codec.Ack}
    assert len({spec.tag for spec in codec.SPECS}) == len(codec.SPECS), "tags are unique"


@settings(max_examples=400)
@given(all_frames)
def test_every_frame_round_trips(frame: Any) -> None:
    text = codec.encode(frame)
    (back,) = codec.decode_message(text)
    assert back == frame
    assert json.loads(text)["t"] == codec.to_obj(frame)["t"]


@given(st.lists(all_frames, min_size=1, max_size=5))
def test_batches_round_trip(frames: list[Any]) -> None:
    assert codec.decode_message(codec.encode_batch(frames)) == frames


def test_optional_fields_may_be_omitted_and_raw_defaults_to_empty() -> None:
    (frame,) = codec.decode_client('{"t":"channel_attrs","req":1,"op":"clear","channel_id":"c"}')
    assert frame == p.ChannelAttrs(1, "clear", "c")
    (msg,) = codec.decode_message(
        '{"t":"peer_message","from_user":"a","payload":{"type":1,"text":"x"},"ts":5}'
    )
    assert msg == p.PeerMessageIn("a", p.Payload(1, "x"), 5)


def error(message: str | bytes, **kw: Any) -> codec.DecodeError:
    (item,) = codec.decode_message(message, **kw)
    assert isinstance(item, codec.DecodeError)
    return item


@pytest.mark.parametrize(
    ("message", "code", "req"),
    [
        ("{", "bad_json", None),
        (b"\xff\xfe", "bad_json", None),
        ("[" * 100_000, "bad_json", None),
        ("1" * 5000, "bad_json", None),
        ('"x"', "bad_frame", None),
        ("[]", "bad_batch", None),
        (json.dumps([{"t": "logout", "req": 1}] * (codec.MAX_BATCH + 1)), "bad_batch", None),
        ('{"req": 3}', "unknown_type", 3),
        ('{"t": 5}', "unknown_type", None),
        ('{"t":"logout","req":4,"extra":1}', "unknown_field", 4),
        ('{"t":"join","req":5}', "missing_field", 5),
        ('{"t":"join","req":true,"channel_id":"c"}', "bad_field", None),
        ('{"t":"join","req":1.5,"channel_id":"c"}', "bad_field", None),
        ('{"t":"join","req":9007199254740993,"channel_id":"c"}', "bad_field", None),
        ('{"t":"query_online","req":6,"peer_ids":"abc"}', "bad_field", 6),
        ('{"t":"query_online","req":6,"peer_ids":["a",1]}', "bad_field", 6),
        ('{"t":"user_attrs","req":7,"op":"set","attrs":[["k"]]}', "bad_field", 7),
        ('{"t":"send_peer","req":8,"peer_id":"b","offline":false,"payload":{"type":1}}',
         "bad_field", 8),
        ('{"t":"send_peer","req":8,"peer_id":"b","offline":false,'
         '"payload":{"type":1,"text":"x","raw":"***"}}', "bad_field", 8),
        ('{"t":"send_peer","req":8,"peer_id":"b","offline":0,'
         '"payload":{"type":1,"text":"x"}}', "bad_field", 8),
        ('{"t":"token_will_expire","seconds_left":NaN}', "bad_field", None),
        ('{"t":"result","req":1,"code":0,"value":{"a":1}}', "bad_field", 1),
        ('{"t":"result","req":1,"code":0,"value":[[[[[[1]]]]]]}', "bad_field", 1),
    ],
)  # fmt: skip
def test_bad_messages_get_a_precise_code(message: str, code: str, req: int | None) -> None:
    err = error(message)
    assert (err.code, err.req) == (code, req)
    assert err.message and code in str(err)


def test_direction_is_enforced() -> None:
    assert error('{"t":"result","req":1,"code":0}', client=True).code == "wrong_direction"
    assert error('{"t":"logout","req":1}', client=False).code == "wrong_direction"
    assert codec.decode_client('{"t":"ack","n":3}') == [codec.Ack(3)]


def test_size_limit_counts_utf8_bytes() -> None:
    frame = codec.encode(p.SendPeer(1, "b", p.Payload(1, "é" * 600), False))
    assert len(frame) < 1024 < len(frame.encode())
    assert error(frame, max_bytes=1024).code == "too_large"
    assert codec.decode_message(frame, max_bytes=4096) != []


def test_bad_frames_inside_a_batch_do_not_spoil_the_good_ones() -> None:
    out = codec.decode_client('[{"t":"logout","req":1},{"t":"nope"},{"t":"logout","req":2}]')
    assert out[0] == p.Logout(1) and out[2] == p.Logout(2)
    assert isinstance(out[1], codec.DecodeError) and out[1].code == "unknown_type"


def test_decode_server_raises_on_a_broken_server() -> None:
    with pytest.raises(codec.DecodeError, match="unknown_type"):
        codec.decode_server('{"t":"bogus"}')


def test_encoding_refuses_what_is_not_a_frame() -> None:
    with pytest.raises(TypeError, match="not a frame"):
        codec.encode(object())
    with pytest.raises(TypeError, match="cannot encode result value"):
        codec.encode(p.Result(1, 0, {"a": 1}))


def test_decode_error_codes_are_a_closed_set() -> None:
    with pytest.raises(ValueError, match="unknown decode error code"):
        codec.DecodeError("oops", "x")


def test_specs_follow_the_attrs_defaults() -> None:
    spec = next(s for s in codec.SPECS if s.cls is p.CallSignal)
    assert spec.required == {"req", "kind", "peer_id", "call_id"}
    assert spec.allowed == {f.name for f in attrs.fields(p.CallSignal)}


#: Text with one lone UTF-16 surrogate (st.text never draws surrogates on its own).
lone_surrogate_texts = st.builds(
    lambda a, s, b: a + s + b,
    st.text(max_size=5),
    st.integers(0xD800, 0xDFFF).map(chr),
    st.text(max_size=5),
)


def _string_slots(obj: Any) -> list[tuple[Any, Any]]:
    """(container, key-or-index) of every string in a decoded JSON value, keys included
    (as (dict, ("key", name)))."""
    out: list[tuple[Any, Any]] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key != "t":
                out.append((obj, ("key", key)))
            if isinstance(value, str):
                out.append((obj, key))
            else:
                out.extend(_string_slots(value))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            if isinstance(value, str):
                out.append((obj, i))
            else:
                out.extend(_string_slots(value))
    return out


@settings(max_examples=300)
@given(frame=all_frames, bad=lone_surrogate_texts, data=st.data())
def test_a_lone_surrogate_anywhere_in_a_frame_is_bad_text(
    frame: Any, bad: str, data: st.DataObject
) -> None:
    obj = codec.to_obj(frame)
    slots = _string_slots(obj)
    if not slots:
        obj["zz" + bad] = 1
    else:
        container, where = data.draw(st.sampled_from(slots))
        if isinstance(where, tuple):
            container[where[1] + bad] = container.pop(where[1])
        else:
            container[where] = container[where] + bad
    text = json.dumps(obj)  # escaped: "\udXXX", valid JSON, ASCII on the wire
    (item,) = codec.decode_message(text)
    assert isinstance(item, codec.DecodeError) and item.code == "bad_text", (text, item)
    assert item.req == (obj["req"] if type(obj.get("req")) is int else None)
    # A str holding the raw surrogate (not from a UTF-8 decode) is caught the same way.
    (raw,) = codec.decode_message(json.dumps(obj, ensure_ascii=False))
    assert isinstance(raw, codec.DecodeError) and raw.code == "bad_text"


def test_escaped_surrogate_pairs_are_text_and_escaped_backslashes_are_not_escapes() -> None:
    (frame,) = codec.decode_client('{"t":"renew_token","req":1,"token":"\\ud83d\\ude00"}')
    assert frame == p.RenewToken(1, "\U0001f600")
    (frame,) = codec.decode_client('{"t":"renew_token","req":1,"token":"\\\\ud800"}')
    assert frame == p.RenewToken(1, "\\ud800")
    out = codec.decode_client(
        '[{"t":"logout","req":1},{"t":"join","req":2,"channel_id":"\\udc00"}]'
    )
    assert out[0] == p.Logout(1)
    assert isinstance(out[1], codec.DecodeError) and (out[1].code, out[1].req) == ("bad_text", 2)


def test_scrub_makes_any_text_valid_utf8() -> None:
    text = codec.encode(p.PeerMessageIn("a\udfff", p.Payload(1, "x\ud800y"), 1))
    with pytest.raises(UnicodeEncodeError):
        text.encode()
    (frame,) = codec.decode_server(codec.scrub(text).encode())
    assert frame == p.PeerMessageIn("a\ufffd", p.Payload(1, "x\ufffdy"), 1)


def test_server_origin_fields_are_written_only_when_set() -> None:
    """A client whose decoder predates ``origin``/``room`` (it refuses unknown fields) still
    reads every user's message: the fields are left out while empty."""
    user = p.PeerMessageIn("a", p.Payload(1, "x"), 5)
    assert "origin" not in codec.to_obj(user) and "room" not in codec.to_obj(user)
    channel = p.ChannelMessageIn("c", "a", p.Payload(1, "x"), 5)
    assert "origin" not in codec.to_obj(channel)
    server = p.PeerMessageIn("biz", p.Payload(1, "x"), 5, origin="server", room="r1")
    obj = codec.to_obj(server)
    assert (obj["origin"], obj["room"]) == ("server", "r1")
    assert codec.decode_server(codec.encode(server)) == [server]
    broadcast = p.ChannelMessageIn("r1", "biz", p.Payload(2, "", b"\x01"), 5, origin="server")
    assert codec.to_obj(broadcast)["origin"] == "server"
    assert codec.decode_server(codec.encode(broadcast)) == [broadcast]


def test_send_server_frame_and_a_bytes_result_value() -> None:
    frame = p.SendServer(3, p.Payload(1, "hi"), "http://127.0.0.1:1/x", "sig")
    text = codec.encode(frame)
    assert json.loads(text)["t"] == "send_server"
    assert codec.decode_client(text) == [frame]
    result = p.Result(3, 0, b"\x00ack")
    assert codec.to_obj(result)["value"] == {"b64": "AGFjaw=="}
    assert codec.decode_server(codec.encode(result)) == [result]
    (bad,) = codec.decode_message('{"t":"result","req":1,"code":0,"value":{"b64":"!!"}}')
    assert isinstance(bad, codec.DecodeError) and bad.code == "bad_field"
