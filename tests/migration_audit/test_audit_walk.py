"""File discovery: languages by extension, .gitignore at every level, VCS dirs, excludes."""

from __future__ import annotations

from pathlib import Path

import pytest

from migration_audit.languages import HEADER, registry
from migration_audit.walk import WalkError, WalkOptions, walk


def tree(root: Path, files: dict[str, str]) -> None:
    for relpath, text in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def listed(
    root: Path, options: WalkOptions | None = None, paths: list[Path] | None = None
) -> list[str]:
    tasks = walk(paths or [root], root, registry(), options or WalkOptions())
    return sorted(t.relpath for t in tasks)


def test_languages_by_extension(tmp_path: Path) -> None:
    tree(
        tmp_path,
        dict.fromkeys(
            (
                "a.java",
                "b.kt",
                "c.m",
                "d.mm",
                "e.h",
                "f.swift",
                "g.c",
                "h.cpp",
                "i.hpp",
                "j.js",
                "k.jsx",
                "l.ts",
                "m.tsx",
                "n.py",
                "README.md",
                "o.txt",
                "p.json",
            ),
            "",
        ),
    )
    tasks = {t.relpath: t.language for t in walk([tmp_path], tmp_path, registry(), WalkOptions())}
    assert tasks == {
        "a.java": "java",
        "b.kt": "kotlin",
        "c.m": "objc",
        "d.mm": "objc",
        "e.h": HEADER,
        "f.swift": "swift",
        "g.c": "c",
        "h.cpp": "cpp",
        "i.hpp": "cpp",
        "j.js": "javascript",
        "k.jsx": "javascript",
        "l.ts": "typescript",
        "m.tsx": "tsx",
        "n.py": "python",
    }


def test_nested_gitignore_and_negation(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            ".gitignore": "build/\n*.gen.java\n",
            "src/A.java": "",
            "src/B.gen.java": "",
            "build/C.java": "",
            "lib/.gitignore": "*.js\n!keep.js\n",
            "lib/drop.js": "",
            "lib/keep.js": "",
            "lib/inner/.gitignore": "!*.gen.java\n",
            "lib/inner/D.gen.java": "",
        },
    )
    assert listed(tmp_path) == ["lib/inner/D.gen.java", "lib/keep.js", "src/A.java"]
    everything = listed(tmp_path, WalkOptions(gitignore=False))
    assert "build/C.java" in everything and "lib/drop.js" in everything


def test_gitignore_above_a_given_subdirectory_applies(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "*.gen.py\n", "pkg/a.py": "", "pkg/b.gen.py": ""})
    assert listed(tmp_path, paths=[tmp_path / "pkg"]) == ["pkg/a.py"]


def test_vcs_directories_are_skipped(tmp_path: Path) -> None:
    tree(tmp_path, {".git/hooks/x.py": "", ".hg/y.py": "", "z.py": ""})
    assert listed(tmp_path) == ["z.py"]


def test_git_info_exclude_is_honoured(tmp_path: Path) -> None:
    tree(tmp_path, {".git/info/exclude": "secret/\n", "secret/s.py": "", "open.py": ""})
    assert listed(tmp_path) == ["open.py"]


def test_exclude_patterns(tmp_path: Path) -> None:
    tree(tmp_path, {"a/x.py": "", "b/y.py": "", "b/z.js": ""})
    assert listed(tmp_path, WalkOptions(excludes=("b/*.py",))) == ["a/x.py", "b/z.js"]


def test_single_file_and_duplicates(tmp_path: Path) -> None:
    tree(tmp_path, {"a.py": "", "b.py": ""})
    assert listed(tmp_path, paths=[tmp_path / "a.py", tmp_path, tmp_path / "a.py"]) == [
        "a.py",
        "b.py",
    ]


def test_symlinked_directories_are_not_followed(tmp_path: Path) -> None:
    tree(tmp_path, {"real/a.py": ""})
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert listed(tmp_path) == ["real/a.py"]


def test_missing_path_and_path_outside_root(tmp_path: Path) -> None:
    with pytest.raises(WalkError, match="no such file"):
        listed(tmp_path, paths=[tmp_path / "missing"])
    outside = tmp_path / "out"
    inside = tmp_path / "in"
    tree(tmp_path, {"out/a.py": "", "in/b.py": ""})
    with pytest.raises(WalkError, match="outside the audit root"):
        list(walk([outside], inside, registry(), WalkOptions()))


def test_header_language_is_sniffed() -> None:
    rule = registry().header
    assert rule.language_for(b"#import <Foundation/Foundation.h>\n") == "objc"
    assert rule.language_for(b"@interface Foo : NSObject\n@end\n") == "objc"
    assert rule.language_for(b"#pragma once\nclass Foo {};\n") == "cpp"
