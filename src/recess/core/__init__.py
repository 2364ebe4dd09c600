"""Shared machinery that knows nothing about any one feature."""
