"""Kinfolk's engine: pure Python and numpy, never Django."""
