"""Records the audit passes between its stages.

The scan stage runs in worker processes and returns :class:`FileResult` records (plain,
picklable, no table knowledge). The enrich stage runs in the parent and turns each
:class:`RawFinding` into a :class:`Finding` by looking the API up in the mapping tables, so
every fact about a replacement comes from :mod:`mapping_tables` and nowhere else.
"""

from __future__ import annotations

import enum

import attrs


class Confidence(enum.Enum):
    """How sure the audit is that a match is the legacy SDK and not a same-named API."""

    #: The receiver or class traces to the SDK (factory, SDK type, import, subclass, header),
    #: or a distinctive name in a file that shows SDK evidence.
    HIGH = "high"
    #: A distinctive name without SDK evidence, or a generic name on a weakly traced receiver.
    MEDIUM = "medium"
    #: A generic name (``login``, ``logout``, ``invoke`` ...) without SDK evidence: review it.
    LOW = "low"

    @property
    def rank(self) -> int:
        return _CONFIDENCE_RANK[self]


_CONFIDENCE_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


class FindingKind(enum.Enum):
    """What the matched code does with the legacy API."""

    CALL = "call"
    #: A callback definition or override (method in an ICallBack subclass, Python callback
    #: class method) or a callback assignment (``session.onLoginSuccess = ...``, block property).
    CALLBACK = "callback"
    #: An SDK factory or constructor (``getInstance``, ``Signal(...)``, ``AgoraSignal(...)``).
    FACTORY = "factory"
    #: A legacy marker inside a string literal (``"_no_need_token"``).
    TOKEN = "token"
    #: An import of the SDK (``from agorasigsdk import ...``, ``import io.agora.signal...``,
    #: ``#include "agora_sig.h"``): a line the migration must change.
    IMPORT = "import"
    #: A class extending an SDK type (``class X(LoginSession.LoginCallback)``,
    #: ``class CallBack : public ICallBack``): its methods move to RTM's listeners.
    SUBCLASS = "subclass"


class Analysis(enum.Enum):
    """How completely a file was analysed."""

    #: The prefilter found no legacy spelling: the file cannot contain a finding.
    CLEAN = "clean"
    #: Parsed without syntax errors.
    FULL = "full"
    #: The tree has syntax errors; findings come from the parts that did parse.
    PARTIAL = "partial"
    #: Not parsed (size cap, deadline, grammar failure): findings come from a text search and
    #: cannot tell comments or strings from code.
    FALLBACK = "fallback"
    #: Could not be read at all (I/O or decoding error, or the worker died on it).
    FAILED = "failed"


class ReceiverState(enum.Enum):
    """What the audit knows about the object a call or callback hangs on."""

    SDK_STRONG = "sdk"
    SDK_WEAK = "sdk-weak"
    UNKNOWN = "unknown"
    FOREIGN = "foreign"
    NONE = "none"


@attrs.frozen
class Task:
    """One file to scan, as the parent hands it to a worker."""

    path: str  # absolute path on disk
    relpath: str  # POSIX path relative to the audit root, as reports show it
    language: str  # a key of the language registry ("java", "objc", ...)
    size: int


@attrs.frozen
class RawFinding:
    """One legacy API use, as the scanner saw it (no table knowledge yet)."""

    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    kind: FindingKind
    #: The name as written (for ObjC the rebuilt selector).
    spelling: str
    #: Canonical legacy API name (a key of ``MappingTables.legacy_api``).
    api: str
    confidence: Confidence
    #: Why the confidence is what it is, e.g. "receiver from factory getInstance".
    evidence: str
    #: The source line, stripped (used for fingerprints and reports).
    snippet: str
    #: Enclosing class / function names, outermost first, joined with ".".
    scope: str
    #: Inside a preprocessor conditional (#if / #ifdef): compiled only in some builds.
    conditional: bool = False
    #: Suppressed by an inline ``sig2rtm-audit: ignore`` comment.
    ignored: bool = False


@attrs.frozen
class IgnoreDirective:
    """An inline ``sig2rtm-audit: ignore[...]`` comment."""

    line: int
    #: The lines it covers (its own line, plus the next one for a comment alone on its line).
    covers: tuple[int, ...]
    #: API names it is limited to; empty means every API.
    apis: tuple[str, ...]
    used: bool


@attrs.frozen
class FileResult:
    """Everything the scan learned about one file."""

    relpath: str
    language: str
    analysis: Analysis
    #: Why the file is not fully analysed ("" when FULL or CLEAN).
    reason: str
    findings: tuple[RawFinding, ...]
    ignores: tuple[IgnoreDirective, ...] = ()
    #: Syntax-error regions as (line, column) starts, for the "partially analysed" list.
    error_lines: tuple[int, ...] = ()
    seconds: float = 0.0
