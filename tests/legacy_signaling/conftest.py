"""Fixtures for the legacy_signaling tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.fixture
def reference_note() -> str:
    """Text of ../shared/reference/legacy-signaling.md; fails clearly when it is absent."""
    path = SHARED / "reference" / "legacy-signaling.md"
    if not SHARED.is_dir():
        pytest.fail(f"../shared is absent (looked for {SHARED.resolve()})")
    if not path.is_file():
        pytest.fail(f"{path.resolve()} is absent from ../shared")
    return path.read_text(encoding="utf-8")
