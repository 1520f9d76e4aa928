"""The embedded default: the RTM service, a memory backend and a scheduler in this process.

``default_core()`` gives the process-wide core every client uses unless told otherwise.
Tests build their own :class:`EmbeddedCore` on a :class:`DeterministicScheduler` so that
virtual time drives timeouts.
"""

from __future__ import annotations

import atexit
import os
import threading

from .scheduler import DeterministicScheduler, Scheduler, ThreadedScheduler
from .service.backend import Backend
from .service.core import RtmService, ServiceConfig
from .service.memory import MemoryBackend
from .transport import Core, FrameSink, InProcTransport

__all__ = ["URL_ENV", "EmbeddedCore", "default_core", "set_default_core"]

#: Environment variable naming a gateway (``ws://host:port``) to use instead of the embedded core.
URL_ENV = "SIG2RTM_URL"


class EmbeddedCore:
    """Service + backend + scheduler in one process; clients connect in-process."""

    def __init__(
        self,
        scheduler: Scheduler | None = None,
        config: ServiceConfig | None = None,
        backend: Backend | None = None,
    ) -> None:
        self.scheduler: Scheduler = scheduler if scheduler is not None else ThreadedScheduler()
        self.backend: Backend = backend if backend is not None else MemoryBackend()
        self.service = RtmService(self.backend, self.scheduler, config)

    @classmethod
    def deterministic(cls, config: ServiceConfig | None = None) -> EmbeddedCore:
        """A core on virtual time, driven by ``core.scheduler.run_until_idle()/advance()``."""
        return cls(DeterministicScheduler(), config)

    def connect(self, on_frame: FrameSink) -> InProcTransport:
        return InProcTransport(self.service, self.scheduler, on_frame)

    def run_until_idle(self) -> None:
        """Run deferred work and callbacks (deterministic scheduler) or wait for them."""
        scheduler = self.scheduler
        if isinstance(scheduler, DeterministicScheduler):
            scheduler.run_until_idle()
        elif isinstance(scheduler, ThreadedScheduler):
            scheduler.drain()

    def advance(self, seconds: float) -> None:
        """Move virtual time forward (a core built with :meth:`deterministic` only)."""
        scheduler = self.scheduler
        if not isinstance(scheduler, DeterministicScheduler):
            raise TypeError("advance() needs a core on virtual time (EmbeddedCore.deterministic)")
        scheduler.advance(seconds)

    def close(self) -> None:
        if isinstance(self.scheduler, ThreadedScheduler):
            self.scheduler.close()


_default: Core | None = None
_default_lock = threading.Lock()


def default_core() -> Core:
    """The process-wide core: a gateway if ``SIG2RTM_URL`` is set, else an embedded one."""
    global _default
    with _default_lock:
        if _default is None:
            url = os.environ.get(URL_ENV)
            _default = _network_core(url) if url else EmbeddedCore()
        return _default


def _network_core(url: str) -> Core:
    """The gateway core ``SIG2RTM_URL`` names. A bad value ends the process with one line
    (SystemExit), not a traceback: it is the deployment's setting, not the app's code, and
    the app cannot do anything sensible without the core it was told to use."""
    try:
        from . import net  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:  # depends on installed extras
        raise SystemExit(
            f"sig2rtm: {URL_ENV}={url} needs the 'server' extra ({exc.name} is not "
            "installed): pip install 'sig2rtm[server]'"
        ) from None
    try:
        network = net.connect_core(url)  # type: ignore[attr-defined,unused-ignore]
    except ValueError as exc:
        raise SystemExit(
            f"sig2rtm: {URL_ENV}: {exc} (a gateway's address, like ws://127.0.0.1:9000)"
        ) from None
    # An app that ends closes its connections in order (its users log out at once), as the
    # legacy SDK's process exit did; without this the gateway would see links lost and keep
    # the sessions for a resume that never comes.
    atexit.register(network.close)
    core: Core = network
    return core


def set_default_core(core: Core | None) -> None:
    """Replace (or with None, forget) the process-wide core."""
    global _default
    with _default_lock:
        _default = core
