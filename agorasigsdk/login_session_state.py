"""``agorasigsdk.login_session_state``: the values of ``LoginSession.state`` in 1.0.2."""

from __future__ import annotations

import enum

__all__ = ["LoginSessionState"]


class LoginSessionState(enum.IntEnum):
    """``LoginSession.state``; an ``IntEnum``, so comparisons with the 1.0.2 ints hold."""

    INIT = 0
    CONNECTING = 1  # login sent (and, here, while the connection is being restored)
    LOGINED = 2
    LOGOUT = 3
    LOGINFAILED = 4
