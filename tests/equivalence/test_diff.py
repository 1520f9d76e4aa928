"""``compare``: the first differing entry of each instance, and a diff a person can read."""

from __future__ import annotations

from legacy_signaling.callback import TraceEntry
from legacy_signaling.equivalence import Recording, WorldConfig, compare
from legacy_signaling.equivalence.diff import format_entry
from legacy_signaling.equivalence.program import Join, Login, Program
from legacy_signaling.reference.testing import APP_ID

LOGIN: TraceEntry = ("onLoginSuccess", (7, 0))
JOINED: TraceEntry = ("onChannelJoined", ("lobby",))
FAILED: TraceEntry = ("onChannelJoinFailed", ("lobby", 300))
LIST: TraceEntry = ("onChannelUserList", (["ann"], [7]))


def test_identical_traces_do_not_diverge() -> None:
    traces = {"c0": [LOGIN, JOINED], "c1": []}
    assert compare(traces, {"c0": [LOGIN, JOINED], "c1": []}) is None
    assert compare(traces, {"c0": [LOGIN, JOINED]}) is None  # missing means empty


def test_first_differing_entry_per_instance() -> None:
    divergence = compare(
        {"c0": [LOGIN, JOINED, LIST], "c1": [LOGIN], "c2": [LOGIN]},
        {"c0": [LOGIN, FAILED], "c1": [LOGIN, JOINED], "c2": [LOGIN]},
    )
    assert divergence is not None
    by_client = {d.client: d for d in divergence.instances}
    assert set(by_client) == {"c0", "c1"}
    c0, c1 = by_client["c0"], by_client["c1"]
    assert (c0.index, c0.expected, c0.actual) == (1, JOINED, FAILED)
    assert (c0.expected_rest, c0.actual_rest) == (2, 1)
    assert c0.context == (LOGIN,)
    assert (c1.index, c1.expected, c1.actual) == (1, None, JOINED)
    assert divergence.first_step is None  # plain traces carry no step numbers


def test_recordings_give_step_indexes_and_order() -> None:
    expected = Recording(
        traces={"c0": (LOGIN, JOINED), "c1": (LOGIN, LIST)},
        origins={"c0": (2, 6), "c1": (4, 5)},
    )
    actual = Recording(
        traces={"c0": (LOGIN, FAILED), "c1": (LOGIN,)},
        origins={"c0": (2, 6), "c1": (4,)},
    )
    divergence = compare(expected, actual, labels=("ref", "candidate"))
    assert divergence is not None
    assert [(d.client, d.step) for d in divergence.instances] == [("c1", 5), ("c0", 6)]
    assert divergence.first_step == 5

    program = Program(
        WorldConfig(APP_ID),
        (*[Login("c0", "ann")] * 5, Join("c1", "lobby"), Join("c0", "lobby")),
    )
    text = divergence.render(program)
    assert "first at step 5 Join(client='c1', channel='lobby')" in text
    assert "- ref         [1] onChannelUserList(['ann'], [7])" in text
    assert "+ candidate   [1] (end of trace)" in text
    assert "+ candidate   [1] onChannelJoinFailed('lobby', 300)" in text
    assert "[0] onLoginSuccess(7, 0)" in text


def test_long_arguments_are_cut_in_the_diff() -> None:
    entry: TraceEntry = ("onMessageInstantReceive", ("ann", 0, "é" * 4097))
    assert format_entry(entry) == "onMessageInstantReceive('ann', 0, 'é' * 4097)"
    text = format_entry(("onMessageInstantReceive", ("ann", 0, "abc" * 100)))
    assert text.endswith("…<302 chars>)")
    assert len(text) < 100
