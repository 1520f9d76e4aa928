"""Messages from clients to their app's business server: admission, slots, deadlines.

The service hands each checked ``SendServer`` here. Why a component of its own: a webhook
is slow, remote and may never answer, and none of that may reach other traffic. So every
request gets a deadline on the service's scheduler (SEND_FAILED when it passes, whatever
the business server does later), POSTs in flight are bounded per app and per URL (a dead
server holds at most ``per_url`` slots of its app), and the rest wait in a bounded queue
per app, served in order but skipping requests whose URL has no free slot, so one slow URL
does not hold up the app's other URLs. Nothing is retried: a POST that failed may have
reached the business server, and resending it could act twice (docs/business-server.md).
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable

import attrs

from .. import protocol as p
from ..enums import SERVER_MESSAGE_ERR
from ..scheduler import Scheduler, TimerHandle
from .backend import SessionId
from .webhook import (
    MAX_MESSAGE_BYTES,
    WebhookConfig,
    WebhookOutcome,
    WebhookRequest,
    WebhookSink,
    check_url,
    outcome_code,
    payload_size,
    webhook_body,
)

__all__ = ["Answer", "ServerMessages"]

log = logging.getLogger("rtm.service")
reasons = logging.getLogger("sig2rtm.rtm.service")

#: How the service hands a session its result (dropped if the session is gone).
Answer = Callable[[SessionId, p.Result], None]


@attrs.define(eq=False)
class _Ticket:
    session: SessionId
    req: int
    app: str
    user: str
    url: str
    body: bytes
    deadline: float
    timer: TimerHandle | None = None
    answered: bool = False
    started: bool = False


class ServerMessages:
    """The webhook requests of one service node."""

    def __init__(
        self, scheduler: Scheduler, answer: Answer, config: WebhookConfig | None = None
    ) -> None:
        self.scheduler = scheduler
        self.config = config or WebhookConfig()
        self._answer = answer
        self.sink: WebhookSink | None = None
        self._warned = False
        self._in_app: Counter[str] = Counter()
        self._in_url: Counter[tuple[str, str]] = Counter()
        self._queues: dict[str, deque[_Ticket]] = {}

    def attach(self, sink: WebhookSink | None) -> None:
        """Post webhooks through ``sink`` from now on (None: refuse them, UNAVAILABLE)."""
        self.sink = sink

    @property
    def in_flight(self) -> int:
        return sum(self._in_app.values())

    @property
    def queued(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def submit(self, session: SessionId, app: str, user: str, frame: p.SendServer) -> None:
        """Check a logged-in user's request and post it, or answer why not."""
        E = SERVER_MESSAGE_ERR
        reason = check_url(frame.url)
        if reason:
            return self._answer(session, p.Result(frame.req, E.INVALID_URL, reason))
        if payload_size(frame.payload) > MAX_MESSAGE_BYTES:
            return self._answer(
                session,
                p.Result(frame.req, E.INVALID_MESSAGE, f"larger than {MAX_MESSAGE_BYTES} bytes"),
            )
        if self.sink is None:
            if not self._warned:
                self._warned = True
                log.warning(
                    "messages to business servers are refused: this core has no HTTP client "
                    "for webhooks (install the 'rts' extra: pip install 'sig2rtm[rts]')"
                )
            return self._answer(
                session, p.Result(frame.req, E.UNAVAILABLE, "no webhook client on this core")
            )
        queue = self._queues.get(app)
        waiting = len(queue) if queue is not None else 0
        if not self._has_slot(app, frame.url) and waiting >= self.config.queue:
            return self._answer(
                session, p.Result(frame.req, E.TOO_OFTEN, "too many messages waiting")
            )
        now = self.scheduler.time()
        ticket = _Ticket(
            session,
            frame.req,
            app,
            user,
            frame.url,
            webhook_body(frame.payload, frame.signature),
            now + self.config.timeout,
        )
        ticket.timer = self.scheduler.call_later(self.config.timeout, self._expired, ticket)
        if self._has_slot(app, frame.url):
            self._start(ticket)
        else:
            self._queues.setdefault(app, deque()).append(ticket)

    # --- internals -----------------------------------------------------------------------

    def _has_slot(self, app: str, url: str) -> bool:
        config = self.config
        return self._in_app[app] < config.per_app and self._in_url[app, url] < config.per_url

    def _start(self, ticket: _Ticket) -> None:
        sink = self.sink
        ticket.started = True
        self._in_app[ticket.app] += 1
        self._in_url[ticket.app, ticket.url] += 1
        left = max(0.001, ticket.deadline - self.scheduler.time())
        request = WebhookRequest(ticket.app, ticket.user, ticket.url, ticket.body, left)
        call_soon = self.scheduler.call_soon

        def done(outcome: WebhookOutcome) -> None:
            call_soon(self._finished, ticket, outcome)

        try:
            if sink is None:
                raise RuntimeError("the webhook client was detached")
            sink.post(request, done)
        except Exception as exc:
            log.exception("webhook client failed to start a POST")
            self.scheduler.call_soon(self._finished, ticket, WebhookOutcome(None, error=str(exc)))

    def _finished(self, ticket: _Ticket, outcome: WebhookOutcome) -> None:
        app, url = ticket.app, ticket.url
        self._in_app[app] -= 1
        if self._in_app[app] <= 0:
            del self._in_app[app]
        self._in_url[app, url] -= 1
        if self._in_url[app, url] <= 0:
            del self._in_url[app, url]
        if not ticket.answered:
            ticket.answered = True
            if ticket.timer is not None:
                ticket.timer.cancel()
            code, ack, reason = outcome_code(outcome)
            if code:
                reasons.info("message of %r to %s failed: %s", ticket.user, url, reason)
            self._answer(ticket.session, p.Result(ticket.req, code, ack if not code else reason))
        self._pump(app)

    def _expired(self, ticket: _Ticket) -> None:
        if ticket.answered:
            return
        ticket.answered = True
        if not ticket.started:
            queue = self._queues.get(ticket.app)
            if queue is not None:
                queue.remove(ticket)
                if not queue:
                    del self._queues[ticket.app]
        reason = f"no answer from the business server within {self.config.timeout:g} s"
        reasons.info("message of %r to %s failed: %s", ticket.user, ticket.url, reason)
        self._answer(ticket.session, p.Result(ticket.req, SERVER_MESSAGE_ERR.SEND_FAILED, reason))

    def _pump(self, app: str) -> None:
        """Start the app's waiting requests that have a free slot now, oldest first."""
        queue = self._queues.get(app)
        if not queue:
            return
        kept: deque[_Ticket] = deque()
        while queue:
            ticket = queue.popleft()
            if self._in_app[app] >= self.config.per_app:
                kept.append(ticket)
                kept.extend(queue)
                break
            if self._in_url[app, ticket.url] < self.config.per_url:
                self._start(ticket)
            else:
                kept.append(ticket)
        if kept:
            self._queues[app] = kept
        else:
            del self._queues[app]
