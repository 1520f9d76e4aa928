"""RTM "006" access tokens: published vectors, round trips, tampering, expiry."""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
import struct
import time
import zlib

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtm.tokens import (
    DEFAULT_TOKEN_TTL,
    SALT_MAX,
    SALT_MIN,
    AccessToken,
    ExpiredToken,
    InvalidReason,
    InvalidToken,
    MalformedToken,
    Privilege,
    RtmRole,
    RtmTokenBuilder,
    TokenError,
    TokenVerifier,
    VerifiedToken,
    build_rtm_token,
    decode_token,
    verify_rtm_token,
)

# Inputs and outputs published with AgoraIO/Tools (AccessToken_test.go) and the derived RTM
# vector of the reference note (cross-checked there against the Tools python3 AccessToken).
APP_ID = "970CA35de60c44645bbae8a215061b33"
APP_CERT = "5CFd2fd1755d40ecb72977518be15d3b"
RTC_CHANNEL = "7d72365eb983485397e3e3f9d460bdda"
RTC_UID = "2882341273"
SALT = 1
TS = 1111111
PRIVILEGE_TS = 1446455471
RTC_VECTOR = (
    "006970CA35de60c44645bbae8a215061b33"
    "IACV0fZUBw+72cVoL9eyGGh3Q6Poi8bgjwVLnyKSJyOXR7dIfRBXoFHlEAABAAAAR/QQAAEAAQCvKDdW"
)
RTM_USER = "test_user"
RTM_VECTOR = (
    "006970CA35de60c44645bbae8a215061b33"
    "IAAsR0qgiCxv0vrpRcpkz5BrbfEWCBZ6kvR6t7qG/wJIQob86ogAAAAAEAABAAAAR/QQAAEA6AOvKDdW"
)

RTM_ID_CHARS = string.ascii_letters + string.digits + " !#$%&()+-:;<=.>?@[]^_{}|~,"
BASE64_CHARS = string.ascii_letters + string.digits + "+/="

user_ids = st.text(alphabet=RTM_ID_CHARS, min_size=1, max_size=64)
app_ids = st.text(alphabet="0123456789abcdefABCDEF", min_size=32, max_size=32)
certificates = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32) | st.text(
    min_size=1, max_size=48
)
uint32 = st.integers(min_value=0, max_value=0xFFFF_FFFF)


# ------------------------------------------------------------------ independent wire helpers


def _raw_token(
    app_id: str,
    *,
    signature: bytes = b"\x00" * 32,
    crc_channel: int = 0,
    crc_uid: int = 0,
    message: bytes | None = None,
    trailing: bytes = b"",
) -> str:
    """Assemble a token by hand (not through rtm.tokens) to craft malformed inputs."""
    if message is None:
        message = struct.pack("<IIH", 1, 2, 1) + struct.pack("<HI", 1000, 3)
    content = (
        struct.pack("<H", len(signature))
        + signature
        + struct.pack("<II", crc_channel, crc_uid)
        + struct.pack("<H", len(message))
        + message
        + trailing
    )
    return "006" + app_id + base64.b64encode(content).decode()


def _content_of(token: str) -> bytes:
    return base64.b64decode(token[35:])


# ------------------------------------------------------------------ vectors


def test_privilege_ids_match_agora() -> None:
    assert [(p.name, int(p)) for p in Privilege] == [
        ("kJoinChannel", 1),
        ("kPublishAudioStream", 2),
        ("kPublishVideoStream", 3),
        ("kPublishDataStream", 4),
        ("kRtmLogin", 1000),
    ]
    assert int(RtmRole.Rtm_User) == 1


def test_official_rtc_vector_is_reproduced() -> None:
    token = AccessToken(
        app_id=APP_ID,
        channel_name=RTC_CHANNEL,
        uid=RTC_UID,
        salt=SALT,
        ts=TS,
        privileges={Privilege.kJoinChannel: PRIVILEGE_TS},
    )
    assert token.pack(APP_CERT) == RTC_VECTOR


def test_derived_rtm_vector_is_reproduced() -> None:
    assert build_rtm_token(APP_ID, APP_CERT, RTM_USER, PRIVILEGE_TS, salt=SALT, ts=TS) == RTM_VECTOR


def test_rtm_vector_layout_read_by_hand() -> None:
    raw = _content_of(RTM_VECTOR)
    (sig_len,) = struct.unpack_from("<H", raw, 0)
    assert sig_len == 32
    signature = raw[2:34]
    crc_channel, crc_uid, msg_len = struct.unpack_from("<IIH", raw, 34)
    message = raw[44 : 44 + msg_len]
    assert len(raw) == 44 + msg_len
    assert crc_channel == zlib.crc32(RTM_USER.encode())
    assert crc_uid == 0
    assert struct.unpack("<IIHHI", message) == (SALT, TS, 1, 1000, PRIVILEGE_TS)
    expected = hmac.new(
        APP_CERT.encode(), (APP_ID + RTM_USER).encode() + message, hashlib.sha256
    ).digest()
    assert signature == expected


def test_decode_token_exposes_wire_fields() -> None:
    content = decode_token(RTC_VECTOR)
    assert content.app_id == APP_ID
    assert content.salt == SALT
    assert content.ts == TS
    assert dict(content.privileges) == {1: PRIVILEGE_TS}
    assert content.crc_channel_name == zlib.crc32(RTC_CHANNEL.encode())
    assert content.crc_uid == zlib.crc32(RTC_UID.encode())
    assert len(content.signature) == 32


@pytest.mark.parametrize(
    ("vector", "channel", "uid"),
    [(RTC_VECTOR, RTC_CHANNEL, RTC_UID), (RTM_VECTOR, RTM_USER, "")],
)
def test_parse_then_encode_gives_back_the_same_text(vector: str, channel: str, uid: str) -> None:
    parsed = AccessToken.parse(vector, channel_name=channel, uid=uid)
    assert parsed.channel_name == channel
    assert parsed.uid == uid
    assert parsed.has_valid_signature(APP_CERT)
    assert not parsed.has_valid_signature(APP_CERT.lower())
    assert parsed.encode() == vector
    assert parsed.pack(APP_CERT) == vector


def test_parse_rejects_names_the_token_was_not_issued_for() -> None:
    with pytest.raises(InvalidToken) as info:
        AccessToken.parse(RTC_VECTOR, channel_name="other", uid=RTC_UID)
    assert info.value.reason is InvalidReason.WRONG_USER
    with pytest.raises(InvalidToken) as info:
        AccessToken.parse(RTC_VECTOR, channel_name=RTC_CHANNEL, uid="1")
    assert info.value.reason is InvalidReason.WRONG_USER


def test_verify_rtm_vector() -> None:
    verified = verify_rtm_token(
        RTM_VECTOR, app_id=APP_ID, app_certificate=APP_CERT, user_id=RTM_USER, now=1_000_000
    )
    assert verified == VerifiedToken(
        app_id=APP_ID,
        user_id=RTM_USER,
        privilege_expires_at=PRIVILEGE_TS,
        token_expires_at=TS,
    )
    assert verified.expires_at == TS  # ts (1111111) comes before the privilege expiry


# ------------------------------------------------------------------ builder entry points


def test_rtm_token_builder_defaults_salt_and_ts() -> None:
    before = int(time.time())
    token = RtmTokenBuilder.buildToken(APP_ID, APP_CERT, "alice", RtmRole.Rtm_User, 0)
    after = int(time.time())
    content = decode_token(token)
    assert before + DEFAULT_TOKEN_TTL <= content.ts <= after + DEFAULT_TOKEN_TTL
    assert SALT_MIN <= content.salt <= SALT_MAX
    assert dict(content.privileges) == {1000: 0}
    verified = verify_rtm_token(
        token, app_id=APP_ID, app_certificate=APP_CERT, user_id="alice", now=before
    )
    assert verified.privilege_expires_at is None
    assert verified.expires_at == content.ts


def test_rtm_token_builder_rejects_unknown_role() -> None:
    with pytest.raises(ValueError, match="role"):
        RtmTokenBuilder.buildToken(APP_ID, APP_CERT, "alice", 2, 0)


def test_build_rtm_token_ts_follows_now() -> None:
    token = build_rtm_token(APP_ID, APP_CERT, "bob", 5, now=1_700_000_000.9)
    assert decode_token(token).ts == 1_700_000_000 + 24 * 3600


@pytest.mark.parametrize(
    "kwargs",
    [
        {"app_id": "short"},
        {"app_id": APP_ID + "x"},
        {"app_certificate": ""},
        {"user_id": ""},
        {"salt": -1},
        {"salt": 2**32},
        {"ts": 2**32},
        {"privilege_expired_ts": -5},
    ],
)
def test_build_rtm_token_rejects_bad_input(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {
        "app_id": APP_ID,
        "app_certificate": APP_CERT,
        "user_id": "u",
        "privilege_expired_ts": 0,
        "salt": 1,
        "ts": 10,
    }
    args.update(kwargs)
    with pytest.raises(ValueError):
        build_rtm_token(**args)  # type: ignore[arg-type]


def test_access_token_is_immutable_and_hashable() -> None:
    token = AccessToken.parse(RTM_VECTOR, channel_name=RTM_USER)
    with pytest.raises(TypeError):
        token.privileges[1000] = 1  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        token.ts = 5  # type: ignore[misc]
    assert hash(token) == hash(AccessToken.parse(RTM_VECTOR, channel_name=RTM_USER))


def test_access_token_rejects_out_of_range_privileges() -> None:
    with pytest.raises(ValueError, match="privilege id"):
        AccessToken(app_id=APP_ID, channel_name="c", uid="", salt=1, ts=1, privileges={70000: 1})
    with pytest.raises(ValueError, match="expiry"):
        AccessToken(app_id=APP_ID, channel_name="c", uid="", salt=1, ts=1, privileges={1: 2**32})


def test_unsigned_token_cannot_be_encoded() -> None:
    token = AccessToken(app_id=APP_ID, channel_name="c", uid="", salt=1, ts=1, privileges={})
    with pytest.raises(ValueError, match="unsigned"):
        token.encode()


# ------------------------------------------------------------------ round trips


@settings(max_examples=150, deadline=None)
@given(
    app_id=app_ids,
    certificate=certificates,
    user_id=user_ids,
    privilege_ts=st.just(0) | st.integers(min_value=1_000, max_value=0xFFFF_FFFF),
    ts=st.integers(min_value=1_000, max_value=0xFFFF_FFFF),
    salt=st.integers(min_value=SALT_MIN, max_value=SALT_MAX),
)
def test_round_trip(
    *, app_id: str, certificate: str, user_id: str, privilege_ts: int, ts: int, salt: int
) -> None:
    token = build_rtm_token(app_id, certificate, user_id, privilege_ts, salt=salt, ts=ts)
    content = decode_token(token)
    assert (content.app_id, content.salt, content.ts) == (app_id, salt, ts)
    assert dict(content.privileges) == {1000: privilege_ts}
    verified = verify_rtm_token(
        token, app_id=app_id, app_certificate=certificate, user_id=user_id, now=999
    )
    assert verified.user_id == user_id
    assert verified.token_expires_at == ts
    assert verified.privilege_expires_at == (privilege_ts or None)
    assert verified.expires_at == (min(ts, privilege_ts) if privilege_ts else ts)
    assert AccessToken.parse(token, channel_name=user_id).encode() == token


@settings(max_examples=100, deadline=None)
@given(
    channel=st.text(max_size=40),
    uid=st.text(alphabet=string.digits, max_size=10),
    salt=uint32,
    ts=uint32,
    privileges=st.dictionaries(st.integers(0, 0xFFFF), uint32, max_size=8),
    certificate=certificates,
)
def test_generic_access_token_round_trip(
    *, channel: str, uid: str, salt: int, ts: int, privileges: dict[int, int], certificate: str
) -> None:
    token = AccessToken(
        app_id=APP_ID, channel_name=channel, uid=uid, salt=salt, ts=ts, privileges=privileges
    )
    text = token.pack(certificate)
    parsed = AccessToken.parse(text, channel_name=channel, uid=uid)
    assert parsed == token.signed(certificate)
    assert dict(parsed.privileges) == privileges
    assert list(parsed.privileges) == sorted(privileges)
    assert parsed.has_valid_signature(certificate)


# ------------------------------------------------------------------ tampering


def _verify_vector(token: str) -> VerifiedToken:
    return verify_rtm_token(
        token, app_id=APP_ID, app_certificate=APP_CERT, user_id=RTM_USER, now=1_000_000
    )


def test_every_single_character_change_of_the_vector_is_rejected() -> None:
    checked = 0
    for index, original in enumerate(RTM_VECTOR):
        for replacement in BASE64_CHARS:
            if replacement == original:
                continue
            tampered = RTM_VECTOR[:index] + replacement + RTM_VECTOR[index + 1 :]
            with pytest.raises(InvalidToken):
                _verify_vector(tampered)
            checked += 1
    assert checked == len(RTM_VECTOR) * (len(BASE64_CHARS) - 1)


@pytest.mark.parametrize(
    "tampered",
    [
        RTM_VECTOR[:-1],
        RTM_VECTOR + "A",
        RTM_VECTOR + "AAAA",
        RTM_VECTOR[:40] + RTM_VECTOR[41:],
        " " + RTM_VECTOR,
        RTM_VECTOR + "\n",
    ],
)
def test_truncated_or_extended_vector_is_rejected(tampered: str) -> None:
    with pytest.raises(InvalidToken):
        _verify_vector(tampered)


@settings(max_examples=150, deadline=None)
@given(
    user_id=user_ids,
    certificate=certificates,
    data=st.data(),
)
def test_tampering_any_content_byte_fails(
    user_id: str, certificate: str, data: st.DataObject
) -> None:
    token = build_rtm_token(APP_ID, certificate, user_id, 0, salt=7, ts=2_000_000_000)
    raw = bytearray(_content_of(token))
    index = data.draw(st.integers(0, len(raw) - 1), label="byte")
    flip = data.draw(st.integers(1, 255), label="xor")
    raw[index] ^= flip
    tampered = token[:35] + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(InvalidToken):
        verify_rtm_token(
            tampered, app_id=APP_ID, app_certificate=certificate, user_id=user_id, now=0
        )


# ------------------------------------------------------------------ wrong identity


def test_wrong_user_app_and_certificate() -> None:
    cases = [
        ({"user_id": "test_user2"}, InvalidReason.WRONG_USER),
        ({"app_id": APP_ID.lower()}, InvalidReason.WRONG_APP_ID),
        ({"app_certificate": APP_CERT.upper()}, InvalidReason.BAD_SIGNATURE),
    ]
    for override, reason in cases:
        kwargs: dict[str, str] = {
            "app_id": APP_ID,
            "app_certificate": APP_CERT,
            "user_id": RTM_USER,
        }
        kwargs.update(override)
        with pytest.raises(InvalidToken) as info:
            verify_rtm_token(RTM_VECTOR, now=1_000_000, **kwargs)
        assert info.value.reason is reason, override


def test_rtc_token_is_not_an_rtm_login_token() -> None:
    # Channel slot equal to the user id, but the uid slot filled: an RTC token.
    rtc = AccessToken(
        app_id=APP_ID,
        channel_name=RTM_USER,
        uid="42",
        salt=1,
        ts=TS,
        privileges={Privilege.kRtmLogin: 0},
    ).pack(APP_CERT)
    with pytest.raises(InvalidToken) as info:
        _verify_vector(rtc)
    assert info.value.reason is InvalidReason.WRONG_USER


def test_token_without_rtm_login_privilege_is_refused() -> None:
    token = AccessToken(
        app_id=APP_ID,
        channel_name=RTM_USER,
        uid="",
        salt=1,
        ts=TS,
        privileges={Privilege.kJoinChannel: 0},
    ).pack(APP_CERT)
    with pytest.raises(InvalidToken) as info:
        _verify_vector(token)
    assert info.value.reason is InvalidReason.MISSING_PRIVILEGE


def test_empty_token_is_missing() -> None:
    with pytest.raises(InvalidToken) as info:
        _verify_vector("")
    assert info.value.reason is InvalidReason.MISSING


# ------------------------------------------------------------------ malformed


@pytest.mark.parametrize(
    ("token", "match"),
    [
        ("007" + RTM_VECTOR[3:], "unsupported version '007'"),
        ("006" + APP_ID, "too short"),
        ("006" + APP_ID + "@@@@", "not valid base64"),
        ("006" + APP_ID[:-1] + "é" + RTM_VECTOR[35:], "non-ASCII"),
        ("006" + APP_ID + "//8=", "truncated while reading signature at byte 2"),
        ("006" + APP_ID + "AAA=", "signature is 0 bytes"),
        (
            _raw_token(APP_ID, signature=b"\x01" * 31),
            "signature is 31 bytes, expected 32",
        ),
        (
            _raw_token(APP_ID, message=struct.pack("<IIH", 1, 2, 2) + struct.pack("<HI", 1, 3)),
            "message truncated while reading privilege #1 id",
        ),
        (
            _raw_token(
                APP_ID,
                message=struct.pack("<IIH", 1, 2, 2)
                + struct.pack("<HI", 1000, 3)
                + struct.pack("<HI", 1000, 4),
            ),
            "duplicate privilege id 1000 at position 1",
        ),
        (
            _raw_token(
                APP_ID,
                message=struct.pack("<IIH", 1, 2, 2)
                + struct.pack("<HI", 1000, 3)
                + struct.pack("<HI", 1, 4),
            ),
            "out-of-order privilege id 1 at position 1",
        ),
        (
            _raw_token(APP_ID, message=struct.pack("<IIH", 1, 2, 0) + b"\x00"),
            "1 unexpected trailing bytes after message",
        ),
        (_raw_token(APP_ID, trailing=b"\x00\x00\x00"), "3 unexpected trailing bytes after content"),
    ],
)
def test_malformed_tokens_name_their_defect(token: str, match: str) -> None:
    with pytest.raises(MalformedToken, match=match) as info:
        decode_token(token)
    assert info.value.reason is InvalidReason.MALFORMED
    with pytest.raises(MalformedToken):
        _verify_vector(token)


def test_non_canonical_base64_is_rejected() -> None:
    # One trailing byte makes "==" padding; setting unused low bits of the last data
    # character keeps the decoded bytes identical, so only the canonical check can catch it.
    canonical = _raw_token(APP_ID, trailing=b"\x00")
    assert canonical.endswith("AA==")
    sloppy = canonical[:-4] + "AB=="
    assert base64.b64decode(sloppy[35:]) == base64.b64decode(canonical[35:])
    with pytest.raises(MalformedToken, match="canonical"):
        decode_token(sloppy)


# ------------------------------------------------------------------ expiry


def _token(ts: int, privilege_ts: int) -> str:
    return build_rtm_token(APP_ID, APP_CERT, RTM_USER, privilege_ts, salt=3, ts=ts)


def _verify(token: str, now: float) -> VerifiedToken:
    return verify_rtm_token(
        token, app_id=APP_ID, app_certificate=APP_CERT, user_id=RTM_USER, now=now
    )


def test_token_ts_boundary() -> None:
    token = _token(ts=5_000, privilege_ts=0)
    assert _verify(token, 4_999.999).expires_at == 5_000
    with pytest.raises(ExpiredToken) as info:
        _verify(token, 5_000)
    assert (info.value.which, info.value.expired_at) == ("token", 5_000)


def test_privilege_boundary() -> None:
    token = _token(ts=9_000, privilege_ts=5_000)
    verified = _verify(token, 4_999.5)
    assert verified.privilege_expires_at == 5_000
    assert verified.expires_at == 5_000
    with pytest.raises(ExpiredToken) as info:
        _verify(token, 5_000)
    assert (info.value.which, info.value.expired_at) == ("privilege", 5_000)


def test_zero_privilege_means_no_privilege_expiry() -> None:
    verified = _verify(_token(ts=2**32 - 1, privilege_ts=0), 3_000_000_000)
    assert verified.privilege_expires_at is None
    assert verified.expires_at == 2**32 - 1


def test_signature_is_checked_before_expiry() -> None:
    token = _token(ts=10, privilege_ts=10)
    with pytest.raises(InvalidToken) as info:
        verify_rtm_token(token, app_id=APP_ID, app_certificate="x", user_id=RTM_USER, now=50)
    assert info.value.reason is InvalidReason.BAD_SIGNATURE
    with pytest.raises(ExpiredToken):
        _verify(token, 50)


def test_errors_share_a_base() -> None:
    assert issubclass(InvalidToken, TokenError)
    assert issubclass(ExpiredToken, TokenError)
    assert issubclass(MalformedToken, InvalidToken)


# ------------------------------------------------------------------ TokenVerifier


@pytest.mark.parametrize("token", [None, "", "_no_need_token", "garbage", RTM_VECTOR])
def test_verifier_without_certificate_accepts_anything(token: str | None) -> None:
    verifier = TokenVerifier(app_id="not-even-32-chars")
    assert verifier.verify(token, "anyone", now=1e12) is None


def test_verifier_with_certificate_verifies() -> None:
    verifier = TokenVerifier(app_id=APP_ID, app_certificate=APP_CERT)
    verified = verifier.verify(RTM_VECTOR, RTM_USER, now=1_000_000)
    assert verified is not None
    assert verified.expires_at == TS
    with pytest.raises(InvalidToken) as info:
        verifier.verify(None, RTM_USER, now=1_000_000)
    assert info.value.reason is InvalidReason.MISSING
    with pytest.raises(ExpiredToken):
        verifier.verify(RTM_VECTOR, RTM_USER, now=TS)
    with pytest.raises(InvalidToken):
        verifier.verify(RTM_VECTOR, "someone_else", now=1_000_000)


def test_verifier_rejects_bad_configuration() -> None:
    with pytest.raises(ValueError, match="app_certificate"):
        TokenVerifier(app_id=APP_ID, app_certificate="")
    with pytest.raises(ValueError, match="app_id"):
        TokenVerifier(app_id="short", app_certificate=APP_CERT)
