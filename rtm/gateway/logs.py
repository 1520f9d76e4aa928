"""Structured logs: one JSON object per line on stderr, so log shippers need no parsing rules.

Fields: ``ts`` (Unix seconds), ``level``, ``logger``, ``msg``, plus whatever the call passed
in ``extra={...}`` (e.g. ``node``, ``peer``, ``code``) and ``exc`` for exceptions.
"""

from __future__ import annotations

import json
import logging
import sys

__all__ = ["JsonFormatter", "setup_logging"]

#: Attributes every LogRecord has; anything else came from ``extra``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def setup_logging(level: str = "info", as_json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if as_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # websockets logs every failed handshake at INFO/ERROR; ours say it better.
    logging.getLogger("websockets").setLevel(logging.WARNING)
