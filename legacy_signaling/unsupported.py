"""The legacy methods no backend supports (docs/legacy-semantics.md X3).

PSTN invitations and the header-only engine switches have no RTM counterpart (the mapping
tables declare them unsupported). Every implementation of ``IAgoraAPI`` answers them the same
way: the native argument checks, then ``onError(method, GENERAL_E_FAILED, "not supported")``.
Subclasses provide ``_alive()`` (raises once destroyed) and ``_unsupported(method)``.
"""

from __future__ import annotations

import abc

from legacy_signaling.identity import require_str, require_uint32

__all__ = ["UnsupportedMethods"]


class UnsupportedMethods(abc.ABC):
    @abc.abstractmethod
    def _alive(self) -> None: ...

    @abc.abstractmethod
    def _unsupported(self, method: str) -> None: ...

    def channelInvitePhone(self, channelID: str, phoneNum: str, uid: int = 0) -> None:
        self._alive()
        require_str(channelID=channelID, phoneNum=phoneNum)
        require_uint32(uid=uid)
        self._unsupported("channelInvitePhone")

    def channelInvitePhone2(self, channelID: str, phoneNum: str, sourcesNum: str) -> None:
        self._alive()
        require_str(channelID=channelID, phoneNum=phoneNum, sourcesNum=sourcesNum)
        self._unsupported("channelInvitePhone2")

    def channelInvitePhone3(
        self, channelID: str, phoneNum: str, sourcesNum: str, extra: str
    ) -> None:
        self._alive()
        require_str(channelID=channelID, phoneNum=phoneNum, sourcesNum=sourcesNum, extra=extra)
        self._unsupported("channelInvitePhone3")

    def setBackground(self, bOut: int) -> None:
        self._alive()
        require_uint32(bOut=bOut)
        self._unsupported("setBackground")

    def setNetworkStatus(self, bOut: int) -> None:
        self._alive()
        require_uint32(bOut=bOut)
        self._unsupported("setNetworkStatus")

    def ping(self) -> None:
        self._alive()
        self._unsupported("ping")

    def start(self) -> None:
        self._alive()
        self._unsupported("start")

    def stop(self) -> None:
        self._alive()
        self._unsupported("stop")

    def dbg(self, a: str, b: str) -> None:
        self._alive()
        require_str(a=a, b=b)
        self._unsupported("dbg")
