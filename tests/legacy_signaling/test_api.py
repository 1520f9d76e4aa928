"""IAgoraAPI covers every native method with native parameter order."""

from __future__ import annotations

import inspect
import re

import pytest

from legacy_signaling.api import METHOD_NAMES, IAgoraAPI, InstanceDestroyedError
from legacy_signaling.reference import ReferenceAgoraAPI
from legacy_signaling.reference.testing import APP_ID, client, new_world

# Native IAgoraAPI (Windows/Linux headers), parameters in order, C++ size_t halves dropped,
# written out independently of the module. ``destory`` is the Windows/iOS 1.2.1 spelling.
NATIVE_METHODS: dict[str, tuple[str, ...]] = {
    "callbackSet": ("handler",),
    "callbackGet": (),
    "login": ("appId", "account", "token", "uid", "deviceID"),
    "login2": (
        "appId",
        "account",
        "token",
        "uid",
        "deviceID",
        "retry_time_in_s",
        "retry_count",
    ),
    "logout": (),
    "getStatus": (),
    "getSdkVersion": (),
    "isOnline": (),
    "destroy": (),
    "destory": (),
    "messageInstantSend": ("account", "uid", "msg", "msgID"),
    "messageInstantSend2": ("account", "uid", "msg", "msgID", "options"),
    "messageChannelSend": ("channelID", "msg", "msgID"),
    "messageChannelSendForce": ("channelID", "msg", "msgID"),
    "messageChannelSend2": ("channelID", "msg", "msgID", "extra"),
    "messageAppSend": ("msg", "msgID"),
    "messagePushSend": ("account", "uid", "msg", "msgID"),
    "messageChatSend": ("account", "uid", "msg", "msgID"),
    "messageDTMFSend": ("uid", "msg", "msgID"),
    "queryUserStatus": ("account",),
    "setAttr": ("name", "value"),
    "getAttr": ("name",),
    "getAttrAll": (),
    "getUserAttr": ("account", "name"),
    "getUserAttrAll": ("account",),
    "channelJoin": ("channelID",),
    "channelLeave": ("channelID",),
    "channelQueryUserNum": ("channelID",),
    "channelQueryUserIsIn": ("channelID", "account"),
    "channelSetAttr": ("channelID", "name", "value"),
    "channelDelAttr": ("channelID", "name"),
    "channelClearAttr": ("channelID",),
    "invoke": ("name", "req", "callID"),
    "channelInviteUser": ("channelID", "account", "uid"),
    "channelInviteUser2": ("channelID", "account", "extra"),
    "channelInvitePhone": ("channelID", "phoneNum", "uid"),
    "channelInvitePhone2": ("channelID", "phoneNum", "sourcesNum"),
    "channelInvitePhone3": ("channelID", "phoneNum", "sourcesNum", "extra"),
    "channelInviteDTMF": ("channelID", "phoneNum", "dtmf"),
    "channelInviteAccept": ("channelID", "account", "uid", "extra"),
    "channelInviteRefuse": ("channelID", "account", "uid", "extra"),
    "channelInviteEnd": ("channelID", "account", "uid"),
    "setBackground": ("bOut",),
    "setNetworkStatus": ("bOut",),
    "ping": (),
    "start": (),
    "stop": (),
    "bc_call": ("func", "json_args", "callID"),
    "dbg": ("a", "b"),
}


def test_method_names_are_exactly_the_native_set() -> None:
    assert sorted(METHOD_NAMES) == sorted(NATIVE_METHODS)


@pytest.mark.parametrize("name", sorted(NATIVE_METHODS))
def test_native_parameter_order(name: str) -> None:
    params = list(inspect.signature(getattr(IAgoraAPI, name)).parameters)
    assert tuple(params[1:]) == NATIVE_METHODS[name]


@pytest.mark.parametrize("name", sorted(NATIVE_METHODS))
def test_reference_keeps_the_interface_signature(name: str) -> None:
    ours = inspect.signature(getattr(ReferenceAgoraAPI, name))
    assert ours == inspect.signature(getattr(IAgoraAPI, name))


def test_optional_defaults_follow_the_headers() -> None:
    params = inspect.signature(IAgoraAPI.channelInviteUser).parameters
    assert params["uid"].default == 0
    accept = inspect.signature(IAgoraAPI.channelInviteAccept).parameters
    assert accept["extra"].default == ""


def test_every_method_but_the_alias_is_abstract() -> None:
    assert IAgoraAPI.__abstractmethods__ == set(METHOD_NAMES) - {"destory"}
    assert not ReferenceAgoraAPI.__abstractmethods__


def test_reference_note_methods_are_all_covered(reference_note: str) -> None:
    """Every method named in the first column of §1.2 of the reference note exists."""
    section = reference_note.split("### 1.2", 1)[1].split("\n### ", 1)[0]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    named = {m for cell in first_cells for m in re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)", cell)}
    assert len(named) > 30, named
    assert named <= set(METHOD_NAMES), named - set(METHOD_NAMES)


def test_destory_alias_destroys() -> None:
    world = new_world()
    api = world.getInstance(APP_ID)
    api.destory()
    with pytest.raises(InstanceDestroyedError):
        api.getStatus()


def test_d5_uint32_and_str_arguments_are_checked_before_anything_happens() -> None:
    world = new_world()
    alice = client(world, "alice")
    with pytest.raises(ValueError, match="uid"):
        alice.api.messageInstantSend("bob", -1, "hi", "m")
    with pytest.raises(TypeError, match="msg"):
        alice.api.messageInstantSend("bob", 0, 5, "m")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="retry_count"):
        alice.api.login2(APP_ID, "alice", "", 0, "", 1, 1.5)  # type: ignore[arg-type]
    world.run_until_idle()
    assert alice.take() == []
