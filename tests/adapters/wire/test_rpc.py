"""The call2 function table: arguments checked, defaults filled in."""

from __future__ import annotations

import pytest

from adapters.wire.rpc import RPCS, ArgError, check_args


def test_defaults_fill_in_and_types_are_checked() -> None:
    assert check_args(RPCS["user_getmsg"], {"line": "L"}) == {"ver_clear": 0, "max": 30}
    assert check_args(RPCS["channel_sendmsg"], {"name": "c", "msg": "m", "force": True}) == {
        "name": "c",
        "msg": "m",
        "force": True,
    }
    with pytest.raises(ArgError, match="peer"):
        check_args(RPCS["user_sendmsg"], {"content": "x"})
    with pytest.raises(ArgError, match="ver_clear must be int"):
        check_args(RPCS["user_getmsg"], {"ver_clear": True})


def test_every_rpc_of_the_note_is_served_here_or_by_invoke() -> None:
    served_here = {
        "user_logout",
        "user_getmsg",
        "user_getmsg2",
        "user_sendmsg",
        "channel_join",
        "channel_leave",
        "channel_sendmsg",
        "voip_invite",
        "voip_invite_ack",
        "voip_invite_accept",
        "voip_invite_refuse",
        "voip_invite_bye",
        "voip_invite_msg",
        "user_ext_call",
    }
    assert set(RPCS) == served_here
    # channel_set_attr / _del_attr / _clear_attr, user_query_user_status, channel_query_num
    # ... go to the shim's invoke, whose table they are in (tested over the wire).
