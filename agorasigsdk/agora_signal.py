"""``agorasigsdk.agora_signal``: ``AgoraSignal``, the entry point of the 1.0.2 SDK."""

from __future__ import annotations

from collections.abc import Sequence

from agorasigsdk import _unsupported
from agorasigsdk.channel2 import Channel2
from agorasigsdk.login_session import LoginSession
from agorasigsdk.rpc import RPC
from legacy_signaling.objects.native import NativeFactory

__all__ = ["RPC", "AgoraSignal", "Channel2", "LoginSession"]


class AgoraSignal:
    """One app id. ``native_factory`` (an addition) overrides the module-level factory."""

    def __init__(self, appid: str, *, native_factory: NativeFactory | None = None) -> None:
        if not appid:
            raise ValueError("Appid is not valid.")
        self.appid = appid
        self._native_factory = native_factory

    def __repr__(self) -> str:
        return f"<AgoraSignal {self.appid!r}>"

    def login(
        self,
        account: str,
        token: str,
        cb: LoginSession.LoginCallback | None = None,
        is_debugging: bool = False,
        debug_params: Sequence[object] = (),
    ) -> LoginSession:
        """Start logging ``account`` in; the result goes to ``cb`` (a no-op when None).

        An empty account or token raises ``ValueError``, as in 1.0.2. ``is_debugging`` and
        ``debug_params`` chose a debugging server in 1.0.2; they are kept and unused.
        """
        if not account:
            raise ValueError("account can not be empty.")
        if not token:
            raise ValueError("token can not be empty.")
        if cb is None:
            cb = LoginSession.LoginCallback()
        return LoginSession(
            account=account,
            appid=self.appid,
            token=token,
            cb=cb,
            is_debugging=is_debugging,
            debug_params=debug_params,
            native_factory=self._native_factory,
        )

    def create_rpc_session(self, token: str, **kwargs: object) -> object:
        """1.0.2's experimental RPC session: not supported (raises, naming why)."""
        return RPC(self.appid, token, **kwargs)

    def join_channel2(
        self,
        channelName: str,
        channelAttrs: object = {},
        failWhenExists: bool = False,
        needState: bool = False,
        simpleHost: object = {},
        topicsToSubscribe: object = [],
        userId: str = "",
        userInfo: object = {},
        onJoin: object = None,
        onJoinFailed: object = None,
        onLeave: object = None,
        onMessage: object = None,
    ) -> object:
        """1.0.2's experimental ``Channel2``: not supported (raises, naming why)."""
        if not channelName:
            raise ValueError("channelName can not be empty.")
        raise NotImplementedError(f"join_channel2: {_unsupported.WEB2}")
