"""Tokens over the wire: the gateway's app certificate checks logins and renewals, and
expiry ends sessions — for the RTM client through the network transport and for raw frames."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

import rtm
from rtm import CONNECTION_CHANGE_REASON as R
from rtm import CONNECTION_STATE as S
from rtm import LOGIN_ERR_CODE, RENEW_TOKEN_ERR_CODE
from rtm import protocol as p
from rtm.tokens import build_rtm_token
from tests.rtm.netkit import APP, GatewayThread, Raw, Recorder, network_core, wait_until

CERT = "5CFd2fd1755d40ecb72977518be15d3b"
OTHER = "0000000000000000000000000000beef"


@pytest.fixture
def secured() -> Iterator[GatewayThread]:
    g = GatewayThread(node_id="g1", app_certificates={APP: CERT})
    yield g
    g.stop()


def token(user: str, seconds: float, cert: str = CERT) -> str:
    now = time.time()
    return build_rtm_token(APP, cert, user, int(now + seconds), now=now)


def test_valid_token_logs_in(secured: GatewayThread) -> None:
    assert Raw(secured.url).login("alice", token("alice", 3600)).code == 0


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: token("alice", 3600, OTHER), LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (lambda: token("mallory", 3600), LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (lambda: None, LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (lambda: "006garbage", LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (lambda: token("alice", -5), LOGIN_ERR_CODE.LOGIN_ERR_TOKEN_EXPIRED),
    ],
    ids=["forged", "other-user", "missing", "malformed", "expired"],
)
def test_bad_tokens_are_rejected(secured: GatewayThread, make: object, code: int) -> None:
    raw = Raw(secured.url)
    result = raw.login("alice", make())  # type: ignore[operator]
    assert result.code == code and isinstance(result.value, str)
    # Not logged in: requests that need a login are refused.
    assert raw.request(p.QuerySubscribed).code == 102


def test_renew_token_over_the_wire(secured: GatewayThread) -> None:
    raw = Raw(secured.url)
    assert raw.login("alice", token("alice", 3600)).code == 0
    forged = raw.request(lambda r: p.RenewToken(r, token("alice", 7200, OTHER)))
    assert forged.code == RENEW_TOKEN_ERR_CODE.RENEW_TOKEN_ERR_INVALID_TOKEN
    fresh = token("alice", 7200)
    renewed = raw.request(lambda r: p.RenewToken(r, fresh))
    assert (renewed.code, renewed.value) == (0, fresh)


def test_expiry_while_connected_aborts_the_client_and_renew_keeps_it(
    secured: GatewayThread,
) -> None:
    rec = Recorder()
    with network_core(secured.url) as core:
        short = rtm.createRtmService(core)
        short.initialize(APP, rec.handler("short"))
        short.login(token("short", 1.5), "short")
        kept = rtm.createRtmService(core)
        kept.initialize(APP, rec.handler("kept"))
        kept.login(token("kept", 1.5), "kept")
        wait_until(lambda: rec.of("short", "onLoginSuccess") and rec.of("kept", "onLoginSuccess"))
        kept.renewToken(token("kept", 3600))
        wait_until(lambda: rec.of("kept", "onRenewTokenResult"))
        assert rec.of("kept", "onRenewTokenResult")[0][1] == 0
        wait_until(lambda: rec.of("short", "onTokenExpired"), 5, "token expiry")
        assert short.connectionState is S.CONNECTION_STATE_ABORTED
        assert rec.of("short", "onConnectionStateChanged")[-1] == (
            S.CONNECTION_STATE_ABORTED,
            R.CONNECTION_CHANGE_REASON_TOKEN_EXPIRED,
        )
        time.sleep(0.3)
        assert kept.connectionState is S.CONNECTION_STATE_CONNECTED
