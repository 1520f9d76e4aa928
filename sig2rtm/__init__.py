"""The ``sig2rtm`` command: demo, tables, audit, serve."""

__version__ = "0.1.0"
