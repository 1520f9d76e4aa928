"""Legacy programs as data: frozen step records over named SDK instances.

A program is a world configuration and a tuple of steps. Each step is one legacy API call
(or one world control: time, network, server) made through a named instance ("c0", "c1",
...). Steps are plain values, so a failing program prints as Python that rebuilds it, and
the same program runs unchanged on the reference model and on the shim. A step knows only
which call it makes; the runner (``runner.py``) owns instances, recorders and tokens, and
hands them to :meth:`Step.apply` through the :class:`StepContext` protocol.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Mapping
from typing import ClassVar, Final, Protocol

import attrs

from legacy_signaling.equivalence.world import CONNECTION, SERVER_AVAILABILITY, WorldConfig

__all__ = [
    "DTMF",
    "UNSUPPORTED_CALLS",
    "Accept",
    "Advance",
    "ChannelClearAttr",
    "ChannelDelAttr",
    "ChannelSetAttr",
    "ClientStep",
    "CreateInstance",
    "Destroy",
    "DropConnection",
    "End",
    "ForceSendChannel",
    "GetAttr",
    "GetAttrAll",
    "GetStatus",
    "GetUserAttr",
    "GetUserAttrAll",
    "Handler",
    "InviteUser",
    "InviteUser2",
    "Invoke",
    "Join",
    "Leave",
    "Login",
    "Login2",
    "Logout",
    "Misuse",
    "PeerBurst",
    "Program",
    "QueryUserIsIn",
    "QueryUserNum",
    "QueryUserStatus",
    "Refuse",
    "RestoreConnection",
    "RunUntilIdle",
    "SendChannel",
    "SendPeer",
    "SetAttr",
    "SetCallback",
    "SetServerAvailable",
    "Step",
    "StepContext",
    "Together",
    "TokenKind",
    "Unsupported",
    "WorldConfig",
    "compact_repr",
    "describe",
]


class TokenKind(enum.Enum):
    """Which token a login presents; the runner builds the text against ``world.now``.

    Tokens embed an expiry time, so they cannot be literal program values: the same kind
    gives each world the token that means the same thing at that moment.
    """

    NO_NEED = "no_need"  # "_no_need_token"
    VALID = "valid"  # signed for the account, expires in an hour
    EXPIRED = "expired"  # correctly signed, expired a minute ago (204 with a certificate)
    WRONG = "wrong"  # signature altered (206 with a certificate)
    OTHER_ACCOUNT = "other_account"  # signed for another account (206 with a certificate)
    EMPTY = "empty"  # ""

    def __repr__(self) -> str:
        return f"TokenKind.{self.name}"


class Handler(enum.Enum):
    """What ``SetCallback`` installs for an instance."""

    RECORD = "record"  # the instance's RecordingCallBack
    RAISING = "raising"  # the same recorder, raising after each callback (D2)
    NONE = "none"  # callbackSet(None): callbacks are dropped (I3)

    def __repr__(self) -> str:
        return f"Handler.{self.name}"


class _Printer(Protocol):
    """The part of Hypothesis's (IPython-style) pretty printer ``_repr_pretty_`` uses."""

    def text(self, obj: str) -> None: ...


class StepContext(Protocol):
    """What a step may do; implemented by the runner."""

    def call(self, client: str, method: str, *args: object) -> None:
        """Call ``method`` on the client's instance; an exception goes into its trace."""
        ...

    def query(self, client: str, method: str) -> None:
        """Call a getter and put its return value into the client's trace."""
        ...

    def bind(self, client: str, *, singleton: bool, valid_app_id: bool) -> None:
        """Make (or fetch, with ``singleton``) an instance and name it ``client``."""
        ...

    def set_handler(self, client: str, handler: Handler) -> None:
        """Install the client's recorder (or nothing) as its instance's handler."""
        ...

    def app_id(self, right: bool) -> str:
        """The world's app id, or one the server rejects (L4)."""
        ...

    def token(self, kind: TokenKind, account: str) -> str:
        """The token text of ``kind`` for ``account`` at the world's current time."""
        ...

    def advance(self, seconds: float) -> None: ...

    def run_until_idle(self) -> None: ...

    def drop_connection(self, client: str) -> None: ...

    def restore_connection(self, client: str) -> None: ...

    def set_server_available(self, available: bool) -> None: ...


class Step:
    """One program step."""

    __slots__ = ()

    #: The world capability the step needs, if any (see ``world.capabilities_of``).
    capability: ClassVar[str | None] = None

    def apply(self, ctx: StepContext) -> None:
        raise NotImplementedError


@attrs.frozen
class ClientStep(Step):
    """A step made through one named instance."""

    client: str


class _Call(ClientStep):
    """A step that is exactly one API call: ``method(*arguments())``."""

    __slots__ = ()
    method: ClassVar[str]

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        raise NotImplementedError

    def apply(self, ctx: StepContext) -> None:
        ctx.call(self.client, self.method, *self.arguments(ctx))


# ------------------------------------------------------------------------ instances (I)


@attrs.frozen
class CreateInstance(ClientStep):
    """``createAgoraSDKInstance`` (or ``getInstance``); an empty app id raises (I1)."""

    singleton: bool = False
    valid_app_id: bool = True

    def apply(self, ctx: StepContext) -> None:
        ctx.bind(self.client, singleton=self.singleton, valid_app_id=self.valid_app_id)


@attrs.frozen
class SetCallback(ClientStep):
    handler: Handler = Handler.RECORD

    def apply(self, ctx: StepContext) -> None:
        ctx.set_handler(self.client, self.handler)


@attrs.frozen
class Destroy(ClientStep):
    """``destroy()``, or its misspelt alias ``destory()`` (I5)."""

    alias: bool = False

    def apply(self, ctx: StepContext) -> None:
        ctx.call(self.client, "destory" if self.alias else "destroy")


@attrs.frozen
class GetStatus(ClientStep):
    """``getStatus()``; the value goes into the trace as ``("return", ("getStatus", n))``."""

    def apply(self, ctx: StepContext) -> None:
        ctx.query(self.client, "getStatus")


# ------------------------------------------------------------------------ login (L)


@attrs.frozen
class Login(_Call):
    method: ClassVar[str] = "login"
    account: str
    token: TokenKind = TokenKind.NO_NEED
    right_app: bool = True

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (
            ctx.app_id(self.right_app),
            self.account,
            ctx.token(self.token, self.account),
            0,
            "",
        )


@attrs.frozen
class Login2(_Call):
    method: ClassVar[str] = "login2"
    account: str
    token: TokenKind = TokenKind.NO_NEED
    retry_time_s: int = 30
    retry_count: int = 3
    right_app: bool = True

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        token = ctx.token(self.token, self.account)
        app = ctx.app_id(self.right_app)
        return (app, self.account, token, 0, "", self.retry_time_s, self.retry_count)


@attrs.frozen
class Logout(_Call):
    method: ClassVar[str] = "logout"

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return ()


# ------------------------------------------------------------------------ channels (CH, Q)


@attrs.frozen
class Join(_Call):
    method: ClassVar[str] = "channelJoin"
    channel: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel,)


@attrs.frozen
class Leave(_Call):
    method: ClassVar[str] = "channelLeave"
    channel: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel,)


@attrs.frozen
class QueryUserNum(_Call):
    method: ClassVar[str] = "channelQueryUserNum"
    channel: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel,)


@attrs.frozen
class QueryUserIsIn(_Call):
    method: ClassVar[str] = "channelQueryUserIsIn"
    channel: str
    account: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.account)


@attrs.frozen
class QueryUserStatus(_Call):
    method: ClassVar[str] = "queryUserStatus"
    account: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.account,)


# ------------------------------------------------------------------------ messages (P, M)


@attrs.frozen
class SendPeer(ClientStep):
    """``messageInstantSend``, or ``messageInstantSend2`` when ``options`` is not None."""

    account: str
    text: str
    msg_id: str = ""
    options: str | None = None

    def apply(self, ctx: StepContext) -> None:
        if self.options is None:
            ctx.call(self.client, "messageInstantSend", self.account, 0, self.text, self.msg_id)
        else:
            ctx.call(
                self.client,
                "messageInstantSend2",
                self.account,
                0,
                self.text,
                self.msg_id,
                self.options,
            )


@attrs.frozen
class PeerBurst(ClientStep):
    """``count`` peer messages at one instant, to reach the 60/s quota (D10)."""

    account: str
    count: int

    def apply(self, ctx: StepContext) -> None:
        for _ in range(self.count):
            ctx.call(self.client, "messageInstantSend", self.account, 0, "burst", "")


@attrs.frozen
class SendChannel(ClientStep):
    """``messageChannelSend``, or ``messageChannelSend2`` when ``extra`` is not None."""

    channel: str
    text: str
    msg_id: str = ""
    extra: str | None = None

    def apply(self, ctx: StepContext) -> None:
        if self.extra is None:
            ctx.call(self.client, "messageChannelSend", self.channel, self.text, self.msg_id)
        else:
            ctx.call(
                self.client,
                "messageChannelSend2",
                self.channel,
                self.text,
                self.msg_id,
                self.extra,
            )


@attrs.frozen
class ForceSendChannel(_Call):
    method: ClassVar[str] = "messageChannelSendForce"
    channel: str
    text: str
    msg_id: str = ""

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.text, self.msg_id)


# ------------------------------------------------------------------------ attributes (A)


@attrs.frozen
class SetAttr(_Call):
    method: ClassVar[str] = "setAttr"
    attr: str
    value: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.attr, self.value)


@attrs.frozen
class GetAttr(_Call):
    method: ClassVar[str] = "getAttr"
    attr: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.attr,)


@attrs.frozen
class GetAttrAll(_Call):
    method: ClassVar[str] = "getAttrAll"

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return ()


@attrs.frozen
class GetUserAttr(_Call):
    method: ClassVar[str] = "getUserAttr"
    account: str
    attr: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.account, self.attr)


@attrs.frozen
class GetUserAttrAll(_Call):
    method: ClassVar[str] = "getUserAttrAll"
    account: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.account,)


@attrs.frozen
class ChannelSetAttr(_Call):
    method: ClassVar[str] = "channelSetAttr"
    channel: str
    attr: str
    value: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.attr, self.value)


@attrs.frozen
class ChannelDelAttr(_Call):
    method: ClassVar[str] = "channelDelAttr"
    channel: str
    attr: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.attr)


@attrs.frozen
class ChannelClearAttr(_Call):
    method: ClassVar[str] = "channelClearAttr"
    channel: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel,)


# ------------------------------------------------------------------------ invoke (R)


@attrs.frozen
class Invoke(_Call):
    method: ClassVar[str] = "invoke"
    function: str
    req: str
    call_id: str = "call"

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.function, self.req, self.call_id)


# ------------------------------------------------------------------------ invitations (V)


@attrs.frozen
class InviteUser(_Call):
    method: ClassVar[str] = "channelInviteUser"
    channel: str
    account: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.account, 0)


@attrs.frozen
class InviteUser2(_Call):
    method: ClassVar[str] = "channelInviteUser2"
    channel: str
    account: str
    extra: str = ""

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.account, self.extra)


@attrs.frozen
class Accept(_Call):
    method: ClassVar[str] = "channelInviteAccept"
    channel: str
    account: str
    extra: str = ""

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.account, 0, self.extra)


@attrs.frozen
class Refuse(_Call):
    method: ClassVar[str] = "channelInviteRefuse"
    channel: str
    account: str
    extra: str = ""

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.account, 0, self.extra)


@attrs.frozen
class End(_Call):
    method: ClassVar[str] = "channelInviteEnd"
    channel: str
    account: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.account, 0)


@attrs.frozen
class DTMF(_Call):
    method: ClassVar[str] = "channelInviteDTMF"
    channel: str
    account: str
    digits: str

    def arguments(self, ctx: StepContext) -> tuple[object, ...]:
        return (self.channel, self.account, self.digits)


# ------------------------------------------------------------------------ outside the set (X, D5)

#: Methods the model answers "not supported" (X2-X4), with well-typed arguments.
UNSUPPORTED_CALLS: Final[Mapping[str, tuple[object, ...]]] = {
    "messageAppSend": ("app message", ""),
    "messagePushSend": ("bob", 0, "push", ""),
    "messageChatSend": ("bob", 0, "chat", ""),
    "messageDTMFSend": (0, "1#", ""),
    "channelInvitePhone": ("lobby", "+15550100", 0),
    "channelInvitePhone2": ("lobby", "+15550100", "+15550199"),
    "channelInvitePhone3": ("lobby", "+15550100", "+15550199", ""),
    "setBackground": (1,),
    "setNetworkStatus": (1,),
    "ping": (),
    "start": (),
    "stop": (),
    "dbg": ("a", "b"),
    "bc_call": ("fn", "{}", "bc-1"),
}


@attrs.frozen
class Unsupported(ClientStep):
    """One of :data:`UNSUPPORTED_CALLS`."""

    method: str

    def __attrs_post_init__(self) -> None:
        if self.method not in UNSUPPORTED_CALLS:
            raise ValueError(f"{self.method!r} is not in UNSUPPORTED_CALLS")

    def apply(self, ctx: StepContext) -> None:
        ctx.call(self.client, self.method, *UNSUPPORTED_CALLS[self.method])


@attrs.frozen
class Misuse(ClientStep):
    """A call with arguments native types could not express: it must raise (D5)."""

    method: str
    args: tuple[object, ...]

    def apply(self, ctx: StepContext) -> None:
        ctx.call(self.client, self.method, *self.args)


# ------------------------------------------------------------------------ world controls


@attrs.frozen
class Advance(Step):
    seconds: float

    def apply(self, ctx: StepContext) -> None:
        ctx.advance(self.seconds)


@attrs.frozen
class RunUntilIdle(Step):
    """An extra settle point (every step is followed by one anyway)."""

    def apply(self, ctx: StepContext) -> None:
        ctx.run_until_idle()


@attrs.frozen
class Together(Step):
    """Several calls made one after another without waiting: the world settles only after
    the last (an app that sends right after channelJoin, before onChannelJoined)."""

    steps: tuple[Step, ...]

    def __attrs_post_init__(self) -> None:
        if not self.steps or any(isinstance(s, Together) for s in self.steps):
            raise ValueError("Together needs one or more steps, none of them Together")

    @property
    def needs(self) -> frozenset[str]:
        return frozenset(s.capability for s in self.steps if s.capability is not None)

    def apply(self, ctx: StepContext) -> None:
        for step in self.steps:
            step.apply(ctx)


@attrs.frozen
class DropConnection(ClientStep):
    capability: ClassVar[str | None] = CONNECTION

    def apply(self, ctx: StepContext) -> None:
        ctx.drop_connection(self.client)


@attrs.frozen
class RestoreConnection(ClientStep):
    capability: ClassVar[str | None] = CONNECTION

    def apply(self, ctx: StepContext) -> None:
        ctx.restore_connection(self.client)


@attrs.frozen
class SetServerAvailable(Step):
    capability: ClassVar[str | None] = SERVER_AVAILABILITY
    available: bool

    def apply(self, ctx: StepContext) -> None:
        ctx.set_server_available(self.available)


# ------------------------------------------------------------------------ printing

#: Runs of one character at least this long are printed as ``'x' * n``.
_RUN: Final = 16


def compact_repr(value: object) -> str:
    """``repr`` that stays short and valid Python: ``'{"big":"' + 'x' * 8200 + '"}'``.

    Programs carry 8 KB strings (the limits, D10); printed in full they would bury the
    steps around them.
    """
    if isinstance(value, str) and len(value) >= _RUN:
        parts: list[str] = []
        plain = ""
        for char, group in itertools.groupby(value):
            count = len(list(group))
            if count >= _RUN:
                if plain:
                    parts.append(repr(plain))
                    plain = ""
                parts.append(f"{char!r} * {count}")
            else:
                plain += char * count
        if plain:
            parts.append(repr(plain))
        return " + ".join(parts)
    if isinstance(value, tuple):
        inner = ", ".join(compact_repr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def describe(step: Step) -> str:
    """``Join(client='c1', channel='lobby')``, with long strings compacted; valid Python."""
    kind = type(step)
    if isinstance(step, Together):
        return f"Together(({''.join(describe(s) + ', ' for s in step.steps)}))"
    if not attrs.has(kind):
        return repr(step)
    fields = ", ".join(
        f"{a.name}={compact_repr(getattr(step, a.name))}" for a in attrs.fields(kind)
    )
    return f"{type(step).__name__}({fields})"


# ------------------------------------------------------------------------ programs


@attrs.frozen
class Program:
    """A world configuration and the steps to run on it, in order."""

    config: WorldConfig
    steps: tuple[Step, ...]

    @property
    def capabilities(self) -> frozenset[str]:
        """The optional world controls this program uses."""
        found = {s.capability for s in self.steps if s.capability is not None}
        for step in self.steps:
            if isinstance(step, Together):
                found |= step.needs
        return frozenset(found)

    @property
    def clients(self) -> tuple[str, ...]:
        """Instance names in order of first use."""
        seen: dict[str, None] = {}
        for step in self.steps:
            for each in step.steps if isinstance(step, Together) else (step,):
                if isinstance(each, ClientStep):
                    seen.setdefault(each.client, None)
        return tuple(seen)

    def listing(self) -> str:
        """Numbered steps, one a line (the numbers are the step indexes of a divergence)."""
        width = len(str(max(len(self.steps) - 1, 0)))
        lines = [f"{self.config!r}"]
        lines += [f"  [{i:>{width}}] {describe(step)}" for i, step in enumerate(self.steps)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        # Valid Python over the names of legacy_signaling.equivalence.program, one step a
        # line, so a failing example printed by Hypothesis can be pasted into a test.
        inner = "".join(f"        {describe(step)},\n" for step in self.steps)
        return f"Program(\n    config={self.config!r},\n    steps=(\n{inner}    ),\n)"

    def _repr_pretty_(self, printer: _Printer, cycle: bool) -> None:
        """Hypothesis prints falsifying examples with this (else it would not compact)."""
        printer.text(repr(self))
