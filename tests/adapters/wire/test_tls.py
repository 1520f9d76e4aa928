"""``--legacy-tls-port``: the lookup over HTTPS with CORS, answering ``port - 1`` (the Web SDK
1.3.0 connects to the answered port + 1), and the legacy WebSocket over TLS — one set of
sessions with the plain port. Certificates from a private test CA (``trustme``)."""

from __future__ import annotations

import json
import ssl
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.adapters.wire.kit import LegacyNode, WireClient

APP = "tlsapp"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_node(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LegacyNode]:
    pem = tmp_path_factory.mktemp("tls") / "node.pem"
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(str(pem))
    node = LegacyNode(
        "--legacy-tls-port", "0", "--legacy-tls-cert", str(pem), "--legacy-tls-key", str(pem)
    )
    yield node
    node.close()


def _trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def test_the_tls_lookup_answers_port_minus_one_with_cors(
    tls_node: LegacyNode, ca: trustme.CA
) -> None:
    assert tls_node.tls_url.startswith("https://")
    tls_port = int(tls_node.tls_url.rsplit(":", 1)[1])
    request = urllib.request.Request(
        f"{tls_node.tls_url}/getaddr?vid={APP}", headers={"Origin": "https://app.example"}
    )
    with urllib.request.urlopen(request, timeout=10, context=_trusting(ca)) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        answer = json.loads(response.read())
    assert answer == {"web": [["127.0.0.1", tls_port - 1]], "web2": []}
    assert answer["web"][0][1] + 1 == tls_port, "where the Web SDK 1.3.0 will connect"


def test_wss_and_plain_clients_share_the_node(tls_node: LegacyNode, ca: trustme.CA) -> None:
    secure = WireClient(tls_node.tls_url.replace("https://", "wss://") + "/", ssl=_trusting(ca))
    plain = WireClient(f"ws://127.0.0.1:{tls_node.legacy_port}/")
    assert secure.login(APP, "t-alice")["result"] == "ok"
    assert plain.login(APP, "t-bob")["result"] == "ok"
    err, _ = secure.call("user_sendmsg", peer="t-bob", flag="", t="instant", content="over tls")
    assert err == ""
    ver = plain.notify("msg")[1]
    _, reply = plain.call("user_getmsg", ver_clear=ver - 1, max=30)
    assert reply["msgs"][0][1].endswith(" over tls")
    secure.close()
    plain.close()


def test_tls_needs_a_certificate_and_key(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="legacy_tls_cert"):
        LegacyNode("--legacy-tls-port", "0")
    with pytest.raises(AssertionError, match="sig2rtm serve"):
        missing = str(tmp_path / "none.pem")
        LegacyNode(
            "--legacy-tls-port", "0", "--legacy-tls-cert", missing, "--legacy-tls-key", missing
        )
