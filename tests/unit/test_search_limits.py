"""Bounded work for search queries: size limits, and wildcards matched without backtracking."""

from __future__ import annotations

import random
import re
import time

import pytest

from recess.core.search import SearchSyntaxError, parse
from recess.core.search.glob import compile_glob
from recess.core.search.matcher import compile_matcher, index_tags, required_terms
from recess.core.search.parser import MAX_DEPTH, MAX_LENGTH, MAX_TERMS, MAX_WILDCARDS


def _reference(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append({"*": ".*", "?": "."}.get(pattern[i], re.escape(pattern[i])))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def test_glob_agrees_with_a_regex_on_random_patterns() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        pattern = "".join(rng.choice("ab*?\\") for _ in range(rng.randint(0, 8)))
        value = "".join(rng.choice("ab*?\\") for _ in range(rng.randint(0, 10)))
        assert compile_glob(pattern)(value) == bool(_reference(pattern).fullmatch(value)), (pattern, value)


def test_many_wildcards_cost_linear_time() -> None:
    match = compile_matcher(parse("host:" + "*a" * (MAX_WILDCARDS - 1) + "*c"))
    tags = index_tags(["host:" + "a" * 5000 + "b"])
    started = time.perf_counter()
    assert match(tags) is False
    assert time.perf_counter() - started < 0.5  # a backtracking regex takes hours here


@pytest.mark.parametrize(("query", "message"), [
    ("x:" + "a" * MAX_LENGTH, "too long"),
    (" ".join(f"h:{i}" for i in range(MAX_TERMS + 1)), "too many terms"),
    ("NOT " * (MAX_DEPTH + 1) + "a:b", "nested too deeply"),
    ("NOT " * 20_000 + "a:b", "too long"),
    ("host:" + "*a" * (MAX_WILDCARDS + 1), "wildcards"),
])
def test_limits_are_syntax_errors_naming_them(query: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError, match=message):
        parse(query)


def test_queries_at_the_limits_parse() -> None:
    parse(" ".join(f"h:{i}" for i in range(MAX_TERMS)))
    parse("NOT " * (MAX_DEPTH - 1) + "a:b")
    parse("host:" + "*a" * (MAX_WILDCARDS // 2))
    assert parse("(" * 1000 + "a:b" + ")" * 1000) == parse("a:b")  # redundant parentheses add no depth
    parse(r"host:a\*b\*c\*d\*e\*f\*g\*h\*i\*j\*k\*l\*m\*n\*o\*p\*q\*r")  # escaped stars are not wildcards


def test_required_terms_of_a_wide_and_is_fast() -> None:
    tree = parse(" ".join(f"h:{i}" for i in range(MAX_TERMS)))
    started = time.perf_counter()
    assert len(required_terms(tree)) == MAX_TERMS
    assert time.perf_counter() - started < 0.05
