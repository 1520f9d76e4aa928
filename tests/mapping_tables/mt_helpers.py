"""Helpers shared by the mapping-table tests (unique module name: tests dirs are not packages)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mapping_tables import MappingTables, load

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def require_shared(path: Path = SHARED) -> Path:
    """`path` if it is a directory; otherwise fail the test (never skip) naming ../shared."""
    if not path.is_dir():
        pytest.fail(
            f"../shared is absent (looked for {path.resolve()}): the seed checks need the "
            "project's source documents next to the repository"
        )
    return path


class DataCopy:
    """A writable copy of mapping_tables/data with helpers to break it in precise places."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def text(self, file: str) -> str:
        return (self.root / file).read_text(encoding="utf-8")

    def write(self, file: str, text: str) -> None:
        (self.root / file).write_text(text, encoding="utf-8")

    def replace(self, file: str, old: str, new: str) -> None:
        text = self.text(file)
        assert text.count(old) >= 1, f"{old!r} not in {file}"
        self.write(file, text.replace(old, new, 1))

    def edit_row(
        self,
        file: str,
        section: str,
        key: str,
        value: str,
        edit: Callable[[str], str],
        nth: int = 1,
    ) -> int:
        """Apply `edit` to the `nth` [[section]] block whose `key` is `value`.

        Returns the 1-based index of that block among the file's [[section]] blocks, which is
        the index the loader reports.
        """
        text = self.text(file)
        blocks = re.split(r"(?=^\[\[)", text, flags=re.MULTILINE)
        index = 0
        seen = 0
        for i, block in enumerate(blocks):
            if not block.startswith(f"[[{section}]]"):
                continue
            index += 1
            if re.search(rf"^{key} = ['\"]{re.escape(value)}['\"]$", block, flags=re.MULTILINE):
                seen += 1
                if seen == nth:
                    edited = edit(block)
                    assert edited != block, "edit changed nothing"
                    blocks[i] = edited
                    self.write(file, "".join(blocks))
                    return index
        raise AssertionError(f"no [[{section}]] with {key} = {value!r} (#{nth}) in {file}")

    def load(self) -> MappingTables:
        return load(self.root)
