"""``sig2rtm demo``: legacy Signaling apps running unchanged on the embedded RTM core.

Three legacy clients (alice, bob, carol) use the legacy native API — ``login``,
``messageInstantSend``, ``channelJoin``, ``messageChannelSend``, ``channelSetAttr``,
``channelInviteUser2`` … — through the shim on the embedded default core (real threads).
For every step the demo prints the legacy call, the RTM calls it became, and the legacy
callbacks each app received, in the order they arrived.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO, cast

import rtm
from adapters.signaling import ShimAgoraAPI, ShimWorld
from legacy_signaling.callback import CALLBACK_NAMES, ICallBack
from rtm.embedded import URL_ENV

from .extras import MissingExtra, require
from .pipe import GuardedOut

__all__ = ["configure_parser", "run", "run_legacy"]

APP_ID = "sig2rtm-demo-app"


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rtm", action="store_true", help="show the RTM core alone, without the legacy shim"
    )
    parser.add_argument(
        "--url",
        help=(
            "run over a gateway (ws://HOST:PORT, see `sig2rtm serve`), not the embedded core "
            f"(default: ${URL_ENV} if set, else the embedded core)"
        ),
    )
    parser.add_argument(
        "--as",
        dest="me",
        metavar="USER",
        help="with --url and --peer: run one legacy app as USER, to meet another process",
    )
    parser.add_argument(
        "--peer", metavar="USER", help="with --as: the user the other process runs as"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="with --as: seconds to wait for the peer (default 60)",
    )
    parser.add_argument(
        "--dialect",
        choices=("signaling", "rts"),
        default="signaling",
        help="signaling: legacy Signaling apps (default); rts: an RTS app (seed 000) and its "
        "business server (seeds 002, 004) on the embedded core",
    )
    parser.add_argument(
        "--flavour",
        choices=("cpp", "java"),
        default="cpp",
        help="RTM result style the shim uses (seed 001 C++ or seed 003 Java); same legacy output",
    )


def run(args: argparse.Namespace) -> int:
    out = GuardedOut(sys.stdout)
    if args.dialect == "rts" and (args.url or os.environ.get(URL_ENV) or args.rtm or args.me):
        print(
            f"sig2rtm demo: --dialect rts runs on the embedded core (no --url, --rtm, --as, "
            f"${URL_ENV})",
            file=sys.stderr,
        )
        return 2
    source = "--url" if args.url else URL_ENV
    args.url = args.url or os.environ.get(URL_ENV) or None
    if args.url:
        problem = _gateway_problem(args.url, source)
        if problem is not None:
            code, line = problem
            print(f"sig2rtm demo: {line}", file=sys.stderr)
            return code
    code = _run(args, cast(TextIO, out))
    out.raise_if_broken()
    return code


def _gateway_problem(url: str, source: str) -> tuple[int, str] | None:
    """Why the demo cannot run over ``url`` (exit code, one line), or None when a gateway
    answers there: 2 for a missing extra or a malformed URL, 1 when nothing answers."""
    try:
        require("server", f"running over a gateway ({source})")
    except MissingExtra as exc:
        return 2, str(exc)
    from rtm import net

    try:
        net.parse_urls(url)
    except ValueError as exc:
        return 2, f"{source}: {exc} (a gateway's address, like ws://127.0.0.1:9000)"
    try:
        net.check_reachable(url)
    except ConnectionError as exc:
        return 1, f"{exc} (is `sig2rtm serve` running there?)"
    return None


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if args.me is not None or args.peer is not None:
        if not (args.me and args.peer and args.url):
            print(
                "sig2rtm demo: --as USER needs --peer USER and --url ws://HOST:PORT "
                "(two processes meet only through a gateway: see `sig2rtm serve`)",
                file=sys.stderr,
            )
            return 2
        from .demo_pair import run_pair

        try:
            return run_pair(
                out,
                url=args.url,
                me=args.me,
                peer=args.peer,
                flavour=args.flavour,
                timeout=args.timeout,
            )
        except ValueError as exc:
            print(f"sig2rtm demo: {exc}", file=sys.stderr)
            return 2
    if args.dialect == "rts":
        try:  # the core posts the business server's webhook with the extra's HTTP client
            require("rts", "the RTS demo (its business server)")
        except MissingExtra as exc:
            print(f"sig2rtm demo: {exc}", file=sys.stderr)
            return 2
        from . import demo_rts

        return demo_rts.run(out)
    if args.rtm:
        from . import demo_rtm

        return demo_rtm.run(out)
    return run_legacy(out, flavour=args.flavour, url=args.url)


class _Log:
    """Collects what happens during one step, printed when the step has settled."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.rtm_calls: list[str] = []
        self._lines = 0

    def rtm(self, name: str) -> None:
        with self.lock:
            self.rtm_calls.append(name)

    def callback(self, who: str, name: str, args: tuple[Any, ...]) -> None:
        with self.lock:
            self._lines += 1
            shown = ", ".join(_short(a) for a in args)
            print(f"      {who:<6}<- {name}({shown})", file=self.out)

    def activity(self) -> int:
        with self.lock:
            return self._lines

    def flush_rtm(self, label: str = "RTM") -> None:
        with self.lock:
            if self.rtm_calls:
                calls = ", ".join(dict.fromkeys(self.rtm_calls))
                print(f"      {label}: {calls}", file=self.out)
            self.rtm_calls.clear()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _RtmTap:
    """Wraps an RTM object so every public method call is logged (and channels are tapped)."""

    def __init__(self, target: Any, log: _Log, prefix: str) -> None:
        self._target = target
        self._log = log
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name.startswith("_") or not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._log.rtm(f"{self._prefix}{name}")
            result = value(*args, **kwargs)
            if isinstance(result, rtm.RtmChannel):
                return _RtmTap(result, self._log, "channel.")
            return result

        return call


def _recorder(who: str, log: _Log) -> ICallBack:
    def make(name: str) -> Callable[..., None]:
        def callback(self: ICallBack, *args: Any) -> None:
            log.callback(who, name, args)

        return callback

    methods = {name: make(name) for name in CALLBACK_NAMES}
    cls = type("DemoCallBack", (ICallBack,), methods)
    handler: ICallBack = cls()
    return handler


def run_legacy(out: TextIO, *, flavour: str = "cpp", url: str | None = None) -> int:
    if url:
        from rtm import net

        core: Any = net.connect_core(url)
        where = f"the gateway at {url}"
    else:
        core = rtm.EmbeddedCore()  # the embedded default: service, memory backend, threads
        where = "the embedded RTM core"
    world = ShimWorld(APP_ID, flavour=flavour, core=core)
    log = _Log(out)

    def settle() -> None:
        """Let callbacks arrive: the local queues drain; over a network, until it is quiet."""
        world.run_until_idle()
        if url:
            quiet, seen = 0, log.activity()
            while quiet < 3:
                time.sleep(0.1)
                world.run_until_idle()
                now = log.activity()
                quiet, seen = (quiet + 1, seen) if now == seen else (0, now)

    apps: dict[str, ShimAgoraAPI] = {}
    for name in ("alice", "bob", "carol"):
        api = world.createAgoraSDKInstance(APP_ID)
        api.binding.client = _RtmTap(api.binding.client, log, "")  # type: ignore[assignment]
        api.binding.calls = _RtmTap(api.binding.calls, log, "callManager.")  # type: ignore[attr-defined]
        api.callbackSet(_recorder(name, log))
        apps[name] = api
    alice, bob, carol = apps["alice"], apps["bob"], apps["carol"]

    print(f"sig2rtm demo: legacy Signaling apps on {where} ({flavour} table)", file=out)

    def step(who: str, call: str, action: Callable[[], None]) -> None:
        settle()
        print(f"\n  {who}.{call}", file=out)
        with core.scheduler.lock:  # the callbacks it causes wait until the RTM calls are shown
            action()
            log.flush_rtm()
        settle()
        log.flush_rtm("then RTM")

    token = "_no_need_token"
    step(
        "alice",
        f'login("{APP_ID}", "alice", "{token}", 0, "")',
        lambda: alice.login(APP_ID, "alice", token, 0, ""),
    )
    step(
        "bob",
        f'login("{APP_ID}", "bob", "{token}", 0, "")',
        lambda: bob.login(APP_ID, "bob", token, 0, ""),
    )
    step(
        "alice",
        'messageInstantSend("bob", 0, "hello bob", "m1")',
        lambda: alice.messageInstantSend("bob", 0, "hello bob", "m1"),
    )
    step(
        "alice",
        'messageInstantSend("carol", 0, "see you later", "m2")   # carol is offline',
        lambda: alice.messageInstantSend("carol", 0, "see you later", "m2"),
    )
    step(
        "carol",
        f'login("{APP_ID}", "carol", "{token}", 0, "")   # the stored message arrives',
        lambda: carol.login(APP_ID, "carol", token, 0, ""),
    )
    step("alice", 'channelJoin("lobby")', lambda: alice.channelJoin("lobby"))
    step(
        "alice",
        'channelSetAttr("lobby", "topic", "migration")',
        lambda: alice.channelSetAttr("lobby", "topic", "migration"),
    )
    step(
        "bob",
        'channelJoin("lobby")   # member list and attributes on join',
        lambda: bob.channelJoin("lobby"),
    )
    step("carol", 'channelJoin("lobby")', lambda: carol.channelJoin("lobby"))
    step(
        "bob",
        'messageChannelSend("lobby", "hi all", "c1")   # echoed to bob, as legacy did',
        lambda: bob.messageChannelSend("lobby", "hi all", "c1"),
    )
    step("carol", 'queryUserStatus("bob")', lambda: carol.queryUserStatus("bob"))

    def set_and_get() -> None:
        bob.setAttr("mood", "happy")
        bob.getAttrAll()

    step("bob", 'setAttr("mood", "happy"); getAttrAll()', set_and_get)
    step(
        "alice",
        'channelInviteUser2("room-1", "bob", \'{"video":1}\')',
        lambda: alice.channelInviteUser2("room-1", "bob", '{"video":1}'),
    )
    step(
        "bob",
        'channelInviteAccept("room-1", "alice", 0, \'{"ok":1}\')',
        lambda: bob.channelInviteAccept("room-1", "alice", 0, '{"ok":1}'),
    )
    step(
        "alice",
        'channelInviteUser2("room-2", "carol", "")',
        lambda: alice.channelInviteUser2("room-2", "carol", ""),
    )
    step(
        "carol",
        'channelInviteRefuse("room-2", "alice", 0, \'{"busy":1}\')',
        lambda: carol.channelInviteRefuse("room-2", "alice", 0, '{"busy":1}'),
    )
    step(
        "alice",
        'channelInviteEnd("room-1", "bob", 0)',
        lambda: alice.channelInviteEnd("room-1", "bob", 0),
    )
    step(
        "alice",
        'channelClearAttr("lobby")   # leave nothing behind: the next run starts afresh',
        lambda: alice.channelClearAttr("lobby"),
    )
    for name, api in apps.items():
        step(name, "logout()", api.logout)
    print(f"\n  getStatus() after logout: {[api.getStatus() for api in apps.values()]}", file=out)
    for api in apps.values():
        api.destroy()
    core.close()
    return 0
