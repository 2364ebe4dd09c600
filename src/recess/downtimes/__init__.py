"""Monitor downtimes: one store and one set of rules, served as API v2 (and v1)."""
