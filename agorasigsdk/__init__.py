"""Drop-in replacement for the Python Signaling SDK ``agorasigsdk`` 1.0.2.

Legacy code keeps its imports and calls::

    from agorasigsdk import AgoraSignal, LoginSession, Channel, Call

    class MyLogin(LoginSession.LoginCallback):
        def on_login_success(self, session, uid): ...

    session = AgoraSignal(APP_ID).login("alice", "_no_need_token", MyLogin())

The same modules exist as in the 1.0.2 wheel (``agora_signal``, ``login_session``,
``channel``, ``call``, ``signal_consts``, ``login_session_state``). Underneath, each
session runs on a native ``IAgoraAPI`` instance from the native factory
(:func:`set_native_factory`; by default the shim over the RTM core), so there is no
Twisted, no legacy server and no LBS lookup. ``run_forever()`` / ``stop()`` replace
``reactor.run()`` / ``reactor.stop()`` for apps without Twisted. Differences from 1.0.2 and
why: docs/object-flavour.md.
"""

from agorasigsdk.agora_signal import AgoraSignal
from agorasigsdk.call import Call
from agorasigsdk.channel import Channel
from agorasigsdk.login_session import LoginSession
from agorasigsdk.login_session_state import LoginSessionState
from agorasigsdk.runtime import run_forever, stop
from legacy_signaling.objects.native import (
    NativeFactory,
    NativeProviderError,
    get_native_factory,
    set_native_factory,
)

__all__ = [
    "AgoraSignal",
    "Call",
    "Channel",
    "LoginSession",
    "LoginSessionState",
    "NativeFactory",
    "NativeProviderError",
    "get_native_factory",
    "run_forever",
    "set_native_factory",
    "stop",
]
