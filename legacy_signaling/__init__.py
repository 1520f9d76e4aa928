"""The legacy Agora Signaling API as apps call it.

``IAgoraAPI`` (native methods), ``ICallBack`` (every native callback), legacy error codes and
status values, legacy tokens, and ``reference``: an executable model of legacy behaviour used
as the oracle of the shim's equivalence tests. The shim that implements ``IAgoraAPI`` on the
RTM core is :mod:`adapters.signaling` (``getInstance`` / ``createAgoraSDKInstance``).
"""

from .api import IAgoraAPI, InstanceDestroyedError
from .callback import CALLBACK_NAMES, ICallBack, RecordingCallBack
from .codes import ECODE, SDK_VERSION, LoginStatus

__all__ = [
    "CALLBACK_NAMES",
    "ECODE",
    "SDK_VERSION",
    "IAgoraAPI",
    "ICallBack",
    "InstanceDestroyedError",
    "LoginStatus",
    "RecordingCallBack",
]
