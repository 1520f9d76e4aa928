"""The business server's actions on a service node: embedded, one gateway, two Redis nodes.

Receivers are ordinary RTM clients; on the Redis stack the actions run on node 0 and every
other client sits on node 1, so each delivery crosses nodes through Redis carrying
``origin``/``room``.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

import rtm
from rtm.service.business import ActionError, AppRate, BusinessActions, SendResult
from tests.rtm.netkit import APP, RedisServer, Stack, wait_until

T = TypeVar("T")
BIZ = "biz-server"


@pytest.fixture(params=["embedded", "gateway", "redis"])
def stack(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[Stack]:
    s = Stack(str(request.param), redis_server)
    yield s
    s.close()


def act(stack: Stack, fn: Callable[[BusinessActions], T], rate: float = 500) -> T:
    """Run ``fn`` with the actions of the first node's service, where that service runs."""
    limit = AppRate(rate, burst=rate)
    if stack.gateways:
        gateway = stack.gateways[0]
        result: T = gateway.call(lambda: fn(BusinessActions(gateway.gateway.service, limit)))
        return result
    core = stack.cores[0]
    with core.scheduler.lock:
        return fn(BusinessActions(core.service, limit))


def login_far(stack: Stack, name: str) -> rtm.RtmClient:
    """A client on the last node (node 1 of the Redis stack, away from the actions)."""
    client: rtm.RtmClient = stack.login(name, node=len(stack.cores) - 1)
    return client


def join(stack: Stack, client: rtm.RtmClient, name: str, room: str) -> rtm.RtmChannel:
    tag = f"{name}/{room}"
    channel = client.createChannel(room, stack.recorder.handler(tag, rtm.IChannelEventHandler))
    assert channel is not None
    channel.join()
    wait_until(functools.partial(stack.recorder.of, tag, "onJoinSuccess"), what=f"{tag} joined")
    return channel


def test_send_unicast_reaches_a_user_on_any_node_as_a_peer_message_from_From(
    stack: Stack,
) -> None:
    login_far(stack, "alice")
    rec = stack.recorder
    assert act(stack, lambda a: a.send_unicast(APP, BIZ, "alice", "hi", False)) == SendResult(1)
    b64 = base64.b64encode(b"\x00\x01").decode()
    assert act(stack, lambda a: a.send_unicast(APP, BIZ, "alice", b64, True)).delivered == 1
    wait_until(lambda: len(rec.of("alice", "onMessageReceivedFromPeer")) == 2)
    (sender, text), (_, raw) = rec.of("alice", "onMessageReceivedFromPeer")
    assert sender == BIZ
    assert (text.text, text.isFromServer(), text.getServerRoomId()) == ("hi", True, "")
    assert (raw.getRawMessage(), raw.isFromServer()) == (b"\x00\x01", True)


def test_room_unicast_and_batch_carry_the_room_and_skip_non_members(stack: Stack) -> None:
    rec = stack.recorder
    clients = {name: login_far(stack, name) for name in ("alice", "bob", "carol")}
    join(stack, clients["alice"], "alice", "r1")
    join(stack, clients["bob"], "bob", "r1")
    result = act(stack, lambda a: a.send_room_unicast(APP, "r1", BIZ, "alice", "in room", False))
    assert result == SendResult(1)
    batch = act(
        stack,
        lambda a: a.batch_send_room_unicast(
            APP, "r1", BIZ, ["alice", "bob", "carol", "nobody"], "batch", False
        ),
    )
    assert batch == SendResult(2, ("carol", "nobody"))
    wait_until(lambda: len(rec.of("alice", "onMessageReceivedFromPeer")) == 2)
    wait_until(lambda: len(rec.of("bob", "onMessageReceivedFromPeer")) == 1)
    got = [(s, m.text, m.isFromServer(), m.getServerRoomId())
           for s, m in rec.of("alice", "onMessageReceivedFromPeer")]  # fmt: skip
    assert got == [(BIZ, "in room", True, "r1"), (BIZ, "batch", True, "r1")]
    assert rec.of("carol", "onMessageReceivedFromPeer") == []
    with pytest.raises(ActionError) as refused:
        act(stack, lambda a: a.send_room_unicast(APP, "r1", BIZ, "carol", "x", False))
    assert refused.value.code == "UserNotInRoom"


def test_broadcast_is_a_channel_message_from_From_to_every_member(stack: Stack) -> None:
    rec = stack.recorder
    clients = {name: login_far(stack, name) for name in ("alice", "bob")}
    for name, client in clients.items():
        join(stack, client, name, "r2")
    assert act(stack, lambda a: a.send_broadcast(APP, "r2", BIZ, "all", False)) == SendResult(2)
    for name in clients:
        wait_until(lambda n=name: rec.of(f"{n}/r2", "onMessageReceived"))  # type: ignore[misc]
        ((sender, message),) = rec.of(f"{name}/r2", "onMessageReceived")
        assert (sender, message.text, message.isFromServer()) == (BIZ, "all", True)
        assert message.getServerRoomId() == ""


def test_refusals_send_nothing(stack: Stack) -> None:
    login_far(stack, "alice")
    cases: list[tuple[Callable[[BusinessActions], Any], str]] = [
        (lambda a: a.send_unicast(APP, "bad id!", "alice", "x", False), "InvalidParameter"),
        (lambda a: a.send_unicast(APP, BIZ, "nobody", "x", False), "UserNotOnline"),
        (lambda a: a.send_unicast(APP, BIZ, "alice", "x" * 65537, False), "MessageTooLarge"),
        (lambda a: a.send_unicast(APP, BIZ, "alice", "not base64!", True), "InvalidParameter"),
        (lambda a: a.send_unicast(APP, BIZ, "alice", 5, False), "InvalidParameter"),
        (lambda a: a.send_unicast(APP, BIZ, "alice", "x", "yes"), "InvalidParameter"),
        (lambda a: a.batch_send_room_unicast(APP, "r", BIZ, ["u"] * 601, "x", False),
         "TooManyRecipients"),
        (lambda a: a.batch_send_room_unicast(APP, "r", BIZ, [], "x", False), "InvalidParameter"),
        (lambda a: a.batch_send_room_unicast(APP, "r", BIZ, ["alice"], "x" * 20481, False),
         "MessageTooLarge"),
        (lambda a: a.send_broadcast(APP, "", BIZ, "x", False), "InvalidParameter"),
    ]  # fmt: skip
    for fn, code in cases:
        with pytest.raises(ActionError) as refused:
            act(stack, fn)
        assert refused.value.code == code, (refused.value, code)
    assert act(stack, lambda a: a.send_unicast(APP, BIZ, "alice", "after", False)).delivered == 1
    wait_until(lambda: stack.recorder.texts("alice"))
    assert stack.recorder.texts("alice") == ["after"]


def test_the_app_rate_counts_each_recipient_of_a_batch(stack: Stack) -> None:
    alice = login_far(stack, "alice")
    join(stack, alice, "alice", "r3")

    def burst(actions: BusinessActions) -> list[str]:
        codes = []
        for _ in range(3):
            try:
                actions.batch_send_room_unicast(APP, "r3", BIZ, ["alice", "x", "y"], "b", False)
                codes.append("ok")
            except ActionError as exc:
                codes.append(exc.code)
        return codes

    # 7 a second (a burst of 7): two batches of 3 fit, the third (3 more) does not.
    assert act(stack, burst, rate=7) == ["ok", "ok", "FlowLimitExceeded"]


def test_app_rate_lets_a_full_batch_through_then_refills_at_the_rate() -> None:
    rate = AppRate()  # 500 a second; a burst of one largest batch (600)
    assert rate.take("app", 600, 100.0)
    assert not rate.take("app", 1, 100.0)
    assert not rate.take("app", 500, 100.9)  # 450 back so far
    assert rate.take("app", 500, 101.1)
    assert rate.take("other", 600, 101.1)  # apps are counted apart
    assert not rate.take("app", 601, 1000.0)  # never more than the burst ...
    assert rate.take("app", 600, 1000.0)  # ... which is a full batch
