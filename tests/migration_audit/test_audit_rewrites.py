"""Rewrites that must not change the findings (Android Lint's "test modes", by hand).

Each group holds one base program and rewrites of it: extra comments (also inside calls),
line breaks inside calls and chains, import aliases, fully qualified names, extra
parentheses. Every variant must yield the same (api, kind, confidence) multiset. A second
test applies mechanical rewrites (a comment line before every line, leading blank lines) to
every fixture file and requires the same findings on the shifted lines.
"""

from __future__ import annotations

import pytest

from migration_audit.languages import registry
from migration_audit.model import Analysis
from tests.migration_audit.audit_support import (
    PROJECT,
    finding_keys,
    real_catalogue,
    scan_text,
)

GROUPS: dict[str, tuple[str, list[str]]] = {
    "java": (
        "java",
        [
            """import io.agora.AgoraAPIOnlySignal;
class A {
  void f(Context ctx) {
    AgoraAPIOnlySignal api = AgoraAPIOnlySignal.getInstance(ctx, "id");
    api.login2("id", "alice", "_no_need_token", 0, "", 5, 1);
    api.logout();
  }
}
""",
            # line breaks inside the chain and the argument list
            """import io.agora.AgoraAPIOnlySignal;
class A {
  void f(Context ctx) {
    AgoraAPIOnlySignal api =
        AgoraAPIOnlySignal
            .getInstance(ctx,
                         "id");
    api
        .login2(
            "id", "alice",
            "_no_need_token", 0, "", 5, 1);
    api.logout(
    );
  }
}
""",
            # comments everywhere, including between receiver and name
            """import io.agora.AgoraAPIOnlySignal; // the SDK
class A {
  /** Logs in. api.logout() here is documentation. */
  void f(Context ctx) {
    AgoraAPIOnlySignal api = /* factory */ AgoraAPIOnlySignal.getInstance(ctx, "id");
    api./* c */login2(/* app */ "id", "alice", "_no_need_token", 0, "", 5, 1); // login
    api.logout(); /* api.logout(); */
  }
}
""",
            # fully qualified names, no import
            """class A {
  void f(Context ctx) {
    io.agora.AgoraAPIOnlySignal api = io.agora.AgoraAPIOnlySignal.getInstance(ctx, "id");
    api.login2("id", "alice", "_no_need_token", 0, "", 5, 1);
    api.logout();
  }
}
""",
            # extra parentheses and `var`
            """import io.agora.AgoraAPIOnlySignal;
class A {
  void f(Context ctx) {
    var api = (AgoraAPIOnlySignal.getInstance(ctx, "id"));
    (api).login2("id", "alice", ("_no_need_token"), 0, "", 5, 1);
    ((api)).logout();
  }
}
""",
        ],
    ),
    "kotlin": (
        "kotlin",
        [
            """import io.agora.AgoraAPIOnlySignal
fun f(ctx: Context) {
    val api = AgoraAPIOnlySignal.getInstance(ctx, "id")
    api.channelJoin("room")
    api.logout()
}
""",
            """import io.agora.AgoraAPIOnlySignal as Sig
fun f(ctx: Context) {
    val api: Sig = Sig.getInstance(ctx, "id")
    api.channelJoin("room")
    api.logout()
}
""",
            """fun f(ctx: Context) {
    val api = io.agora.AgoraAPIOnlySignal.getInstance(ctx, "id")
    api
        .channelJoin(
            "room"
        )
    // api.logout() is not it; the next line is
    api.logout()
}
""",
        ],
    ),
    "python": (
        "python",
        [
            """from agorasigsdk import AgoraSignal
sig = AgoraSignal("app")
session = sig.login("alice", "token")
session.msg_instant_send("bob", "hi", cb)
session.logout()
""",
            """import agorasigsdk as sdk
sig = sdk.AgoraSignal("app")
session = sig.login("alice", "token")
session.msg_instant_send("bob", "hi", cb)
session.logout()
""",
            """from agorasigsdk import AgoraSignal as Entry
sig = Entry(
    "app",
)
session = (
    sig
    .login("alice", "token")
)
session.msg_instant_send(  # send
    "bob", "hi", cb
)
session.logout()  # done
""",
            """import agorasigsdk
session = agorasigsdk.AgoraSignal("app").login("alice", "token")
session.msg_instant_send("bob", "hi", cb)
session.logout()
""",
        ],
    ),
    "typescript": (
        "typescript",
        [
            """import { Signal } from "./vendor/AgoraSig";
const sig = Signal("app");
const session = sig.login("alice", "token");
session.onLoginSuccess = (uid: number) => {};
session.logout();
""",
            """import { Signal as Legacy } from "./vendor/AgoraSig";
const sig = Legacy("app");
const session = sig
  .login("alice",
         "token");
session.onLoginSuccess = (uid: number) => {};
session.logout(/* now */);
""",
            """import * as agora from "./vendor/AgoraSig";
const sig = agora.Signal("app");
const session = sig.login("alice", "token");
session["x"] = 1;
session.onLoginSuccess = function (uid: number) {};
(session).logout();
""",
        ],
    ),
    "cpp": (
        "cpp",
        [
            """#include "agora_sig.h"
void f() {
    agora_sdk_cpp::IAgoraAPI *api = agora_sdk_cpp::getAgoraSDKInstanceCPP();
    api->channelJoin("room", 4);
    api->logout();
}
""",
            """#include "agora_sig.h"
using namespace agora_sdk_cpp;
void f() {
    IAgoraAPI *api = getAgoraSDKInstanceCPP();
    api
        ->channelJoin("room",
                      4);
    api->/* bye */logout();
}
""",
            """#include "agora_sig.h"
using Api = agora_sdk_cpp::IAgoraAPI;
void f() {
    Api *api = agora_sdk_cpp::getAgoraSDKInstanceCPP();
    (api)->channelJoin("room", 4);
    (*api).logout();
}
""",
        ],
    ),
    "objc": (
        "objc",
        [
            """#import <AgoraSigKit/AgoraSigKit.h>
void f(NSString *appId) {
    AgoraAPI *inst = [AgoraAPI getInstanceWithoutMedia:appId];
    [inst messageInstantSend:@"bob" uid:0 msg:@"hi" msgID:@""];
    [inst logout];
}
""",
            """#import <AgoraSigKit/AgoraSigKit.h>
void f(NSString *appId) {
    AgoraAPI *inst =
        [AgoraAPI
            getInstanceWithoutMedia:appId];
    [inst messageInstantSend:@"bob" // peer
                         uid:0
                         msg:@"hi" /* text */
                       msgID:@""];
    [inst
        logout];
}
""",
        ],
    ),
    "swift": (
        "swift",
        [
            """import AgoraSigKit
func f(appId: String) {
    let agora = AgoraAPI.getInstanceWithoutMedia(appId)
    agora?.channelJoin("room")
    agora?.logout()
}
""",
            """import AgoraSigKit
func f(appId: String) {
    let agora: AgoraAPI? = AgoraSigKit.AgoraAPI
        .getInstanceWithoutMedia(appId)
    agora?
        .channelJoin(
            "room" // the room
        )
    agora?.logout(/* bye */)
}
""",
        ],
    ),
}


@pytest.mark.parametrize("group", list(GROUPS))
def test_rewrites_keep_findings(group: str) -> None:
    language, variants = GROUPS[group]
    catalogue = real_catalogue()
    base = finding_keys(scan_text(language, variants[0], catalogue=catalogue))
    assert base, f"{group}: the base program must have findings"
    assert all(confidence == "high" for _api, _kind, confidence in base), base
    for number, variant in enumerate(variants[1:], 1):
        keys = finding_keys(scan_text(language, variant, catalogue=catalogue))
        assert keys == base, f"{group} variant {number}: {keys} != {base}"


COMMENT = {"python": "#"}


def _fixture_files() -> list[str]:
    files = []
    for path in sorted(PROJECT.rglob("*")):
        relpath = path.relative_to(PROJECT).as_posix()
        if path.is_file() and registry().language_of(path) and not relpath.startswith("ignore/"):
            files.append(relpath)
    return files


@pytest.mark.parametrize("relpath", _fixture_files())
def test_inserted_comment_lines_shift_findings_only(relpath: str) -> None:
    path = PROJECT / relpath
    language = registry().language_of(path)
    assert language is not None
    text = path.read_text("utf-8")
    marker = COMMENT.get(language, "//")
    lines = text.split("\n")
    shifted = "\n\n\n" + "\n".join(f"{marker} legacy login() logout()\n{line}" for line in lines)
    catalogue = real_catalogue()
    before = scan_text(language, text, catalogue=catalogue, relpath=relpath)
    after = scan_text(language, shifted, catalogue=catalogue, relpath=relpath)
    moved = sorted((f.line, f.api, f.confidence.value) for f in after.findings)
    expected = sorted((2 * f.line + 3, f.api, f.confidence.value) for f in before.findings)
    assert moved == expected
    # the inserted comments mention generic names, so a clean file may now be parsed (and
    # still yield nothing); a syntax error must neither appear nor vanish
    partial = {Analysis.PARTIAL}
    assert (after.analysis in partial) == (before.analysis in partial)
