"""Fixtures for the agorasigsdk tests: every test runs on each native provider.

``agorasigsdk`` takes its native instances from the module-level factory, as a legacy app
cannot pass one; the fixture installs the backend's factory and restores the previous one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from adapters.signaling.testing import shim_backend
from legacy_signaling.objects.native import set_native_factory
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
def native_factory(request: pytest.FixtureRequest) -> Iterator[NativeBackend]:
    """A fresh native provider, installed as agorasigsdk's factory for the test."""
    backend = BACKENDS[request.param]()
    previous = set_native_factory(backend.factory)
    try:
        yield backend
    finally:
        set_native_factory(previous)
