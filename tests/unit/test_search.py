"""The search-syntax parser and matcher: a table of parse/match cases and of errors."""

from __future__ import annotations

import pytest

from recess.core.search import (
    And, MatchAll, Not, Or, SearchSyntaxError, Term, compile_matcher, index_tags, matches, parse, required_terms,
)

WEB_PROD = ["env:prod", "role:web", "host:web-01", "datacenter:us-east-1", "team:sre", "team:web"]

# (query, tags, expected)
CASES = [
    ("env:prod", WEB_PROD, True),
    ("env:staging", WEB_PROD, False),
    ("env:prod role:web", WEB_PROD, True),  # implicit AND
    ("env:prod role:db", WEB_PROD, False),
    ("env:prod AND role:web", WEB_PROD, True),
    ("env:prod AND role:db", WEB_PROD, False),
    ("env:staging OR role:web", WEB_PROD, True),
    ("env:staging OR role:db", WEB_PROD, False),
    ("-env:prod", WEB_PROD, False),
    ("-env:staging", WEB_PROD, True),
    ("NOT env:prod", WEB_PROD, False),
    ("NOT env:staging", WEB_PROD, True),
    ("env:prod -role:db", WEB_PROD, True),
    ("env:prod -role:web", WEB_PROD, False),
    ("env:(staging OR prod)", WEB_PROD, True),
    ("env:(staging OR dev)", WEB_PROD, False),
    ("env:(staging OR prod) AND datacenter:us-east-1", WEB_PROD, True),
    ("env:(staging OR prod) AND datacenter:eu-west-1", WEB_PROD, False),
    ("team:(sre AND web)", WEB_PROD, True),  # several values of one key
    ("team:(sre web)", WEB_PROD, True),
    ("team:(sre AND db)", WEB_PROD, False),
    ("team:(-db)", WEB_PROD, True),
    ("(env:prod OR env:dev) role:web", WEB_PROD, True),
    ("(env:dev OR env:qa) role:web", WEB_PROD, False),
    ("((env:prod))", WEB_PROD, True),
    ("env:prod AND (role:db OR (team:web AND host:web-01))", WEB_PROD, True),
    ("host:web-*", WEB_PROD, True),
    ("host:db-*", WEB_PROD, False),
    ("host:*-01", WEB_PROD, True),
    ("host:web-0?", WEB_PROD, True),
    ("host:*", WEB_PROD, True),  # any value of the key
    ("owner:*", WEB_PROD, False),
    ("*", WEB_PROD, True),
    ("*", [], True),
    ('service:"payments api"', ["service:payments api"], True),
    ('service:"payments api"', ["service:payments"], False),
    ('name:"a*b"', ["name:a*b"], True),  # quotes make wildcards literal
    ('name:"a*b"', ["name:axxb"], False),
    ("name:a*b", ["name:axxb"], True),
    (r"path:a\:b", ["path:a:b"], True),
    (r"path:a\ b", ["path:a b"], True),
    (r"paren:\(x\)", ["paren:(x)"], True),
    ("url:http://example.com/x", ["url:http://example.com/x"], True),  # the first colon splits
    ("ENV:PROD", ["env:prod"], True),  # tags are case-insensitive
    ("env:prod", ["ENV:Prod"], True),
    ("availability-zone:us-east-1a", ["availability-zone:us-east-1a"], True),
    ("env:prod", [], False),
    ("-env:prod", [], True),
    ("ORG:x", ["org:x"], True),  # keywords are whole words only
    ("NOTE:x", ["note:x"], True),
    ("env:prod OR env:dev AND role:db", WEB_PROD, True),  # AND binds tighter than OR
    ("NOT (env:prod OR env:dev)", WEB_PROD, False),
    ("- env:prod", WEB_PROD, False),
]


@pytest.mark.parametrize(("query", "tags", "expected"), CASES)
def test_match(query: str, tags: list[str], expected: bool) -> None:
    assert matches(query, tags) is expected


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("env:prod", Term("env", "prod")),
        ("-env:prod", Not(Term("env", "prod"))),
        ("a:1 b:2", And((Term("a", "1"), Term("b", "2")))),
        ("a:1 OR b:2", Or((Term("a", "1"), Term("b", "2")))),
        ("env:(a OR b)", Or((Term("env", "a"), Term("env", "b")))),
        ("host:web-*", Term("host", "web-*", "web-*")),
        ("*", MatchAll()),
        (r"k:a\*", Term("k", "a*", None)),
    ],
)
def test_parse_tree(query: str, tree: object) -> None:
    assert parse(query) == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("BAD_SCOPE_MISSING_KEY_VALUE_FORMAT", "All values must have a key"),
        ("env:prod lonely", "All values must have a key"),
        ('"quoted"', "All values must have a key"),
        ("(env:prod", "Unbalanced parentheses"),
        ("env:prod)", "Unbalanced parentheses"),
        ("env:(a OR b", "Unbalanced parentheses"),
        ('env:"prod', "Unterminated quoted value"),
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("env:prod OR", "ends where a term was expected"),
        ("env:", "ends where a term was expected"),
        ("env:(a OR)", "unexpected ')'"),
        ("AND env:x", "AND"),
        ("env:prod AND", "ends where a term was expected"),
        ("()", "unexpected ')'"),
    ],
)
def test_errors(query: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError) as exc:
        parse(query)
    assert message in str(exc.value)


def test_required_terms() -> None:
    assert required_terms(parse("env:prod role:web")) == {("env", "prod"), ("role", "web")}
    assert required_terms(parse("env:prod (role:web OR role:db)")) == {("env", "prod")}
    assert required_terms(parse("(env:prod role:a) OR (env:prod role:b)")) == {("env", "prod")}
    assert required_terms(parse("-env:prod")) == frozenset()
    assert required_terms(parse("host:web-*")) == frozenset()
    assert required_terms(parse("*")) == frozenset()


def test_compiled_matcher_is_reusable() -> None:
    match = compile_matcher(parse("env:(prod OR staging) -host:canary-*"))
    assert match(index_tags(["env:prod", "host:a"]))
    assert not match(index_tags(["env:prod", "host:canary-1"]))
    assert not match(index_tags(["env:dev"]))
    assert match(index_tags(["env:staging"]))


def test_index_tags_groups_values() -> None:
    assert index_tags(["role:web", "role:db", "canary"]) == {"role": frozenset({"web", "db"}), "canary": frozenset({""})}
