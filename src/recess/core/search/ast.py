"""The expression tree a search query parses into: plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """`key:value`. `pattern` holds the value with wildcards when it has any, else None."""

    key: str
    value: str
    pattern: str | None = None

    @property
    def is_exact(self) -> bool:
        return self.pattern is None


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class MatchAll:
    """`*` alone: every tag set matches."""


@dataclass(frozen=True)
class Text:
    """A word or quoted phrase without a key: free text, as monitor search takes it (`web`,
    `"chef-client"`, `*postgres*`). Only `parse_query` makes it; scopes refuse it (every value
    there must have a key). `pattern` as in `Term`."""

    value: str
    pattern: str | None = None


Node = Term | Not | And | Or | MatchAll | Text
