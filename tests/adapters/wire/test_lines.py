"""Message lines and the versioned mailbox."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.wire.lines import Mailbox, message_line, parse_line

_word = st.text(st.characters(blacklist_categories=["Cs"]), max_size=10)


@given(_word, _word, _word, st.integers(0, 2**42), st.text(max_size=40))
def test_a_line_splits_back_into_its_fields(
    src: str, dst: str, flag: str, t: int, content: str
) -> None:
    line = parse_line(message_line(src, dst, flag, "instant", t, content))
    assert (line.src, line.dst, line.flag, line.time, line.content) == (
        src.replace(" ", "_"),
        dst.replace(" ", "_"),
        flag.replace(" ", "_"),
        str(t),
        content,
    )


def test_fetch_acknowledges_returns_in_order_and_pages() -> None:
    box = Mailbox()
    for n in range(5):
        assert box.add(f"m{n}") == n + 1
    assert box.fetch(0, 2) == (0, [(1, "m0"), (2, "m1")])
    assert box.fetch(2, 30) == (2, [(3, "m2"), (4, "m3"), (5, "m4")])
    assert box.fetch(1, 30)[1][0] == (3, "m2"), "acknowledged lines are gone"
    assert box.fetch(99, 30) == (5, []), "never acknowledges what does not exist"


def test_a_full_mailbox_drops_the_oldest_and_counts_them() -> None:
    box = Mailbox(capacity=3)
    for n in range(5):
        box.add(f"m{n}")
    assert box.dropped == 2
    assert box.fetch(0, 30) == (2, [(3, "m2"), (4, "m3"), (5, "m4")])


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 12)), max_size=30))
def test_every_line_is_delivered_once_in_order(steps: list[tuple[bool, int]]) -> None:
    box, clear = Mailbox(), 0
    got: list[int] = []
    for add, n in steps:
        if add:
            box.add(f"m{box.version + 1}")
        else:
            clear, lines = box.fetch(clear, max(1, n))
            got.extend(v for v, _ in lines)
            if lines:
                clear = lines[-1][0]
    clear, lines = box.fetch(clear, 10_000)
    got.extend(v for v, _ in lines)
    assert got == list(range(1, box.version + 1))
