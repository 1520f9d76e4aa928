"""RTM's documented limits, as one configurable record.

Sizes and counts are RTM 1.x's; call rates default to the Linux C++/Java figures (the
platforms of seeds 001 and 003) and can be replaced, e.g. by :data:`MOBILE_RATES`, or
loosened for benchmarks. The service enforces rates per client session with
:class:`SlidingWindow`, so the same rules hold embedded and behind the gateway.
"""

from __future__ import annotations

import attrs

__all__ = ["LINUX_RATES", "MOBILE_RATES", "Limits", "Rate", "Rates", "SlidingWindow"]


@attrs.frozen
class Rate:
    """``count`` calls per ``seconds``: a burst of ``count`` at once, then one call every
    ``seconds / count`` (see :class:`SlidingWindow`, a GCRA limiter)."""

    count: int
    seconds: float


@attrs.frozen
class Rates:
    """Per-client call-frequency limits; operations sharing a field share the quota."""

    login: Rate = Rate(2, 1.0)
    renew_token: Rate = Rate(2, 1.0)
    messages: Rate = Rate(1500, 3.0)
    join: Rate = Rate(50, 3.0)
    join_same_channel: Rate = Rate(2, 5.0)
    get_members: Rate = Rate(5, 2.0)
    query_online: Rate = Rate(100, 5.0)
    subscription: Rate = Rate(10, 5.0)
    user_attr_write: Rate = Rate(100, 5.0)
    user_attr_read: Rate = Rate(400, 5.0)
    channel_attr_write: Rate = Rate(100, 5.0)
    channel_attr_read: Rate = Rate(400, 5.0)
    member_count: Rate = Rate(1, 1.0)


#: Linux C++ / Linux Java figures (the default).
LINUX_RATES = Rates()
#: Android / iOS / Web / Windows figures.
MOBILE_RATES = Rates(
    messages=Rate(180, 3.0),
    query_online=Rate(10, 5.0),
    user_attr_write=Rate(10, 5.0),
    user_attr_read=Rate(40, 5.0),
    channel_attr_write=Rate(10, 5.0),
    channel_attr_read=Rate(10, 5.0),
)


@attrs.frozen
class Limits:
    """Sizes, counts and timers of RTM 1.x."""

    message_bytes: int = 32 * 1024
    id_bytes: int = 64
    app_id_chars: int = 32
    channels_per_client: int = 20
    subscribed_peers: int = 512
    query_online_ids: int = 256
    member_count_ids: int = 32
    members_returned: int = 512
    #: Above this many members, join/leave events are no longer sent.
    member_events_max: int = 512
    attr_key_bytes: int = 32
    attr_value_bytes: int = 8 * 1024
    user_attrs_total_bytes: int = 16 * 1024
    user_attrs_count: int = 32
    channel_attrs_total_bytes: int = 32 * 1024
    channel_attrs_count: int = 32
    invitation_content_bytes: int = 8 * 1024
    offline_messages_per_user: int = 200
    offline_message_ttl: float = 7 * 24 * 3600.0
    #: Channel attributes of an empty channel are dropped after this long.
    empty_channel_attrs_ttl: float = 120.0
    login_timeout: float = 12.0
    #: A peer message routed to another node is answered SENT_TIMEOUT (2) if that node has
    #: not confirmed handing it over within this long.
    peer_message_timeout: float = 10.0
    #: Invitation: callee offline / no acknowledgement -> failure after this long.
    invitation_ack_timeout: float = 30.0
    #: Invitation: resend interval while the callee is offline.
    invitation_resend_interval: float = 2.0
    #: Invitation: expiry after sending when nobody acts.
    invitation_expiry: float = 60.0
    #: Callee waits this long for the caller's acknowledgement of an accept.
    accept_ack_timeout: float = 5.0
    token_will_expire_lead: float = 30.0
    member_count_interval: float = 1.0
    member_count_interval_large: float = 3.0
    rates: Rates = Rates()


class SlidingWindow:
    """A call-rate limiter: at most ``count`` calls per ``seconds`` (GCRA, O(1), no history).

    The generic cell rate algorithm keeps one number, the theoretical arrival time of the
    next call: a burst of ``count`` calls is allowed at once, then one call per
    ``seconds / count``, which is what "N calls in any window of S seconds" means for a
    steady caller. ``allow`` records the call only when it is within quota.

    Times are kept relative to the first call: at wall-clock magnitudes (1.7e9 s) a
    float's resolution (~2e-7 s) summed over a burst would exceed any fixed tolerance,
    and ``Rate(65, 1.0)`` would allow 64.
    """

    __slots__ = ("_interval", "_origin", "_tat", "_window")

    def __init__(self, rate: Rate) -> None:
        self._interval = rate.seconds / rate.count
        self._window = rate.seconds
        self._tat = float("-inf")
        self._origin: float | None = None

    def allow(self, now: float) -> bool:
        origin = self._origin
        if origin is None:
            origin = self._origin = now
        now -= origin
        tat = self._tat if self._tat > now else now
        new_tat = tat + self._interval
        if new_tat - now > self._window + 1e-9:
            return False
        self._tat = new_tat
        return True
