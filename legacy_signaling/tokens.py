"""Legacy Signaling login tokens, and the bridge that gives the RTM core its own tokens.

A legacy app logs in with one of two things: the literal ``_no_need_token`` (projects
without an App Certificate, or with the console's token debugging switch on), or a token
of the form::

    "1:" + app_id + ":" + expired_ts + ":" + md5hex(account + app_id + app_certificate + expired_ts)

where ``expired_ts`` is decimal Unix seconds. The legacy server is gone, so the shim checks
these itself with ``verify_legacy_token`` and then logs in to the RTM core with whatever an
``RtmTokenProvider`` returns: nothing for a certificate-less project, or a freshly built RTM
"006" token. The app's legacy token is never shown to the core.

Failures carry the legacy login codes (204 expired, 206 wrong), which the shim reports
through ``onLoginFailed``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Final, Protocol

import attrs

from rtm.tokens import DEFAULT_TOKEN_TTL, build_rtm_token

__all__ = [
    "LEGACY_TOKEN_VERSION",
    "LOGIN_E_TOKENEXPIRED",
    "LOGIN_E_TOKENWRONG",
    "NO_NEED_TOKEN",
    "CertificateTokenProvider",
    "LegacyTokenError",
    "NoTokenProvider",
    "RtmTokenProvider",
    "build_legacy_token",
    "verify_legacy_token",
]

NO_NEED_TOKEN: Final = "_no_need_token"
LEGACY_TOKEN_VERSION: Final = "1"

# Legacy login failure codes (same numbers as the SDK's LOGIN_E_* constants).
LOGIN_E_TOKENEXPIRED: Final = 204
LOGIN_E_TOKENWRONG: Final = 206

_SEPARATOR: Final = ":"
_MD5_HEX_LENGTH: Final = 32


class LegacyTokenError(Exception):
    """A legacy login refused for its token; ``code`` is the legacy login failure code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _signature(account: str, app_id: str, app_certificate: str, expired_ts: str) -> str:
    return hashlib.md5(
        (account + app_id + app_certificate + expired_ts).encode("utf-8"),
        usedforsecurity=False,  # the legacy format fixes MD5; it is compatibility, not design
    ).hexdigest()


def build_legacy_token(account: str, app_id: str, app_certificate: str, expired_ts: int) -> str:
    """Build a legacy Signaling token, as Agora's ``SignalingToken`` generator does."""
    if isinstance(expired_ts, bool) or not isinstance(expired_ts, int) or expired_ts < 0:
        raise ValueError(f"expired_ts must be a non-negative int, got {expired_ts!r}")
    if not app_id or _SEPARATOR in app_id:
        # The token is ':'-separated; an app id containing ':' could not be read back.
        raise ValueError(f"app_id must be non-empty and contain no {_SEPARATOR!r}: {app_id!r}")
    if not app_certificate:
        raise ValueError("app_certificate must be a non-empty string")
    ts = str(expired_ts)
    return _SEPARATOR.join(
        (LEGACY_TOKEN_VERSION, app_id, ts, _signature(account, app_id, app_certificate, ts))
    )


def _wrong(message: str) -> LegacyTokenError:
    return LegacyTokenError(LOGIN_E_TOKENWRONG, message)


def verify_legacy_token(
    token: str | None,
    *,
    account: str,
    app_id: str,
    app_certificate: str | None,
    now: float,
    debug_switch: bool = False,
) -> None:
    """Accept or refuse a legacy login token; raise ``LegacyTokenError`` on refusal.

    * ``app_certificate`` None: the project has no certificate, so any token is accepted
      (including ``_no_need_token``, "" and None), as the legacy server did.
    * ``_no_need_token`` with a certificate: accepted only with ``debug_switch`` on (the
      console's "token debugging switch"); otherwise 206.
    * a real token: 206 when malformed, for another app id, or badly signed (which covers a
      wrong account or certificate); 204 when correctly signed but ``expired_ts <= now``.
    """
    if app_certificate is None:
        return
    if token == NO_NEED_TOKEN:
        if debug_switch:
            return
        raise _wrong("_no_need_token is refused: the app has a certificate and debugging is off")
    if not token:
        raise _wrong("a token is required: the app has a certificate")
    parts = token.split(_SEPARATOR)
    if len(parts) != 4:
        raise _wrong(f"malformed token: expected 4 ':'-separated fields, got {len(parts)}")
    version, token_app_id, ts_text, signature = parts
    if version != LEGACY_TOKEN_VERSION:
        raise _wrong(f"unsupported token version {version!r}")
    if not (ts_text.isascii() and ts_text.isdigit()):
        raise _wrong(f"malformed token: expiry {ts_text!r} is not a decimal timestamp")
    if len(signature) != _MD5_HEX_LENGTH:
        raise _wrong(f"malformed token: signature has {len(signature)} characters, not 32")
    if token_app_id != app_id:
        raise _wrong(f"token is for app id {token_app_id!r}, not {app_id!r}")
    expected = _signature(account, app_id, app_certificate, ts_text)
    if not hmac.compare_digest(signature.encode("utf-8"), expected.encode("ascii")):
        raise _wrong("signature does not match this account and app certificate")
    expired_ts = int(ts_text)
    if expired_ts <= now:
        raise LegacyTokenError(LOGIN_E_TOKENEXPIRED, f"token expired at {expired_ts} (now {now})")


# --------------------------------------------------------------------------- RTM side


class RtmTokenProvider(Protocol):
    """Gives the shim the RTM token to log ``user_id`` in to the core (None: no token)."""

    def __call__(self, user_id: str) -> str | None: ...


@attrs.frozen
class NoTokenProvider:
    """For projects without an App Certificate: the core accepts a login with no token."""

    def __call__(self, user_id: str) -> str | None:
        return None


def _positive(_inst: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{attribute.name} must be a positive int, got {value!r}")


@attrs.frozen
class CertificateTokenProvider:
    """Mints an RTM "006" login token per login, valid for ``ttl_seconds`` from ``clock()``.

    The kRtmLogin privilege expires at ``now + ttl_seconds``. The token's own validity
    (``ts``) is Agora's 24 h, stretched to ``ttl_seconds`` when that is longer, so the
    effective lifetime is always ``ttl_seconds``.
    """

    app_id: str
    app_certificate: str
    ttl_seconds: int = attrs.field(default=DEFAULT_TOKEN_TTL, validator=_positive)
    clock: Callable[[], float] = attrs.field(default=time.time, eq=False)

    def __call__(self, user_id: str) -> str:
        now = self.clock()
        issued = int(now)
        return build_rtm_token(
            self.app_id,
            self.app_certificate,
            user_id,
            issued + self.ttl_seconds,
            ts=issued + max(self.ttl_seconds, DEFAULT_TOKEN_TTL),
        )
