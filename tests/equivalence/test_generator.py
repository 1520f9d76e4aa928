"""The generator's reach: a proof is only as good as the programs it runs."""

from __future__ import annotations

import fnmatch
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legacy_signaling.equivalence import (
    CONNECTION,
    Coverage,
    Program,
    WorldConfig,
    execute,
    reference_world,
)
from legacy_signaling.equivalence.program import Advance, ClientStep, CreateInstance, InviteUser2
from legacy_signaling.equivalence.universe import CLIENTS
from legacy_signaling.identity import invite_options
from legacy_signaling.reference.testing import APP_ID
from tests.equivalence.conftest import META_PROFILE
from tests.equivalence.strategies import (
    GIVE_UP_S,
    _call,
    _Client,
    _invite2,
    _kick_safe,
    _Model,
    programs,
)

#: Outcomes (see ``coverage.outcome``; ``*`` matches any method) that 1000 programs must
#: produce, by decision row.
REQUIRED = {
    "onLoginSuccess",  # L1
    "onError/login/1001/already logged in or logging in; call logout first",  # L2
    "onLoginFailed/209",  # L3
    "onLoginFailed/202",  # L4
    "onLoginFailed/204",  # L5
    "onLoginFailed/206",  # L5
    "onLogout/103",  # L6
    "onLogout/101",  # L7
    "onLogout/108",  # L8
    "onLoginFailed/203",  # L9
    "onLoginFailed/201",  # L11
    "onError/login2/1004/retry_time_in_s and retry_count must not be negative",  # L12
    "onReconnecting",  # C1
    "onReconnected",  # C2
    "onLogout/102",  # C3
    "onChannelLeaved/604",  # C3
    "onChannelJoined",  # CH1
    "onChannelUserList",  # CH1
    "onChannelUserJoined",  # CH1
    "onChannelLeaved/0",  # CH2, CH5
    "onChannelJoinFailed/300",  # CH3, CH4
    "onChannelUserLeaved",  # CH5
    "onChannelLeaved/603",  # L7
    "onError/channelLeave/1004/not in this channel",  # CH6
    "onMessageSendSuccess",  # M1, P1
    "onMessageChannelReceive",  # M1
    "onMessageSendError/400",  # M2, P3
    "onMessageInstantReceive",  # P1
    "onChannelAttrUpdated/update",  # A1
    "onChannelAttrUpdated/del",  # A2
    "onChannelAttrUpdated/clear",  # A3
    "onError/channelSetAttr/1003/not logged in",  # A4
    "onUserAttrResult",  # A7, A8
    "onUserAttrAllResult",  # A7, A8
    "onQueryUserStatusResult/1",  # Q1
    "onQueryUserStatusResult/0",  # Q1
    "onChannelQueryUserNumResult/0",  # Q2
    "onChannelQueryUserNumResult/500",  # Q2
    "onChannelQueryUserIsIn/0",  # Q3
    "onChannelQueryUserIsIn/1",  # Q3
    "onInvokeRet/",  # R1-R9
    "onInvokeRet/not_login",  # R10
    "onInvokeRet/unknown_function",  # R10
    "onInvokeRet/invalid_json",  # R10
    "onInvokeRet/invalid_param",  # R10
    "onInviteReceived",  # V1
    "onInviteReceivedByPeer",  # V1
    "onInviteFailed/703",  # V3, V4
    "onInviteFailed/701",  # V5
    "onInviteFailed/704",  # V6
    "onInviteAcceptedByPeer",  # V7
    "onInviteRefusedByPeer",  # V8
    "onInviteEndByMyself",  # V9
    "onInviteEndByPeer",  # V9, V6, V12
    "onInviteMsg",  # V10
    "onError/channelInviteAccept/1004/no such call",  # V11
    "onInviteFailed/700",  # V13
    "onError/*/1001/not supported",  # X3
    "return/getStatus/0",  # D6
    "return/getStatus/1",
    "return/getStatus/2",
    "return/getStatus/3",
    "raise/*/TypeError",  # D5
    "raise/*/ValueError",  # D5
    "raise/*/InstanceDestroyedError",  # D8
    "raise/drop_connection/ValueError",  # C1
}


def test_1000_programs_reach_every_decision_row() -> None:
    coverage = Coverage()

    @settings(
        max_examples=1000,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(programs())
    def collect(program: Program) -> None:
        coverage.add(program, execute(reference_world(program.config), program))

    logging.getLogger("legacy_signaling.reference").disabled = True  # Handler.RAISING noise
    try:
        collect()
    finally:
        logging.getLogger("legacy_signaling.reference").disabled = False
    assert coverage.programs == 1000
    missing = {p for p in REQUIRED if not fnmatch.filter(coverage.outcomes, p)}
    assert not missing, f"never produced: {sorted(missing)}\n{coverage.render()}"
    assert coverage.advanced_past[120] >= 5, coverage.render()  # A5 attribute TTL
    assert coverage.advanced_past[86_400] >= 1, coverage.render()  # P2 mailbox TTL


@settings(settings.get_profile(META_PROFILE))
@given(programs(capabilities=frozenset(), min_steps=5, max_steps=12))
def test_programs_respect_bounds_and_capabilities(program: Program) -> None:
    assert 5 <= len(program.steps) <= 12
    assert program.capabilities == frozenset()
    assert isinstance(program.steps[0], CreateInstance)
    assert all(s.client in CLIENTS for s in program.steps if isinstance(s, ClientStep))


def test_bad_generator_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="min_steps"):
        programs(min_steps=0)
    with pytest.raises(ValueError, match="min_steps"):
        programs(min_steps=10, max_steps=9)
    with pytest.raises(ValueError, match="unknown capabilities"):
        programs(capabilities=frozenset({"teleport"}))


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_a_call_left_to_its_timers_is_believed_alive_until_it_times_out(
    data: st.DataObject,
) -> None:
    """Regression (random run, 2026-12-03): ``_call`` left ringing for a short while was not
    in the model, so a later login kicked its ringing callee (a kick the shim declares it
    cannot end calls for); the model must also keep time with the Advance it adds."""
    model = _Model(WorldConfig(APP_ID), frozenset(), long_advances=False)
    for name, account in (("c0", "ann"), ("c1", "bob")):
        model.clients[name] = _Client(created=True, alive=True, account=account)
    steps = _call(data.draw, model)  # type: ignore[arg-type]  # DataObject.draw is a DrawFn
    assert isinstance(steps, list)
    last = steps[-1]
    if isinstance(last, Advance):
        invite = steps[0]
        assert isinstance(invite, InviteUser2)
        rings = last.seconds < invite_options(invite.extra)[1]  # its own answer time (V6)
        assert model.clock == last.seconds
        alive = [{i.caller, i.callee} for i in model.invites]
        assert alive == ([{"ann", "bob"}] if rings else [])
        for account in ("ann", "bob"):  # neither party may be kicked while it rings
            assert (_kick_safe(model, "c2", account) != account) == rings


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_a_dropped_session_is_remembered_when_its_client_name_is_re_created(
    data: st.DataObject,
) -> None:
    """Regression (random run, seed 2002, cpp, 2026-12-03): bob's link dropped, then his
    client's name was given to a new instance; the model forgot bob's dropped session, still
    alive on the old instance, and invited him "_require_peer_online" (a reconnecting callee,
    which the shim declares it cannot tell apart: CALL_RECONNECTING). The old session lives
    on as an orphan until it is kicked or gives up (C3)."""
    model = _Model(WorldConfig(APP_ID), frozenset({CONNECTION}), long_advances=False)
    for name, account in zip(CLIENTS, ("ann", "bob", "čaj", None), strict=True):
        model.clients[name] = _Client(created=True, alive=True, account=account)
    model.clients["c1"].dropped_at = 0.0
    model.replace("c1")  # what _create does when it draws a name in use
    assert model.dropped_accounts() == {"bob"}
    for _ in range(20):
        invite = _invite2(data.draw, model)  # type: ignore[arg-type]  # a DrawFn
        assert isinstance(invite, InviteUser2)
        if invite.account == "bob":
            assert not invite_options(invite.extra)[0], invite
    assert _kick_safe(model, "c0", "bob") != "bob", "no kick of a dropped session either"
    model.tick(GIVE_UP_S)
    assert model.dropped_accounts() == set() and model.orphans == []
    assert _kick_safe(model, "c0", "bob") == "bob"
