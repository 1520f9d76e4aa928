"""The one-process backend: sessions, subscriptions, channels, attributes, offline store."""

from __future__ import annotations

from rtm.protocol import ChannelAttr, MemberCountIn, Payload, PeerMessageIn, Result, ServerFrame
from rtm.service.memory import MemoryBackend


def test_bind_displaces_the_previous_session_per_app() -> None:
    b = MemoryBackend()
    assert b.bind_user("app", "alice", "s1") is None
    assert b.bind_user("app", "alice", "s1") is None  # rebinding the same session
    assert b.bind_user("app", "alice", "s2") == "s1"
    assert b.bind_user("other", "alice", "s3") is None  # apps are separate namespaces
    assert b.session_of("app", "alice") == "s2"
    assert not b.unbind_user("app", "alice", "s1")  # stale session: no effect
    assert b.session_of("app", "alice") == "s2"
    assert b.unbind_user("app", "alice", "s2")
    assert b.session_of("app", "alice") is None


def test_delivery_goes_to_the_attached_sink() -> None:
    b = MemoryBackend()
    b.deliver("s1", Result(1, 0))  # nothing attached yet: dropped, no error
    got: list[tuple[str, ServerFrame]] = []
    b.attach(lambda s, f: got.append((s, f)))
    b.deliver("s1", Result(1, 0))
    b.deliver_many(["s2", "s3"], Result(2, 0))
    assert got == [("s1", Result(1, 0)), ("s2", Result(2, 0)), ("s3", Result(2, 0))]


def test_subscriptions_and_watchers() -> None:
    b = MemoryBackend()
    b.subscribe("app", "s1", ["bob", "carol"])
    b.subscribe("app", "s2", ["bob"])
    assert b.subscriptions("app", "s1") == frozenset({"bob", "carol"})
    assert sorted(b.watchers("app", "bob")) == ["s1", "s2"]
    b.unsubscribe("app", "s1", ["bob", "nobody"])
    assert b.watchers("app", "bob") == ["s2"]
    b.drop_subscriptions("app", "s2")
    assert b.watchers("app", "bob") == []
    assert b.subscriptions("app", "s2") == frozenset()
    assert b.watchers("app", "carol") == ["s1"]
    assert b.subscriptions("other", "s1") == frozenset()


def test_channels_keep_join_order_and_clean_up() -> None:
    b = MemoryBackend()
    assert b.join("app", "room", "b")
    assert b.join("app", "room", "a")
    assert not b.join("app", "room", "a")
    assert b.join("app", "hall", "a")
    assert b.members("app", "room") == ["b", "a"]
    assert b.channels_of("app", "a") == ["room", "hall"]
    assert b.member_count("app", "room") == 2
    assert b.leave("app", "room", "a")
    assert not b.leave("app", "room", "a")
    assert not b.leave("app", "nowhere", "a")
    assert b.channels_of("app", "a") == ["hall"]
    assert b.leave("app", "room", "b")
    assert b.members("app", "room") == [] and b.member_count("app", "room") == 0
    assert b._channels.get(("app", "room")) is None  # no empty leftovers


def test_attributes_are_copied_and_empty_means_gone() -> None:
    b = MemoryBackend()
    attrs = {"k": "v"}
    b.replace_user_attrs("app", "alice", attrs)
    attrs["k"] = "changed"
    got = b.user_attrs("app", "alice")
    assert got == {"k": "v"}
    got["x"] = "y"
    assert b.user_attrs("app", "alice") == {"k": "v"}
    b.replace_user_attrs("app", "alice", {})
    assert b.user_attrs("app", "alice") == {}
    channel_attr = ChannelAttr("k", "v", "alice", 1)
    b.replace_channel_attrs("app", "room", {"k": channel_attr})
    assert b.channel_attrs("app", "room") == {"k": channel_attr}
    b.replace_channel_attrs("app", "room", {})
    assert b.channel_attrs("app", "room") == {}


def test_offline_store_caps_and_expires() -> None:
    b = MemoryBackend()

    def message(i: int) -> PeerMessageIn:
        return PeerMessageIn("alice", Payload(1, f"m{i}"), i, offline=True)

    for i in range(5):
        b.push_offline("app", "bob", message(i), max_items=3, expires_at=100.0 + i)
    kept = b.pop_offline("app", "bob", now=102.5)
    assert kept == [message(3), message(4)]
    assert b.pop_offline("app", "bob", now=0.0) == []  # taken once
    assert b.pop_offline("app", "nobody", now=0.0) == []


def test_deliver_many_hands_the_frame_over_once_to_a_many_sink() -> None:
    b = MemoryBackend()
    one: list[tuple[str, ServerFrame]] = []
    many: list[tuple[list[str], ServerFrame]] = []
    frame = MemberCountIn("room", 2)
    b.attach(lambda session, f: one.append((session, f)))
    b.deliver_many(["n0:1", "n0:2"], frame)
    assert one == [("n0:1", frame), ("n0:2", frame)]
    b.attach_many(lambda sessions, f: many.append((list(sessions), f)))
    b.deliver_many(["n0:1", "n0:2"], frame)
    assert many == [(["n0:1", "n0:2"], frame)]
    assert len(one) == 2  # not also one by one
    b.deliver("n0:3", frame)  # a single delivery still takes the plain sink
    assert one[-1] == ("n0:3", frame)


def test_sessions_of_many_users_in_order_leaving_out_those_without_one() -> None:
    b = MemoryBackend()
    b.bind_user("app", "alice", "s1")
    b.bind_user("app", "carol", "s3")
    b.bind_user("other", "bob", "s9")  # another app's bob is not this app's
    assert b.sessions_of("app", ["carol", "bob", "alice"]) == ["s3", "s1"]
    assert b.sessions_of("app", []) == []
