"""The meaning of an event row, by interpretation: the definition the compiled code must meet.

The shim and every test of the tables run the rows compiled (:mod:`mapping_tables.codegen`);
this module states, as plainly as possible, what a row means, and a test checks that the
compiled code agrees with it on every row in many generated contexts:

1. ``request`` (legacy methods): the event must answer a request of one of them;
   ``outcome``: ``ok`` when the event's ``errorCode`` is 0, ``error`` otherwise;
2. ``when`` is then evaluated once per RTM event (without ``item``); "" means always; it must
   yield a boolean;
3. ``each`` ("" = fire once) must yield a list; the row fires once per element, in order,
   with the element bound to ``item``;
4. the projection is evaluated per firing, giving the legacy callback's arguments in the
   order of the row's ``args``.
"""

from __future__ import annotations

from collections.abc import Mapping

from mapping_tables.expr import ExprEvalError, Function, compiled, resolve_field
from mapping_tables.model import EventRow

__all__ = ["fire", "matches"]


def matches(
    row: EventRow, context: Mapping[str, object], functions: Mapping[str, Function]
) -> bool:
    """Whether the row fires for this event (structured fields, then `when`)."""
    if row.request:
        request = context.get("request")
        if request is None or resolve_field(request, "method") not in row.request:
            return False
    if row.outcome:
        event = context.get("event")
        code = resolve_field(event, "errorCode") if event is not None else None
        if (code == 0) != (row.outcome == "ok"):
            return False
    if not row.when:
        return True
    result = compiled(row.when)(context, functions)
    if not isinstance(result, bool):
        raise ExprEvalError(f"`when` of {row.legacy} yielded {result!r}, not a boolean", 0)
    return result


def fire(
    row: EventRow, context: Mapping[str, object], functions: Mapping[str, Function]
) -> tuple[tuple[object, ...], ...]:
    """The legacy argument tuples this event produces through `row` (empty when it does not
    fire). `context` maps the roots ``request``, ``event`` and ``session`` to objects."""
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
