"""Test helpers: a world whose instances record their callbacks.

Tests of the reference model and the equivalence tests of the shim both build programs out
of a few recorded clients; these helpers keep that setup to one line.
"""

from __future__ import annotations

import attrs

from legacy_signaling.callback import RecordingCallBack, TraceEntry
from legacy_signaling.identity import legacy_uid
from legacy_signaling.reference import ReferenceAgoraAPI, ReferenceWorld
from legacy_signaling.tokens import NO_NEED_TOKEN

__all__ = ["APP_ID", "Client", "client", "joined", "new_world"]

#: The app id of worlds made by :func:`new_world`.
APP_ID = "0123456789abcdef0123456789abcdef"


@attrs.define(eq=False)
class Client:
    """One instance, the account it logs in with, and its recorder."""

    account: str
    api: ReferenceAgoraAPI
    rec: RecordingCallBack

    @property
    def uid(self) -> int:
        return legacy_uid(self.account)

    def take(self) -> list[TraceEntry]:
        return self.rec.take()

    def login(self, token: str = NO_NEED_TOKEN) -> None:
        self.api.login(APP_ID, self.account, token, 0, "")


def new_world(app_certificate: str | None = None, debug_switch: bool = False) -> ReferenceWorld:
    """A world for :data:`APP_ID`."""
    return ReferenceWorld(APP_ID, app_certificate, debug_switch)


def client(world: ReferenceWorld, account: str, *, login: bool = True) -> Client:
    """A fresh instance with a recorder; logged in (and its trace cleared) by default."""
    api = world.createAgoraSDKInstance(APP_ID)
    rec = RecordingCallBack()
    api.callbackSet(rec)
    made = Client(account, api, rec)
    if login:
        made.login()
        world.run_until_idle()
        made.take()
    return made


def joined(world: ReferenceWorld, channel: str, *clients: Client) -> None:
    """Join ``clients`` to ``channel`` in order, then clear every trace."""
    for each in clients:
        each.api.channelJoin(channel)
        world.run_until_idle()
    for each in clients:
        each.take()
