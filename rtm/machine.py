"""A tiny table-driven state machine shared by connection, membership and invitations.

Transitions are data: a mapping ``(state, event) -> next state``. Firing an event the table
does not allow raises :class:`IllegalTransition` and leaves the state unchanged, so callers
can turn it into RTM's error code without having to undo anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Generic, TypeVar

__all__ = ["IllegalTransition", "Machine"]

S = TypeVar("S", bound=Enum)
E = TypeVar("E", bound=Enum)


class IllegalTransition(Exception):
    """``event`` is not allowed in ``state``; nothing changed."""

    def __init__(self, machine: str, state: Enum, event: Enum) -> None:
        super().__init__(f"{machine}: {event.name} is not allowed in state {state.name}")
        self.machine = machine
        self.state = state
        self.event = event


class Machine(Generic[S, E]):
    __slots__ = ("_name", "_table", "state")

    def __init__(self, name: str, table: Mapping[tuple[S, E], S], initial: S) -> None:
        self._name = name
        self._table = table
        self.state = initial

    def can(self, event: E) -> bool:
        return (self.state, event) in self._table

    def fire(self, event: E) -> S:
        try:
            self.state = self._table[(self.state, event)]
        except KeyError:
            raise IllegalTransition(self._name, self.state, event) from None
        return self.state
