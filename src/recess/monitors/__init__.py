"""Monitors and their groups: what downtimes act on. Service checks feed them; so can anyone."""
