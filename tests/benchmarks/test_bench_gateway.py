"""The cross-node baseline of ``bench_gateway``: redis-server's own pub/sub capacity, which
fails rather than count publishes that reached no subscriber (no timing here; like
redis-server, redis-benchmark is required: it comes with it, in the redis-tools package)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from benchmarks.bench_gateway import RedisChild, redis_benchmark_baseline


@pytest.fixture
def server() -> Iterator[RedisChild]:
    child = RedisChild()
    yield child
    child.close()


def test_the_baseline_publishes_to_its_subscriber(server: RedisChild) -> None:
    subscriber = subprocess.Popen(
        ["redis-cli", "-p", str(server.port), "subscribe", "bench"],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=server.port)
        for _ in range(100):  # until the subscription is in place
            if dict(client.pubsub_numsub("bench")).get(b"bench") == 1:
                break
            time.sleep(0.05)
        before = int(client.info("stats")["total_commands_processed"])
        rate, cpu = redis_benchmark_baseline(server.port, "bench", 2000)
        after = int(client.info("stats")["total_commands_processed"])
        client.close()
        assert rate > 0 and cpu >= 0
        assert after - before >= 2000  # the publishes did reach the server
    finally:
        subscriber.terminate()
        subscriber.wait(10)


def test_the_baseline_fails_without_a_subscriber(server: RedisChild) -> None:
    with pytest.raises(RuntimeError, match="has 0 subscribers, not 1"):
        redis_benchmark_baseline(server.port, "nobody", 1000)
