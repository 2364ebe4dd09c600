"""Service check monitor queries: `"check".over("tag").exclude("tag").by("key").last(N).count_by_status()`.

Parsed with lark into plain data; invalid queries raise QueryError with Datadog's wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, LarkError, Token, Tree

_GRAMMAR = r"""
query: STRING call*
call: "." NAME "(" [arg ("," arg)*] ")"
?arg: STRING | INT
NAME: /[a-z_]+/
STRING: /"(?:\\.|[^"\\])*"/ | /'(?:\\.|[^'\\])*'/
%import common.INT
%ignore /\s+/
"""
_parser = Lark(_GRAMMAR, start="query", parser="lalr")
MAX_LAST = 100


class QueryError(ValueError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"The value provided for parameter 'query' is invalid: {detail}")


@dataclass(frozen=True)
class ServiceCheckQuery:
    check: str
    over: tuple[str, ...] = ()  # tags every run must carry ("*": any)
    exclude: tuple[str, ...] = ()  # tags no run may carry
    by: tuple[str, ...] = ()  # tag keys that name a group
    last: int = 1

    @property
    def grouped(self) -> bool:
        return bool(self.by)


def _text(token: Token) -> str:
    return str(token)[1:-1].replace('\\"', '"').replace("\\'", "'")


@lru_cache(maxsize=1024)
def parse(query: str) -> ServiceCheckQuery:
    try:
        tree = _parser.parse(query)
    except LarkError:
        raise QueryError("expected a service check query such as \"check\".over(\"*\").by(\"host\").last(2).count_by_status()") from None
    first = tree.children[0]
    if not isinstance(first, Token):
        raise QueryError("expected the check name in quotes")
    check = _text(first)
    if not check:
        raise QueryError("the check name is empty")
    over: list[str] = []
    exclude: list[str] = []
    by: list[str] = []
    last = 1
    seen_count = False
    for call in tree.children[1:]:
        assert isinstance(call, Tree)
        name = str(call.children[0])
        args = [a for a in call.children[1:] if a is not None]
        strings = [_text(a) for a in args if isinstance(a, Token) and a.type == "STRING"]
        if name == "over":
            over += [s.lower() for s in strings]
        elif name == "exclude":
            exclude += [s.lower() for s in strings]
        elif name == "by":
            by += [s.lower() for s in strings if s != "*"]
        elif name == "last":
            if len(args) != 1 or not isinstance(args[0], Token) or args[0].type != "INT":
                raise QueryError("last() takes one integer")
            last = int(args[0])
            if not 1 <= last <= MAX_LAST:
                raise QueryError(f"last() must be between 1 and {MAX_LAST}")
        elif name == "count_by_status":
            seen_count = True
        else:
            raise QueryError(f"invalid operator specified: {name}")
    if not seen_count:
        raise QueryError("invalid operator specified: a service check query ends with .count_by_status()")
    return ServiceCheckQuery(check, tuple(over), tuple(exclude), tuple(by), last)
