"""The native factory: where object sessions get their IAgoraAPI instances."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from legacy_signaling.api import IAgoraAPI
from legacy_signaling.objects import LoginCallback, Signal, native
from legacy_signaling.objects.native import (
    NativeFactory,
    NativeProviderError,
    create_native,
    get_native_factory,
    set_native_factory,
)
from legacy_signaling.objects.testing import NativeBackend


@pytest.fixture
def restore_factory() -> Iterator[None]:
    previous = get_native_factory()
    yield
    set_native_factory(previous)


@pytest.mark.usefixtures("restore_factory")
def test_set_native_factory_returns_the_previous_one_and_none_restores_the_default(
    native_factory: NativeBackend,
) -> None:
    default = set_native_factory(None)
    assert set_native_factory(native_factory.factory) is default
    assert get_native_factory() is native_factory.factory
    assert set_native_factory(None) is native_factory.factory
    assert get_native_factory() is default


@pytest.mark.usefixtures("restore_factory")
def test_signal_uses_the_module_level_factory(native_factory: NativeBackend) -> None:
    made: list[IAgoraAPI] = []

    def counting(app_id: str) -> IAgoraAPI:
        made.append(native_factory.factory(app_id))
        return made[-1]

    set_native_factory(counting)
    session = Signal(native_factory.app_id).login("alice", "_no_need_token", LoginCallback())
    native_factory.settle()
    assert made == [session.native]
    assert session.getStatus() == 2


def test_default_factory_reports_a_missing_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "DEFAULT_FACTORY_PATH", "legacy_signaling.codes:nothing_here")
    with pytest.raises(NativeProviderError, match="set_native_factory"):
        native._default_factory("app")


def test_a_factory_must_return_an_iagoraapi() -> None:
    def wrong(app_id: str) -> IAgoraAPI:
        return object()  # type: ignore[return-value]

    with pytest.raises(NativeProviderError, match="not an IAgoraAPI"):
        create_native("app", wrong)


def test_set_native_factory_rejects_non_callables() -> None:
    before = get_native_factory()
    with pytest.raises(TypeError, match="callable"):
        set_native_factory("nope")  # type: ignore[arg-type]
    assert get_native_factory() is before


def test_signal_rejects_an_empty_app_id(native_factory: NativeBackend) -> None:
    factory: NativeFactory = native_factory.factory
    with pytest.raises(ValueError, match="appId"):
        Signal("", native_factory=factory)
