"""Maintenance commands for administrators: ``flask backup`` and ``flask restore`` (``backup`` holds the logic)."""
