"""Bindings: status page components bound to monitors, so that one maintenance both announces
and mutes, and monitors that go bad move the page (a recess extension)."""
