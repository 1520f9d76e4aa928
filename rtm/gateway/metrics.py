"""The gateway's metrics, exposed on ``/metrics`` with ``prometheus_client``.

Why the library: it gets the exposition format right (counter types and ``_total`` names,
escaping, histograms) and brings the ``process_*`` metrics every deployment expects. Each
gateway has its own registry, so several nodes in one process (tests, lockstep) do not mix
their numbers. Hot paths call :meth:`Metrics.inc` / :meth:`Metrics.observe`, which reach
the library's child objects through one dict lookup.

Labelled counters are declared with every label value they can take, so each series is
present (at 0) from the first scrape, and an alert on a rate does not wait for the first
error to exist.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import prometheus_client
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.metrics_core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE", "LATENCY_BUCKETS", "Metrics"]

#: The Content-Type of :meth:`Metrics.render`.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
#: Seconds, for latencies inside one gateway (sub-millisecond to seconds).
LATENCY_BUCKETS = (
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
)  # fmt: skip

# A ``*_created`` series per counter doubles the output and says nothing a restart counter
# does not; the gateway is the only user of the library in its process.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]


class _Counters(Collector):
    """Counters whose values live elsewhere (a backend's stats), read at scrape time."""

    def __init__(self, read: Callable[[], Mapping[str, float]], helps: Mapping[str, str]) -> None:
        self._read = read
        self._helps = dict(helps)

    def collect(self) -> Iterator[Metric]:
        values = self._read()
        for name, help_text in self._helps.items():
            yield CounterMetricFamily(name, help_text, value=float(values.get(name, 0.0)))


class Metrics:
    """One gateway's counters, gauges and histograms, on a registry of its own."""

    def __init__(self, *, process: bool = True) -> None:
        self.registry = CollectorRegistry()
        if process:
            ProcessCollector(registry=self.registry)
        self._metrics: dict[str, Any] = {}
        self._children: dict[tuple[str, tuple[str, ...]], Any] = {}

    def counter(
        self, name: str, help_text: str, labels: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        """Declare a counter (``name`` ends in ``_total``); ``labels`` maps each label to
        the values it takes, all of which start at 0."""
        if not name.endswith("_total"):
            raise ValueError(f"counter {name!r} must end in _total")
        names = tuple(labels or ())
        metric = Counter(name, help_text, labelnames=names, registry=self.registry)
        self._metrics[name] = metric
        if not names:
            self._children[(name, ())] = metric
            return
        assert labels is not None
        for values in itertools.product(*(list(labels[label]) for label in names)):
            self._child(name, dict(zip(names, values, strict=True)))

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """A gauge read when scraped (so hot paths never update it)."""
        metric = Gauge(name, help_text, registry=self.registry)
        metric.set_function(read)
        self._metrics[name] = metric

    def histogram(
        self, name: str, help_text: str, buckets: Sequence[float] = LATENCY_BUCKETS
    ) -> None:
        metric = Histogram(name, help_text, buckets=tuple(buckets), registry=self.registry)
        self._metrics[name] = metric
        self._children[(name, ())] = metric

    def counters_from(
        self, read: Callable[[], Mapping[str, float]], helps: Mapping[str, str]
    ) -> None:
        """Counters named by ``helps`` (without ``_total``) whose values ``read()`` returns
        at scrape time, keyed the same way."""
        self.registry.register(_Counters(read, helps))

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        child = self._children.get((name, tuple(labels.values())))
        if child is None:
            child = self._child(name, labels)
        child.inc(amount)

    def observe(self, name: str, value: float) -> None:
        child = self._children.get((name, ()))
        if child is None:
            raise KeyError(f"metric {name!r} is not declared")
        child.observe(value)

    def value(self, name: str, **labels: str) -> float:
        """The current value of a counter or gauge series (0 when it has none yet)."""
        found = self.registry.get_sample_value(name, labels)
        return 0.0 if found is None else found

    def render(self) -> str:
        return generate_latest(self.registry).decode()

    def _child(self, name: str, labels: Mapping[str, str]) -> Any:
        metric = self._metrics.get(name)
        if metric is None:
            raise KeyError(f"metric {name!r} is not declared")
        child = metric.labels(**labels) if labels else metric
        self._children[(name, tuple(labels.values()))] = child
        return child

