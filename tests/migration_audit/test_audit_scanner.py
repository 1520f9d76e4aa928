"""One file's scan: prefilter, size cap, deadline, unreadable files, ignore directives."""

from __future__ import annotations

from pathlib import Path

from migration_audit.ignore import parse_directive_text
from migration_audit.model import Analysis, Confidence, Task
from migration_audit.scanner import ScanContext, scan_source, scan_task
from tests.migration_audit.audit_support import scan_text, stub_catalogue

JAVA = (
    "class A { AgoraAPIOnlySignal api; void f() { api.messageInstantSend(p, 0, m, i); } }\n"
)


def context(**overrides: float) -> ScanContext:
    values = {"max_bytes": 1_000_000, "timeout": 10.0, **overrides}
    return ScanContext(stub_catalogue().indexes, int(values["max_bytes"]), values["timeout"])


def test_file_without_spellings_is_clean_and_not_parsed() -> None:
    result = scan_text("java", "class Plain { int add(int a, int b) { return a + b; } }")
    assert result.analysis is Analysis.CLEAN
    assert result.findings == ()


def test_oversized_file_gets_a_text_search(tmp_path: Path) -> None:
    path = tmp_path / "Big.java"
    path.write_text(JAVA + "// api.channelJoin(x) in a comment\n" + " " * 2000, "utf-8")
    result = scan_task(
        Task(str(path), "Big.java", "java", path.stat().st_size), context(max_bytes=500)
    )
    assert result.analysis is Analysis.FALLBACK
    assert "size cap" in result.reason
    # distinctive names only, comments included (it cannot tell), all low confidence
    assert sorted((f.api, f.line) for f in result.findings) == [
        ("channelJoin", 2),
        ("messageInstantSend", 1),
    ]
    assert {f.confidence for f in result.findings} == {Confidence.LOW}


def test_deadline_falls_back_to_text_search() -> None:
    big = JAVA + "class B { void g() { int x = 1; } }\n" * 20000
    result = scan_source("Slow.java", "java", big.encode(), context(timeout=1e-6))
    assert result.analysis is Analysis.FALLBACK
    assert "deadline" in result.reason
    assert [f.api for f in result.findings] == ["messageInstantSend"]


def test_unreadable_file_is_reported_not_dropped(tmp_path: Path) -> None:
    task = Task(str(tmp_path / "gone.java"), "gone.java", "java", 0)
    result = scan_task(task, context())
    assert result.analysis is Analysis.FAILED
    assert result.reason.startswith("cannot read")


def test_undecodable_bytes_do_not_stop_the_scan() -> None:
    source = JAVA.encode().replace(b"void f()", b"void f() /* \xff\xfe */")
    result = scan_source("A.java", "java", source, context())
    assert [f.api for f in result.findings] == ["messageInstantSend"]


def test_header_sniffing_picks_the_grammar() -> None:
    objc = b"#import <AgoraSigKit/AgoraSigKit.h>\nvoid f(AgoraAPI *a) { [a logout]; }\n"
    cpp = b'#include "agora_sig.h"\nvoid f(agora_sdk_cpp::IAgoraAPI *a) { a->logout(); }\n'
    assert scan_source("a.h", "header", objc, context()).language == "objc"
    assert scan_source("b.h", "header", cpp, context()).language == "cpp"
    found = scan_source("a.h", "header", objc, context()).findings
    assert [f.api for f in found] == ["AgoraSigKit", "logout"]  # the #import is a site too


def test_ignore_directive_syntax() -> None:
    assert parse_directive_text("// sig2rtm-audit: ignore") == ()
    assert parse_directive_text("# sig2rtm-audit: ignore[login, logout]") == ("login", "logout")
    assert parse_directive_text("/* sig2rtm-audit:ignore[ login ] */") == ("login",)
    assert parse_directive_text("// sig2rtm-audit: ignored") is None
    assert parse_directive_text("// nothing here") is None


def test_ignore_comment_above_covers_the_next_line_only() -> None:
    code = (
        "class A { AgoraAPIOnlySignal api; void f() {\n"
        "  // sig2rtm-audit: ignore\n"
        "  api.channelJoin(c);\n"
        "  api.channelLeave(c);\n"
        "} }\n"
    )
    result = scan_text("java", code)
    assert [(f.line, f.ignored) for f in result.findings] == [(3, True)]
    assert [d.used for d in result.ignores] == [True]


def test_ignore_in_a_string_is_not_a_directive() -> None:
    code = 'class A { void f() { x.messageInstantSend("sig2rtm-audit: ignore", 0, m, i); } }'
    result = scan_text("java", code)
    assert [f.ignored for f in result.findings] == [False]
    assert result.ignores == ()


def test_a_cancelled_parse_does_not_leak_into_the_next_file() -> None:
    """tree-sitter resumes a cancelled parse on the next call unless the parser is reset."""
    slow = (JAVA + "class B { void g() { int x = 1; } }\n" * 20000).encode()
    assert scan_source("Slow.java", "java", slow, context(timeout=1e-6)).analysis is (
        Analysis.FALLBACK
    )
    other = b"class C { void h(Thing t) { t.channelJoin(c); } }"
    result = scan_source("C.java", "java", other, context())
    assert result.analysis is Analysis.FULL
    assert [(f.api, f.line) for f in result.findings] == [("channelJoin", 1)]
