"""Executing an event row: its condition, its fan-out and its argument projection.

This is the one place that gives `when`, `each` and `projection` their meaning, so the adapter,
the docs examples and the tests agree on it:

1. ``when`` is evaluated once per RTM event (without ``item``); "" means always; it must yield
   a boolean.
2. ``each`` ("" = fire once) must yield a list; the row fires once per element, in order, with
   the element bound to ``item``.
3. the projection is evaluated per firing, giving the legacy callback's arguments in the order
   of the row's ``args``.

Rows of one legacy flavour that match the same RTM event fire in table order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mapping_tables.expr import ExprEvalError, Function, compiled
from mapping_tables.model import EventRow


def matches(
    row: EventRow, context: Mapping[str, object], functions: Mapping[str, Function]
) -> bool:
    """Whether the row's `when` holds for this event."""
    if not row.when:
        return True
    result = compiled(row.when)(context, functions)
    if not isinstance(result, bool):
        raise ExprEvalError(f"`when` of {row.legacy} yielded {result!r}, not a boolean", 0)
    return result


def fire(
    row: EventRow, context: Mapping[str, object], functions: Mapping[str, Function]
) -> tuple[tuple[object, ...], ...]:
    """The legacy argument tuples this event produces through `row` (empty when it does not fire).

    `context` maps the roots ``request``, ``event`` and ``session`` to objects; ``item`` is
    bound here for rows with ``each``.
    """
    if not matches(row, context, functions):
        return ()
    items: list[object]
    if row.each:
        produced = compiled(row.each)(context, functions)
        if not isinstance(produced, list | tuple):
            raise ExprEvalError(f"`each` of {row.legacy} yielded {produced!r}, not a list", 0)
        items = list(produced)
    else:
        items = [None]
    firings: list[tuple[object, ...]] = []
    for item in items:
        scope = dict(context) if item is None else {**context, "item": item}
        firings.append(tuple(compiled(row.projection[arg])(scope, functions) for arg in row.args))
    return tuple(firings)


def dispatch(
    rows: Iterable[EventRow],
    rtm: str,
    context: Mapping[str, object],
    functions: Mapping[str, Function],
    *,
    trigger: str = "",
) -> tuple[tuple[str, tuple[object, ...]], ...]:
    """Legacy callbacks (name, args) one RTM event produces through `rows`, in row order.

    `rtm` is the qualified RTM callback (or Shim signal) and `trigger` the RTM call whose
    ResultCallback fired (Java flavour; "" otherwise). No matching row means no legacy callback.
    """
    out: list[tuple[str, tuple[object, ...]]] = []
    for row in rows:
        if row.rtm == rtm and row.trigger == trigger:
            out.extend((row.legacy, args) for args in fire(row, context, functions))
    return tuple(out)
