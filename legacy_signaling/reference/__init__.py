"""The executable model of the legacy Signaling SDK: the oracle for equivalence tests.

It implements ``docs/legacy-semantics.md`` directly and simply, with no RTM code, so that
the shim (legacy API on the RTM core) can be checked against it: the same program must
give every instance the same callback trace. Modules: ``scheduler`` (virtual time),
``session`` and ``server`` (server state), ``invitations`` (calls), ``rpc`` (``invoke``),
``client`` (``ReferenceAgoraAPI``), ``world`` (``ReferenceWorld``).
"""

from legacy_signaling.reference.client import ReferenceAgoraAPI
from legacy_signaling.reference.world import DEFAULT_START_TIME, ReferenceWorld

__all__ = ["DEFAULT_START_TIME", "ReferenceAgoraAPI", "ReferenceWorld"]
