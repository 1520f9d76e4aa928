"""The proof: random legacy programs give identical per-instance traces on the reference
model and on the shim (legacy API on the RTM core), in ``legacy`` mode, for both the C++
and the Java tables.

``SIG2RTM_EQUIV_EXAMPLES`` programs per flavour (default 1000; see conftest.py). The shim
is looked up at run time: until ``adapters.signaling.ShimWorld`` exists this test fails —
it never skips — so the suite cannot go green without the proof.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from hypothesis import given, settings

from legacy_signaling.equivalence import (
    LegacyWorld,
    Program,
    WorldConfig,
    assert_equivalent,
    capabilities_of,
    reference_world,
)
from legacy_signaling.reference.testing import APP_ID
from tests.equivalence.conftest import EQUIVALENCE_PROFILE, NETWORK_PROFILE
from tests.equivalence.strategies import programs

FLAVOURS = ("cpp", "java")
NOT_AVAILABLE = "adapters.signaling.ShimWorld not available yet"


def shim_world_class() -> Any:
    """``adapters.signaling.ShimWorld``, or a test failure saying it is missing."""
    try:
        module = importlib.import_module("adapters.signaling")
        return module.ShimWorld
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"{NOT_AVAILABLE} ({type(exc).__name__}: {exc})")


@pytest.mark.slow
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_shim_matches_reference(flavour: str) -> None:
    shim = shim_world_class()

    def make_shim(config: WorldConfig) -> LegacyWorld:
        world: LegacyWorld = config.build(shim, flavour=flavour, mode="legacy")
        return world

    def make_worlds(config: WorldConfig) -> tuple[LegacyWorld, LegacyWorld]:
        return reference_world(config), make_shim(config)

    capabilities = capabilities_of(make_shim(WorldConfig(APP_ID)))

    @settings(settings.get_profile(EQUIVALENCE_PROFILE))
    @given(programs(capabilities=capabilities))
    def equivalent(program: Program) -> None:
        assert_equivalent(program, make_worlds, labels=("reference", f"shim[{flavour}]"))

    equivalent()


@pytest.mark.slow
@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("over", ["gateway", "redis"])
def test_shim_over_gateways_matches_reference(
    over: str, flavour: str, request: pytest.FixtureRequest
) -> None:
    """The same proof with the shim's RTM core behind real gateway nodes: one node on the
    memory backend, or two nodes sharing Redis with the instances spread over both (in
    lockstep on virtual time, so timeouts and reconnections are part of the programs)."""
    from rtm.gateway.lockstep import LockstepCore

    shim = shim_world_class()
    url = request.getfixturevalue("redis_server").url if over == "redis" else None

    def core_factory(service_config: Any) -> LockstepCore:
        if url is None:
            return LockstepCore(service_config)
        return LockstepCore(service_config, nodes=2, backend=url)

    def make_shim(config: WorldConfig) -> LegacyWorld:
        world: LegacyWorld = config.build(
            shim, flavour=flavour, mode="legacy", core_factory=core_factory
        )
        return world

    def make_worlds(config: WorldConfig) -> tuple[LegacyWorld, LegacyWorld]:
        return reference_world(config), make_shim(config)

    probe = make_shim(WorldConfig(APP_ID))
    capabilities = capabilities_of(probe)
    getattr(probe, "close")()  # noqa: B009 - LegacyWorld does not declare close

    @settings(settings.get_profile(NETWORK_PROFILE))
    @given(programs(capabilities=capabilities))
    def equivalent(program: Program) -> None:
        assert_equivalent(program, make_worlds, labels=("reference", f"shim[{flavour}/{over}]"))

    equivalent()
