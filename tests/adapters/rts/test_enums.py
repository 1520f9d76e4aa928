"""adapters.rts.enums and the ``[[enum]]`` rows of rts.toml are the same enums."""

from __future__ import annotations

from adapters.rts import enums
from mapping_tables.dialect import load_dialect


def test_the_module_and_the_table_list_the_same_members() -> None:
    table = {e.name: {m.name: m.value for m in e.members} for e in load_dialect().enums}
    module = {name: {m.name: int(m.value) for m in getattr(enums, name)} for name in enums.__all__}
    assert module == table


def test_the_issues_names() -> None:
    assert int(enums.LoginErrorCode.LOGIN_ERROR_CODE_INVALID_TOKEN) == -1000
    assert int(enums.RoomMessageSendResult.ROOM_MESSAGE_SEND_RESULT_SUCCESS) == 200
    assert int(enums.UserMessageSendResult.USER_MESSAGE_SEND_RESULT_E2BS_RETURN_FAILED) == 18
