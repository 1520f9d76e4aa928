"""Optional extras: which one a command needs, and the one line that says how to get it.

Why: ``pip install sig2rtm`` carries only the core (attrs, blinker, typing-extensions), so
that an app embedding the shim pulls in nothing else. A command that needs an extra must
say so in one line (and exit non-zero), never end in ``ModuleNotFoundError``.
"""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRA_MODULES", "MissingExtra", "install_hint", "missing_module", "require"]

#: extra (as in pyproject.toml) -> the top-level modules it provides.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "server": ("websockets", "prometheus_client", "fastapi", "uvicorn"),
    "redis": ("redis",),
    "rts": ("httpx",),
    "audit": (
        "tree_sitter",
        "tree_sitter_java",
        "tree_sitter_kotlin",
        "tree_sitter_objc",
        "tree_sitter_swift",
        "tree_sitter_c",
        "tree_sitter_cpp",
        "tree_sitter_javascript",
        "tree_sitter_typescript",
        "tree_sitter_python",
        "pathspec",
        "rich",
    ),
}


class MissingExtra(RuntimeError):
    """A feature needs an extra that is not installed; ``str()`` is the one line to show."""

    def __init__(self, what: str, extra: str, module: str) -> None:
        self.extra = extra
        self.module = module
        super().__init__(f"{what} needs the '{extra}' extra ({module} is not installed): "
                         f"{install_hint(extra)}")  # fmt: skip


def install_hint(extra: str) -> str:
    return f"pip install 'sig2rtm[{extra}]'"


def missing_module(extra: str) -> str | None:
    """The first module of ``extra`` that cannot be imported, or None when all are there."""
    for module in EXTRA_MODULES[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a broken or blocked installation
            found = False
        if not found:
            return module
    return None


def require(extra: str, what: str) -> None:
    """Raise :class:`MissingExtra` when ``extra`` is not (fully) installed."""
    module = missing_module(extra)
    if module is not None:
        raise MissingExtra(what, extra, module)
