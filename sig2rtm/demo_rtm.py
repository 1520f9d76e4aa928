"""A scripted scenario on the RTM core alone (``sig2rtm demo --rtm``).

Three RTM clients on the embedded default core, with the real threaded scheduler: login,
peer messages (one to an offline user, kept and delivered at its login), a channel chat
(no echo to the sender, as in RTM), channel attributes with notification, presence, a call
invitation accepted and one refused, logout. Every callback is printed as it arrives.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TextIO

import rtm

APP_ID = "sig2rtmdemo000000000000000000000"


class _Printer:
    """Prints every RTM callback a handler receives, one line each, in arrival order."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.lock = threading.Lock()

    def line(self, who: str, text: str) -> None:
        with self.lock:
            print(f"  {who:<6} <- {text}", file=self.out)


def _describe(value: Any) -> str:
    if isinstance(value, rtm.RtmMessage):
        return repr(value.text)
    if isinstance(value, rtm.RtmChannelMember):
        return value.userId
    if isinstance(value, rtm.LocalInvitation | rtm.RemoteInvitation):
        return f"<invitation {value.state.name.split('_STATE_')[-1]}>"
    if isinstance(value, list):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    if isinstance(value, rtm.PeerOnlineStatus):
        return f"{value.peerId}={value.onlineState.name.split('_')[-1]}"
    if isinstance(value, rtm.RtmAttribute):
        return f"{value.key}={value.value}"
    return repr(value)


def _handler(base: type, who: str, printer: _Printer, seen: list[Any] | None = None) -> Any:
    """A handler of ``base`` whose every callback prints itself (and keeps its arguments)."""

    def make(name: str) -> Callable[..., None]:
        def callback(self: Any, *args: Any) -> None:
            if seen is not None:
                seen.extend(args)
            printer.line(who, f"{name}({', '.join(_describe(a) for a in args)})")

        return callback

    methods = {name: make(name) for name in dir(base) if name.startswith("on")}
    return type(f"{base.__name__}Printer", (base,), methods)()


def run(out: TextIO) -> int:
    core = rtm.EmbeddedCore()
    printer = _Printer(out)

    def step(text: str) -> None:
        core.run_until_idle()
        print(f"\n> {text}", file=out)

    clients: dict[str, rtm.RtmClient] = {}
    for name in ("alice", "bob", "carol"):
        client = rtm.createRtmService(core)
        client.initialize(APP_ID, _handler(rtm.IRtmServiceEventHandler, name, printer))
        clients[name] = client
    alice, bob, carol = clients["alice"], clients["bob"], clients["carol"]

    step("alice and bob log in (carol stays offline for now)")
    alice.login(None, "alice")
    bob.login(None, "bob")

    step("alice -> bob: peer message (success means bob received it)")
    alice.sendMessageToPeer("bob", alice.createMessage("hello bob"))
    step("alice -> carol (offline) with offline messaging enabled: CACHED_BY_SERVER (4)")
    alice.sendMessageToPeer(
        "carol", alice.createMessage("see you later"), rtm.SendMessageOptions(True)
    )
    step("bob subscribes to carol's online status")
    bob.subscribePeersOnlineStatus(["carol"])
    step("carol logs in: the cached message arrives, bob sees carol ONLINE")
    carol.login(None, "carol")

    channels = {
        name: client.createChannel("lobby", _handler(rtm.IChannelEventHandler, name, printer))
        for name, client in clients.items()
    }
    step("everyone joins channel 'lobby' (others get onMemberJoined)")
    for name in ("alice", "bob", "carol"):
        channel = channels[name]
        assert channel is not None
        channel.join()
        core.run_until_idle()
    step("bob sends a channel message: alice and carol receive it, bob gets no echo")
    lobby_bob = channels["bob"]
    assert lobby_bob is not None
    lobby_bob.sendMessage(bob.createMessage("hi all"))
    step("alice sets a channel attribute and notifies the members")
    alice.addOrUpdateChannelAttributes(
        "lobby",
        [rtm.RtmChannelAttribute("topic", "migration")],
        rtm.ChannelAttributeOptions(True),
    )

    received: dict[str, list[Any]] = {name: [] for name in clients}
    managers = {
        name: client.getRtmCallManager(
            _handler(rtm.IRtmCallEventHandler, name, printer, received[name])
        )
        for name, client in clients.items()
    }

    def incoming(name: str) -> rtm.RemoteInvitation:
        core.run_until_idle()
        return next(x for x in received[name] if isinstance(x, rtm.RemoteInvitation))

    step("alice invites bob to a call; bob accepts")
    call = managers["alice"].createLocalInvitation("bob")
    call.setChannelId("room-1")
    managers["alice"].sendLocalInvitation(call)
    managers["bob"].acceptRemoteInvitation(incoming("bob"))
    step("carol invites alice; alice refuses")
    call2 = managers["carol"].createLocalInvitation("alice")
    managers["carol"].sendLocalInvitation(call2)
    invitation = incoming("alice")
    invitation.setResponse("busy")
    managers["alice"].refuseRemoteInvitation(invitation)
    step("carol logs out: bob sees carol OFFLINE, the others see carol leave")
    carol.logout()
    step("done")
    for client in clients.values():
        client.release()
    core.run_until_idle()
    core.close()
    return 0
