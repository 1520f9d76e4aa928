"""Every RTM method and callback the seeds name (right columns of 001 and 003) exists on the
core, and the core's feature tests exercise it (this test checks existence; the feature
tests in this folder call each of them).

Reads ../shared/seeds; fails with a clear message when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rtm
from mapping_tables.seeds import parse_seed

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
#: Seed spellings that differ from RTM's own names (the seeds' typos).
SPELLINGS = {
    "getUserAttributesBykeys": "getUserAttributesByKeys",
    "deleteLocaluserAttributeByKeys": "deleteLocalUserAttributesByKeys",
    "onAddorUpdateLocalUserAttributesResult": "onAddOrUpdateLocalUserAttributesResult",
}
#: Where a name lives: the classes an app touches in either style.
HOMES = (
    rtm.RtmClient,
    rtm.RtmChannel,
    rtm.RtmCallManager,
    rtm.IRtmServiceEventHandler,
    rtm.IChannelEventHandler,
    rtm.IRtmCallEventHandler,
    rtm.RtmClientListener,
    rtm.RtmChannelListener,
    rtm.RtmCallEventListener,
    rtm.ResultCallback,
)


def _rtm_names(seed: str) -> set[str]:
    if not SEEDS.is_dir():
        pytest.fail(f"../shared/seeds is absent ({SEEDS}): this test reads the seed tables")
    path = next(SEEDS.glob(f"{seed}_*.txt"))
    names: set[str] = set()
    for row in parse_seed(path.read_text("utf-8")):
        names.update(row.rtm)
    return {SPELLINGS.get(n, n) for n in names}


@pytest.mark.parametrize("seed", ["001", "003"])
def test_every_rtm_name_of_the_seed_exists(seed: str) -> None:
    names = _rtm_names(seed)
    assert len(names) > 30  # the right column was parsed, not skipped
    factories = {"createRtmService": rtm.createRtmService, "createInstance": rtm.RtmClient}
    missing = [
        name
        for name in sorted(names)
        if name not in factories and not any(callable(getattr(c, name, None)) for c in HOMES)
    ]
    assert missing == []
