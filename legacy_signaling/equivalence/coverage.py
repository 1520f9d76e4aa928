"""What a batch of programs exercised: step kinds, callbacks and their outcome codes.

Used to report (and test) the generator's reach: a generator that never lets an
invitation time out proves nothing about timeouts, however many programs run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Final

import attrs

from legacy_signaling.callback import TraceEntry
from legacy_signaling.equivalence.program import Advance, Program
from legacy_signaling.equivalence.runner import RAISE, RETURN, Recording

__all__ = ["OUTCOME_ARGS", "Coverage", "outcome"]

#: For callbacks whose meaning depends on an argument (a code, a kind), which arguments
#: name the outcome: ``onInviteFailed`` -> its ecode, ``onError`` -> method and code.
OUTCOME_ARGS: Final[Mapping[str, tuple[int, ...]]] = {
    "onLoginFailed": (0,),
    "onLogout": (0,),
    "onReconnecting": (),
    "onChannelJoinFailed": (1,),
    "onChannelLeaved": (1,),
    "onChannelQueryUserNumResult": (1,),
    "onChannelQueryUserIsIn": (2,),
    "onChannelAttrUpdated": (3,),
    "onMessageSendError": (1,),
    "onInviteFailed": (3,),
    "onError": (0, 1, 2),
    "onInvokeRet": (1,),
    "onQueryUserStatusResult": (1,),
    RAISE: (0, 1),
    RETURN: (0, 1),
}


def outcome(entry: TraceEntry) -> str:
    """``"onInviteFailed/704"``, ``"onError/channelLeave/1004"``, or just the name."""
    name, args = entry
    picks = OUTCOME_ARGS.get(name, ())
    return "/".join([name, *(str(args[i]) for i in picks if i < len(args))])


@attrs.define
class Coverage:
    programs: int = 0
    steps: Counter[str] = attrs.Factory(Counter)
    callbacks: Counter[str] = attrs.Factory(Counter)
    outcomes: Counter[str] = attrs.Factory(Counter)
    #: Programs whose time advances add up to at least these many seconds.
    advanced_past: Counter[int] = attrs.Factory(Counter)

    def add(self, program: Program, recording: Recording) -> None:
        self.programs += 1
        self.steps.update(type(step).__name__ for step in program.steps)
        total = sum(s.seconds for s in program.steps if isinstance(s, Advance))
        self.advanced_past.update(t for t in (20, 30, 120, 86_400) if total >= t)
        for trace in recording.traces.values():
            for entry in trace:
                self.callbacks[entry[0]] += 1
                self.outcomes[outcome(entry)] += 1

    def render(self) -> str:
        lines = [f"{self.programs} programs, {sum(self.steps.values())} steps"]
        lines.append("steps: " + ", ".join(f"{k} {v}" for k, v in self.steps.most_common()))
        lines.append(
            "time advanced (programs): "
            + ", ".join(f">={k}s {v}" for k, v in sorted(self.advanced_past.items()))
        )
        lines.append("outcomes:")
        lines += [f"  {k:<50} {v}" for k, v in sorted(self.outcomes.items())]
        return "\n".join(lines)
