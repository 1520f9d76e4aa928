"""Java's ``RtmStatusCode`` groups: every group the seeds link to exists, as the C++ enum."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rtm

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _seed_groups() -> set[str]:
    """``RtmStatusCode.<Group>`` names the seeds link to (``rtm_status_code_1_1_<snake>``)."""
    if not SEEDS.is_dir():
        pytest.fail(f"../shared/seeds is absent ({SEEDS}): this test reads the seed tables")
    text = "".join(path.read_text("utf-8") for path in SEEDS.glob("*.txt"))
    snakes = set(re.findall(r"rtm_status_code_1_1_([a-z_]+?)\.html", text))
    return {"".join(part.title() for part in snake.split("_")) for snake in snakes}


def test_every_group_the_seeds_name_exists() -> None:
    groups = _seed_groups()
    assert {"InvitationApiCallError", "LocalInvitationError", "RemoteInvitationError"} <= groups
    for group in sorted(groups):
        assert hasattr(rtm.RtmStatusCode, group), group


@pytest.mark.parametrize(
    ("group", "cpp"),
    [
        ("InvitationApiCallError", rtm.INVITATION_API_CALL_ERR_CODE),
        ("LocalInvitationError", rtm.LOCAL_INVITATION_ERR_CODE),
        ("RemoteInvitationError", rtm.REMOTE_INVITATION_ERR_CODE),
        ("LocalInvitationState", rtm.LOCAL_INVITATION_STATE),
        ("RemoteInvitationState", rtm.REMOTE_INVITATION_STATE),
        ("PeerMessageError", rtm.PEER_MESSAGE_ERR_CODE),
        ("ConnectionState", rtm.CONNECTION_STATE),
    ],
)
def test_java_groups_are_the_cpp_codes(group: str, cpp: type) -> None:
    assert getattr(rtm.RtmStatusCode, group) is cpp


def test_a_java_style_comparison_reads_as_in_java() -> None:
    code = rtm.INVITATION_API_CALL_ERR_CODE.INVITATION_API_CALL_ERR_ALREADY_END
    assert code == rtm.RtmStatusCode.InvitationApiCallError.INVITATION_API_CALL_ERR_ALREADY_END
    assert int(rtm.RtmStatusCode.LocalInvitationError.LOCAL_INVITATION_ERR_PEER_OFFLINE) == 1
