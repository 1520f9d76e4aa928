"""``bench_shim`` runs as its docstring says: every side delivers every callback (no timing)."""

from __future__ import annotations

import pytest

from benchmarks import bench_shim


@pytest.mark.parametrize("scheduler", ["deterministic", "threaded"])
@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_every_side_delivers_every_callback(scheduler: str, flavour: str) -> None:
    sides = [
        bench_shim.shim_peer(scheduler, flavour),
        bench_shim.direct_peer(scheduler, flavour),
        bench_shim.shim_channel(scheduler, flavour, 5),
        bench_shim.direct_channel(scheduler, flavour, 5),
    ]
    try:
        for side in sides:
            for burst in (0, 7):  # the whole repeat queued first, and bursts of 7
                side.burst = burst
                assert side.run(30) >= 0.0
                # Counter.wait returned: every callback of the 30 messages arrived.
                assert side.counter.n == 30 * side.per_message
    finally:
        for side in sides:
            side.core.close()


def test_calls_per_message_are_counted() -> None:
    side = bench_shim.shim_peer("deterministic", "cpp")
    assert bench_shim.calls_per_message(side, n=50) > 10
