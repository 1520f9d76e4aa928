"""Find the files to audit: languages by extension, ``.gitignore`` honoured, VCS dirs skipped.

``.gitignore`` files are read at every directory level (and ``.git/info/exclude`` at the
root); a deeper file's decision wins over a shallower one, as in git. Extra ``--exclude``
patterns use the same gitwildmatch syntax, relative to the audit root. Symlinked directories
are not followed (no cycles, no escaping the tree).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import pathspec

from migration_audit.languages import Registry
from migration_audit.model import Task

#: Directories never entered.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", ".jj"})


class WalkError(ValueError):
    """A path given on the command line does not exist or lies outside the root."""


@attrs.frozen
class _Ignore:
    base: str  # POSIX path of the directory holding the ignore file, relative to root ("" = root)
    spec: pathspec.GitIgnoreSpec


def _read_spec(path: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored(relpath: str, is_dir: bool, ignores: Sequence[_Ignore]) -> bool:
    for ignore in reversed(ignores):
        local = relpath[len(ignore.base) + 1 :] if ignore.base else relpath
        result = ignore.spec.check_file(local + "/" if is_dir else local)
        if result.include is not None:
            return bool(result.include)
    return False


@attrs.frozen
class WalkOptions:
    gitignore: bool = True
    excludes: tuple[str, ...] = ()


def _relpath(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError as exc:
        raise WalkError(f"{path} is outside the audit root {root}") from exc


def walk(
    paths: Sequence[Path], root: Path, registry: Registry, options: WalkOptions
) -> Iterator[Task]:
    """Yield a task per auditable file under ``paths``, sorted within each directory."""
    root = root.resolve()
    base_ignores: list[_Ignore] = []
    if options.excludes:
        base_ignores.append(_Ignore("", pathspec.GitIgnoreSpec.from_lines(options.excludes)))
    if options.gitignore:
        info_exclude = _read_spec(root / ".git" / "info" / "exclude")
        if info_exclude is not None:
            base_ignores.insert(0, _Ignore("", info_exclude))
    seen: set[str] = set()
    for given in paths:
        path = given.resolve()
        if not path.exists():
            raise WalkError(f"{given}: no such file or directory")
        rel = "" if path == root else _relpath(path, root)
        if path.is_file():
            language = registry.language_of(path)
            if language is not None and rel not in seen:
                seen.add(rel)
                yield Task(str(path), rel, language, path.stat().st_size)
            continue
        ignores = list(base_ignores)
        if options.gitignore:
            # .gitignore files from the root down to the given directory's parent apply too;
            # the directory's own file is read by _walk_dir.
            parts = Path(rel).parts if rel else ()
            current = root
            for depth in range(len(parts)):
                spec = _read_spec(current / ".gitignore")
                if spec is not None:
                    ignores.append(_Ignore("/".join(parts[:depth]), spec))
                current = current / parts[depth]
        yield from _walk_dir(path, rel, registry, options, ignores, seen)


def _walk_dir(
    directory: Path,
    rel: str,
    registry: Registry,
    options: WalkOptions,
    ignores: list[_Ignore],
    seen: set[str],
) -> Iterator[Task]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    local = list(ignores)
    if options.gitignore:
        spec = _read_spec(directory / ".gitignore")
        if spec is not None:
            local.append(_Ignore(rel, spec))
    subdirs: list[tuple[Path, str]] = []
    for entry in entries:
        child_rel = f"{rel}/{entry.name}" if rel else entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_dir:
            if entry.name in SKIP_DIRS or _ignored(child_rel, True, local):
                continue
            subdirs.append((Path(entry.path), child_rel))
            continue
        language = registry.language_of(entry.name)
        if language is None or _ignored(child_rel, False, local):
            continue
        try:
            size = entry.stat().st_size
        except OSError:
            size = 0
        if child_rel not in seen:
            seen.add(child_rel)
            yield Task(entry.path, child_rel, language, size)
    for subdir, sub_rel in subdirs:
        yield from _walk_dir(subdir, sub_rel, registry, options, local, seen)
