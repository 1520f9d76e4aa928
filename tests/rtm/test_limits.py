"""RTM's limits record and the sliding-window rate counter."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtm.limits import LINUX_RATES, MOBILE_RATES, Limits, Rate, Rates, SlidingWindow


def test_documented_sizes_and_counts() -> None:
    limits = Limits()
    assert limits.message_bytes == 32 * 1024
    assert limits.id_bytes == 64
    assert limits.app_id_chars == 32
    assert limits.channels_per_client == 20
    assert limits.subscribed_peers == 512
    assert limits.member_count_ids == 32
    assert limits.members_returned == 512
    assert (limits.attr_key_bytes, limits.attr_value_bytes) == (32, 8 * 1024)
    assert (limits.user_attrs_total_bytes, limits.user_attrs_count) == (16 * 1024, 32)
    assert (limits.channel_attrs_total_bytes, limits.channel_attrs_count) == (32 * 1024, 32)
    assert limits.invitation_content_bytes == 8 * 1024
    assert limits.offline_messages_per_user == 200
    assert limits.offline_message_ttl == 7 * 24 * 3600
    assert (limits.invitation_ack_timeout, limits.invitation_expiry) == (30, 60)
    assert limits.accept_ack_timeout == 5
    assert limits.token_will_expire_lead == 30


def test_rates_linux_default_and_mobile() -> None:
    assert Limits().rates == LINUX_RATES == Rates()
    assert LINUX_RATES.login == Rate(2, 1.0)
    assert LINUX_RATES.messages == Rate(1500, 3.0)
    assert LINUX_RATES.join_same_channel == Rate(2, 5.0)
    assert LINUX_RATES.member_count == Rate(1, 1.0)
    assert MOBILE_RATES.messages == Rate(180, 3.0)
    assert MOBILE_RATES.user_attr_write == Rate(10, 5.0)
    assert MOBILE_RATES.login == LINUX_RATES.login


def test_limits_are_frozen_and_configurable() -> None:
    limits = Limits(rates=Rates(login=Rate(1, 10.0)), channels_per_client=3)
    assert limits.rates.login == Rate(1, 10.0)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        limits.channels_per_client = 4  # type: ignore[misc]


def test_rate_limiter_allows_a_burst_of_count_then_one_per_interval() -> None:
    window = SlidingWindow(Rate(2, 1.0))  # burst 2, then one call per 0.5 s
    assert window.allow(0.0)
    assert window.allow(0.0)
    assert not window.allow(0.0)  # a third call at once is refused
    assert not window.allow(0.49)  # a refused call does not count against the next
    assert window.allow(0.5)
    assert not window.allow(0.6)
    assert window.allow(1.0)
    # after a long pause the full burst is available again
    assert window.allow(100.0) and window.allow(100.0) and not window.allow(100.0)


@given(
    st.integers(1, 5),
    st.floats(0.1, 5.0),
    st.lists(st.floats(0.0, 0.5), min_size=1, max_size=60),
)
def test_rate_limiter_bounds(count: int, seconds: float, gaps: list[float]) -> None:
    window = SlidingWindow(Rate(count, seconds))
    interval = seconds / count
    now, admitted = 0.0, []
    for gap in gaps:
        now += gap
        if window.allow(now):
            admitted.append(now)
    # never more than the burst plus one call per interval, in any stretch of time
    for i, start in enumerate(admitted):
        for j in range(i, len(admitted)):
            span = admitted[j] - start
            assert j - i + 1 <= count + span / interval + 1e-6
    # and not over-strict: the first `count` calls are always admitted
    assert len(admitted) >= min(count, len(gaps))


def test_rate_limiter_long_run_rate() -> None:
    window = SlidingWindow(Rate(5, 1.0))
    admitted = sum(window.allow(i / 1000) for i in range(10_000))  # 1000 calls/s for 10 s
    assert 54 <= admitted <= 55  # burst of 5, then 5 per second


@pytest.mark.parametrize("count, seconds", [(65, 1.0), (100, 1.0), (180, 3.0), (20, 1.0), (7, 0.1)])
@pytest.mark.parametrize("start", [0.0, 1_700_000_000.123, 1_764_000_000.5])
def test_a_burst_allows_exactly_count_at_wall_clock_times(
    count: int, seconds: float, start: float
) -> None:
    """At 1.7e9 s a float's resolution summed over a burst once made Rate(65, 1.0) allow 64."""
    window = SlidingWindow(Rate(count, seconds))
    allowed = sum(window.allow(start) for _ in range(count + 5))
    assert allowed == count
    # One interval later (a little more: the clock itself is only that precise), one more.
    later = start + seconds / count * 1.001
    assert window.allow(later) and not window.allow(later)
