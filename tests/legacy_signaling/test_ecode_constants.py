"""``IAgoraAPI.ECODE_*``: every legacy code on the native API class, as Android apps read it."""

from __future__ import annotations

import adapters.signaling
from legacy_signaling import ECODE
from legacy_signaling.api import IAgoraAPI
from legacy_signaling.ecode_constants import ECodeConstants


def test_every_ecode_is_a_constant_of_the_native_api_class() -> None:
    constants = {n for n in vars(ECodeConstants) if n.startswith("ECODE_")}
    assert constants == {f"ECODE_{name}" for name in ECODE.__members__}
    for name, member in ECODE.__members__.items():
        assert getattr(IAgoraAPI, f"ECODE_{name}") is member


def test_the_android_tutorial_spellings() -> None:
    assert IAgoraAPI.ECODE_LOGOUT_E_KICKED == ECODE.LOGOUT_E_KICKED
    assert int(IAgoraAPI.ECODE_LOGOUT_E_KICKED) == 103
    assert int(IAgoraAPI.ECODE_LOGOUT_E_NET) == 102
    assert IAgoraAPI.ECODE_LOGIN_E_NET == ECODE.LOGIN_E_NET


def test_an_instance_of_the_shim_offers_them_too() -> None:
    world = adapters.signaling.ShimWorld("app")
    api = world.createAgoraSDKInstance("app")
    assert api.ECODE_LOGOUT_E_USER == ECODE.LOGOUT_E_USER
    assert type(api).ECODE_LOGIN_E_NET == ECODE.LOGIN_E_NET
