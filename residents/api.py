"""Residents — api. Filled in by the registry and identity issue."""
