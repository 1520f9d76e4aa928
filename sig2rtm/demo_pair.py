"""``sig2rtm demo --url ws://... --as alice --peer bob``: one legacy app per process.

Why: the point of a gateway is that apps in different processes (on different machines)
talk. Start this twice with the names swapped; each process runs one unmodified legacy
Signaling client (through the shim, over the gateway), logs in, joins a channel, waits for
the other, sends it a peer message and a channel message, waits for the other's two
messages, then leaves. It exits 0 once both arrived, 1 on a timeout, saying what is missing.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from typing import Any, TextIO

from adapters.signaling import ShimWorld
from legacy_signaling.callback import CALLBACK_NAMES, ICallBack

__all__ = ["CHANNEL", "run_pair"]

APP_ID = "sig2rtm-demo-app"
CHANNEL = "pair-demo"
TOKEN = "_no_need_token"

Event = tuple[str, tuple[Any, ...]]


def _queueing_handler(events: queue.Queue[Event]) -> ICallBack:
    def make(name: str) -> Callable[..., None]:
        def callback(self: ICallBack, *args: Any) -> None:
            events.put((name, args))

        return callback

    cls = type("PairCallBack", (ICallBack,), {name: make(name) for name in CALLBACK_NAMES})
    handler: ICallBack = cls()
    return handler


class _Waiter:
    """Prints every legacy callback as it arrives; waits for the ones a step needs."""

    def __init__(self, me: str, events: queue.Queue[Event], out: TextIO) -> None:
        self.me = me
        self.events = events
        self.out = out
        self.seen: list[Event] = []

    def until(self, what: str, match: Callable[[Event], bool], timeout: float) -> Event:
        for event in self.seen:
            if match(event):
                return event
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.me}: timed out after {timeout:g}s waiting for {what}")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            name, args = event
            print(f"  {self.me} <- {name}{args!r}", file=self.out, flush=True)
            self.seen.append(event)
            if match(event):
                return event


def run_pair(
    out: TextIO, *, url: str, me: str, peer: str, flavour: str = "cpp", timeout: float = 60.0
) -> int:
    """Run one side of the pair; 0 once the peer's peer and channel messages arrived."""
    if me == peer:
        raise ValueError("--as and --peer must name two different users")
    from rtm import net

    core = net.connect_core(url)
    world = ShimWorld(APP_ID, flavour=flavour, core=core)
    events: queue.Queue[Event] = queue.Queue()
    api = world.createAgoraSDKInstance(APP_ID)
    api.callbackSet(_queueing_handler(events))
    wait = _Waiter(me, events, out)
    print(f"sig2rtm demo: {me}, a legacy Signaling app, meets {peer} through {url}", file=out)

    def call(text: str, action: Callable[[], None]) -> None:
        print(f"\n  {me}.{text}", file=out, flush=True)
        action()

    try:
        call(f'login("{APP_ID}", "{me}", ...)', lambda: api.login(APP_ID, me, TOKEN, 0, ""))
        wait.until("onLoginSuccess", lambda e: e[0] == "onLoginSuccess", 15)
        call(f'channelJoin("{CHANNEL}")', lambda: api.channelJoin(CHANNEL))
        wait.until("onChannelJoined", lambda e: e[0] == "onChannelJoined", 15)
        print(f"\n  ... waiting for {peer} (start it with --as {peer} --peer {me})", file=out)
        wait.until(
            f"{peer} in {CHANNEL}",
            lambda e: (
                (e[0] == "onChannelUserList" and peer in e[1][0])
                or (e[0] == "onChannelUserJoined" and e[1][0] == peer)
            ),
            timeout,
        )
        note = f"hello {peer}, from {me}"
        call(f'messageInstantSend("{peer}", 0, "{note}", "p1")',
             lambda: api.messageInstantSend(peer, 0, note, "p1"))  # fmt: skip
        wait.until(
            "onMessageSendSuccess('p1')", lambda e: e == ("onMessageSendSuccess", ("p1",)), 15
        )
        shout = f"hi {CHANNEL}, {me} here"
        call(f'messageChannelSend("{CHANNEL}", "{shout}", "c1")',
             lambda: api.messageChannelSend(CHANNEL, shout, "c1"))  # fmt: skip
        wait.until(
            f"{peer}'s peer message",
            lambda e: e[0] == "onMessageInstantReceive" and e[1][0] == peer,
            timeout,
        )
        wait.until(
            f"{peer}'s channel message",
            lambda e: e[0] == "onMessageChannelReceive" and e[1][1] == peer,
            timeout,
        )
        call(f'channelLeave("{CHANNEL}")', lambda: api.channelLeave(CHANNEL))
        wait.until("onChannelLeaved", lambda e: e[0] == "onChannelLeaved", 15)
        call("logout()", api.logout)
        wait.until("onLogout", lambda e: e[0] == "onLogout", 15)
    except TimeoutError as exc:
        print(f"\nsig2rtm demo: {exc}", file=out)
        return 1
    finally:
        api.destroy()
        core.close()
    print(f"\nsig2rtm demo: {me} and {peer} talked through the gateway", file=out)
    return 0
