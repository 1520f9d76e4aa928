"""``ReferenceWorld``: one legacy app (its id, certificate and server) in virtual time.

The world is what a test drives: it makes SDK instances, runs queued callbacks, moves the
clock, and plays the network (``drop_connection`` / ``restore_connection``) and the
server's availability (``server_available``).
"""

from __future__ import annotations

from legacy_signaling.codes import ECODE
from legacy_signaling.reference.client import ReferenceAgoraAPI
from legacy_signaling.reference.scheduler import Scheduler
from legacy_signaling.reference.server import Server
from legacy_signaling.tokens import LegacyTokenError, verify_legacy_token

__all__ = ["DEFAULT_START_TIME", "ReferenceWorld"]

#: Virtual clock at creation (Unix seconds; the RTM core's deterministic scheduler's too).
DEFAULT_START_TIME = 1_700_000_000.0


class ReferenceWorld:
    """The legacy service for one App ID, with virtual time.

    ``app_certificate`` None models a project without an App Certificate (every token is
    accepted); with one, tokens are checked and ``debug_switch`` is the console's "token
    debugging switch" that lets ``_no_need_token`` in (docs/legacy-semantics.md L5).
    """

    def __init__(
        self,
        app_id: str,
        app_certificate: str | None = None,
        debug_switch: bool = False,
        *,
        start_time: float = DEFAULT_START_TIME,
    ) -> None:
        if not isinstance(app_id, str) or not app_id:
            raise ValueError("app_id must be a non-empty str")
        if app_certificate is not None and (
            not isinstance(app_certificate, str) or not app_certificate
        ):
            raise ValueError("app_certificate must be None or a non-empty str")
        self.app_id = app_id
        self.app_certificate = app_certificate
        self.debug_switch = debug_switch
        #: False: logins fail and retry (L11). Sessions already open are not affected.
        self.server_available = True
        self.scheduler = Scheduler(start_time)
        self.server = Server(self.scheduler)
        self._singletons: dict[str, ReferenceAgoraAPI] = {}

    # ------------------------------------------------------------------ instances (I)

    @staticmethod
    def _check_app_id(appId: str) -> None:
        if not isinstance(appId, str) or not appId:
            raise ValueError("appId must be a non-empty str")

    def getInstance(self, appId: str) -> ReferenceAgoraAPI:
        """I1: one instance per app id until it is destroyed."""
        self._check_app_id(appId)
        api = self._singletons.get(appId)
        if api is None:
            api = self._singletons[appId] = ReferenceAgoraAPI(self, appId)
        return api

    def createAgoraSDKInstance(self, appId: str) -> ReferenceAgoraAPI:
        """I2: a new instance on every call."""
        self._check_app_id(appId)
        return ReferenceAgoraAPI(self, appId)

    def forget(self, api: ReferenceAgoraAPI) -> None:
        """Called by ``destroy()``: ``getInstance`` makes a new instance next time."""
        if self._singletons.get(api.app_id) is api:
            del self._singletons[api.app_id]

    # ------------------------------------------------------------------ time

    @property
    def now(self) -> float:
        """Virtual Unix time in seconds."""
        return self.scheduler.now

    def run_until_idle(self) -> int:
        """Deliver every queued callback (and what they cause) without moving the clock."""
        return self.scheduler.run_until_idle()

    def advance(self, seconds: float) -> None:
        """Move the clock forward, firing timers (retries, timeouts, expiries) in order."""
        self.scheduler.advance(seconds)

    # ------------------------------------------------------------------ network

    def drop_connection(self, api: ReferenceAgoraAPI) -> None:
        """C1: ``api`` loses its connection (``ValueError`` unless logged in and connected)."""
        api.lose_connection()

    def restore_connection(self, api: ReferenceAgoraAPI) -> None:
        """C2: ``api`` gets its connection back (``ValueError`` unless reconnecting)."""
        api.restore_connection()

    # ------------------------------------------------------------------ admission (L4, L5)

    def admit(self, app_id: str, account: str, token: str) -> ECODE | None:
        """None if the server accepts this login, else the ``onLoginFailed`` code."""
        if app_id != self.app_id:
            return ECODE.LOGIN_E_FAILED
        return self._check_token(account, token)

    def _check_token(self, account: str, token: str) -> ECODE | None:
        try:
            verify_legacy_token(
                token,
                account=account,
                app_id=self.app_id,
                app_certificate=self.app_certificate,
                now=self.now,
                debug_switch=self.debug_switch,
            )
        except LegacyTokenError as refusal:
            return ECODE(refusal.code)
        return None
