"""``sig2rtm demo --dialect rts``: an RTS app and its business server on the embedded core.

Two RTS engines (alice, bob) of one vendor app ID log in, exchange a peer message, join a
room and broadcast in it. alice then talks to the app's *business server*: a small HTTP
server this demo starts on 127.0.0.1. It receives the webhook POST the core makes for
``sendServerMessage`` (``{"message", "binary", "signature"}``), answers 200 with an ACK that
alice gets back in ``onServerMessageSendResult``, and sends back through the business-server
Python API (``adapters.rts.server.BusinessServer``): a message to alice outside rooms
(SendUnicast) and a broadcast to the room (SendBroadcast). Every callback is printed as it
arrives.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

import rtm
from adapters.rts import IRTSEventHandler, IRTSRoomEventHandler, createRTS

__all__ = ["APP_ID", "BusinessApp", "run"]

#: A vendor-style app ID (24 hex characters).
APP_ID = "5eed0000000000000000d0d0"
#: How the business server signs its messages (``From``).
SERVER_ID = "biz-server"
_WAIT_S = 10.0


class _Printer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.seen: list[tuple[str, str, tuple[Any, ...]]] = []
        self.changed = threading.Condition(self.lock)

    def line(self, text: str) -> None:
        with self.lock:
            print(text, file=self.out)

    def callback(self, who: str, name: str, args: tuple[Any, ...]) -> None:
        with self.lock:
            shown = ", ".join(repr(a) for a in args)
            print(f"  {who:<11} <- {name}({shown})", file=self.out)
            self.seen.append((who, name, args))
            self.changed.notify_all()

    def wait(self, who: str, name: str, count: int = 1) -> None:
        """Until ``who`` got ``name`` ``count`` times (the core's threads deliver)."""
        with self.lock:
            done = self.changed.wait_for(
                lambda: sum(1 for w, n, _ in self.seen if (w, n) == (who, name)) >= count,
                timeout=_WAIT_S,
            )
        if not done:
            raise TimeoutError(f"{who} did not get {name} within {_WAIT_S:.0f} s")


def _printing(base: type, who: str, printer: _Printer) -> Any:
    def make(name: str) -> Callable[..., None]:
        def callback(self: Any, *args: Any) -> None:
            printer.callback(who, name, args)

        return callback

    names = [n for n in dir(base) if n.startswith("on") and n != "onSysStats"]
    return type(f"{base.__name__}Printer", (base,), {n: make(n) for n in names})()


class BusinessApp:
    """The app's business server: an HTTP endpoint for the core's webhook, and a sender.

    ``on_message(message, binary, signature)`` runs for each POST and returns the ACK body.
    """

    def __init__(self, on_message: Callable[[str, bool, str], bytes]) -> None:
        app = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))  # no JSON content type is sent
                ack = app.on_message(body["message"], body["binary"], body["signature"])
                self.send_response(200)
                self.send_header("Content-Length", str(len(ack)))
                self.end_headers()
                self.wfile.write(ack)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the demo prints what matters itself

        self.on_message = on_message
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/rts-webhook"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def run(out: TextIO) -> int:
    """The RTS scenario on the process-wide (embedded) core; 0 when it ran to the end."""
    from adapters.rts.server import ActionError, BusinessServer

    printer = _Printer(out)
    core = rtm.default_core()
    # The business server sends with the vendor ID, as it would to the vendor.
    sender = BusinessServer(core, APP_ID)
    posts: list[str] = []

    def on_message(message: str, binary: bool, signature: str) -> bytes:
        posts.append(message)
        printer.line(
            f"  business    <- POST {{message: {message!r}, binary: {binary}, "
            f"signature: {signature!r}}}"
        )
        return f"ack {len(posts)}: got {message!r}".encode()

    business = BusinessApp(on_message)
    alice = createRTS(APP_ID, _printing(IRTSEventHandler, "alice", printer))
    bob = createRTS(APP_ID, _printing(IRTSEventHandler, "bob", printer))
    try:
        printer.line(f"RTS app {APP_ID} on the embedded core; business server at {business.url}")
        printer.line("> alice.login / bob.login")
        alice.login("any-token", "alice")
        bob.login("any-token", "bob")
        printer.wait("alice", "onLoginResult")
        printer.wait("bob", "onLoginResult")
        printer.line("> alice.sendMessage('bob', 'hi bob')")
        alice.sendMessage("bob", "hi bob")
        printer.wait("bob", "onMessageReceived")
        printer.wait("alice", "onMessageSendResult")
        printer.line("> alice and bob join room 'lobby'; bob.sendRoomMessage('hello lobby')")
        rooms = {}
        for who, engine in (("alice", alice), ("bob", bob)):
            room = engine.createRoom("lobby")
            room.setRTSRoomEventHandler(_printing(IRTSRoomEventHandler, f"{who}/lobby", printer))
            room.joinRoom()
            printer.wait(f"{who}/lobby", "onRoomStateChanged")
            rooms[who] = room
        rooms["bob"].sendRoomMessage("hello lobby")
        printer.wait("alice/lobby", "onRoomMessageReceived")
        printer.wait("bob/lobby", "onRoomMessageSendResult")
        printer.line(f"> alice.setServerParams('alice', {business.url!r})")
        alice.setServerParams("alice", business.url)
        printer.wait("alice", "onServerParamsSetResult")
        printer.line("> alice.sendServerMessage('order: 1 pizza')")
        alice.sendServerMessage("order: 1 pizza")
        printer.wait("alice", "onServerMessageSendResult")
        printer.line(f"> business server: SendUnicast({SERVER_ID} -> alice)")
        sender.send_unicast(SERVER_ID, "alice", "your pizza is on its way")
        printer.wait("alice", "onMessageReceived")
        printer.line(f"> business server: SendBroadcast({SERVER_ID} -> room lobby)")
        sender.send_broadcast("lobby", SERVER_ID, "kitchen closes at 10 pm")
        printer.wait("alice/lobby", "onRoomMessageReceived", 2)
        printer.wait("bob/lobby", "onRoomMessageReceived", 1)
        printer.line("> alice.logout / bob.logout")
        alice.logout()
        bob.logout()
        printer.wait("alice", "onLogout")
        printer.wait("bob", "onLogout")
    except (TimeoutError, ActionError) as exc:
        printer.line(f"sig2rtm demo: {exc}")
        return 1
    finally:
        alice.destroyRTS()
        bob.destroyRTS()
        business.close()
    printer.line("done")
    return 0
