"""``/metrics``: Prometheus exposition through prometheus_client, scraped from real nodes."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest

from rtm.gateway.metrics import Metrics
from tests.rtm.netkit import GatewayThread, Raw, RedisServer, wait_until


def scrape(gateway: GatewayThread) -> tuple[str, str]:
    with urllib.request.urlopen(gateway.http + "/metrics", timeout=5) as response:
        return response.headers["Content-Type"], response.read().decode()


def types(text: str) -> dict[str, str]:
    return dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.MULTILINE))


def samples(text: str) -> dict[str, float]:
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


@pytest.fixture
def memory_node() -> Iterator[GatewayThread]:
    node = GatewayThread(node_id="m1")
    yield node
    node.stop()


def test_counters_are_named_and_typed_as_counters(memory_node: GatewayThread) -> None:
    content_type, text = scrape(memory_node)
    assert content_type.startswith("text/plain; version=0.0.4")
    declared = types(text)
    counters = {name for name, kind in declared.items() if kind == "counter"}
    assert "rtm_connections_total" in counters and "rtm_sessions_lost_total" in counters
    assert all(name.endswith("_total") for name in counters), counters
    named_total = set(re.findall(r"^(\w+_total)\b", text, re.MULTILINE))
    assert named_total <= counters, "a *_total series that is not a counter"


def test_labelled_error_counters_exist_at_zero_from_the_start(memory_node: GatewayThread) -> None:
    values = samples(scrape(memory_node)[1])
    for series in (
        'rtm_frame_errors_total{code="bad_json"}',
        'rtm_frame_errors_total{code="rate_limited"}',
        'rtm_frame_errors_total{code="bad_ack"}',
        'rtm_disconnects_total{reason="slow_consumer"}',
        'rtm_disconnects_total{reason="policy"}',
        'rtm_http_rejected_total{reason="ip_rate"}',
        'rtm_http_rejected_total{reason="draining"}',
    ):
        assert values[series] == 0, series


def test_process_metrics_and_latency_histograms(memory_node: GatewayThread) -> None:
    raw = Raw(memory_node.url)
    raw.login("alice")
    text = scrape(memory_node)[1]
    declared = types(text)
    assert declared["process_cpu_seconds_total"] == "counter"
    assert declared["process_resident_memory_bytes"] == "gauge"
    assert declared["rtm_request_seconds"] == "histogram"
    assert declared["rtm_delivery_seconds"] == "histogram"
    values = samples(text)
    assert values["rtm_request_seconds_count"] >= 1, "the login was handled"
    assert values["rtm_delivery_seconds_count"] >= 1, "its result was delivered"
    assert values['rtm_request_seconds_bucket{le="+Inf"}'] == values["rtm_request_seconds_count"]


def test_redis_metrics_only_on_redis_nodes(
    memory_node: GatewayThread, redis_server: RedisServer
) -> None:
    memory_text = scrape(memory_node)[1]
    assert "rtm_redis_" not in memory_text
    redis_node = GatewayThread(node_id="r1", backend=redis_server.url)
    try:
        text = scrape(redis_node)[1]
    finally:
        redis_node.stop()
    declared = types(text)
    for name in ("published", "received", "gaps", "errors", "dropped"):
        assert declared[f"rtm_redis_{name}_total"] == "counter", name
    assert "redis_redis" not in text


def test_a_connection_counts_on_its_node() -> None:
    node = GatewayThread(node_id="c1")
    try:
        Raw(node.url).login("bob")
        wait_until(lambda: node.gateway.metrics.value("rtm_open_connections") == 1)
        assert node.gateway.metrics.value("rtm_connections_total") == 1
    finally:
        node.stop()


def test_metrics_class_declares_before_use() -> None:
    m = Metrics(process=False)
    m.counter("x_total", "Things.", {"code": ["a", "b"]})
    m.gauge("level", "A level.", lambda: 2.5)
    m.histogram("wait_seconds", "Waits.")
    assert m.value("x_total", code="a") == 0
    m.inc("x_total", 2, code="b")
    m.observe("wait_seconds", 0.003)
    assert m.value("x_total", code="b") == 2 and m.value("level") == 2.5
    assert m.value("wait_seconds_count") == 1
    assert "process_" not in m.render()
    with pytest.raises(ValueError, match="must end in _total"):
        m.counter("y", "Not a counter name.")
    with pytest.raises(KeyError, match="not declared"):
        m.inc("z_total")
    with pytest.raises(KeyError, match="not declared"):
        m.observe("nope_seconds", 1.0)


def test_webhooks_in_flight_and_queued() -> None:
    """Messages to a hung business server show as in flight (and, past one URL's slots,
    queued) until it answers."""
    import rtm
    from rtm import net
    from rtm.service.webhook import WebhookConfig
    from tests.rtm.bizserver import BusinessHttpServer
    from tests.rtm.netkit import APP, Recorder

    biz, node = BusinessHttpServer(), GatewayThread(node_id="w1", webhook_timeout=60.0)
    core = net.connect_core(node.url, ping_interval=1.0, ping_timeout=1.0)
    try:
        recorder, done = Recorder(), []
        client = rtm.createRtmService(core)
        client.initialize(APP, recorder.handler("alice"))
        client.login(None, "alice")
        wait_until(lambda: recorder.of("alice", "onLoginSuccess"))
        slots = WebhookConfig().per_url
        for i in range(slots + 2):
            message = client.createMessage(f"m{i}")
            client.sendMessageToServer(message, biz.url("/hold"), "s", lambda c, a: done.append(c))
        wait_until(lambda: samples(scrape(node)[1]).get("rtm_webhooks_queued") == 2.0)
        assert samples(scrape(node)[1])["rtm_webhooks_in_flight"] == float(slots)
        biz.release()
        wait_until(lambda: len(done) == slots + 2, 20)
        values = samples(scrape(node)[1])
        assert (values["rtm_webhooks_in_flight"], values["rtm_webhooks_queued"]) == (0.0, 0.0)
        assert done == [0] * (slots + 2)
        client.release()
    finally:
        core.close()
        node.stop()
        biz.close()
