"""Residents — HTML views. Registration pages arrive with the registry issue."""
