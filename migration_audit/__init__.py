"""Migration audit: find every legacy Signaling SDK use in a codebase (placeholder)."""
