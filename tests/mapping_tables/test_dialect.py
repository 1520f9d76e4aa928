"""The RTS dialect table: loaded with the shared row rules; every seed name has a row."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mapping_tables import DEFAULT_DATA_DIR, TableError
from mapping_tables.dialect import RTS_FILE, load_dialect
from mapping_tables.model import NameStatus

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
RTS_SEEDS = ("000", "002", "004")
_LINK = re.compile(r"\[([^\]\n]+)\]\(")
_CODE = re.compile(r"`([^`\n]+)`")


def seed_names(number: str) -> list[str]:
    """Every name a seed shows as a link or as code (the method, callback, field, action and
    term names of its tables), in order, links' backticks removed."""
    (path,) = SEEDS.glob(f"{number}_*.txt")
    text = path.read_text(encoding="utf-8")
    names = [m.group(1).strip("`") for m in _LINK.finditer(text)]
    names += [m.group(1) for m in _CODE.finditer(_LINK.sub("(", text))]
    return [n.strip() for n in names if n.strip()]


def test_the_seed_files_are_there() -> None:
    for number in RTS_SEEDS:
        assert len(seed_names(number)) > 10, number


@pytest.mark.parametrize("number", RTS_SEEDS)
def test_every_seed_name_has_a_row(number: str) -> None:
    table = load_dialect()
    missing = sorted({n for n in seed_names(number) if not table.known(n)})
    assert not missing, f"seed {number}: names without a row in {RTS_FILE}: {missing}"


def test_a_name_without_a_row_is_reported() -> None:
    table = load_dialect()
    assert not table.known("sendTelepathicMessage")
    assert table.known("rtcRoom:onUserMessageReceived:message:")  # an alias
    assert table.known("SendBroadcast")


def test_every_seed_of_the_table_is_read() -> None:
    assert load_dialect().seeds == RTS_SEEDS


def test_not_applicable_rows_say_why() -> None:
    table = load_dialect()
    for enum in table.enums:
        for member in enum.members:
            if member.status is not NameStatus.MAPPED:
                assert member.note, (enum.name, member.name)
    for name in table.names:
        if name.status is NameStatus.NOT_APPLICABLE:
            assert name.note, name.name


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copy(DEFAULT_DATA_DIR / RTS_FILE, tmp_path / RTS_FILE)
    path = tmp_path / RTS_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("rtm = 'IChannelEventHandler.onLeave'", "rtm = 'IChannelEventHandler.onLeft'",
         "unknown cpp RTM callback"),
        ("uid = 'session.uid', error_code = '0'", "uid = 'session.user', error_code = '0'",
         "unknown session field"),
        ("status = 'n/a', note", "status = 'maybe', note", "bad status 'maybe'"),
        ("legacy_value = -1002", "legacy_value = -1234", "no member"),
        ("OnRoomMessageReceivedEventHandler = 'onRoomMessageReceived'",
         "OnRoomMessageReceivedEventHandler = 'onRoomMessageRecieved'", "has no row"),
        ("immediate = true\ndifferences = []\noperation = 'logout'",
         "immediate = false\ndifferences = []\noperation = 'logout'", "answers at once"),
        ("rtm = ['IChannel.join']", "rtm = ['IChannel.joinAll']", "unknown cpp RTM method"),
    ],
)  # fmt: skip
def test_bad_rows_are_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises((TableError, ValueError), match=message):
        load_dialect(data_dir=_broken(tmp_path, old, new))
