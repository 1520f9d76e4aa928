"""Counters and gauges in Prometheus' text exposition format (no client library needed).

Why hand-rolled: the gateway needs a dozen numbers, incremented on hot paths; a dict add is
the cheapest possible counter, and the text format is four lines per metric.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

__all__ = ["Metrics"]

Labels = tuple[tuple[str, str], ...]


class Metrics:
    def __init__(self) -> None:
        self._help: dict[str, tuple[str, str]] = {}
        self._values: dict[str, dict[Labels, float]] = defaultdict(dict)
        self._gauges: dict[str, Callable[[], float]] = {}

    def counter(self, name: str, help_text: str) -> None:
        self._help[name] = ("counter", help_text)
        self._values.setdefault(name, {})

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """A gauge read when scraped (so hot paths never update it)."""
        self._help[name] = ("gauge", help_text)
        self._gauges[name] = read

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        if name not in self._help:
            raise KeyError(f"metric {name!r} is not declared")
        key = tuple(sorted(labels.items()))
        values = self._values[name]
        values[key] = values.get(key, 0.0) + amount

    def value(self, name: str, **labels: str) -> float:
        if name in self._gauges:
            return self._gauges[name]()
        return self._values.get(name, {}).get(tuple(sorted(labels.items())), 0.0)

    def render(self) -> str:
        lines = []
        for name in sorted(self._help):
            kind, help_text = self._help[name]
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {kind}")
            if kind == "gauge":
                lines.append(f"{name} {_number(self._gauges[name]())}")
                continue
            values = self._values.get(name) or {(): 0.0}
            for labels, value in sorted(values.items()):
                lines.append(f"{name}{_labels(labels)} {_number(value)}")
        return "\n".join(lines) + "\n"


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
