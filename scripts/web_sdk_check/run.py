"""Check an original legacy Web SDK file (``AgoraSig.js`` 1.3.0 or 1.4.0) against sig2rtm, by
hand: a fresh ``sig2rtm serve --legacy-port --legacy-tls-port`` node, the SDK loaded
unmodified by a page in headless Chromium, and the scenario of ``page.js`` (login of two
users, peer message, channel join with member list and attribute, channel message with
echo, ``invoke channel_query_num``, invitation accepted, logout).

The SDK is not part of this repository: pass the path of a copy (the AgoraIO Signaling
tutorial repository has 1.3.0). Needs ``chromium`` and the ``test`` extra (``trustme``)::

    .venv/bin/python scripts/web_sdk_check/run.py path/to/AgoraSig.js ap_url   # 1.4.0
    .venv/bin/python scripts/web_sdk_check/run.py path/to/AgoraSig.js lbs      # 1.3.0

``ap_url``: the page sets ``setup_debugging("ap_url", "ws://127.0.0.1:<legacy port>/")``
(Web 1.4.0). ``lbs``: the page sets ``lbs_url1``/``lbs_url2`` to the node's HTTPS lookup;
the SDK then opens ``wss://127-0-0-1-sig-web.agora.io:<answer + 1>/``, which Chromium maps
to 127.0.0.1 (``--host-resolver-rules``), accepting the test certificate
(``--ignore-certificate-errors``) as a browser trusting a private CA would. Prints the
page's events; exits 0 when the scenario finished.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import trustme

REPO = Path(__file__).resolve().parents[2]
PAGE = b'<html><body><script src="/sdk.js"></script><script src="/page.js"></script></body></html>'


def main(sdk_path: str, mode: str) -> int:
    files = {
        "/sdk.js": Path(sdk_path).read_bytes(),
        "/page.js": Path(__file__).with_name("page.js").read_bytes(),
        "/page.html": PAGE,
    }
    events: list[Any] = []
    finished = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            body = files.get(path)
            self.send_response(200 if body is not None else 404)
            kind = "text/html" if path.endswith(".html") else "application/javascript"
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body or b"")

        def do_POST(self) -> None:
            item = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            events.append(item)
            print("page:", item["kind"], json.dumps(item["data"]), flush=True)
            if item["kind"] == "done":
                finished.set()
            self.send_response(204)
            self.end_headers()

    tmp = Path(tempfile.mkdtemp())
    pem = tmp / "node.pem"
    trustme.CA().issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(pem))
    node = subprocess.Popen(
        [
            *(sys.executable, "-m", "sig2rtm", "serve", "--port", "0", "--legacy-port", "0"),
            *(
                "--legacy-tls-port",
                "0",
                "--legacy-tls-cert",
                str(pem),
                "--legacy-tls-key",
                str(pem),
            ),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=(tmp / "node.log").open("w"),
        text=True,
    )
    assert node.stdout is not None
    urls: dict[str, str] = {}
    for line in node.stdout:
        if line.startswith("legacy Signaling on "):
            url = line.split()[-1]
            urls[url.split(":", 1)[0]] = url
        if line.startswith("listening on "):
            break
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    plain_port = urls["http"].rsplit(":", 1)[1]
    query = f"ap_url=ws://127.0.0.1:{plain_port}/" if mode == "ap_url" else f"lbs={urls['https']}"
    chrome = subprocess.Popen(
        [
            *("chromium", "--headless=new", "--no-sandbox", "--disable-gpu"),
            *("--ignore-certificate-errors", "--host-resolver-rules=MAP *.agora.io 127.0.0.1"),
            f"--user-data-dir={tmp / 'profile'}",
            f"http://127.0.0.1:{server.server_address[1]}/page.html?{query}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "chromium.log").open("w"),
    )
    ok = finished.wait(60)
    chrome.kill()
    node.terminate()
    node.wait(10)
    server.shutdown()
    print("scenario finished" if ok else f"scenario did not finish; logs in {tmp}")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("ap_url", "lbs"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
