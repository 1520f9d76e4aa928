"""RTM 1.x access tokens: Agora's AccessToken "006" format, built and verified.

Why this exact format: apps migrating from Agora already run token servers built on Agora's
``RtmTokenBuilder`` (AgoraIO/Tools, DynamicKey). Reproducing the layout byte for byte means
those servers keep working against our core, and tokens we mint work against Agora's.

Wire layout (all integers little-endian; ``string`` = uint16 byte length + bytes)::

    token   = "006" + app_id (32 chars) + base64(content)
    content = string(signature) + u32 crc32(channel_name) + u32 crc32(uid) + string(message)
    message = u32 salt + u32 ts + u16 n + n * (u16 privilege_id + u32 expire_ts), ids ascending
    signature = HMAC-SHA256(key=app_certificate, data=app_id + channel_name + uid + message)

An RTM token is a 006 token whose channel-name slot holds the RTM user id, whose uid slot is
the empty string, and which carries the ``kRtmLogin`` privilege. ``ts`` is the token's own
validity limit (the builder writes now + 24 h); the privilege value is a second, independent
limit. A privilege value of 0 means "the privilege never expires" (the RTC convention, adopted
here for RTM; see ``VerifiedToken``).

The token carries only CRC-32s of the channel name and uid, not the names themselves, so
whoever parses a token must say which names it expects (``AccessToken.parse``); the bare wire
fields are available from ``decode_token``.

This module is pure: no clocks are read except where a default timestamp is documented, and
nothing here does I/O.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import secrets
import struct
import time
import zlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

import attrs

__all__ = [
    "APP_ID_LENGTH",
    "DEFAULT_TOKEN_TTL",
    "SALT_MAX",
    "SALT_MIN",
    "SIGNATURE_LENGTH",
    "VERSION",
    "AccessToken",
    "ExpiredToken",
    "InvalidReason",
    "InvalidToken",
    "MalformedToken",
    "Privilege",
    "RtmRole",
    "RtmTokenBuilder",
    "TokenContent",
    "TokenError",
    "TokenVerifier",
    "VerifiedToken",
    "build_rtm_token",
    "decode_token",
    "verify_rtm_token",
]

VERSION: Final = "006"
APP_ID_LENGTH: Final = 32
SIGNATURE_LENGTH: Final = 32  # HMAC-SHA256 digest size
DEFAULT_TOKEN_TTL: Final = 24 * 3600  # what Agora's builder writes into ``ts``: now + 24 h
SALT_MIN: Final = 1
SALT_MAX: Final = 99_999_999

_UINT16_MAX: Final = 0xFFFF
_UINT32_MAX: Final = 0xFFFF_FFFF
# message = 4 (salt) + 4 (ts) + 2 (count) + 6 per privilege, and must fit a uint16 length.
_MAX_PRIVILEGES: Final = (_UINT16_MAX - 10) // 6


class Privilege(enum.IntEnum):
    """Privilege ids of the 006 AccessToken (RTC ids listed because the table is shared)."""

    kJoinChannel = 1
    kPublishAudioStream = 2
    kPublishVideoStream = 3
    kPublishDataStream = 4
    kRtmLogin = 1000


class RtmRole(enum.IntEnum):
    """The ``role`` argument of ``RtmTokenBuilder.buildToken``; accepted but never encoded."""

    Rtm_User = 1


# --------------------------------------------------------------------------- errors


class InvalidReason(enum.Enum):
    """Why a token was rejected; lets the RTM service choose its login/renew error code."""

    MISSING = "missing"  # no token, but the project has an App Certificate
    MALFORMED = "malformed"  # not a well-formed 006 token
    WRONG_APP_ID = "wrong app id"
    WRONG_USER = "wrong user"  # the name slots do not match the user logging in
    BAD_SIGNATURE = "bad signature"  # wrong certificate, or tampered content
    MISSING_PRIVILEGE = "missing privilege"  # signed, but without kRtmLogin


class TokenError(Exception):
    """Base of every token rejection."""


class InvalidToken(TokenError):
    """The token cannot authorise this login: see ``reason`` and ``detail``."""

    def __init__(self, reason: InvalidReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


class MalformedToken(InvalidToken):
    """The text is not a well-formed 006 token; ``detail`` names the first defect found."""

    def __init__(self, detail: str) -> None:
        super().__init__(InvalidReason.MALFORMED, detail)


class ExpiredToken(TokenError):
    """A correctly signed token whose validity (``ts``) or privilege expiry has passed."""

    def __init__(self, which: Literal["token", "privilege"], expired_at: int, now: float) -> None:
        super().__init__(f"{which} expired at {expired_at} (now {now})")
        self.which: Literal["token", "privilege"] = which
        self.expired_at = expired_at
        self.now = now


# --------------------------------------------------------------------------- field checks


def _check_uint32(_inst: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _UINT32_MAX:
        raise ValueError(f"{attribute.name} must be an int in 0..{_UINT32_MAX}, got {value!r}")


def _check_app_id(_inst: object, _attribute: attrs.Attribute[str], value: str) -> None:
    # The parser takes exactly 32 characters after the version; anything else could be built
    # but never read back, so refuse it at construction.
    if not (len(value) == APP_ID_LENGTH and value.isascii() and value.isprintable()):
        raise ValueError(
            f"app_id must be {APP_ID_LENGTH} printable ASCII characters, got {value!r}"
        )


def _check_certificate(app_certificate: str) -> bytes:
    if not isinstance(app_certificate, str) or not app_certificate:
        # An empty key would "sign" tokens anyone can forge; a project without a
        # certificate is modelled by app_certificate=None at the verifier instead.
        raise ValueError("app_certificate must be a non-empty string")
    return app_certificate.encode("utf-8")


def _freeze_privileges(value: Mapping[int, int]) -> Mapping[int, int]:
    """Validate and freeze privileges, ordered by id as the wire format requires."""
    if len(value) > _MAX_PRIVILEGES:
        raise ValueError(f"at most {_MAX_PRIVILEGES} privileges fit in a token, got {len(value)}")
    frozen: dict[int, int] = {}
    for key, expire in sorted(value.items()):
        if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= _UINT16_MAX:
            raise ValueError(f"privilege id must be an int in 0..{_UINT16_MAX}, got {key!r}")
        if (
            isinstance(expire, bool)
            or not isinstance(expire, int)
            or not 0 <= expire <= _UINT32_MAX
        ):
            raise ValueError(
                f"privilege {key} expiry must be an int in 0..{_UINT32_MAX}, got {expire!r}"
            )
        frozen[int(key)] = int(expire)
    return MappingProxyType(frozen)


def _pack_string(data: bytes) -> bytes:
    return struct.pack("<H", len(data)) + data


def _crc32(text: str) -> int:
    return zlib.crc32(text.encode("utf-8")) & _UINT32_MAX


def _pack_message(salt: int, ts: int, privileges: Mapping[int, int]) -> bytes:
    body = b"".join(struct.pack("<HI", key, expire) for key, expire in privileges.items())
    return struct.pack("<IIH", salt, ts, len(privileges)) + body


# --------------------------------------------------------------------------- wire form


@attrs.frozen
class TokenContent:
    """Every field a 006 token carries, as decoded; names appear only as CRC-32s."""

    app_id: str
    signature: bytes
    crc_channel_name: int
    crc_uid: int
    salt: int
    ts: int
    privileges: Mapping[int, int] = attrs.field(converter=_freeze_privileges, hash=False)


class _Reader:
    """Bounds-checked little-endian reader whose errors name the field being read."""

    def __init__(self, data: bytes, where: str) -> None:
        self._data = data
        self._offset = 0
        self._where = where

    def _take(self, size: int, field: str) -> bytes:
        end = self._offset + size
        if end > len(self._data):
            raise MalformedToken(
                f"{self._where} truncated while reading {field} at byte {self._offset} "
                f"(needs {size}, has {len(self._data) - self._offset})"
            )
        chunk = self._data[self._offset : end]
        self._offset = end
        return chunk

    def u16(self, field: str) -> int:
        value: int = struct.unpack("<H", self._take(2, field))[0]
        return value

    def u32(self, field: str) -> int:
        value: int = struct.unpack("<I", self._take(4, field))[0]
        return value

    def string(self, field: str) -> bytes:
        return self._take(self.u16(f"{field} length"), field)

    def finish(self) -> None:
        extra = len(self._data) - self._offset
        if extra:
            raise MalformedToken(f"{extra} unexpected trailing bytes after {self._where}")


def decode_token(token: str) -> TokenContent:
    """Decode a 006 token's wire fields without checking its signature.

    Strict on purpose: the base64 must be canonical, privileges sorted and unique, and no
    byte may be left over. Then every distinct token text decodes to distinct content, so
    altering any character of a token either fails here or changes what is signed.
    """
    if not isinstance(token, str):
        raise MalformedToken(f"token must be a string, got {type(token).__name__}")
    if not token.isascii():
        raise MalformedToken("token contains non-ASCII characters")
    header = len(VERSION) + APP_ID_LENGTH
    if len(token) <= header:
        raise MalformedToken(f"token too short: {len(token)} characters, needs more than {header}")
    if token[: len(VERSION)] != VERSION:
        raise MalformedToken(f"unsupported version {token[: len(VERSION)]!r}, expected {VERSION!r}")
    app_id = token[len(VERSION) : header]
    if not app_id.isprintable():
        raise MalformedToken("app id contains non-printable characters")
    body = token[header:]
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedToken(f"content is not valid base64: {exc}") from None
    if base64.b64encode(raw).decode("ascii") != body:
        raise MalformedToken("content is not canonical base64")

    content = _Reader(raw, "content")
    signature = content.string("signature")
    if len(signature) != SIGNATURE_LENGTH:
        raise MalformedToken(f"signature is {len(signature)} bytes, expected {SIGNATURE_LENGTH}")
    crc_channel_name = content.u32("crc32(channel name)")
    crc_uid = content.u32("crc32(uid)")
    message_bytes = content.string("message")
    content.finish()

    message = _Reader(message_bytes, "message")
    salt = message.u32("salt")
    ts = message.u32("ts")
    count = message.u16("privilege count")
    privileges: dict[int, int] = {}
    previous = -1
    for index in range(count):
        key = message.u16(f"privilege #{index} id")
        expire = message.u32(f"privilege #{index} expiry")
        if key <= previous:
            problem = "duplicate" if key == previous else "out-of-order"
            raise MalformedToken(f"{problem} privilege id {key} at position {index}")
        previous = key
        privileges[key] = expire
    message.finish()

    return TokenContent(
        app_id=app_id,
        signature=signature,
        crc_channel_name=crc_channel_name,
        crc_uid=crc_uid,
        salt=salt,
        ts=ts,
        privileges=privileges,
    )


# --------------------------------------------------------------------------- AccessToken


@attrs.frozen
class AccessToken:
    """A 006 AccessToken with its names in clear; ``signature`` is empty until signed.

    ``uid`` is the uid slot as text: RTM writes "" there; an RTC token writes the decimal
    uid, except uid 0 which Agora's builders also write as "".
    """

    app_id: str = attrs.field(validator=_check_app_id)
    channel_name: str
    uid: str
    salt: int = attrs.field(validator=_check_uint32)
    ts: int = attrs.field(validator=_check_uint32)
    privileges: Mapping[int, int] = attrs.field(converter=_freeze_privileges, hash=False)
    signature: bytes = b""

    @property
    def message(self) -> bytes:
        """The signed message bytes (salt, ts, privileges)."""
        return _pack_message(self.salt, self.ts, self.privileges)

    def compute_signature(self, app_certificate: str) -> bytes:
        """HMAC-SHA256 of app_id + channel_name + uid + message under the certificate."""
        key = _check_certificate(app_certificate)
        data = (
            self.app_id.encode("utf-8")
            + self.channel_name.encode("utf-8")
            + self.uid.encode("utf-8")
            + self.message
        )
        return hmac.new(key, data, hashlib.sha256).digest()

    def signed(self, app_certificate: str) -> AccessToken:
        """A copy carrying the signature for ``app_certificate``."""
        return attrs.evolve(self, signature=self.compute_signature(app_certificate))

    def has_valid_signature(self, app_certificate: str) -> bool:
        """Whether ``signature`` was made with ``app_certificate`` (constant-time compare)."""
        return hmac.compare_digest(self.signature, self.compute_signature(app_certificate))

    def pack(self, app_certificate: str) -> str:
        """Sign with ``app_certificate`` and return the token text (Agora's ``build``)."""
        return self.signed(app_certificate).encode()

    def encode(self) -> str:
        """The token text with the signature already held (e.g. to re-emit a parsed token)."""
        if len(self.signature) != SIGNATURE_LENGTH:
            raise ValueError(
                f"cannot encode an unsigned token (signature is {len(self.signature)} bytes); "
                "use pack(app_certificate)"
            )
        content = (
            _pack_string(self.signature)
            + struct.pack("<II", _crc32(self.channel_name), _crc32(self.uid))
            + _pack_string(self.message)
        )
        return VERSION + self.app_id + base64.b64encode(content).decode("ascii")

    @classmethod
    def parse(cls, token: str, *, channel_name: str, uid: str = "") -> AccessToken:
        """Parse ``token`` issued for ``channel_name``/``uid`` (signature not checked).

        The names are required because the token holds only their CRC-32s. Raises
        ``MalformedToken`` for a defective text and ``InvalidToken`` (WRONG_USER) when the
        CRC-32s do not match the names given.
        """
        content = decode_token(token)
        if content.crc_channel_name != _crc32(channel_name):
            raise InvalidToken(
                InvalidReason.WRONG_USER,
                f"token was not issued for channel name {channel_name!r} (CRC-32 differs)",
            )
        if content.crc_uid != _crc32(uid):
            raise InvalidToken(
                InvalidReason.WRONG_USER,
                f"token was not issued for uid {uid!r} (CRC-32 differs)",
            )
        return cls(
            app_id=content.app_id,
            channel_name=channel_name,
            uid=uid,
            salt=content.salt,
            ts=content.ts,
            privileges=content.privileges,
            signature=content.signature,
        )


# --------------------------------------------------------------------------- building


def build_rtm_token(
    app_id: str,
    app_certificate: str,
    user_id: str,
    privilege_expired_ts: int,
    *,
    salt: int | None = None,
    ts: int | None = None,
    now: float | None = None,
) -> str:
    """Build an RTM login token for ``user_id``, as Agora's ``RtmTokenBuilder`` does.

    ``privilege_expired_ts`` is absolute Unix seconds (0: the privilege never expires).
    ``ts`` defaults to ``now + 24 h`` (``now`` defaults to the wall clock) and ``salt`` to a
    random value in 1..99,999,999; pass both to get a deterministic token.
    """
    if not isinstance(user_id, str) or not user_id:
        raise ValueError("user_id must be a non-empty string")
    if ts is None:
        ts = int(time.time() if now is None else now) + DEFAULT_TOKEN_TTL
    if salt is None:
        salt = SALT_MIN + secrets.randbelow(SALT_MAX - SALT_MIN + 1)
    token = AccessToken(
        app_id=app_id,
        channel_name=user_id,
        uid="",
        salt=salt,
        ts=ts,
        privileges={Privilege.kRtmLogin: privilege_expired_ts},
    )
    return token.pack(app_certificate)


class RtmTokenBuilder:
    """Agora's builder under its literal name, so migrated token-server code reads the same."""

    @staticmethod
    def buildToken(
        appId: str,
        appCertificate: str,
        userAccount: str,
        role: RtmRole | int,
        privilegeExpiredTs: int,
    ) -> str:
        """Token with a random salt and ``ts = now + 24 h``; ``role`` is checked, not encoded."""
        try:
            RtmRole(role)
        except ValueError:
            raise ValueError(f"role must be RtmRole.Rtm_User (1), got {role!r}") from None
        return build_rtm_token(appId, appCertificate, userAccount, privilegeExpiredTs)


# --------------------------------------------------------------------------- verification


@attrs.frozen
class VerifiedToken:
    """What a valid RTM token grants.

    ``privilege_expires_at`` is None when the token's kRtmLogin value is 0: following the RTC
    convention, 0 means the privilege itself never expires (the token's ``ts`` still does).
    """

    app_id: str
    user_id: str
    privilege_expires_at: int | None
    token_expires_at: int

    @property
    def expires_at(self) -> int:
        """The first moment (Unix seconds) at which the login right lapses."""
        if self.privilege_expires_at is None:
            return self.token_expires_at
        return min(self.privilege_expires_at, self.token_expires_at)


def verify_rtm_token(
    token: str, *, app_id: str, app_certificate: str, user_id: str, now: float
) -> VerifiedToken:
    """Check that ``token`` lets ``user_id`` log in to ``app_id`` at ``now``.

    Checks run in an order that leaks nothing to a forger: format, app id, names, signature,
    then privilege, then expiry (so only a genuinely signed token can be reported expired).
    A limit equal to ``now`` counts as expired.
    """
    _check_certificate(app_certificate)
    if not token:
        raise InvalidToken(InvalidReason.MISSING, "a token is required: the app has a certificate")
    content = decode_token(token)
    if content.app_id != app_id:
        raise InvalidToken(
            InvalidReason.WRONG_APP_ID,
            f"token is for app id {content.app_id!r}, not {app_id!r}",
        )
    if content.crc_channel_name != _crc32(user_id):
        raise InvalidToken(InvalidReason.WRONG_USER, f"token was not issued for user {user_id!r}")
    if content.crc_uid != _crc32(""):
        raise InvalidToken(
            InvalidReason.WRONG_USER, "uid slot is not empty: not an RTM token (an RTC token?)"
        )
    expected = AccessToken(
        app_id=app_id,
        channel_name=user_id,
        uid="",
        salt=content.salt,
        ts=content.ts,
        privileges=content.privileges,
        signature=content.signature,
    )
    if not expected.has_valid_signature(app_certificate):
        raise InvalidToken(
            InvalidReason.BAD_SIGNATURE, "signature does not match the app certificate"
        )
    login_expiry = content.privileges.get(Privilege.kRtmLogin)
    if login_expiry is None:
        raise InvalidToken(InvalidReason.MISSING_PRIVILEGE, "token lacks the kRtmLogin privilege")
    if content.ts <= now:
        raise ExpiredToken("token", content.ts, now)
    if login_expiry != 0 and login_expiry <= now:
        raise ExpiredToken("privilege", login_expiry, now)
    return VerifiedToken(
        app_id=app_id,
        user_id=user_id,
        privilege_expires_at=login_expiry or None,
        token_expires_at=content.ts,
    )


@attrs.frozen
class TokenVerifier:
    """The RTM service's login/renewToken check for one project.

    With ``app_certificate=None`` (a project with a bare App ID) every token, including
    None and "", is accepted and nothing expires, as Agora does for such projects.
    """

    app_id: str
    app_certificate: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.app_certificate is not None:
            _check_certificate(self.app_certificate)
            _check_app_id(self, attrs.fields(TokenVerifier).app_id, self.app_id)

    def verify(self, token: str | None, user_id: str, now: float) -> VerifiedToken | None:
        """None when no certificate is configured; else the verified grant, or raise."""
        if self.app_certificate is None:
            return None
        return verify_rtm_token(
            token or "",
            app_id=self.app_id,
            app_certificate=self.app_certificate,
            user_id=user_id,
            now=now,
        )
