"""Dashboard JSON API. The map layers and lists arrive with the dashboard issue."""
