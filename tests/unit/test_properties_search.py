"""Properties of the search syntax: the compiled matcher against a plain reference evaluator,
parse(render(tree)) against the generated tree, and the soundness of `required_terms`.

Trees are generated directly as AST nodes (lower-case, as the parser produces them) over a small
alphabet so that terms and tags often meet; values mix literal characters, characters that need
escaping, and the wildcards `*` and `?`. The renderer writes each tree as query text in one of
several equivalent spellings (`-x` or `NOT x`, implicit or explicit AND, `k:(a OR b)` for
same-key groups, quoted or escaped literals, random letter case).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from hypothesis import example, given, settings
from hypothesis import strategies as st

from recess.core.search import (
    And, MatchAll, Node, Not, Or, Term, clauses_match, clauses_of, compile_matcher, index_tags, parse, required_terms,
)
from recess.core.search.parser import SearchSyntaxError, parse_with_grammar

# --- the reference: obviously correct, slow, and independent of matcher.py ---------------------

Atom = tuple[bool, str]  # (is a wildcard, the character)


def pattern_atoms(pattern: str) -> tuple[Atom, ...]:
    """A Term's pattern (backslash escapes literal, `*`/`?` wild) as atoms."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append((False, pattern[i + 1]))
            i += 2
        else:
            out.append((ch in "*?", ch))
            i += 1
    return tuple(out)


def glob(atoms: tuple[Atom, ...], text: str) -> bool:
    """`*` any run of characters (also none), `?` exactly one, anything else itself."""

    @lru_cache(maxsize=None)
    def at(i: int, j: int) -> bool:
        if i == len(atoms):
            return j == len(text)
        wild, ch = atoms[i]
        if wild and ch == "*":
            return at(i + 1, j) or (j < len(text) and at(i, j + 1))
        if j == len(text):
            return False
        if wild:  # "?"
            return at(i + 1, j + 1)
        return text[j] == ch and at(i + 1, j + 1)

    return at(0, 0)


def tag_pairs(tags: list[str]) -> list[tuple[str, str]]:
    """`key:value` tags as pairs (the first colon splits; a bare tag has the value "")."""
    pairs = []
    for tag in tags:
        text = tag.strip().lower()
        if ":" in text:
            key, value = text.split(":", 1)
        else:
            key, value = text, ""
        pairs.append((key, value))
    return pairs


def evaluate(node: Node, pairs: list[tuple[str, str]]) -> bool:
    if isinstance(node, MatchAll):
        return True
    if isinstance(node, Term):
        values = [v for k, v in pairs if k == node.key]
        if node.pattern is None:
            return node.value in values  # exact (quoted or escaped wildcards are literal)
        return any(glob(pattern_atoms(node.pattern), v) for v in values)  # any value of the key
    if isinstance(node, Not):
        return not evaluate(node.child, pairs)
    if isinstance(node, And):
        return all(evaluate(c, pairs) for c in node.children)
    if isinstance(node, Or):
        return any(evaluate(c, pairs) for c in node.children)
    raise AssertionError(node)


# --- generating trees and tags ------------------------------------------------------------------

LETTERS = "abé"  # é: a non-ASCII letter with an upper case
SPECIAL = ' :()"\\-*?'  # characters the renderer has to escape or quote (as literals)
KEY_SPECIAL = ' ()"\\-*?.'  # no ':' in keys: the first colon of a tag ends its key


def text_over(letters: str, special: str, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    char = st.one_of(st.sampled_from(letters), st.sampled_from(letters), st.sampled_from(special))
    return st.lists(char, min_size=min_size, max_size=max_size).map("".join)


keys = st.one_of(st.sampled_from(["a", "b", "ab"]), text_over(LETTERS, KEY_SPECIAL, 1, 3))
literal_atom = st.one_of(st.sampled_from(LETTERS), st.sampled_from(LETTERS), st.sampled_from(SPECIAL)).map(lambda c: (False, c))
wild_atom = st.sampled_from("*?").map(lambda c: (True, c))
value_atoms = st.lists(st.one_of(literal_atom, literal_atom, wild_atom), max_size=3).map(tuple)


def make_term(key: str, atoms: tuple[Atom, ...]) -> Term:
    """The Term the parser makes for these atoms: the literal value, and a pattern when wild."""
    value = "".join(ch for _, ch in atoms)
    if not any(wild for wild, _ in atoms):
        return Term(key, value, None)
    pattern = "".join(ch if wild else ("\\" + ch if ch in "*?\\" else ch) for wild, ch in atoms)
    return Term(key, value, pattern)


terms = st.builds(make_term, keys, value_atoms)


def compound(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    many = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(st.builds(Not, children), st.builds(And, many), st.builds(Or, many))


trees: st.SearchStrategy[Node] = st.recursive(
    st.one_of(terms, terms, terms, st.just(MatchAll())), compound, max_leaves=8
)

tag_keys = st.one_of(st.sampled_from(["a", "b", "ab"]), text_over(LETTERS, KEY_SPECIAL, 1, 3))
tag_values = text_over(LETTERS, SPECIAL, 0, 3)


def leaves(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return leaves(node.child)
    if isinstance(node, And | Or):
        return [t for c in node.children for t in leaves(c)]
    return []


@st.composite
def near_miss(draw: st.DrawFn, term: Term) -> str:
    """A tag under the term's key whose value is the term's, or one close to it: each wildcard
    stands for 0-2 characters (so `?` also meets values a character short or long)."""
    atoms = pattern_atoms(term.pattern) if term.pattern is not None else tuple((False, ch) for ch in term.value)
    value = ""
    for wild, ch in atoms:
        value += draw(text_over(LETTERS, SPECIAL, 0, 2)) if wild else ch
    if draw(st.integers(0, 3)) == 0:  # or one character off
        value = value[:-1] if value and draw(st.booleans()) else value + draw(st.sampled_from(LETTERS))
    tag = f"{term.key}:{value}"
    return tag.upper() if draw(st.booleans()) else tag


@st.composite
def tag_lists(draw: st.DrawFn, tree: Node | None = None) -> list[str]:
    out = []
    if tree is not None and leaves(tree):
        out += draw(st.lists(st.sampled_from(leaves(tree)).flatmap(near_miss), max_size=4))
    for _ in range(draw(st.integers(0, 6))):
        key = draw(tag_keys)
        form = draw(st.sampled_from(["kv", "kv", "kv", "bare", "empty"]))
        tag = key if form == "bare" else f"{key}:" if form == "empty" else f"{key}:{draw(tag_values)}"
        out.append(tag.upper() if draw(st.booleans()) else tag)
    return out


# --- rendering trees as query text --------------------------------------------------------------

KEYWORDS = ("AND", "OR", "NOT")


@dataclass
class Renderer:
    draw: st.DrawFn

    def coin(self) -> bool:
        return self.draw(st.booleans())

    def case(self, text: str) -> str:
        return "".join(ch.upper() if self.coin() else ch for ch in text)

    def key(self, key: str) -> str:
        out = "".join(ch if ch.isalnum() else "\\" + ch for ch in self.case(key))
        return "\\" + out if out in KEYWORDS else out

    def value(self, term: Term) -> str:
        atoms = pattern_atoms(term.pattern) if term.pattern is not None else tuple((False, ch) for ch in term.value)
        if not atoms:
            return '""'
        if term.pattern is None and self.coin():  # quoted: wildcards are literal inside
            inner = self.case(term.value).replace("\\", "\\\\").replace('"', '\\"')
            return f'"{inner}"'
        out = []
        for wild, ch in atoms:
            ch = self.case(ch)
            if wild:
                out.append(ch)
            elif ch in ' ()"\\*?' or (ch in ":-" and self.coin()) or (ch == "-" and not out):
                out.append("\\" + ch)  # a leading '-' inside k:(...) would be a negation
            else:
                out.append(ch)
        text = "".join(out)
        return "\\" + text if text in KEYWORDS else text

    def node(self, node: Node, top: bool = False) -> str:
        if isinstance(node, MatchAll):
            return "*"
        if isinstance(node, Term):
            return f"{self.key(node.key)}:{self.value(node)}"
        key = single_key(node)
        if key is not None and not isinstance(node, Term) and self.coin():
            return f"{self.key(key)}:({self.grouped(node)})"
        if isinstance(node, Not):
            return ("NOT " if self.coin() else "-") + self.node(node.child)
        joiner = " OR " if isinstance(node, Or) else (" AND " if self.coin() else " ")
        body = joiner.join(self.node(c) for c in node.children)
        return body if top and self.coin() else f"({body})"

    def grouped(self, node: Node) -> str:
        """A value expression under one key: `a OR (b -c)`."""
        if isinstance(node, Term):
            return self.value(node)
        if isinstance(node, Not):
            return ("NOT " if self.coin() else "-") + self.grouped(node.child)
        joiner = " OR " if isinstance(node, Or) else (" AND " if self.coin() else " ")
        return "(" + joiner.join(self.grouped(c) for c in node.children) + ")"


def single_key(node: Node) -> str | None:
    """The key shared by every term of a tree without `*`, else None."""
    if isinstance(node, Term):
        return node.key
    if isinstance(node, MatchAll):
        return None
    children = (node.child,) if isinstance(node, Not) else node.children
    found = {single_key(c) for c in children}
    return found.pop() if len(found) == 1 and None not in found else None


def normalized(node: Node) -> object:
    """Trees equal up to how a wildcard pattern spells its literal characters."""
    if isinstance(node, Term):
        return ("term", node.key, node.value, pattern_atoms(node.pattern) if node.pattern is not None else None)
    if isinstance(node, Not):
        return ("not", normalized(node.child))
    if isinstance(node, And | Or):
        return (type(node).__name__, tuple(normalized(c) for c in node.children))
    return ("all",)


@st.composite
def rendered(draw: st.DrawFn) -> tuple[Node, str]:
    tree = draw(trees)
    return tree, Renderer(draw).node(tree, top=True)


# --- the properties -----------------------------------------------------------------------------

SETTINGS = settings(max_examples=300, deadline=None)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Node, list[str]]:
    """A tree and tags, some of them made from its terms so that matches and near misses occur."""
    tree = draw(trees)
    return tree, draw(tag_lists(tree))


@SETTINGS
@given(cases())
@example((Term("a", "a?", "a?"), ["A:AB"]))
@example((Term("a", "a?", "a?"), ["a:a"]))  # `?` is exactly one character
@example((Term("a", "*", "*"), ["a"]))  # `k:*` matches a bare tag: its value is ""
@example((Term("a", "*", None), ["a:x"]))  # a literal `*` (quoted) is not a wildcard
@example((Term("a", "*b", "\\*?"), ["a:*b", "a:ab"]))  # an escaped `*` in a pattern is literal
@example((Not(Term("a", "a", None)), ["a:a", "a:b"]))  # one of several values suffices
def test_compiled_matcher_equals_reference(case: tuple[Node, list[str]]) -> None:
    tree, tags = case
    assert compile_matcher(tree)(index_tags(tags)) is evaluate(tree, tag_pairs(tags))
    clauses = clauses_of(tree)  # the uncompiled form of simple scopes agrees too
    if clauses is not None:
        assert clauses_match(clauses, index_tags(tags)) is evaluate(tree, tag_pairs(tags))


simple_trees = st.lists(st.one_of(
    terms.filter(lambda t: t.is_exact), terms.filter(lambda t: t.is_exact).map(Not),
    st.tuples(keys, st.lists(st.sampled_from(["a", "b", "ab", "x"]), min_size=2, max_size=3)).map(
        lambda kv: Or(tuple(Term(kv[0].lower(), v) for v in kv[1]))),
), min_size=1, max_size=4).map(lambda parts: parts[0] if len(parts) == 1 else And(tuple(parts)))


@SETTINGS
@given(st.data())
def test_simple_scopes_match_as_compiled(data: st.DataObject) -> None:
    tree = data.draw(simple_trees)
    tags = data.draw(tag_lists(tree))
    clauses = clauses_of(tree)
    assert clauses is not None, tree
    assert clauses_match(clauses, index_tags(tags)) is compile_matcher(tree)(index_tags(tags)) is evaluate(tree, tag_pairs(tags))


@st.composite
def rendered_cases(draw: st.DrawFn) -> tuple[Node, str, list[str]]:
    tree = draw(trees)
    return tree, Renderer(draw).node(tree, top=True), draw(tag_lists(tree))


@SETTINGS
@given(rendered_cases())
def test_parse_of_rendered_tree_is_the_tree(case: tuple[Node, str, list[str]]) -> None:
    tree, text, tags = case
    parsed = parse(text)
    assert normalized(parsed) == normalized(tree), text
    assert compile_matcher(parsed)(index_tags(tags)) is evaluate(tree, tag_pairs(tags)), text


@SETTINGS
@given(cases())
def test_required_terms_are_present_in_every_match(case: tuple[Node, list[str]]) -> None:
    tree, tags = case
    index = index_tags(tags)
    if compile_matcher(tree)(index):
        for key, value in required_terms(tree):
            assert value in index.get(key, frozenset()), (key, value)


@SETTINGS
@given(cases(), st.data())
def test_a_tag_set_missing_a_required_term_never_matches(case: tuple[Node, list[str]], data: st.DataObject) -> None:
    # Random tags seldom match a tree with required terms; so build tag sets that hold all of
    # them but one (plus the generated tags that do not present that one).
    tree, tags = case
    required = sorted(t for t in required_terms(tree) if f"{t[0]}:{t[1]}".strip() == f"{t[0]}:{t[1]}")
    if not required:
        return
    missing = data.draw(st.sampled_from(required))
    kept = [tag for tag in tags if tag_pairs([tag])[0] != missing]
    kept += [f"{k}:{v}" for k, v in required if (k, v) != missing]
    assert not compile_matcher(tree)(index_tags(kept))
    assert not evaluate(tree, tag_pairs(kept))


# The parser's fast path for plain `key:value` scopes gives the grammar's own tree, and never
# takes a scope the grammar reads differently (or refuses).
_PLAIN_CHARS = "aZ09_.@/-:"
plain_words = st.one_of(
    st.tuples(text_over("abZ", "_.@/", 1, 4), text_over("aB9", "_.@/:-", 1, 5)).map(lambda kv: f"{kv[0]}:{kv[1]}"),
    text_over("abZ" + _PLAIN_CHARS, "*?\\\"()! ", 1, 8),  # anything else the fast path must leave alone
    st.sampled_from(["*", "AND", "OR", "NOT", "-a:b", "a:", ":b", "a:b*", "a:(b)"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(plain_words, min_size=1, max_size=5), st.sampled_from([" ", "  ", "\t"]))
def test_plain_scopes_parse_as_the_grammar_does(words: list[str], gap: str) -> None:
    text = gap.join(words)

    def outcome(read: Callable[[str], Node]) -> object:
        try:
            return read(text)
        except SearchSyntaxError:
            return SearchSyntaxError

    parse.cache_clear()
    assert outcome(parse) == outcome(parse_with_grammar)
