"""Deliberately wrong worlds: the reference model with one behaviour altered.

The equivalence harness is only worth something if it notices a wrong shim. These
mutants change what an instance is sent — at ``ReferenceAgoraAPI.deliver``, the one point
every callback passes — and tests check that ``compare`` reports each change at the step
that caused it and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from legacy_signaling.codes import ECODE
from legacy_signaling.reference import ReferenceAgoraAPI, ReferenceWorld

Forward = Callable[[str, tuple[object, ...]], None]


class Mutation(Protocol):
    """Decides what to deliver instead of ``name(*args)``; one object per instance."""

    def __call__(self, name: str, args: tuple[object, ...], forward: Forward) -> None: ...


MutationFactory = Callable[[], Mutation]


class _MutantAPI(ReferenceAgoraAPI):
    def __init__(self, world: ReferenceWorld, app_id: str, mutation: Mutation) -> None:
        super().__init__(world, app_id)
        self._mutation = mutation

    def deliver(self, name: str, *args: object) -> None:
        def forward(out_name: str, out_args: tuple[object, ...]) -> None:
            ReferenceAgoraAPI.deliver(self, out_name, *out_args)

        self._mutation(name, args, forward)


class MutatedReferenceWorld(ReferenceWorld):
    """``ReferenceWorld`` whose instances apply a fresh ``mutation()`` to what they get."""

    def __init__(
        self,
        app_id: str,
        app_certificate: str | None = None,
        debug_switch: bool = False,
        *,
        mutation: MutationFactory,
    ) -> None:
        super().__init__(app_id, app_certificate, debug_switch)
        self._mutation = mutation
        self._mutant_singletons: dict[str, _MutantAPI] = {}

    @staticmethod
    def _valid(appId: str) -> None:
        if not isinstance(appId, str) or not appId:
            raise ValueError("appId must be a non-empty str")

    def createAgoraSDKInstance(self, appId: str) -> ReferenceAgoraAPI:
        self._valid(appId)
        return _MutantAPI(self, appId, self._mutation())

    def getInstance(self, appId: str) -> ReferenceAgoraAPI:
        self._valid(appId)
        api = self._mutant_singletons.get(appId)
        if api is None:
            api = self._mutant_singletons[appId] = _MutantAPI(self, appId, self._mutation())
        return api

    def forget(self, api: ReferenceAgoraAPI) -> None:
        super().forget(api)
        if self._mutant_singletons.get(api.app_id) is api:
            del self._mutant_singletons[api.app_id]


# ----------------------------------------------------------------------------- mutations


class DropChannelMessages:
    """Every ``onMessageChannelReceive`` is lost."""

    def __call__(self, name: str, args: tuple[object, ...], forward: Forward) -> None:
        if name != "onMessageChannelReceive":
            forward(name, args)


class DropEcho:
    """Only the sender's own echo is lost (M1): the bug a naive RTM mapping has."""

    def __init__(self) -> None:
        self._uid: object = None

    def __call__(self, name: str, args: tuple[object, ...], forward: Forward) -> None:
        if name == "onLoginSuccess":
            self._uid = args[0]
        if name == "onMessageChannelReceive" and args[2] == self._uid:
            return
        forward(name, args)


class SwapJoinedAndUserList:
    """``onChannelUserList`` arrives before ``onChannelJoined`` instead of after (CH1)."""

    def __init__(self) -> None:
        self._held: tuple[object, ...] | None = None

    def __call__(self, name: str, args: tuple[object, ...], forward: Forward) -> None:
        if name == "onChannelJoined":
            self._held = args
            return
        forward(name, args)
        if name == "onChannelUserList" and self._held is not None:
            forward("onChannelJoined", self._held)
            self._held = None


class TimeoutAsOffline:
    """An unanswered invitation reports 703 (peer offline) instead of 704 (V6)."""

    def __call__(self, name: str, args: tuple[object, ...], forward: Forward) -> None:
        if name == "onInviteFailed" and args[3] == ECODE.INVITE_E_TIMEOUT:
            args = (*args[:3], int(ECODE.INVITE_E_PEEROFFLINE), *args[4:])
        forward(name, args)
