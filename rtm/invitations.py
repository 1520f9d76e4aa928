"""The invitation objects apps hold: :class:`LocalInvitation` (caller) and
:class:`RemoteInvitation` (callee). Their states move only through the call manager."""

from __future__ import annotations

from .enums import LOCAL_INVITATION_STATE, REMOTE_INVITATION_STATE
from .invitation import LocalMachine, RemoteMachine
from .scheduler import TimerHandle

__all__ = ["ILocalCallInvitation", "IRemoteCallInvitation", "LocalInvitation", "RemoteInvitation"]


class LocalInvitation:
    """Java ``LocalInvitation`` / C++ ``ILocalCallInvitation``."""

    def __init__(self, calleeId: str, call_id: str, owner: object) -> None:
        self.calleeId = calleeId
        self.content = ""
        self.channelId = ""
        self.response = ""
        self._call_id = call_id
        self._owner = owner
        self._machine = LocalMachine()
        self._timers: list[TimerHandle] = []
        self._delivered = False

    @property
    def state(self) -> LOCAL_INVITATION_STATE:
        return self._machine.state

    def getCalleeId(self) -> str:
        return self.calleeId

    def getContent(self) -> str:
        return self.content

    def setContent(self, content: str) -> None:
        self.content = content

    def getChannelId(self) -> str:
        return self.channelId

    def setChannelId(self, channelId: str) -> None:
        self.channelId = channelId

    def getResponse(self) -> str:
        return self.response

    def getState(self) -> int:
        return int(self._machine.state)

    def release(self) -> None:
        """C++ API compatibility."""

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def __repr__(self) -> str:
        return f"LocalInvitation(to={self.calleeId!r}, {self._machine.state.name})"


class RemoteInvitation:
    """Java ``RemoteInvitation`` / C++ ``IRemoteCallInvitation``."""

    def __init__(self, callerId: str, call_id: str, content: str, channelId: str) -> None:
        self.callerId = callerId
        self.content = content
        self.channelId = channelId
        self.response = ""
        self._call_id = call_id
        self._machine = RemoteMachine()
        self._timers: list[TimerHandle] = []

    @property
    def state(self) -> REMOTE_INVITATION_STATE:
        return self._machine.state

    def getCallerId(self) -> str:
        return self.callerId

    def getContent(self) -> str:
        return self.content

    def getChannelId(self) -> str:
        return self.channelId

    def getResponse(self) -> str:
        return self.response

    def setResponse(self, response: str) -> None:
        self.response = response

    def getState(self) -> int:
        return int(self._machine.state)

    def release(self) -> None:
        """C++ API compatibility."""

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def __repr__(self) -> str:
        return f"RemoteInvitation(from={self.callerId!r}, {self._machine.state.name})"


ILocalCallInvitation = LocalInvitation
IRemoteCallInvitation = RemoteInvitation
