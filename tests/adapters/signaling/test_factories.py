"""The legacy factories on the process-wide core: ``getInstance`` / ``createAgoraSDKInstance``."""

from __future__ import annotations

import pytest

import adapters.signaling as shim
import rtm
from legacy_signaling.callback import RecordingCallBack


def test_get_instance_is_one_per_app_and_create_is_new_each_call(
    deterministic_default: rtm.EmbeddedCore,
) -> None:
    first = shim.getInstance("app-one")
    assert shim.getInstance("app-one") is first
    assert shim.getInstance("app-two") is not first
    created = shim.createAgoraSDKInstance("app-one")
    assert created is not first and created is not shim.createAgoraSDKInstance("app-one")
    with pytest.raises(ValueError):
        shim.getInstance("")


def test_default_instances_talk_on_the_default_core(
    deterministic_default: rtm.EmbeddedCore,
) -> None:
    alice, bob = shim.getInstance("app"), shim.createAgoraSDKInstance("app")
    recs = [RecordingCallBack(), RecordingCallBack()]
    for api, rec, name in ((alice, recs[0], "alice"), (bob, recs[1], "bob")):
        api.callbackSet(rec)
        api.login("app", name, "_no_need_token", 0, "")
    deterministic_default.run_until_idle()
    alice.messageInstantSend("bob", 0, "hi", "m1")
    deterministic_default.run_until_idle()
    assert ("onMessageSendSuccess", ("m1",)) in recs[0].trace
    assert ("onMessageInstantReceive", ("alice", 0, "hi")) in recs[1].trace
