"""Supplies — tasks. Filled in by the issue that builds this domain."""
