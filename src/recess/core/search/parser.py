"""Text -> expression tree, with errors that say what is wrong."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from recess.core.search.ast import And, MatchAll, Node, Not, Or, Term, Text


class SearchSyntaxError(ValueError):
    """The query is not valid search syntax; the message is fit to show the user."""


_grammar = resources.files("recess.core.search").joinpath("grammar.lark").read_text()
_lark = Lark(_grammar, parser="lalr", lexer="contextual", maybe_placeholders=False)

_WILDCARDS = "*?"

# Bounds on the work one query can ask for (README: Limits). Datadog does not publish its own.
MAX_LENGTH = 8192  # characters
MAX_TERMS = 256  # key:value terms
MAX_DEPTH = 32  # nested groups and negations
MAX_WILDCARDS = 16  # `*` and `?` in one value


def _unescape(text: str) -> tuple[str, str | None]:
    """The literal value, and its wildcard pattern (or None) where `*`/`?` are unescaped."""
    literal, pattern, wild, i = [], [], False, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            literal.append(text[i + 1])
            pattern.append("\\" + text[i + 1])
            i += 2
            continue
        if ch in _WILDCARDS:
            wild = True
        literal.append(ch)
        pattern.append(ch)
        i += 1
    return "".join(literal), ("".join(pattern) if wild else None)


class _ToTree(Transformer[Token, Node]):
    """Lark's parse tree -> recess's expression tree. Grouped values carry their key down."""

    def plain(self, items: list[Token]) -> tuple[str, str | None]:
        return _unescape(str(items[0]))

    def quoted(self, items: list[Token]) -> tuple[str, str | None]:
        inner = str(items[0])[1:-1]
        literal, _ = _unescape(inner)
        return literal, None  # quotes make wildcards literal

    def negate(self, items: list[object]) -> object:
        child = items[0]
        if isinstance(child, Term | Not | And | Or | MatchAll | Text):
            return Not(child)
        return ("not", child)  # a value under a grouped key; _bind makes it a term

    def value_or(self, items: list[object]) -> object:
        return ("or", tuple(items))

    def value_and(self, items: list[object]) -> object:
        return ("and", tuple(items))

    def or_expr(self, items: list[Node]) -> Node:
        return Or(tuple(items))

    def and_expr(self, items: list[Node]) -> Node:
        return And(tuple(items))

    def field(self, items: list[object]) -> Node:
        key, _ = _unescape(str(items[0]))
        return _bind(key, items[1])

    def bare(self, items: list[Token]) -> Node:
        word = str(items[0])
        if word in ("AND", "OR", "NOT"):
            raise SearchSyntaxError(f"Invalid query: {word} needs a term on each side")
        raise SearchSyntaxError("All values must have a key")

    def match_all(self, items: list[Token]) -> Node:
        return MatchAll()


class _ToQueryTree(_ToTree):
    """As `_ToTree`, but a word or quoted phrase without a key is free text (`Text`)."""

    def bare(self, items: list[Token]) -> Node:
        word = str(items[0])
        if word in ("AND", "OR", "NOT"):
            raise SearchSyntaxError(f"Invalid query: {word} needs a term on each side")
        if word.startswith('"'):
            literal, _ = _unescape(word[1:-1])
            return Text(literal.lower())
        literal, pattern = _unescape(word)
        return Text(literal.lower(), pattern.lower() if pattern else None)


_SCOPES, _QUERIES = _ToTree(), _ToQueryTree()


def _bind(key: str, value: object) -> Node:
    """Turn a value expression under `key` into terms: `k:(a OR -b)` is `k:a OR -k:b`."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and value[0] in ("not", "or", "and"):
        op, arg = value
        if op == "not":
            return Not(_bind(key, arg))
        assert isinstance(arg, (list, tuple))
        children = tuple(_bind(key, v) for v in arg)
        return Or(children) if op == "or" else And(children)
    assert isinstance(value, tuple) and len(value) == 2
    literal, pattern = value
    assert isinstance(literal, str) and (pattern is None or isinstance(pattern, str))
    return Term(key.lower(), literal.lower(), pattern.lower() if pattern else None)


def _check_balance(text: str) -> None:
    depth, quoted, escaped = 0, False, False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            if depth < 0:
                raise SearchSyntaxError("Unbalanced parentheses: ')' without a matching '('")
    if quoted:
        raise SearchSyntaxError("Unterminated quoted value")
    if depth > 0:
        raise SearchSyntaxError("Unbalanced parentheses: '(' is never closed")


# A scope of plain `key:value` terms (no wildcards, quotes, escapes, groups or operators but AND) is
# by far the commonest; it is read without the grammar, giving the very tree the grammar would
# (tests/unit/test_properties_search.py checks that), ~20x faster: a process loading 100,000
# stored scopes at start spends its time here.
_PLAIN_TERM = re.compile(r"[A-Za-z0-9_.@/][A-Za-z0-9_.@/-]*:[A-Za-z0-9_.@/:-]+")


def _plain(text: str) -> Node | None:
    words = text.split()
    if words == ["*"]:
        return MatchAll()
    # `a:b AND c:d` is `a:b c:d`: an AND standing alone between two terms says nothing more.
    words = [w for i, w in enumerate(words)
             if not (w == "AND" and 0 < i < len(words) - 1 and words[i - 1] != "AND" and words[i + 1] != "AND")]
    if not words or not all(_PLAIN_TERM.fullmatch(w) for w in words):
        return None
    terms = tuple(Term(key.lower(), value.lower()) for key, _, value in (w.partition(":") for w in words))
    return terms[0] if len(terms) == 1 else And(terms)


@lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse `text`; raise SearchSyntaxError with a user-facing message when it is not valid."""
    if not text or not text.strip():
        raise SearchSyntaxError("The query must not be empty")
    if len(text) > MAX_LENGTH:
        raise SearchSyntaxError(f"The query is too long: {len(text)} characters, at most {MAX_LENGTH}")
    plain = _plain(text)
    if plain is not None:
        _check_plain_size(plain)
        return plain
    return parse_with_grammar(text)


@lru_cache(maxsize=1024)
def parse_query(text: str) -> Node:
    """Parse a search query that may hold free text (monitor search): as `parse`, except that a
    word or quoted phrase without a key is a `Text` node rather than an error. An empty query
    matches everything."""
    if not text.strip():
        return MatchAll()
    if len(text) > MAX_LENGTH:
        raise SearchSyntaxError(f"The query is too long: {len(text)} characters, at most {MAX_LENGTH}")
    plain = _plain(text)
    if plain is not None:
        _check_plain_size(plain)
        return plain
    return parse_with_grammar(text, free_text=True)


def parse_with_grammar(text: str, *, free_text: bool = False) -> Node:
    """`parse` by the grammar alone (what `parse` does for anything but plain terms); with
    `free_text`, words without a key are `Text` (what `parse_query` does)."""
    _check_balance(text)
    try:
        tree = _lark.parse(text)
    except UnexpectedCharacters as exc:
        raise SearchSyntaxError(f"Invalid query: unexpected character {text[exc.pos_in_stream or 0]!r} at position {exc.column}") from None
    except UnexpectedEOF:
        raise SearchSyntaxError("Invalid query: it ends where a term was expected") from None
    except UnexpectedToken as exc:
        token = exc.token
        if token.type == "$END":
            raise SearchSyntaxError("Invalid query: it ends where a term was expected") from None
        raise SearchSyntaxError(f"Invalid query: unexpected {str(token)!r} at position {token.column}") from None
    except UnexpectedInput as exc:  # pragma: no cover - other lark failures
        raise SearchSyntaxError(f"Invalid query: {exc}") from None
    try:
        node = (_QUERIES if free_text else _SCOPES).transform(tree)
    except RecursionError:
        raise SearchSyntaxError(f"The query is nested too deeply: at most {MAX_DEPTH} levels") from None
    except Exception as exc:  # lark wraps errors raised inside the transformer
        cause = getattr(exc, "orig_exc", exc)
        if isinstance(cause, SearchSyntaxError):
            raise cause from None
        if isinstance(cause, RecursionError):
            raise SearchSyntaxError(f"The query is nested too deeply: at most {MAX_DEPTH} levels") from None
        raise
    if isinstance(node, Term | MatchAll | Not | And | Or | Text):
        _check_size(node)
        return node
    raise SearchSyntaxError("All values must have a key")


def _check_plain_size(plain: Node) -> None:
    """`_check_size` for what `_plain` reads: two levels deep at most and no wildcards, so only
    the number of terms can be past its limit."""
    if isinstance(plain, And) and len(plain.children) > MAX_TERMS:
        raise SearchSyntaxError(f"The query has too many terms: at most {MAX_TERMS}")


def _check_size(root: Node) -> None:
    """Refuse trees past the limits (walked without recursion: the depth is what is checked)."""
    terms, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SearchSyntaxError(f"The query is nested too deeply: at most {MAX_DEPTH} levels")
        if isinstance(node, Text):
            terms += 1
            if terms > MAX_TERMS:
                raise SearchSyntaxError(f"The query has too many terms: at most {MAX_TERMS}")
        elif isinstance(node, Term):
            terms += 1
            if terms > MAX_TERMS:
                raise SearchSyntaxError(f"The query has too many terms: at most {MAX_TERMS}")
            wildcards = sum(node.pattern.count(w) - node.pattern.count("\\" + w) for w in _WILDCARDS) if node.pattern else 0
            if wildcards > MAX_WILDCARDS:
                raise SearchSyntaxError(f"The value of {node.key}:{node.value} has {wildcards} wildcards: at most {MAX_WILDCARDS}")
        elif isinstance(node, Not):
            stack.append((node.child, depth + 1))
        elif isinstance(node, And | Or):
            stack.extend((child, depth + 1) for child in node.children)
