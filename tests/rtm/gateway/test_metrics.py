"""Prometheus text rendering of the gateway's counters and gauges."""

from __future__ import annotations

import pytest

from rtm.gateway.metrics import Metrics


def test_counters_gauges_and_labels_render_in_text_format() -> None:
    m = Metrics()
    m.counter("x_total", "Things.")
    m.gauge("level", "A level.", lambda: 2.5)
    m.inc("x_total")
    m.inc("x_total", 2, code='a"b')
    text = m.render()
    assert text.splitlines() == [
        "# HELP level A level.",
        "# TYPE level gauge",
        "level 2.5",
        "# HELP x_total Things.",
        "# TYPE x_total counter",
        "x_total 1",
        'x_total{code="a\\"b"} 2',
    ]
    assert m.value("x_total", code='a"b') == 2 and m.value("level") == 2.5


def test_an_unused_counter_renders_zero_and_undeclared_ones_are_refused() -> None:
    m = Metrics()
    m.counter("y_total", "Nothing yet.")
    assert m.render().splitlines()[-1] == "y_total 0"
    with pytest.raises(KeyError, match="not declared"):
        m.inc("z_total")
