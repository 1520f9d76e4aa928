"""Calling the app's callback objects safely.

Legacy SDKs called user callbacks from their own threads and never let an exception in a
callback stop the SDK (the Web SDK wrapped each one in try/catch). The object facades do
the same: an exception is logged and delivery continues, so one faulty handler cannot
corrupt the routing state of a session.

Callback objects are duck-typed in legacy Python code (a class that does not subclass the
SDK's callback class but has the right methods is common), so a missing method is looked
up at call time and reported in the log rather than raised.
"""

from __future__ import annotations

import logging
from typing import Final

__all__ = ["LOGGER_NAME", "call_user"]

LOGGER_NAME: Final = "legacy_signaling.objects"
log = logging.getLogger(LOGGER_NAME)


def call_user(target: object, method_name: str, *args: object) -> None:
    """Call ``target.method_name(*args)``; log (never raise) a missing method or an error."""
    method = getattr(target, method_name, None)
    if not callable(method):
        log.warning(
            "callback object %s has no method %s; the event was not delivered",
            type(target).__name__,
            method_name,
        )
        return
    try:
        method(*args)
    except Exception:
        log.exception("exception in callback %s.%s (ignored)", type(target).__name__, method_name)
