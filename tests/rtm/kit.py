"""Test kit for the RTM core: recording handlers, a deterministic world, and peers.

Every callback any client delivers lands in one ordered :class:`Trace`, tagged with who got
it. Recording handlers check each call against the interface they implement (the method
must exist there and the arguments must bind to its signature), so a callback with a wrong
name or arity is a recorded violation, and :meth:`World.check` fails the test on it.

:meth:`World.api` wraps every API call a test makes: it asserts that no callback ran inside
the call (RTM reports outcomes asynchronously, never re-entrantly).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

import attrs

from rtm import (
    CONNECTION_STATE,
    DeterministicScheduler,
    EmbeddedCore,
    ErrorInfo,
    IChannelEventHandler,
    IRtmCallEventHandler,
    IRtmServiceEventHandler,
    ResultCallback,
    RtmCallEventListener,
    RtmChannel,
    RtmChannelListener,
    RtmClient,
    RtmClientListener,
    ServiceConfig,
    createRtmService,
)
from rtm import protocol as p
from rtm.gateway.lockstep import LockstepCore
from rtm.service.core import RtmService

__all__ = [
    "APP",
    "CERT",
    "Event",
    "Peer",
    "Results",
    "Trace",
    "World",
    "failed_later",
    "rejected",
]

#: A 32-character App ID, and a certificate for apps that require tokens.
APP = "0123456789abcdef0123456789abcdef"
APP2 = "fedcba9876543210fedcba9876543210"
CERT = "5CFd2fd1755d40ecb72977518be15d3b"

T = TypeVar("T")


@attrs.frozen
class Event:
    who: str
    name: str
    args: tuple[Any, ...]


class Trace:
    """All callbacks of a world, in delivery order."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.violations: list[str] = []

    def __len__(self) -> int:
        return len(self.events)

    def add(self, who: str, name: str, args: tuple[Any, ...]) -> None:
        self.events.append(Event(who, name, args))

    def of(self, who: str, name: str | None = None) -> list[Event]:
        return [e for e in self.events if e.who == who and (name is None or e.name == name)]

    def names(self, who: str) -> list[str]:
        return [e.name for e in self.events if e.who == who]

    def args(self, who: str, name: str) -> list[tuple[Any, ...]]:
        return [e.args for e in self.of(who, name)]

    def one(self, who: str, name: str) -> tuple[Any, ...]:
        found = self.of(who, name)
        assert len(found) == 1, f"{who}.{name}: expected exactly one call, got {found}"
        return found[0].args

    def clear(self) -> None:
        self.events.clear()


class Recording:
    """Records every ``on*`` callback; checks it against the interface's signature.

    Callbacks named in ``UNRECORDED`` are the subclass's own (a periodic report, say)."""

    UNRECORDED: frozenset[str] = frozenset()

    def __init__(self, trace: Trace, who: str) -> None:
        self._trace = trace
        self._who = who

    def __getattribute__(self, name: str) -> Any:
        if (
            name.startswith("on")
            and name[2:3].isupper()
            and name not in object.__getattribute__(self, "UNRECORDED")
        ):
            trace: Trace = object.__getattribute__(self, "_trace")
            who: str = object.__getattribute__(self, "_who")
            declared = getattr(type(self), name, None)

            def record(*args: Any) -> None:
                if declared is None:
                    trace.violations.append(
                        f"{who}: {name} is not a callback of {type(self).__name__}"
                    )
                else:
                    try:
                        inspect.signature(declared).bind(self, *args)
                    except TypeError as exc:
                        trace.violations.append(f"{who}: {name}{args!r} does not bind: {exc}")
                trace.add(who, name, args)

            return record
        return object.__getattribute__(self, name)


class ServiceHandler(Recording, IRtmServiceEventHandler):
    pass


class ClientListener(Recording, RtmClientListener):
    pass


class ChannelHandler(Recording, IChannelEventHandler):
    pass


class ChannelListener(Recording, RtmChannelListener):
    pass


class CallHandler(Recording, IRtmCallEventHandler):
    pass


class CallListener(Recording, RtmCallEventListener):
    pass


class Results(ResultCallback[Any]):
    """A Java ``ResultCallback`` that records into the trace under ``who``."""

    def __init__(self, trace: Trace, who: str) -> None:
        self._trace = trace
        self.who = who

    def onSuccess(self, responseInfo: Any) -> None:
        self._trace.add(self.who, "onSuccess", (responseInfo,))

    def onFailure(self, errorInfo: ErrorInfo) -> None:
        if not isinstance(errorInfo, ErrorInfo):
            self._trace.violations.append(f"{self.who}: onFailure got {errorInfo!r}")
        self._trace.add(self.who, "onFailure", (errorInfo,))

    def outcome(self) -> tuple[str, Any]:
        """The single outcome: ("onSuccess", value) or ("onFailure", ErrorInfo)."""
        found = self._trace.of(self.who)
        assert len(found) == 1, f"{self.who}: expected exactly one outcome, got {found}"
        return found[0].name, found[0].args[0]

    def value(self) -> Any:
        name, value = self.outcome()
        assert name == "onSuccess", f"{self.who}: expected success, got {value!r}"
        return value

    def error(self) -> ErrorInfo:
        name, value = self.outcome()
        assert name == "onFailure", f"{self.who}: expected failure, got success {value!r}"
        return cast(ErrorInfo, value)

    @property
    def code(self) -> int:
        name, value = self.outcome()
        return 0 if name == "onSuccess" else cast(ErrorInfo, value).errorCode


class Peer:
    """One client in a world, in C++ (handler) or Java (listener + ResultCallback) style."""

    def __init__(self, world: World, name: str, style: str, app_id: str = APP) -> None:
        self.world = world
        self.name = name
        self.style = style
        trace = world.trace
        self.client: RtmClient
        if style == "cpp":
            self.client = createRtmService(world.core)
            self.handler: Recording = ServiceHandler(trace, name)
            assert self.client.initialize(app_id, self.handler) == 0
        elif style == "java":
            self.handler = ClientListener(trace, name)
            self.client = RtmClient.createInstance(app_id, self.handler, core=world.core)
        else:
            raise ValueError(style)
        self._cb_seq = 0
        self.channels: dict[str, RtmChannel] = {}

    @property
    def java(self) -> bool:
        return self.style == "java"

    @property
    def state(self) -> CONNECTION_STATE:
        return self.client.connectionState

    def cb(self, label: str = "") -> Results:
        self._cb_seq += 1
        return Results(self.world.trace, f"{self.name}:cb{self._cb_seq}:{label}")

    def events(self, name: str | None = None) -> list[Event]:
        return self.world.trace.of(self.name, name)

    def names(self) -> list[str]:
        return self.world.trace.names(self.name)

    def login(self, user: str | None = None, token: str | None = None) -> None:
        """Log in and wait; asserts success."""
        cb = self.cb("login")
        assert self.world.api(lambda: self.client.login(token, user or self.name, cb)) == 0
        self.world.run()
        assert cb.code == 0, cb.outcome()
        assert self.state is CONNECTION_STATE.CONNECTION_STATE_CONNECTED

    def logout(self) -> None:
        cb = self.cb("logout")
        assert self.world.api(lambda: self.client.logout(cb)) == 0
        self.world.run()
        assert cb.code == 0

    def channel(self, channel_id: str) -> RtmChannel:
        """The channel object, with a recording handler tagged ``<peer>/<channel>``."""
        if channel_id not in self.channels:
            who = f"{self.name}/{channel_id}"
            handler = (
                ChannelListener(self.world.trace, who)
                if self.java
                else ChannelHandler(self.world.trace, who)
            )
            channel = self.world.api(lambda: self.client.createChannel(channel_id, handler))
            assert channel is not None
            self.channels[channel_id] = channel
        return self.channels[channel_id]

    def join(self, channel_id: str) -> RtmChannel:
        channel = self.channel(channel_id)
        cb = self.cb("join")
        assert self.world.api(lambda: channel.join(cb)) == 0
        self.world.run()
        assert cb.code == 0, cb.outcome()
        return channel

    def send(self, peer: str, text: str) -> Results:
        cb = self.cb("send")
        message = self.client.createMessage(text)
        assert self.world.api(lambda: self.client.sendMessageToPeer(peer, message, None, cb)) == 0
        return cb

    def ch(self, channel_id: str) -> str:
        """The trace tag of this peer's channel handler."""
        return f"{self.name}/{channel_id}"

    def __repr__(self) -> str:
        return f"Peer({self.name!r}, {self.style})"


#: Where a world's core runs: embedded in-process, through one gateway node (memory
#: backend), or through two gateway nodes sharing Redis — always on virtual time.
OVER = ("embedded", "gateway", "redis")


class World:
    """A core on virtual time with recording peers: embedded, or real gateway nodes in
    lockstep (:class:`rtm.gateway.lockstep.LockstepCore`), chosen by ``over``."""

    def __init__(
        self,
        config: ServiceConfig | None = None,
        over: str = "embedded",
        redis_url: str | None = None,
    ) -> None:
        self.over = over
        self.core: EmbeddedCore | LockstepCore
        if over == "embedded":
            self.core = EmbeddedCore.deterministic(config)
        elif over == "gateway":
            self.core = LockstepCore(config)
        elif over == "redis":
            if redis_url is None:
                raise ValueError("a world over Redis needs redis_url")
            self.core = LockstepCore(config, nodes=2, backend=redis_url)
        else:
            raise ValueError(f"over must be one of {OVER}, not {over!r}")
        self.sched = cast(DeterministicScheduler, self.core.scheduler)
        self.trace = Trace()
        self.peers: dict[str, Peer] = {}

    def on_service(self, fn: Callable[[RtmService], T]) -> T:
        """Run ``fn`` with the (first node's) service, on the thread the service runs on."""
        if isinstance(self.core, EmbeddedCore):
            return fn(self.core.service)
        return self.core.on_service(fn)

    def raw_members(self, channel: str, users: Iterable[str]) -> None:
        """Log ``users`` in and into ``channel`` straight on the service, with no client
        (hundreds of members without hundreds of connections); their frames are dropped."""
        names = list(users)

        def add(service: RtmService) -> None:
            for user in names:
                sid = service.open_session(lambda frame: None)
                service.receive(sid, p.Login(1, APP, user, None))
                service.receive(sid, p.Join(2, channel))

        self.on_service(add)

    def close(self) -> None:
        if isinstance(self.core, LockstepCore):
            self.core.close()

    def peer(self, name: str, style: str = "cpp", app_id: str = APP) -> Peer:
        peer = Peer(self, name, style, app_id)
        self.peers[name] = peer
        return peer

    def online(self, *names: str, style: str = "cpp") -> list[Peer]:
        peers = [self.peer(n, style) for n in names]
        for peer in peers:
            peer.login()
        return peers

    def api(self, fn: Callable[[], T]) -> T:
        """Run one API call; fail if any callback ran inside it."""
        before = len(self.trace)
        result = fn()
        after = self.trace.events[before:]
        assert not after, f"callbacks ran inside the API call: {after}"
        return result

    def run(self) -> None:
        self.core.run_until_idle()

    def advance(self, seconds: float) -> None:
        self.core.advance(seconds)

    @property
    def now(self) -> float:
        return self.sched.time()

    def check(self) -> None:
        assert not self.trace.violations, self.trace.violations

    def call_manager_handler(self, peer: Peer) -> str:
        """Attach a recording call handler (C++) or listener (Java); returns its tag."""
        who = f"{peer.name}/calls"
        if peer.java:
            manager = peer.client.getRtmCallManager()
            manager.setEventListener(CallListener(self.trace, who))
        else:
            peer.client.getRtmCallManager(CallHandler(self.trace, who))
        return who


def rejected(
    world: World,
    peer: Peer,
    call: Callable[[Results], int],
    code: int,
    cpp_event: str | None,
    *,
    code_index: int = -1,
    who: str | None = None,
) -> ErrorInfo:
    """Run a call that must be rejected at once with ``code``; check both result styles."""
    cb = peer.cb("rejected")
    before = len(world.trace)
    assert world.api(lambda: call(cb)) == code
    world.run()
    info = cb.error()
    assert info.errorCode == code
    assert info.errorDescription, "the ErrorInfo must say what is wrong"
    if cpp_event is not None and not peer.java:
        events = [e for e in world.trace.events[before:] if e.who == (who or peer.name)]
        matching = [e for e in events if e.name == cpp_event]
        assert len(matching) == 1, events
        assert matching[0].args[code_index] == code
    return info


def failed_later(
    world: World,
    peer: Peer,
    call: Callable[[Results], int],
    code: int,
    cpp_event: str | None,
    *,
    code_index: int = -1,
    who: str | None = None,
) -> ErrorInfo:
    """Run a call that is accepted (returns 0) and fails asynchronously with ``code``."""
    cb = peer.cb("later")
    before = len(world.trace)
    assert world.api(lambda: call(cb)) == 0
    world.run()
    info = cb.error()
    assert info.errorCode == code
    assert info.errorDescription
    if cpp_event is not None and not peer.java:
        events = [e for e in world.trace.events[before:] if e.who == (who or peer.name)]
        matching = [e for e in events if e.name == cpp_event]
        assert len(matching) == 1, events
        assert matching[0].args[code_index] == code
    return info


def state(obj: Any) -> Any:
    """``obj.state`` read through a call, so that a type checker's narrowing of an earlier
    ``assert x.state is ...`` does not outlive the callbacks that change it."""
    return obj.state
