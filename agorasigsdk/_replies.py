"""The raw ``(err, data)`` replies of 1.0.2's ``cb_pack`` hooks, shared by its modules."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from legacy_signaling.codes import ECODE
from legacy_signaling.objects.core import Reply, failed, failure_reason, ok

__all__ = ["CbPack", "message_reply", "unpack_cb_pack"]

#: 1.0.2's raw result hook: ``(fn, args)``, called as ``fn(err, data, *args)``.
CbPack = tuple[Callable[..., object], Sequence[object]]


def message_reply(ecode: int) -> Reply:
    """The ``(err, data)`` a send result gave 1.0.2's raw callbacks."""
    if ecode == ECODE.SUCCESS:
        return "", ok()
    reason = failure_reason(ecode)
    return reason, failed(reason)


def unpack_cb_pack(cb_pack: object) -> CbPack | None:
    """Check a ``cb_pack`` argument: None, or a ``(callable, sequence)`` pair."""
    if cb_pack is None:
        return None
    if (
        not isinstance(cb_pack, tuple | list)
        or len(cb_pack) != 2
        or not callable(cb_pack[0])
        or not isinstance(cb_pack[1], Sequence)
        or isinstance(cb_pack[1], str)
    ):
        raise TypeError("cb_pack must be None or a (function, args) pair")
    return cb_pack[0], cb_pack[1]
