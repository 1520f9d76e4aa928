"""Names of agorasigsdk 1.0.2 that exist in the drop-in but cannot behave as they did.

Why they exist at all: an app that imports them (``from agorasigsdk import RPC``) must keep
importing; only calling them fails, with an error that names the reason. Their signatures
are tables (parameter lists as 1.0.2 declared them), so ``inspect.signature`` and a surface
comparison see the 1.0.2 parameters.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

__all__ = ["NO_WIRE", "WEB2", "raiser", "stub_class"]

#: The experimental web2 API (``RPC``, ``Channel2``) spoke another server protocol.
WEB2 = (
    "the experimental 'web2' API of agorasigsdk 1.0.2 (RPC, Channel2, create_rpc_session, "
    "join_channel2) spoke a different server protocol that sig2rtm does not implement"
)
#: The wire client of 1.0.2 (Twisted/autobahn): the drop-in has no wire connection.
NO_WIRE = (
    "the drop-in agorasigsdk runs on the native shim, not on a WebSocket to a legacy server: "
    "1.0.2's wire-protocol internals do not exist (to speak the wire, run the real SDK "
    "against `sig2rtm serve --legacy-port`)"
)


def _signature(params: str) -> inspect.Signature:
    """``"self, appid, url=''"`` -> a Signature (defaults are Python literals)."""
    out = []
    kind: inspect._ParameterKind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    for raw in filter(None, (p.strip() for p in params.split(","))):
        if raw.startswith("**"):
            out.append(inspect.Parameter(raw[2:], inspect.Parameter.VAR_KEYWORD))
        elif raw.startswith("*"):
            out.append(inspect.Parameter(raw[1:], inspect.Parameter.VAR_POSITIONAL))
            kind = inspect.Parameter.KEYWORD_ONLY
        else:
            name, eq, default = raw.partition("=")
            value = ast.literal_eval(default) if eq else inspect.Parameter.empty
            out.append(inspect.Parameter(name, kind, default=value))
    return inspect.Signature(out)


def raiser(name: str, params: str, reason: str) -> Callable[..., NoReturn]:
    """A function named ``name`` with 1.0.2's parameters that raises NotImplementedError."""

    def unsupported(*args: Any, **kwargs: Any) -> NoReturn:
        raise NotImplementedError(f"{name}: {reason}")

    unsupported.__name__ = unsupported.__qualname__ = name.rpartition(".")[2]
    unsupported.__signature__ = _signature(params)  # type: ignore[attr-defined]
    unsupported.__doc__ = f"Not available in the drop-in: {reason}."
    return unsupported


def stub_class(
    module: str, name: str, reason: str, methods: Mapping[str, str], **constants: object
) -> type:
    """A class whose construction and methods raise, naming ``reason``."""
    namespace: dict[str, Any] = {"__module__": module, "__doc__": f"Not available: {reason}."}
    for method, params in methods.items():
        fn = raiser(f"{name}.{method}", params, reason)
        fn.__qualname__ = f"{name}.{method}"
        fn.__module__ = module
        namespace[method] = fn
    namespace.update(constants)
    return type(name, (), namespace)
