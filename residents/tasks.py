"""Residents — tasks. Filled in by the registry and identity issue."""
