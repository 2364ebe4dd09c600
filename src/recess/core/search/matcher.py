"""Expression tree -> a fast predicate over a group's tags.

A tag set is indexed once as {key: frozenset(values)} (a group may carry several values of one
key). A tree compiles to one Python expression over that index, built from reprs of the parsed
strings only, so evaluating it costs a few dict and set look-ups and no tree walking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from recess.core.search.ast import And, MatchAll, Node, Not, Or, Term, Text
from recess.core.search.glob import compile_glob

TagIndex = Mapping[str, frozenset[str]]
_EMPTY: frozenset[str] = frozenset()


def index_tags(tags: Iterable[str]) -> dict[str, frozenset[str]]:
    """`["env:prod", "role:web", "role:db", "canary"]` -> {"env": {"prod"}, "role": {"web","db"}, "canary": {""}}."""
    grouped: dict[str, set[str]] = {}
    for tag in tags:
        key, _, value = tag.strip().lower().partition(":")
        grouped.setdefault(key, set()).add(value)
    return {k: frozenset(v) for k, v in grouped.items()}


@dataclass
class _Emitter:
    constants: dict[str, object] = field(default_factory=dict)

    def const(self, value: object) -> str:
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def emit(self, node: Node) -> str:
        if isinstance(node, MatchAll):
            return "True"
        if isinstance(node, Term):
            values = f"t.get({node.key!r}, _E)"
            if node.pattern is None:
                return f"({node.value!r} in {values})"
            if node.pattern == "*":
                return f"({node.key!r} in t)"
            glob = self.const(compile_glob(node.pattern))
            return f"any(map({glob}, {values}))"
        if isinstance(node, Not):
            return f"(not {self.emit(node.child)})"
        if isinstance(node, Text):
            raise ValueError("free text has no key to match a tag set against (scopes never hold it)")
        joiner = " and " if isinstance(node, And) else " or "
        return "(" + joiner.join(self.emit(c) for c in node.children) + ")"


def compile_matcher(node: Node) -> Callable[[TagIndex], bool]:
    """A predicate over an index from `index_tags`."""
    emitter = _Emitter()
    body = emitter.emit(node)
    namespace: dict[str, object] = {"_E": _EMPTY, **emitter.constants}
    exec(f"def match(t):\n    return {body}\n", namespace)  # noqa: S102 - source built from reprs only
    return namespace["match"]  # type: ignore[return-value]


def required_terms(node: Node) -> frozenset[tuple[str, str]]:
    """Exact `key:value` terms present in every tag set the tree matches (for indexing)."""
    if isinstance(node, Term):
        return frozenset({(node.key, node.value)}) if node.is_exact else frozenset()
    if isinstance(node, And):
        out: set[tuple[str, str]] = set()  # one set grown in place: a union per child is quadratic
        for child in node.children:
            out.update(required_terms(child))
        return frozenset(out)
    if isinstance(node, Or):
        sets = [required_terms(c) for c in node.children]
        return frozenset.intersection(*sets) if sets else frozenset()
    return frozenset()


# Most scopes are a conjunction of exact terms, each maybe negated or a few values of one key
# (`host:a`, `service:x env:(prod OR staging) -role:db`). Such a scope is kept as a few
# (key, values, wanted) clauses and tested with set look-ups: no generated function (whose
# memory and compile time add up over 100,000 stored scopes). Anything else is compiled.
Clause = tuple[str, frozenset[str], bool]  # the group has one of `values` under `key` == wanted


def _clause(node: Node) -> Clause | None:
    wanted = True
    if isinstance(node, Not):
        node, wanted = node.child, False
    if isinstance(node, Term) and node.is_exact:
        return node.key, frozenset({node.value}), wanted
    if isinstance(node, Or) and node.children and all(isinstance(c, Term) and c.is_exact for c in node.children):
        terms = [c for c in node.children if isinstance(c, Term)]
        if len({t.key for t in terms}) == 1:
            return terms[0].key, frozenset(t.value for t in terms), wanted
    return None


def clauses_of(node: Node) -> tuple[Clause, ...] | None:
    """The tree as clauses that must all hold, or None when it is not that simple."""
    parts = node.children if isinstance(node, And) else (node,)
    out = []
    for part in parts:
        clause = _clause(part)
        if clause is None:
            return None
        out.append(clause)
    return tuple(out)


def clauses_match(clauses: tuple[Clause, ...], tags: TagIndex) -> bool:
    for key, values, wanted in clauses:
        if values.isdisjoint(tags.get(key, _EMPTY)) is wanted:
            return False
    return True
