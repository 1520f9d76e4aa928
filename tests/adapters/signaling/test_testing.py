"""The shim and the reference as native providers of the facade tests."""

from __future__ import annotations

import pytest

from adapters.signaling.testing import shim_backend
from legacy_signaling.objects.testing import reference_backend


def test_network_controls_refuse_another_providers_instance() -> None:
    shim, reference = shim_backend(), reference_backend()
    assert (shim.name, reference.name) == ("shim-cpp", "reference")
    foreign = reference.factory(reference.app_id)
    with pytest.raises(TypeError, match="not a shim-cpp instance"):
        shim.drop_connection(foreign)
    with pytest.raises(TypeError, match="not a reference instance"):
        reference.restore_connection(shim.factory(shim.app_id))


def test_network_controls_reach_the_world() -> None:
    backend = shim_backend("java")
    api = backend.factory(backend.app_id)
    with pytest.raises(ValueError, match="not logged in and connected"):
        backend.drop_connection(api)  # the world's own rule, reached through the backend
