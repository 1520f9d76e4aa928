"""Migration audit: every legacy Agora Signaling call site in a codebase, with its RTM
replacement and what to review.

It reads Java, Kotlin, Objective-C, Swift, C, C++, JavaScript/TypeScript (JSX/TSX) and Python
with tree-sitter, traces receivers to tell SDK calls from same-named methods, and describes
each finding from the same mapping tables the shim runs on (:mod:`mapping_tables`).

Command line: ``sig2rtm audit PATH ...`` or ``python -m migration_audit PATH ...``
(:mod:`migration_audit.cli`). Library::

    from migration_audit import AuditOptions, run_audit, RENDERERS
    report = run_audit(AuditOptions(paths=(Path("app"),)))
    print(RENDERERS["markdown"](report))

See docs/audit.md for formats, exit codes, the baseline, ignore comments and the runtime trace.
"""

from migration_audit.audit import TOOL, VERSION, AuditError, AuditOptions, run_audit
from migration_audit.enrich import DifferenceNote, Finding
from migration_audit.model import Analysis, Confidence, FindingKind
from migration_audit.policy import EXIT_ERROR, EXIT_FAIL, EXIT_INCOMPLETE, EXIT_OK
from migration_audit.render import RENDERERS
from migration_audit.report import AuditReport

__all__ = [
    "EXIT_ERROR",
    "EXIT_FAIL",
    "EXIT_INCOMPLETE",
    "EXIT_OK",
    "RENDERERS",
    "TOOL",
    "VERSION",
    "Analysis",
    "AuditError",
    "AuditOptions",
    "AuditReport",
    "Confidence",
    "DifferenceNote",
    "Finding",
    "FindingKind",
    "run_audit",
]
