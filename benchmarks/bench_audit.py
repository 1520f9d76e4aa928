"""Migration audit throughput on generated trees, beside ``grep -rn`` over the same tree.

Run: ``python benchmarks/bench_audit.py [--files N] [--repeats R] [--jobs J] [--keep DIR]``

Two trees of N files (default 5,000) across all nine languages:

* mostly clean: 96 % of the files never mention the SDK (ordinary code; about one file in
  thirty calls a generic name such as ``start()`` on a declared object, so the prefilter lets
  it through and it is parsed), 4 % use the SDK;
* all parsed: every file uses the SDK, so every file is parsed and analysed.

For each tree it times the audit as a user runs it, a fresh ``python -m migration_audit``
process writing a JSON report (interpreter start-up, mapping tables, query compilation, walk,
prefilter, parse, analyse, report) with J worker processes (default: usable CPUs), and
``grep -rn -w -F -f SPELLINGS`` over the same files (SPELLINGS = every catalogue spelling),
and prints the median of R runs (default 3), files per second and the audit/grep ratio.
Goals: >= 1,000 files/s on the mostly clean tree and >= 200 files/s on the all-parsed tree.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Run from a checkout: the repository's packages win over an older installed copy.
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mapping_tables import load  # noqa: E402
from migration_audit.executor import default_jobs  # noqa: E402

GOALS = {"mostly clean": 1000.0, "all parsed": 200.0}
SDK_SHARE = 0.04
GENERIC_SHARE = 1 / 30

# Ordinary code per language: {i} makes every file distinct, {body} repeats a block.
CLEAN = {
    ".java": (
        "package app.module{i};\n\nimport java.util.List;\nimport java.util.ArrayList;\n\n"
        "public class Service{i} {{\n    private final List<String> items = new ArrayList<>();\n"
        "{body}}}\n",
        "    public int compute{k}(int a, int b) {{\n        int total = 0;\n"
        "        for (int x = 0; x < a; x++) {{ total += x * b + {k}; }}\n"
        "        items.add(String.valueOf(total));\n        return total;\n    }}\n\n",
    ),
    ".kt": (
        "package app.module{i}\n\nclass Repo{i}(private val name: String) {{\n{body}}}\n",
        "    fun score{k}(values: List<Int>): Int {{\n"
        "        val filtered = values.filter {{ it > {k} }}\n"
        "        return filtered.sumOf {{ it * 2 }} + name.length\n    }}\n\n",
    ),
    ".py": (
        '"""Module {i}: data helpers."""\n\nimport math\n\n\nclass Table{i}:\n'
        "    def __init__(self, rows):\n        self.rows = list(rows)\n\n{body}",
        "    def column_{k}(self, index):\n"
        "        values = [row[index] for row in self.rows if row]\n"
        "        return math.fsum(values) / max(len(values), 1) + {k}\n\n",
    ),
    ".js": (
        '"use strict";\n\nconst format{i} = (value) => `${{value}}`;\n\n{body}'
        "module.exports = {{ format{i} }};\n",
        "function render{k}(items) {{\n  return items\n    .filter((x) => x.visible)\n"
        '    .map((x) => format{k}(x.label + {k}))\n    .join("\\n");\n}}\n\n',
    ),
    ".ts": (
        "export interface Item{i} {{ id: number; label: string }}\n\n{body}",
        "export function pick{k}(items: Item{k}[], id: number): string {{\n"
        "  const found = items.find((item) => item.id === id + {k});\n"
        '  return found ? found.label : "";\n}}\n\n',
    ),
    ".m": (
        "#import <Foundation/Foundation.h>\n\n@implementation Model{i}\n{body}@end\n",
        "- (NSInteger)sum{k}:(NSArray<NSNumber *> *)values {{\n    NSInteger total = {k};\n"
        "    for (NSNumber *n in values) {{ total += n.integerValue; }}\n    return total;\n}}\n\n",
    ),
    ".swift": (
        "import Foundation\n\nstruct Store{i} {{\n    var names: [String] = []\n{body}}}\n",
        "    func count{k}(prefix: String) -> Int {{\n"
        "        return names.filter {{ $0.hasPrefix(prefix) }}.count + {k}\n    }}\n\n",
    ),
    ".cpp": (
        "#include <vector>\n#include <string>\n\nnamespace app{i} {{\n{body}}}\n",
        "int accumulate{k}(const std::vector<int>& values) {{\n    int total = {k};\n"
        "    for (int v : values) {{ total += v * 3; }}\n    return total;\n}}\n\n",
    ),
    ".c": (
        "#include <stdio.h>\n\n{body}",
        "static int add{k}(int a, int b) {{\n    int r = a + b + {k};\n"
        "    if (r < 0) {{ return -r; }}\n    return r;\n}}\n\n",
    ),
}

# A generic SDK name on a declared, unrelated object: parsed, traced away, no finding.
GENERIC = {
    ".java": "    void run() {{ Thread worker = new Thread(this::tick); worker.start(); }}\n",
    ".kt": "    fun run() {{ val timer = Timer(); timer.start() }}\n",
    ".py": "    def run(self):\n        timer = Timer()\n        timer.start()\n\n",
    ".js": "const clock = new Clock();\nclock.start();\n",
    ".ts": "const clock: Clock = new Clock();\nclock.start();\n",
    ".m": "- (void)run {{ NSTimer *timer = [NSTimer new]; [timer stop]; }}\n",
    ".swift": "    func run() {{ let timer = Timer(); timer.stop() }}\n",
    ".cpp": "void run() {{ Timer timer; timer.start(); }}\n",
    ".c": "static void run(void) {{ struct timer t; timer_start(&t); }}\n",
}

SDK = {
    ".java": (
        "import io.agora.AgoraAPIOnlySignal;\n",
        "    void sdk{k}(AgoraAPIOnlySignal api) {{\n"
        '        api.messageInstantSend("peer{k}", 0, "hi", "");\n'
        '        api.channelJoin("room{k}");\n        api.logout();\n    }}\n\n',
    ),
    ".kt": (
        "import io.agora.AgoraAPIOnlySignal\n",
        '    fun sdk{k}(api: AgoraAPIOnlySignal) {{\n        api.channelJoin("room{k}")\n'
        '        api.messageChannelSend("room{k}", "hi", "")\n    }}\n\n',
    ),
    ".py": (
        "from agorasigsdk import AgoraSignal\n",
        '    def sdk_{k}(self):\n        session = AgoraSignal("app").login("a", "t")\n'
        '        session.msg_instant_send("b{k}", "hi", None)\n\n',
    ),
    ".js": (
        'require("./vendor/AgoraSig.js");\n',
        'function sdk{k}(signal) {{\n  const session = Signal("app").login("a{k}", "t");\n'
        '  session.onLoginSuccess = () => session.channelJoin("room");\n}}\n\n',
    ),
    ".ts": (
        'import { Signal } from "./vendor/AgoraSig";\n',
        'export function sdk{k}(): void {{\n  const session = Signal("app").login("a{k}", "t");\n'
        '  session.messageInstantSend("b", "hi", () => {{}});\n}}\n\n',
    ),
    ".m": (
        "#import <AgoraSigKit/AgoraSigKit.h>\n",
        '- (void)sdk{k}:(AgoraAPI *)api {{\n    [api channelJoin:@"room{k}"];\n'
        '    [api messageInstantSend:@"b" uid:0 msg:@"hi" msgID:@""];\n}}\n\n',
    ),
    ".swift": (
        "import AgoraSigKit\n",
        '    func sdk{k}(api: AgoraAPI) {{\n        api.channelJoin("room{k}")\n'
        "        api.logout()\n    }}\n\n",
    ),
    ".cpp": (
        '#include "agora_sig.h"\n',
        'void sdk{k}(agora_sdk_cpp::IAgoraAPI *api) {{\n    api->channelJoin("room", 4);\n'
        '    api->messageInstantSend("b", 1, 0, "hi", 2, "", 0);\n}}\n\n',
    ),
    ".c": (
        '#include "agora_sig.h"\n',
        "static void sdk{k}(IAgoraAPIC *api) {{\n    api->logout(api);\n}}\n\n",
    ),
}
EXTENSIONS = sorted(CLEAN)


def make_file(ext: str, index: int, blocks: int, with_sdk: bool, with_generic: bool) -> str:
    head, block = CLEAN[ext]
    body = "".join(block.format(k=index * 100 + n) for n in range(blocks))
    if with_generic:
        body += GENERIC[ext].format()
    text = head.format(i=index, body=body)
    if with_sdk:
        imports, sdk_block = SDK[ext]
        calls = "".join(sdk_block.format(k=index * 10 + n) for n in range(2))
        text = text.replace(body, body + calls, 1)
        # imports go after a package line (Java, Kotlin), else first
        first, newline, rest = text.partition("\n")
        packaged = first.startswith("package ")
        text = first + newline + imports + rest if packaged else imports + text
    return text


def generate(root: Path, files: int, sdk_share: float, seed: int) -> int:
    """Write ``files`` files; return how many use the SDK."""
    rng = random.Random(seed)
    sdk_files = 0
    for index in range(files):
        ext = EXTENSIONS[index % len(EXTENSIONS)]
        with_sdk = rng.random() < sdk_share
        with_generic = not with_sdk and rng.random() < GENERIC_SHARE
        sdk_files += with_sdk
        directory = root / f"pkg{index // 100:03d}"
        directory.mkdir(parents=True, exist_ok=True)
        text = make_file(ext, index, rng.randint(4, 9), with_sdk, with_generic)
        (directory / f"file{index:05d}{ext}").write_text(text, "utf-8")
    return sdk_files


def median_seconds(command: list[str], repeats: int, **kwargs: Any) -> float:
    """Median wall time of running ``command`` ``repeats`` times."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False, **kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def spellings_file(path: Path) -> Path:
    tables = load()
    names = sorted(
        {s.name.split(":", 1)[0] for a in tables.legacy_api.values() for s in a.spellings}
    )
    target = path / "spellings.txt"
    target.write_text("\n".join(names) + "\n", "utf-8")
    return target


def audit_command(root: Path, jobs: int, output: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "migration_audit",
        str(root),
        "--root",
        str(root),
        "--jobs",
        str(jobs),
        "--format",
        "json",
        "--output",
        str(output),
        "--no-progress",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--keep", type=Path, help="generate the trees here and keep them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-audit-"))
    work.mkdir(parents=True, exist_ok=True)
    words = spellings_file(work)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rows = []
    try:
        for name, share in (("mostly clean", SDK_SHARE), ("all parsed", 1.0)):
            root = work / "trees" / name.replace(" ", "-")
            if root.exists():
                shutil.rmtree(root)
            sdk_files = generate(root, args.files, share, seed=4)
            size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
            output = work / f"{root.name}.json"
            command = audit_command(root, args.jobs, output)
            audit_s = median_seconds(command, args.repeats, env=env, cwd=REPO)
            summary = json.loads(output.read_text("utf-8"))["summary"]
            grep = ["grep", "-rn", "-w", "-F", "-f", str(words), str(root)]
            grep_s = median_seconds(grep, args.repeats)
            rows.append((name, sdk_files, summary, size, audit_s, grep_s))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"files per tree: {args.files}, jobs: {args.jobs}, repeats: {args.repeats} (medians); "
        "audit = a fresh `python -m migration_audit` process per run (start-up, tables, "
        "queries, JSON report included)"
    )
    print(
        f"{'tree':<14}{'SDK files':>10}{'parsed':>8}{'findings':>9}{'MB':>6}"
        f"{'audit s':>9}{'audit f/s':>11}{'grep s':>8}{'grep f/s':>10}{'audit/grep':>11}"
        f"{'goal f/s':>9}"
    )
    for name, sdk_files, summary, size, audit_s, grep_s in rows:
        audit_rate = args.files / audit_s
        grep_rate = args.files / grep_s
        goal = GOALS[name]
        verdict = "ok" if audit_rate >= goal else "BELOW"
        print(
            f"{name:<14}{sdk_files:>10}{summary['files_parsed']:>8}{summary['findings']:>9}"
            f"{size / 1e6:>6.1f}{audit_s:>9.2f}{audit_rate:>11,.0f}{grep_s:>8.2f}"
            f"{grep_rate:>10,.0f}{audit_rate / grep_rate:>11.1%}{goal:>9,.0f} {verdict}"
        )


if __name__ == "__main__":
    main()
