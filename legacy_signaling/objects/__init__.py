"""The object flavour of the legacy Signaling API (Java server SDK / Web style).

``Signal(appId)`` -> ``login(account, token, LoginCallback)`` -> :class:`LoginSession` ->
``channelJoin(name, ChannelCallback)`` -> :class:`Channel`, and invitations as
:class:`Call` objects, with the Java SDK's callback classes. It is a thin layer over any
native ``IAgoraAPI`` instance (one per session) obtained from the native factory
(:func:`set_native_factory`), so it behaves the same on the reference model and on the shim
over the RTM core. Behaviour and decisions: ``docs/object-flavour.md``.
"""

from legacy_signaling.objects.call import Call
from legacy_signaling.objects.callbacks import (
    CallCallback,
    ChannelCallback,
    LoginCallback,
    MessageCallback,
    UserAttrCallback,
)
from legacy_signaling.objects.channel import Channel
from legacy_signaling.objects.java_flavour import SignalStatus
from legacy_signaling.objects.native import (
    NativeFactory,
    NativeProviderError,
    get_native_factory,
    set_native_factory,
)
from legacy_signaling.objects.session import LoginSession
from legacy_signaling.objects.signal import Signal

__all__ = [
    "Call",
    "CallCallback",
    "Channel",
    "ChannelCallback",
    "LoginCallback",
    "LoginSession",
    "MessageCallback",
    "NativeFactory",
    "NativeProviderError",
    "Signal",
    "SignalStatus",
    "UserAttrCallback",
    "get_native_factory",
    "set_native_factory",
]
