"""Receiver tracing and confidence, on small programs and the hand-made stub catalogue."""

from __future__ import annotations

import pytest

from migration_audit.analyse import CALL_RULES, CALLBACK_RULES, FACTORY_RULES, head_key
from migration_audit.model import Analysis, Confidence, FindingKind, ReceiverState
from tests.migration_audit.audit_support import scan_text

#: Import and subclass sites have tests of their own (below); the tracing tests look at the
#: uses of the API.
SDK_SITES = (FindingKind.IMPORT, FindingKind.SUBCLASS)


def found(language: str, code: str) -> list[tuple[int, str, str]]:
    result = scan_text(language, code)
    return [(f.line, f.api, f.confidence.value) for f in result.findings if f.kind not in SDK_SITES]


def sites(language: str, code: str) -> list[tuple[int, str, str, str]]:
    result = scan_text(language, code)
    return [
        (f.line, f.kind.value, f.api, f.confidence.value)
        for f in result.findings
        if f.kind in SDK_SITES
    ]


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("java", 'class A { void f() { // api.logout();\n String s = "api.logout()"; } }'),
        ("kotlin", 'fun f() {\n /* api.logout() */ val s = "api.logout()"\n}'),
        ("objc", 'void f() {\n // [api logout];\n NSLog(@"[api logout]");\n}'),
        ("swift", 'func f() {\n // api.logout()\n let s = "api.logout()"\n}'),
        ("c", 'void f() {\n /* api->logout(); */ char *s = "api->logout()";\n}'),
        ("cpp", 'void f() {\n // api->logout();\n auto s = R"(api->logout())";\n}'),
        ("javascript", "// session.logout()\nconst s = `session.logout()`;"),
        ("typescript", "/* session.logout() */\nconst s: string = 'session.logout()';"),
        ("tsx", "const el = <b title='session.logout()'>session.logout()</b>;"),
        ("python", '# session.logout()\ns = "session.logout()"\n"""session.logout()"""'),
    ],
)
def test_comments_and_strings_are_not_findings(language: str, code: str) -> None:
    result = scan_text(language, code)
    assert result.analysis is Analysis.FULL
    assert result.findings == ()


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("java", "class A { UserService users = new UserService(); void f() { users.logout(); } }"),
        ("kotlin", "fun f() {\n val users = UserService()\n users.logout()\n}"),
        ("objc", "void f() {\n UserService *users = [UserService new];\n [users logout];\n}"),
        ("swift", "func f() {\n let users = UserService()\n users.logout()\n}"),
        ("cpp", "void f() {\n UserService users;\n users.logout();\n}"),
        ("javascript", "const users = new UserService();\nusers.logout();"),
        ("typescript", "const users: UserService = make();\nusers.logout();"),
        ("python", "users = UserService()\nusers.logout()"),
    ],
)
def test_generic_name_on_unrelated_receiver_is_not_a_finding(language: str, code: str) -> None:
    assert found(language, code) == []


def test_generic_name_on_untraced_receiver_is_low() -> None:
    assert found("java", "class A { void f(Thing t) { t.logout(); } }") == []  # declared Thing
    assert found("java", "class A { void f() { t.logout(); } }") == [(1, "logout", "low")]


def test_generic_bare_call_is_not_a_finding() -> None:
    assert found("c", "void f() { login(1); logout(); }") == []
    assert found("python", "login()\nlogout()") == []


def test_distinctive_name_without_evidence_is_medium_with_evidence_high() -> None:
    code = "class A { void f() { x.messageInstantSend(a, 0, m, id); } }"
    assert found("java", code) == [(1, "messageInstantSend", "medium")]
    imported = "import io.agora.AgoraAPIOnlySignal;\n" + code
    assert found("java", imported) == [(2, "messageInstantSend", "high")]


def test_distinctive_name_on_unrelated_receiver_is_medium() -> None:
    code = "class A { Wrapper w = new Wrapper(); void f() { w.messageInstantSend(a, 0, m, i); } }"
    assert found("java", code) == [(1, "messageInstantSend", "medium")]


def test_receiver_of_a_distinctive_call_traces_generic_calls() -> None:
    code = "function f(s) {\n  s.messageInstantSend(p, m);\n  s.logout();\n}"
    assert found("javascript", code) == [
        (2, "messageInstantSend", "medium"),
        (3, "logout", "medium"),
    ]


def test_factory_result_propagates_through_sdk_methods() -> None:
    code = (
        'import "agora-signaling";\n'
        "const sig = Signal(id);\n"
        "const session = sig.login(a, t);\n"
        "const channel = session.channelJoin(c);\n"
        "channel.logout();\n"
    )
    assert found("javascript", code) == [
        (2, "getInstance", "high"),
        (3, "login", "high"),
        (4, "channelJoin", "high"),
        (5, "logout", "high"),
    ]


def test_getter_named_after_the_sdk_is_weak_evidence() -> None:
    code = "class A { void f() { App.get().getAgoraApi().logout(); } }"
    assert found("java", code) == [(1, "logout", "medium")]


def test_static_call_on_another_type_is_not_a_factory() -> None:
    # the stub catalogue's native factory is `getInstance` (like the real one)
    assert found("java", "class A { void f() { Calendar.getInstance(); } }") == []
    sdk = "class A { void f() { AgoraAPIOnlySignal.getInstance(c, id); } }"
    assert found("java", sdk) == [(1, "getInstance", "high")]


def test_callback_in_sdk_subclass_is_high_in_foreign_class_dropped_when_generic() -> None:
    sdk = (
        "class H extends ICallBack {\n"
        "  public void onLogout(int e) {}\n"
        "  public void onChannelUserList(String[] a, int[] u) {}\n"
        "}"
    )
    assert found("java", sdk) == [(2, "onLogout", "high"), (3, "onChannelUserList", "high")]
    foreign = sdk.replace("ICallBack", "Activity")
    assert found("java", foreign) == [(3, "onChannelUserList", "medium")]


def test_callback_class_inherits_through_local_class() -> None:
    code = (
        "class Base extends AgoraAPI.CallBack {}\n"
        "class Mine extends Base {\n"
        "  public void onLogout(int e) {}\n"
        "}"
    )
    assert found("java", code) == [(3, "onLogout", "high")]


def test_cpp_out_of_line_definition_uses_the_class_in_the_file() -> None:
    code = (
        "class H : public agora_sdk_cpp::ICallBack { void onLogout(int) override; };\n"
        "void H::onLogout(int e) {}\n"
    )
    assert found("cpp", code) == [(2, "onLogout", "high")]


def test_python_callback_parameters_trace_to_the_sdk() -> None:
    code = (
        "from agorasigsdk import LoginSession\n"
        "class Cb(LoginSession.LoginCallback):\n"
        "    def on_login_success(self, session, uid):\n"
        "        session.logout()\n"
    )
    assert found("python", code) == [(3, "onLoginSuccess", "high"), (4, "logout", "high")]


def test_objective_c_block_property_and_setter() -> None:
    code = (
        "#import <AgoraSigKit/AgoraSigKit.h>\n"
        "void f(AgoraAPI *inst) {\n"
        "  inst.onLogout = ^(int e) {};\n"
        "  [inst setOnLoginSuccess:^(uint32_t uid, int fd) {}];\n"
        "}\n"
    )
    result = scan_text("objc", code)
    assert [(f.line, f.api, f.kind, f.confidence) for f in result.findings] == [
        (1, "AgoraSigKit", FindingKind.IMPORT, Confidence.HIGH),
        (3, "onLogout", FindingKind.CALLBACK, Confidence.HIGH),
        (4, "onLoginSuccess", FindingKind.CALLBACK, Confidence.HIGH),
    ]


def test_objective_c_full_selector_wins_over_first_keyword() -> None:
    code = (
        "void f(AgoraAPI *a) {\n"
        "  [a login2:x account:y token:z uid:0 deviceID:nil retry_time_in_s:1 retry_count:2];\n"
        "}"
    )
    result = scan_text("objc", code)
    assert [(f.api, f.spelling) for f in result.findings] == [
        ("login2", "login2:account:token:uid:deviceID:retry_time_in_s:retry_count:")
    ]


def test_no_need_token_in_strings_only() -> None:
    code = 'class A { void f() { login(x, "_no_need_token"); } } // _no_need_token'
    result = scan_text("java", code)
    assert [(f.api, f.kind) for f in result.findings] == [("_no_need_token", FindingKind.TOKEN)]
    # reported at the string literal, not at the comment
    assert code[result.findings[0].column - 1 :].startswith('"_no_need_token"')


def test_columns_count_characters_not_bytes() -> None:
    code = 'class A { void f() { String é = "é"; api.messageInstantSend(a, 0, m, i); } }'
    (finding,) = scan_text("java", code).findings
    assert code[finding.column - 1 :].startswith("messageInstantSend")


def test_scope_names_enclosing_class_and_method() -> None:
    code = "class Outer { void send() { api.messageInstantSend(a, 0, m, i); } }"
    (finding,) = scan_text("java", code).findings
    assert finding.scope == "Outer.send"


@pytest.mark.parametrize(
    ("expression", "key"),
    [
        ("this.mApi", "mApi"),
        ("AGApplication.the().getmAgoraAPI()", "getmAgoraAPI"),
        ("[self inst]", "inst"),
        ("[AgoraAPI getInstanceWithoutMedia:appId]", "getInstanceWithoutMedia"),
        ("(api)", "api"),
        ("self.session", "session"),
        ("list[0]", "list"),
        ("Foo<Bar>.create", "create"),
        ("()", None),
    ],
)
def test_head_key(expression: str, key: str | None) -> None:
    assert head_key(expression) == key


@pytest.mark.parametrize("rules", [CALL_RULES, FACTORY_RULES, CALLBACK_RULES])
def test_rule_tables_are_complete_and_monotonic(
    rules: dict[tuple[ReceiverState, bool], tuple[Confidence | None, Confidence | None]],
) -> None:
    for state in ReceiverState:
        for generic in (False, True):
            with_evidence, without = rules[(state, generic)]
            # file evidence never lowers confidence
            rank = {None: -1, Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}
            assert rank[with_evidence] >= rank[without]
        # a generic name is never more certain than a distinctive one
        for column in (0, 1):
            rank = {None: -1, Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}
            assert rank[rules[(state, True)][column]] <= rank[rules[(state, False)][column]]
    assert rules[(ReceiverState.SDK_STRONG, True)] == (Confidence.HIGH, Confidence.HIGH)


def test_generic_platform_word_for_a_distinctive_api_needs_evidence() -> None:
    # `accept` is the Python SDK's spelling of channelInviteAccept: alone it means nothing
    plain = "import socket\nconn = sock.accept()\n"
    assert found("python", plain) == []
    sdk = "import agorasigsdk\nconn = call.accept()\n"
    assert found("python", sdk) == [(2, "channelInviteAccept", "low")]
    # a generic API name (login) is still reported for review without evidence
    assert found("python", "client.login()\n") == [(1, "login", "low")]


def test_tokens_in_docstrings_are_documentation() -> None:
    code = 'def f():\n    """Pass _no_need_token in tests."""\n    return login("_no_need_token")\n'
    result = scan_text("python", code)
    assert [(f.line, f.api) for f in result.findings] == [(3, "_no_need_token")]


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        (
            "python",
            "from agorasigsdk import LoginSession\n"
            "class Cb(LoginSession.LoginCallback):\n    pass\n",
            [(1, "import", "agorasigsdk", "high"), (2, "subclass", "LoginCallback", "high")],
        ),
        (
            "cpp",
            '#include "agora_sig.h"\nclass CallBack : public ICallBack {};\n',
            [(1, "import", "agora_sig.h", "high"), (2, "subclass", "ICallBack", "high")],
        ),
        (
            "java",
            "import io.agora.signal.Signal;\nclass Main {}\n",
            [(1, "import", "io.agora", "high")],  # the stub catalogue's module
        ),
        ("java", "import java.util.List;\nclass Cb extends Callback {}\n", []),
        ("python", "from mylib import LoginSession\nclass Cb(Base):\n    pass\n", []),
    ],
)
def test_imports_and_subclasses_of_the_sdk_are_sites(
    language: str, code: str, expected: list[tuple[int, str, str, str]]
) -> None:
    assert sites(language, code) == expected
