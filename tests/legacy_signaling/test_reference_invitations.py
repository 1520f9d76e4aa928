"""Rows V1-V13 of docs/legacy-semantics.md."""

from __future__ import annotations

import pytest

from legacy_signaling.identity import legacy_uid
from legacy_signaling.reference.testing import Client, client, joined, new_world
from legacy_signaling.reference.world import ReferenceWorld

NO_SUCH_CALL = "no such call"


def _pair() -> tuple[ReferenceWorld, Client, Client]:
    world = new_world()
    return world, client(world, "alice"), client(world, "bob")


def _ringing(extra: str = '{"x":1}') -> tuple[ReferenceWorld, Client, Client]:
    """alice has invited bob to "room"; both traces cleared."""
    world, alice, bob = _pair()
    alice.api.channelInviteUser2("room", "bob", extra)
    world.run_until_idle()
    alice.take()
    bob.take()
    return world, alice, bob


def test_v1_online_callee() -> None:
    world, alice, bob = _pair()
    alice.api.channelInviteUser2("room", "bob", '{"x":1}')
    world.run_until_idle()
    assert bob.take() == [("onInviteReceived", ("room", "alice", alice.uid, '{"x":1}'))]
    assert alice.take() == [("onInviteReceivedByPeer", ("room", "bob", bob.uid))]
    alice.api.channelQueryUserNum("room")  # inviting does not join
    world.run_until_idle()
    assert alice.take() == [("onChannelQueryUserNumResult", ("room", 0, 0))]


def test_v2_invite_without_extra_ignores_uid() -> None:
    world, alice, bob = _pair()
    alice.api.channelInviteUser("room", "bob", 777)
    world.run_until_idle()
    assert bob.take() == [("onInviteReceived", ("room", "alice", alice.uid, ""))]


def test_v3_offline_callee_logging_in_within_20_s_gets_it() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.channelInviteUser2("room", "bob", "")
    world.advance(19.9)
    assert alice.take() == []
    bob = client(world, "bob", login=False)
    bob.login()
    world.run_until_idle()
    assert bob.take() == [
        ("onLoginSuccess", (bob.uid, 0)),
        ("onInviteReceived", ("room", "alice", alice.uid, "")),
    ]
    assert alice.take() == [("onInviteReceivedByPeer", ("room", "bob", bob.uid))]
    world.advance(1)  # the 20 s offline limit no longer applies
    assert alice.take() == []


def test_v3_offline_callee_fails_after_20_s_and_is_withdrawn() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.channelInviteUser2("room", "bob", '{"k":"v"}')
    world.advance(20)
    assert alice.take() == [
        ("onInviteFailed", ("room", "bob", legacy_uid("bob"), 703, '{"k":"v"}'))
    ]
    bob = client(world, "bob", login=False)
    bob.login()
    world.run_until_idle()
    assert bob.take() == [("onLoginSuccess", (bob.uid, 0))]


def test_v3_reconnecting_callee_gets_it_after_reconnect() -> None:
    world, alice, bob = _pair()
    world.drop_connection(bob.api)
    alice.api.channelInviteUser2("room", "bob", "")
    world.advance(5)
    world.restore_connection(bob.api)
    world.run_until_idle()
    assert bob.take()[-2:] == [
        ("onReconnected", (0,)),
        ("onInviteReceived", ("room", "alice", alice.uid, "")),
    ]
    assert alice.take() == [("onInviteReceivedByPeer", ("room", "bob", bob.uid))]


@pytest.mark.parametrize("flag", ["1", "true"])
def test_v4_require_peer_online(flag: str) -> None:
    world = new_world()
    alice = client(world, "alice")
    extra = f'{{"_require_peer_online":{flag}}}'
    alice.api.channelInviteUser2("room", "bob", extra)
    world.run_until_idle()
    assert alice.take() == [("onInviteFailed", ("room", "bob", legacy_uid("bob"), 703, extra))]
    bob = client(world, "bob", login=False)
    bob.login()
    world.run_until_idle()
    assert bob.take() == [("onLoginSuccess", (bob.uid, 0))]


def test_v5_reinvite_in_either_direction() -> None:
    world, alice, bob = _ringing()
    alice.api.channelInviteUser2("room", "bob", '{"again":1}')
    bob.api.channelInviteUser2("room", "alice", "")
    alice.api.channelInviteUser2("other", "bob", "")
    world.run_until_idle()
    assert alice.take() == [
        ("onInviteFailed", ("room", "bob", bob.uid, 701, '{"again":1}')),
        ("onInviteReceivedByPeer", ("other", "bob", bob.uid)),
    ]
    assert bob.take() == [
        ("onInviteFailed", ("room", "alice", alice.uid, 701, "")),
        ("onInviteReceived", ("other", "alice", alice.uid, "")),
    ]


@pytest.mark.parametrize(("extra", "seconds"), [("{}", 20.0), ('{"_timeout":5}', 5.0)])
def test_v6_unanswered_invitation_times_out(extra: str, seconds: float) -> None:
    world, alice, bob = _ringing(extra)
    world.advance(seconds - 0.1)
    assert alice.take() == []
    world.advance(0.1)
    assert alice.take() == [("onInviteFailed", ("room", "bob", bob.uid, 704, extra))]
    assert bob.take() == [("onInviteEndByPeer", ("room", "alice", alice.uid, ""))]


def test_v6_timeout_counts_from_receipt() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.channelInviteUser2("room", "bob", '{"_timeout":5}')
    world.advance(10)
    bob = client(world, "bob")  # receives it now
    world.advance(4.9)
    assert [e[0] for e in alice.take()] == ["onInviteReceivedByPeer"]
    world.advance(0.1)
    assert alice.take() == [("onInviteFailed", ("room", "bob", bob.uid, 704, '{"_timeout":5}'))]


def test_v7_accept() -> None:
    world, alice, bob = _ringing()
    bob.api.channelInviteAccept("room", "alice", 0, '{"ok":1}')
    world.advance(60)  # no timeout after acceptance
    assert alice.take() == [("onInviteAcceptedByPeer", ("room", "bob", bob.uid, '{"ok":1}'))]
    assert bob.take() == []


def test_v7_accept_without_extra_argument() -> None:
    world, alice, bob = _ringing()
    bob.api.channelInviteAccept("room", "alice", 0)
    world.run_until_idle()
    assert alice.take() == [("onInviteAcceptedByPeer", ("room", "bob", bob.uid, ""))]


def test_v8_refuse_ends_the_call() -> None:
    world, alice, bob = _ringing()
    bob.api.channelInviteRefuse("room", "alice", 0, '{"status":0}')
    bob.api.channelInviteEnd("room", "alice", 0)
    world.run_until_idle()
    assert alice.take() == [("onInviteRefusedByPeer", ("room", "bob", bob.uid, '{"status":0}'))]
    assert bob.take() == [("onError", ("channelInviteEnd", 1004, NO_SUCH_CALL))]


@pytest.mark.parametrize("ender", ["caller", "callee"])
def test_v9_end_by_either_side(ender: str) -> None:
    world, alice, bob = _ringing()
    me, peer = (alice, bob) if ender == "caller" else (bob, alice)
    me.api.channelInviteEnd("room", peer.account, 0)
    world.run_until_idle()
    assert me.take() == [("onInviteEndByMyself", ("room", peer.account, peer.uid))]
    assert peer.take() == [("onInviteEndByPeer", ("room", me.account, me.uid, ""))]


def test_v9_end_after_accept() -> None:
    world, alice, bob = _ringing()
    bob.api.channelInviteAccept("room", "alice", 0, "")
    alice.api.channelInviteEnd("room", "bob", 0)
    world.run_until_idle()
    assert [e[0] for e in alice.take()] == ["onInviteAcceptedByPeer", "onInviteEndByMyself"]
    assert bob.take() == [("onInviteEndByPeer", ("room", "alice", alice.uid, ""))]


def test_v9_caller_cancels_before_receipt() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.channelInviteUser2("room", "bob", "")
    alice.api.channelInviteEnd("room", "bob", 0)
    world.advance(5)
    assert alice.take() == [("onInviteEndByMyself", ("room", "bob", legacy_uid("bob")))]
    bob = client(world, "bob", login=False)
    bob.login()
    world.advance(30)
    assert bob.take() == [("onLoginSuccess", (bob.uid, 0))]
    assert alice.take() == []


def test_v10_dtmf_to_the_other_party() -> None:
    world, alice, bob = _ringing()
    alice.api.channelInviteDTMF("room", "bob", "12*#")
    bob.api.channelInviteDTMF("room", "alice", "9")
    world.run_until_idle()
    assert bob.take() == [("onInviteMsg", ("room", "alice", alice.uid, "DTMF", "12*#", ""))]
    assert alice.take() == [("onInviteMsg", ("room", "bob", bob.uid, "DTMF", "9", ""))]


def test_v11_calls_that_do_not_exist() -> None:
    world, alice, bob = _ringing()
    alice.api.channelInviteAccept("room", "bob", 0, "")  # the caller cannot accept
    bob.api.channelInviteAccept("elsewhere", "alice", 0, "")
    bob.api.channelInviteRefuse("room", "carol", 0, "")
    bob.api.channelInviteDTMF("room", "carol", "1")
    bob.api.channelInviteAccept("room", "alice", 0, "")
    bob.api.channelInviteAccept("room", "alice", 0, "")  # already accepted
    world.run_until_idle()
    assert alice.take() == [
        ("onError", ("channelInviteAccept", 1004, NO_SUCH_CALL)),
        ("onInviteAcceptedByPeer", ("room", "bob", bob.uid, "")),
    ]
    assert bob.take() == [
        ("onError", ("channelInviteAccept", 1004, NO_SUCH_CALL)),
        ("onError", ("channelInviteRefuse", 1004, NO_SUCH_CALL)),
        ("onError", ("channelInviteDTMF", 1004, NO_SUCH_CALL)),
        ("onError", ("channelInviteAccept", 1004, NO_SUCH_CALL)),
    ]


def test_v11_dtmf_before_receipt_and_bad_arguments() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.channelInviteUser2("room", "bob", "")
    alice.api.channelInviteDTMF("room", "bob", "1")
    alice.api.channelInviteDTMF("room", "bob", "12a")
    alice.api.channelInviteEnd("", "bob", 0)
    alice.api.channelInviteRefuse("room", "bob", 0, "{bad")
    world.run_until_idle()
    assert alice.take() == [
        ("onError", ("channelInviteDTMF", 1004, NO_SUCH_CALL)),
        ("onError", ("channelInviteDTMF", 1004, "dtmf must be one or more of 0-9 * #")),
        ("onError", ("channelInviteEnd", 1004, "invalid channel name")),
        (
            "onError",
            ("channelInviteRefuse", 1004, "extra must be empty or JSON text of at most 8192 bytes"),
        ),
    ]


def test_v11_not_logged_in() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.channelInviteEnd("room", "bob", 0)
    world.run_until_idle()
    assert alice.take() == [("onError", ("channelInviteEnd", 1003, "not logged in"))]


@pytest.mark.parametrize("who", ["caller", "callee"])
def test_v12_session_end_ends_known_calls(who: str) -> None:
    world, alice, bob = _ringing()
    joined(world, "room", alice, bob)
    leaving, staying = (alice, bob) if who == "caller" else (bob, alice)
    leaving.api.logout()
    world.run_until_idle()
    assert leaving.take() == [("onChannelLeaved", ("room", 603)), ("onLogout", (101,))]
    assert staying.take() == [
        ("onChannelUserLeaved", (leaving.account, leaving.uid)),
        ("onInviteEndByPeer", ("room", leaving.account, leaving.uid, "")),
    ]
    world.advance(60)
    assert staying.take() == []


def test_v12_caller_leaving_withdraws_unreceived_invitations() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.channelInviteUser2("room", "bob", "")
    alice.api.logout()
    bob = client(world, "bob", login=False)
    bob.login()
    world.advance(30)
    assert bob.take() == [("onLoginSuccess", (bob.uid, 0))]


def test_v12_callee_kick_ends_the_call_in_creation_order() -> None:
    world, alice, bob = _ringing()
    alice.api.channelInviteUser2("second", "bob", "")
    world.run_until_idle()
    alice.take()
    client(world, "bob")  # kicks the first bob
    world.run_until_idle()
    assert alice.take() == [
        ("onInviteEndByPeer", ("room", "bob", bob.uid, "")),
        ("onInviteEndByPeer", ("second", "bob", bob.uid, "")),
    ]


@pytest.mark.parametrize(
    ("channel", "account", "extra"),
    [
        ("", "bob", ""),
        ("room", "b o b", ""),
        ("room", "alice", ""),
        ("room", "bob", "{not json"),
        ("room", "bob", '{"k":"' + "x" * 8200 + '"}'),
    ],
)
def test_v13_bad_invitations(channel: str, account: str, extra: str) -> None:
    world, alice, bob = _pair()
    alice.api.channelInviteUser2(channel, account, extra)
    world.run_until_idle()
    assert alice.take() == [("onInviteFailed", (channel, account, legacy_uid(account), 700, extra))]
    assert bob.take() == []


def test_v13_invite_when_not_logged_in() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.channelInviteUser("room", "bob")
    world.run_until_idle()
    assert alice.take() == [("onInviteFailed", ("room", "bob", legacy_uid("bob"), 700, ""))]
