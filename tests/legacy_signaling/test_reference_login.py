"""Rows L1-L12 and C1-C3 of docs/legacy-semantics.md."""

from __future__ import annotations

import pytest

from legacy_signaling.callback import RecordingCallBack
from legacy_signaling.reference.testing import APP_ID, client, joined, new_world
from legacy_signaling.tokens import NO_NEED_TOKEN, build_legacy_token

CERT = "5CFd2fd1755d40ecb72977518be15d3b"
ALREADY = "already logged in or logging in; call logout first"


def test_l1_login_success_then_the_mailbox() -> None:
    world = new_world()
    bob = client(world, "bob")
    bob.api.messageInstantSend("alice", 0, "one", "m1")
    bob.api.messageInstantSend("alice", 0, "two", "m2")
    alice = client(world, "alice", login=False)
    alice.login()
    world.run_until_idle()
    assert alice.take() == [
        ("onLoginSuccess", (alice.uid, 0)),
        ("onMessageInstantReceive", ("bob", 0, "one")),
        ("onMessageInstantReceive", ("bob", 0, "two")),
    ]


def test_l2_login_while_logged_in_is_reported_not_done() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.login()
    alice.login()
    alice.api.login2(APP_ID, "someone-else", "", 0, "", 5, 1)
    world.run_until_idle()
    assert alice.take() == [
        ("onLoginSuccess", (alice.uid, 0)),
        ("onError", ("login", 1001, ALREADY)),
        ("onError", ("login2", 1001, ALREADY)),
    ]
    assert alice.api.getStatus() == 2


def test_l2_login_while_retrying_is_reported() -> None:
    world = new_world()
    world.server_available = False
    alice = client(world, "alice", login=False)
    alice.login()
    alice.login()
    world.run_until_idle()
    assert alice.take() == [("onError", ("login", 1001, ALREADY))]


@pytest.mark.parametrize("account", ["", "has space", "x" * 129])
def test_l3_invalid_account(account: str) -> None:
    world = new_world()
    alice = client(world, account, login=False)
    alice.login()
    world.run_until_idle()
    assert alice.take() == [("onLoginFailed", (209,))]
    assert alice.api.getStatus() == 0


def test_l4_wrong_app_id() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.login("another-app", "alice", NO_NEED_TOKEN, 0, "")
    world.run_until_idle()
    assert alice.take() == [("onLoginFailed", (202,))]


def _token(world_now: float, account: str = "alice", ttl: int = 3600) -> str:
    return build_legacy_token(account, APP_ID, CERT, int(world_now) + ttl)


def test_l5_valid_token_with_certificate() -> None:
    world = new_world(app_certificate=CERT)
    alice = client(world, "alice", login=False)
    alice.login(_token(world.now))
    world.run_until_idle()
    assert alice.take() == [("onLoginSuccess", (alice.uid, 0))]


@pytest.mark.parametrize(
    ("debug_switch", "token_kind", "expected"),
    [
        (False, "no_need", [("onLoginFailed", (206,))]),
        (True, "no_need", "success"),
        (False, "other_account", [("onLoginFailed", (206,))]),
        (False, "garbage", [("onLoginFailed", (206,))]),
        (False, "expired", [("onLoginFailed", (204,))]),
    ],
)
def test_l5_token_refusals(debug_switch: bool, token_kind: str, expected: object) -> None:
    world = new_world(app_certificate=CERT, debug_switch=debug_switch)
    token = {
        "no_need": NO_NEED_TOKEN,
        "other_account": _token(world.now, account="mallory"),
        "garbage": "1:xyz",
        "expired": _token(world.now, ttl=-1),
    }[token_kind]
    alice = client(world, "alice", login=False)
    alice.login(token)
    world.run_until_idle()
    if expected == "success":
        expected = [("onLoginSuccess", (alice.uid, 0))]
    assert alice.take() == expected


def test_l5_without_certificate_any_token_passes() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.login("whatever")
    world.run_until_idle()
    assert alice.take() == [("onLoginSuccess", (alice.uid, 0))]


def test_l5_token_expiry_uses_virtual_time() -> None:
    world = new_world(app_certificate=CERT)
    token = _token(world.now, ttl=10)
    world.advance(10)
    alice = client(world, "alice", login=False)
    alice.login(token)
    world.run_until_idle()
    assert alice.take() == [("onLoginFailed", (204,))]


def test_l6_second_login_kicks_the_first() -> None:
    world = new_world()
    old, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", old, bob)
    new = client(world, "alice", login=False)
    new.login()
    world.run_until_idle()
    assert old.take() == [("onChannelLeaved", ("room", 601)), ("onLogout", (103,))]
    assert new.take() == [("onLoginSuccess", (new.uid, 0))]
    assert bob.take() == [("onChannelUserLeaved", ("alice", old.uid))]
    assert old.api.getStatus() == 0


def test_l6_kick_while_reconnecting_is_heard_when_the_link_is_back() -> None:
    world = new_world()
    old, bob = client(world, "alice"), client(world, "bob")
    for who in (old, bob):
        who.api.channelJoin("room")
    world.run_until_idle()
    world.drop_connection(old.api)
    world.run_until_idle()
    old.take()
    bob.take()
    client(world, "alice")
    world.run_until_idle()
    assert old.take() == [], "a dropped link cannot carry the kick"
    assert bob.take() == [("onChannelUserLeaved", ("alice", old.uid))], "members see it at once"
    world.advance(3)
    assert old.take() == [("onReconnecting", (2,))], "it keeps reconnecting, unaware"
    world.restore_connection(old.api)
    world.run_until_idle()
    assert old.take() == [("onChannelLeaved", ("room", 601)), ("onLogout", (103,))]
    assert old.api.getStatus() == 0
    world.advance(60)
    assert old.take() == [], "no more retries after the kick"


def test_l6_kick_while_reconnecting_never_heard_if_the_link_stays_down() -> None:
    world = new_world()
    old = client(world, "alice")
    world.drop_connection(old.api)
    world.run_until_idle()
    old.take()
    client(world, "alice")
    world.advance(60)
    events = old.take()
    assert events[-1] == ("onLogout", (102,)), "C3 as if nothing had happened"
    assert {name for name, _ in events[:-1]} == {"onReconnecting"}


def test_l7_logout_leaves_channel_then_logs_out() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    alice.api.setAttr("k", "v")
    alice.api.logout()
    bob.api.getUserAttrAll("alice")
    world.run_until_idle()
    assert alice.take() == [("onChannelLeaved", ("room", 603)), ("onLogout", (101,))]
    assert bob.take() == [
        ("onChannelUserLeaved", ("alice", alice.uid)),
        ("onUserAttrAllResult", ("alice", "{}")),
    ]


def test_l7_logout_outside_a_channel() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.logout()
    world.run_until_idle()
    assert alice.take() == [("onLogout", (101,))]


def test_l7_logout_while_reconnecting() -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    world.drop_connection(alice.api)
    alice.api.logout()
    world.advance(60)
    assert alice.take() == [
        ("onReconnecting", (1,)),
        ("onChannelLeaved", ("room", 603)),
        ("onLogout", (101,)),
    ]


def test_l8_logout_when_not_logged_in() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.logout()
    alice.login()
    alice.api.logout()
    alice.api.logout()
    world.run_until_idle()
    assert alice.take() == [
        ("onLogout", (108,)),
        ("onLoginSuccess", (alice.uid, 0)),
        ("onLogout", (101,)),
        ("onLogout", (108,)),
    ]


def test_l9_logout_cancels_a_retrying_login() -> None:
    world = new_world()
    world.server_available = False
    alice = client(world, "alice", login=False)
    alice.login()
    world.advance(2)
    alice.api.logout()
    world.server_available = True
    world.advance(60)
    assert alice.take() == [("onLoginFailed", (203,))]
    assert alice.api.getStatus() == 0


def test_l10_logout_then_login_at_once() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.logout()
    alice.login()
    world.run_until_idle()
    assert alice.take() == [("onLogout", (101,)), ("onLoginSuccess", (alice.uid, 0))]
    assert alice.api.getStatus() == 2


def _fail_time(retry_time: int, retry_count: int) -> float:
    """Seconds from ``login2`` to the delivery of its ``onLoginFailed``."""
    world = new_world()
    world.server_available = False
    failed_at: list[float] = []

    class Clocked(RecordingCallBack):
        def onLoginFailed(self, ecode: int) -> None:
            super().onLoginFailed(ecode)
            failed_at.append(world.now)

    api = world.createAgoraSDKInstance(APP_ID)
    rec = Clocked()
    api.callbackSet(rec)
    start = world.now
    api.login2(APP_ID, "alice", NO_NEED_TOKEN, 0, "", retry_time, retry_count)
    world.advance(100)
    assert rec.trace == [("onLoginFailed", (201,))]
    return failed_at[0] - start


@pytest.mark.parametrize(
    ("retry_time", "retry_count", "fails_at"),
    [(30, 3, 6.0), (5, 1, 2.0), (3, 10, 2.0), (0, 5, 0.0), (60, 0, 0.0), (60, 5, 10.0)],
)
def test_l11_retry_budget(retry_time: int, retry_count: int, fails_at: float) -> None:
    assert _fail_time(retry_time, retry_count) == fails_at


def test_l11_plain_login_uses_the_default_budget() -> None:
    world = new_world()
    world.server_available = False
    alice = client(world, "alice", login=False)
    alice.login()
    world.advance(5.9)
    assert alice.rec.trace == []
    assert alice.api.getStatus() == 1
    world.advance(0.1)
    assert alice.take() == [("onLoginFailed", (201,))]


def test_l11_a_retry_succeeds_when_the_server_is_back() -> None:
    world = new_world()
    world.server_available = False
    alice = client(world, "alice", login=False)
    alice.login()
    world.advance(3)
    world.server_available = True
    world.advance(0.9)
    assert alice.rec.trace == []
    world.advance(0.1)
    assert alice.take() == [("onLoginSuccess", (alice.uid, 0))]


def test_l12_negative_retry_parameters() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.login2(APP_ID, "alice", NO_NEED_TOKEN, 0, "", -1, 3)
    alice.api.login2(APP_ID, "alice", NO_NEED_TOKEN, 0, "", 30, -3)
    world.run_until_idle()
    bad = ("onError", ("login2", 1004, "retry_time_in_s and retry_count must not be negative"))
    assert alice.take() == [bad, bad]
    assert alice.api.getStatus() == 0


# ------------------------------------------------------------------------- connection


def test_c1_reconnecting_every_two_seconds_with_state_kept() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    world.drop_connection(alice.api)
    world.advance(4)
    assert alice.take() == [("onReconnecting", (n,)) for n in (1, 2, 3)]
    bob.api.channelQueryUserNum("room")
    bob.api.queryUserStatus("alice")
    world.run_until_idle()
    assert bob.take() == [
        ("onChannelQueryUserNumResult", ("room", 0, 2)),
        ("onQueryUserStatusResult", ("alice", "1")),
    ]


def test_c2_restore_delivers_held_pushes_then_the_mailbox() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    world.drop_connection(alice.api)
    world.run_until_idle()
    alice.take()
    bob.api.messageInstantSend("alice", 0, "p2p", "m1")
    bob.api.messageChannelSend("room", "chan", "m2")
    bob.api.channelSetAttr("room", "k", "v")
    world.advance(5)
    alice.take()
    world.restore_connection(alice.api)
    world.advance(40)
    assert alice.take() == [
        ("onReconnected", (0,)),
        ("onMessageChannelReceive", ("room", "bob", bob.uid, "chan")),
        ("onChannelAttrUpdated", ("room", "k", "v", "update")),
        ("onMessageInstantReceive", ("bob", 0, "p2p")),
    ]
    assert alice.api.getStatus() == 2


def test_c3_giving_up_after_thirty_seconds() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    world.drop_connection(alice.api)
    bob.api.messageChannelSend("room", "lost", "m")
    world.advance(29.9)
    assert alice.take() == [("onReconnecting", (n,)) for n in range(1, 16)]
    world.advance(0.1)
    assert alice.take() == [("onChannelLeaved", ("room", 604)), ("onLogout", (102,))]
    assert bob.take()[-1] == ("onChannelUserLeaved", ("alice", alice.uid))
    with pytest.raises(ValueError, match="not reconnecting"):
        world.restore_connection(alice.api)


def test_c_world_controls_refuse_wrong_states() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    with pytest.raises(ValueError, match="not logged in"):
        world.drop_connection(alice.api)
    with pytest.raises(ValueError, match="not reconnecting"):
        world.restore_connection(alice.api)
    alice.login()
    world.drop_connection(alice.api)
    with pytest.raises(ValueError, match="not logged in and connected"):
        world.drop_connection(alice.api)
