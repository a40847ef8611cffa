"""Supplies — api. Filled in by the issue that builds this domain."""
