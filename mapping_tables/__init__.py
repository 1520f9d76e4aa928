"""Legacy Signaling -> RTM mapping tables: TOML data plus a validating, typed loader.

``load()`` returns :class:`MappingTables`, the single source the shim (``adapters``), the
generated docs (``sig2rtm tables``) and the migration audit read. See ``data/*.toml`` for the
rows and :mod:`mapping_tables.expr` for the expression language of event rows.
"""

from mapping_tables.loader import DEFAULT_DATA_DIR, TableError, load
from mapping_tables.model import (
    Difference,
    ErrorCodeRow,
    EventRow,
    Flavour,
    FlavourTable,
    LegacyApi,
    MappingTables,
    MethodRow,
    Spelling,
    Status,
)

__all__ = [
    "DEFAULT_DATA_DIR",
    "Difference",
    "ErrorCodeRow",
    "EventRow",
    "Flavour",
    "FlavourTable",
    "LegacyApi",
    "MappingTables",
    "MethodRow",
    "Spelling",
    "Status",
    "TableError",
    "load",
]
