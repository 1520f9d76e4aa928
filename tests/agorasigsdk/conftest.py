"""Fixtures for the agorasigsdk tests: every test runs on each native provider.

``agorasigsdk`` takes its native instances from the module-level factory, as a legacy app
cannot pass one; the fixture installs the backend's factory and restores the previous one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from legacy_signaling.objects.native import set_native_factory
from legacy_signaling.objects.testing import NativeBackend, reference_backend

#: Native providers the facade tests run on, by name.
#: LEAD: add the shim here, e.g. ``"shim": shim_backend``, once adapters.signaling exists;
#: a backend maker returns a fresh ``NativeBackend`` (factory, settle, advance, ...).
BACKENDS: dict[str, Callable[[], NativeBackend]] = {
    "reference": reference_backend,
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
