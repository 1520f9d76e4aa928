"""Frames are frozen, JSON-friendly records."""

from __future__ import annotations

import attrs
import pytest

from rtm import protocol as p


def test_frames_are_frozen_and_compare_by_value() -> None:
    frame = p.SendPeer(1, "bob", p.Payload(1, "hi"), False)
    assert frame == p.SendPeer(1, "bob", p.Payload(1, "hi"), False)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        frame.peer_id = "eve"  # type: ignore[misc]


def test_every_frame_type_is_an_attrs_class_with_simple_fields() -> None:
    allowed = {"int", "str", "bool", "bytes", "Any", "Payload", "float"}
    for name in p.__all__:
        cls = getattr(p, name)
        if not isinstance(cls, type):
            continue  # the union aliases
        assert attrs.has(cls), name
        for field in attrs.fields(cls):
            kind = str(field.type)
            assert any(a in kind for a in allowed | {"tuple", "ChannelAttr"}), (name, kind)


def test_defaults() -> None:
    assert p.ChannelAttrs(1, "clear", "room").notify is False
    assert p.PeerMessageIn("a", p.Payload(1, ""), 0).offline is False
    assert p.CallSignal(1, "invite", "bob", "c1").content == ""
