"""``python -m migration_audit PATH ...``: the same command as ``sig2rtm audit``."""

from __future__ import annotations

import sys

from migration_audit.cli import main

if __name__ == "__main__":
    sys.exit(main())
