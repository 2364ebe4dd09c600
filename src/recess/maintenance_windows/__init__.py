"""Maintenance windows: quiet case notifications and automation for matching cases."""
