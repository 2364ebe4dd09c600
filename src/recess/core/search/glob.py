"""Wildcard values (`*` any run, `?` one character, `\\` escapes) matched without backtracking.

The pattern is split at its stars into segments. The first segment must match at the start,
the last at the end, and each one between at its leftmost place after the previous: for `*`
the leftmost choice is always safe, so no position is ever tried twice and a match costs at
most (value length x pattern length) character comparisons — a regex over `*a*a*a…` could take
exponential time instead.
"""

from __future__ import annotations

from collections.abc import Callable

Segment = tuple[str | None, ...]  # characters; None is `?`


def _segments(pattern: str) -> list[Segment]:
    segments: list[Segment] = []
    current: list[str | None] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            current.append(pattern[i + 1])
            i += 2
            continue
        if ch == "*":
            segments.append(tuple(current))
            current = []
        else:
            current.append(None if ch == "?" else ch)
        i += 1
    segments.append(tuple(current))
    return segments


def _fits(segment: Segment, value: str, at: int) -> bool:
    if at + len(segment) > len(value):
        return False
    return all(c is None or value[at + k] == c for k, c in enumerate(segment))


def _find(segment: Segment, value: str, start: int, stop: int) -> int:
    """The leftmost place in value[start:stop] where `segment` fits; -1 if none."""
    if None not in segment:
        return value.find("".join(c or "" for c in segment), start, stop)
    for at in range(start, stop - len(segment) + 1):
        if _fits(segment, value, at):
            return at
    return -1


def compile_glob(pattern: str) -> Callable[[str], bool]:
    """A predicate: does the whole value match `pattern`?"""
    segments = _segments(pattern)
    if len(segments) == 1:
        only = segments[0]
        return lambda value: len(value) == len(only) and _fits(only, value, 0)
    head, middle, tail = segments[0], segments[1:-1], segments[-1]
    least = sum(len(s) for s in segments)

    def match(value: str) -> bool:
        if len(value) < least or not _fits(head, value, 0) or not _fits(tail, value, len(value) - len(tail)):
            return False
        at, stop = len(head), len(value) - len(tail)
        for segment in middle:
            found = _find(segment, value, at, stop)
            if found < 0:
                return False
            at = found + len(segment)
        return True

    return match
