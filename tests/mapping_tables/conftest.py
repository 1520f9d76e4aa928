"""Fixtures for the mapping-table tests: an editable copy of the packaged TOML data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mapping_tables import DEFAULT_DATA_DIR, MappingTables, load
from tests.mapping_tables.mt_helpers import DataCopy, require_shared


@pytest.fixture
def data(tmp_path: Path) -> DataCopy:
    root = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    return DataCopy(root)


@pytest.fixture(scope="session")
def tables() -> MappingTables:
    return load()


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only project documents; the tests fail (not skip) when they are missing."""
    return require_shared()
