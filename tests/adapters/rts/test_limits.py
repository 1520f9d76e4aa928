"""The RTS dialect's ID rules, app IDs and send rates."""

from __future__ import annotations

import pytest

from adapters.rts.limits import (
    BROADCAST_RATE,
    PEER_RATE,
    SERVER_RATE,
    SendRate,
    rtm_app_id,
    valid_id,
)
from rtm.limits import Rate


def test_ids() -> None:
    assert valid_id("a") and valid_id("A-z_0.9@x") and valid_id("x" * 64)
    for bad in ("", "x" * 65, "with space", "ümlaut", "a/b", 5):
        assert not valid_id(bad)


def test_app_ids() -> None:
    assert rtm_app_id("0123456789abcdefABCDEF01") == "000000000123456789abcdefABCDEF01"
    assert rtm_app_id("z" * 32) == "z" * 32
    for bad in ("", "0123456789abcdef0123456", "g" * 24, "x" * 31):
        with pytest.raises(ValueError, match="app_id"):
            rtm_app_id(bad)


@pytest.mark.parametrize("rate", [PEER_RATE, BROADCAST_RATE, SERVER_RATE])
def test_a_full_burst_at_epoch_sized_times(rate: Rate) -> None:
    now = [1_700_000_000.123]
    limiter = SendRate(rate, lambda: now[0])
    count = rate.count
    assert sum(limiter.allow() for _ in range(count + 5)) == count
    now[0] += 1.0
    assert limiter.allow()
