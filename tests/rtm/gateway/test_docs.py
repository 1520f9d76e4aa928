"""docs/protocol.md names everything the protocol has: frame types, error codes, close codes."""

from __future__ import annotations

from pathlib import Path

from rtm import codec
from rtm.gateway import CloseCode

DOC = Path(__file__).resolve().parents[3] / "docs" / "protocol.md"


def test_protocol_doc_covers_every_frame_error_and_close_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    for spec in codec.SPECS:
        row = f"| `{spec.tag}` |"
        assert row in text, f"frame {spec.tag} missing from docs/protocol.md"
        for name in spec.kinds:
            assert f"`{name}`" in text.split(row, 1)[1].split("\n", 1)[0], (spec.tag, name)
    for code in codec.DecodeError.CODES | {"rate_limited", "bad_ack"}:
        assert f"| `{code}` |" in text, f"error code {code} missing"
    for name, value in vars(CloseCode).items():
        if name.isupper():
            assert f"| {value} |" in text, f"close code {name} ({value}) missing"
    assert f"version {codec.PROTOCOL_VERSION}" in text
