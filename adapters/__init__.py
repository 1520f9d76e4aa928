"""Adapters: the legacy Signaling API (and other dialects) on the RTM core."""
