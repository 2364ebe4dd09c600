"""Organisations, users and their keys: who is calling, and what they may do."""
