"""Fixtures for the object-flavour tests: every test runs on each native provider."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from legacy_signaling.objects.testing import NativeBackend, reference_backend

#: Native providers the facade tests run on, by name.
#: LEAD: add the shim here, e.g. ``"shim": shim_backend``, once adapters.signaling exists;
#: a backend maker returns a fresh ``NativeBackend`` (factory, settle, advance, ...).
BACKENDS: dict[str, Callable[[], NativeBackend]] = {
    "reference": reference_backend,
}


@pytest.fixture(params=sorted(BACKENDS))
def native_factory(request: pytest.FixtureRequest) -> NativeBackend:
    """A fresh native provider (its factory, and the means to let callbacks arrive)."""
    maker = BACKENDS[request.param]
    return maker()
