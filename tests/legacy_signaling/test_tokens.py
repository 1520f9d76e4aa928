"""Legacy Signaling tokens and the RTM token providers used by the shim."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legacy_signaling.tokens import (
    LOGIN_E_TOKENEXPIRED,
    LOGIN_E_TOKENWRONG,
    NO_NEED_TOKEN,
    CertificateTokenProvider,
    LegacyTokenError,
    NoTokenProvider,
    RtmTokenProvider,
    build_legacy_token,
    verify_legacy_token,
)
from rtm.tokens import DEFAULT_TOKEN_TTL, ExpiredToken, InvalidToken, decode_token, verify_rtm_token

# Test vector of AgoraIO/Tools SignalingTokenTest.py, as recomputed in the reference note.
ACCOUNT = "2882341273"
APP_ID = "970CA35de60c44645bbae8a215061b33"
APP_CERT = "5CFd2fd1755d40ecb72977518be15d3b"
EXPIRED_TS = 1514219634
VECTOR = "1:970CA35de60c44645bbae8a215061b33:1514219634:82539e1f3973bcfe3f0d0c8993e6c051"

BEFORE = EXPIRED_TS - 1


def _verify(token: str | None, **overrides: object) -> None:
    kwargs: dict[str, object] = {
        "account": ACCOUNT,
        "app_id": APP_ID,
        "app_certificate": APP_CERT,
        "now": BEFORE,
    }
    kwargs.update(overrides)
    verify_legacy_token(token, **kwargs)  # type: ignore[arg-type]


def _code_of(token: str | None, **overrides: object) -> int:
    with pytest.raises(LegacyTokenError) as info:
        _verify(token, **overrides)
    return info.value.code


def test_codes_and_sentinel() -> None:
    assert NO_NEED_TOKEN == "_no_need_token"
    assert (LOGIN_E_TOKENEXPIRED, LOGIN_E_TOKENWRONG) == (204, 206)


def test_vector_is_reproduced() -> None:
    assert build_legacy_token(ACCOUNT, APP_ID, APP_CERT, EXPIRED_TS) == VECTOR


def test_vector_verifies_until_its_expiry() -> None:
    _verify(VECTOR, now=EXPIRED_TS - 0.001)
    with pytest.raises(LegacyTokenError) as info:
        _verify(VECTOR, now=EXPIRED_TS)
    assert info.value.code == LOGIN_E_TOKENEXPIRED
    assert info.value.message.startswith("token expired at 1514219634")
    assert str(info.value).startswith("204: ")


@pytest.mark.parametrize(
    "overrides",
    [
        {"account": "2882341274"},
        {"app_certificate": APP_CERT.lower()},
        {"app_id": APP_ID.lower()},
    ],
)
def test_wrong_account_certificate_or_app_id_is_206(overrides: dict[str, object]) -> None:
    assert _code_of(VECTOR, **overrides) == LOGIN_E_TOKENWRONG


def test_bad_signature_wins_over_expiry() -> None:
    assert _code_of(VECTOR, account="someone", now=EXPIRED_TS + 10) == LOGIN_E_TOKENWRONG


@pytest.mark.parametrize(
    "token",
    [
        "",
        None,
        "garbage",
        VECTOR + ":extra",
        "2" + VECTOR[1:],
        VECTOR.replace(":1514219634:", ":15142x9634:"),
        VECTOR.replace(":1514219634:", ":-514219634:"),
        VECTOR[:-1],
        VECTOR.upper(),
        VECTOR.replace("1514219634", "1514219635"),
    ],
)
def test_malformed_or_forged_tokens_are_206(token: str | None) -> None:
    assert _code_of(token) == LOGIN_E_TOKENWRONG


def test_no_need_token_with_certificate_depends_on_debug_switch() -> None:
    with pytest.raises(LegacyTokenError) as info:
        _verify(NO_NEED_TOKEN)
    assert info.value.code == LOGIN_E_TOKENWRONG
    assert "debugging" in info.value.message
    _verify(NO_NEED_TOKEN, debug_switch=True)


def test_debug_switch_does_not_excuse_bad_real_tokens() -> None:
    assert _code_of(VECTOR, account="x", debug_switch=True) == LOGIN_E_TOKENWRONG
    assert _code_of(VECTOR, now=EXPIRED_TS, debug_switch=True) == LOGIN_E_TOKENEXPIRED


@pytest.mark.parametrize("token", [NO_NEED_TOKEN, "", None, "garbage", VECTOR])
def test_without_certificate_anything_is_accepted(token: str | None) -> None:
    # Even an expired real token: the legacy server did not check tokens for such projects.
    verify_legacy_token(token, account="a", app_id=APP_ID, app_certificate=None, now=2e9)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((ACCOUNT, APP_ID, APP_CERT, -1), "expired_ts"),
        ((ACCOUNT, APP_ID, APP_CERT, True), "expired_ts"),
        ((ACCOUNT, "a:b", APP_CERT, 1), "app_id"),
        ((ACCOUNT, "", APP_CERT, 1), "app_id"),
        ((ACCOUNT, APP_ID, "", 1), "app_certificate"),
    ],
)
def test_build_rejects_bad_input(args: tuple[str, str, str, int], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        build_legacy_token(*args)


accounts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters=" "),
    min_size=1,
    max_size=128,
)
certificates = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)


@settings(max_examples=100, deadline=None)
@given(
    account=accounts,
    certificate=certificates,
    expired_ts=st.integers(min_value=1, max_value=9_999_999_999),
    data=st.data(),
)
def test_round_trip_and_any_character_change_is_206(
    account: str, certificate: str, expired_ts: int, data: st.DataObject
) -> None:
    token = build_legacy_token(account, APP_ID, certificate, expired_ts)
    kwargs: dict[str, object] = {"account": account, "app_certificate": certificate}
    _verify(token, now=expired_ts - 1, **kwargs)
    index = data.draw(st.integers(0, len(token) - 1), label="index")
    replacement = data.draw(
        st.sampled_from(string.ascii_letters + string.digits + ":").filter(
            lambda c: c != token[index]
        ),
        label="replacement",
    )
    tampered = token[:index] + replacement + token[index + 1 :]
    assert _code_of(tampered, now=expired_ts - 1, **kwargs) == LOGIN_E_TOKENWRONG


# ------------------------------------------------------------------ RTM token providers


def test_no_token_provider_gives_no_token() -> None:
    provider: RtmTokenProvider = NoTokenProvider()
    assert provider("alice") is None


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        return self.now


def test_certificate_provider_mints_verifiable_rtm_tokens() -> None:
    clock = _Clock(1_700_000_000.75)
    provider: RtmTokenProvider = CertificateTokenProvider(
        APP_ID, APP_CERT, ttl_seconds=600, clock=clock
    )
    token = provider("alice")
    assert token is not None
    assert clock.calls == 1
    verified = verify_rtm_token(
        token, app_id=APP_ID, app_certificate=APP_CERT, user_id="alice", now=clock.now
    )
    assert verified.privilege_expires_at == 1_700_000_600
    assert verified.token_expires_at == 1_700_000_000 + DEFAULT_TOKEN_TTL
    assert verified.expires_at == 1_700_000_600
    with pytest.raises(ExpiredToken):
        verify_rtm_token(
            token, app_id=APP_ID, app_certificate=APP_CERT, user_id="alice", now=1_700_000_600
        )
    with pytest.raises(InvalidToken):
        verify_rtm_token(
            token, app_id=APP_ID, app_certificate=APP_CERT, user_id="bob", now=clock.now
        )


def test_certificate_provider_ttl_longer_than_a_day_stretches_token_validity() -> None:
    week = 7 * 24 * 3600
    provider = CertificateTokenProvider(APP_ID, APP_CERT, ttl_seconds=week, clock=lambda: 1000.0)
    content = decode_token(provider("carol"))
    assert content.ts == 1000 + week
    assert dict(content.privileges) == {1000: 1000 + week}


def test_certificate_provider_default_ttl_is_a_day() -> None:
    provider = CertificateTokenProvider(APP_ID, APP_CERT, clock=lambda: 50.0)
    assert provider.ttl_seconds == DEFAULT_TOKEN_TTL == 86400
    assert dict(decode_token(provider("dave")).privileges) == {1000: 50 + 86400}


@pytest.mark.parametrize("ttl", [0, -1])
def test_certificate_provider_rejects_non_positive_ttl(ttl: int) -> None:
    with pytest.raises(ValueError, match="ttl_seconds"):
        CertificateTokenProvider(APP_ID, APP_CERT, ttl_seconds=ttl)


def test_certificate_provider_rejects_bad_credentials_at_call() -> None:
    with pytest.raises(ValueError, match="app_id"):
        CertificateTokenProvider("short", APP_CERT)("alice")
