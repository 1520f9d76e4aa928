"""Fixtures for the object-flavour tests: every test runs on each native provider."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.signaling.testing import shim_backend
from legacy_signaling.objects.testing import NativeBackend, reference_backend

#: Native providers the facade tests run on, by name.
#: A backend maker returns a fresh ``NativeBackend`` (factory, settle, advance, ...): the
#: reference model and the shim on the RTM core in both table flavours.
BACKENDS: dict[str, Callable[[], NativeBackend]] = {
    "reference": reference_backend,
    "shim-cpp": lambda: shim_backend("cpp"),
    "shim-java": lambda: shim_backend("java"),
}


@pytest.fixture(params=sorted(BACKENDS))
def native_factory(request: pytest.FixtureRequest) -> NativeBackend:
    """A fresh native provider (its factory, and the means to let callbacks arrive)."""
    maker = BACKENDS[request.param]
    return maker()
