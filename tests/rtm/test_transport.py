"""The rules of a simulated outage, shared by every transport (``check_outage``)."""

from __future__ import annotations

import pytest

from rtm.transport import check_outage


def test_a_closed_transport_refuses_drop_and_restore() -> None:
    for action in ("drop", "restore"):
        with pytest.raises(ConnectionError, match="closed"):
            check_outage(action, closed=True, dropped=False)


def test_drop_needs_an_up_link_and_restore_a_dropped_one() -> None:
    check_outage("drop", closed=False, dropped=False)
    check_outage("restore", closed=False, dropped=True)
    with pytest.raises(RuntimeError, match="already dropped"):
        check_outage("drop", closed=False, dropped=True)
    with pytest.raises(RuntimeError, match="not dropped"):
        check_outage("restore", closed=False, dropped=False)
