"""Datadog's search syntax: parse once into a tree, compile the tree into a fast matcher."""

from recess.core.search.ast import And, MatchAll, Node, Not, Or, Term, Text
from recess.core.search.matcher import Clause, TagIndex, clauses_match, clauses_of, compile_matcher, index_tags, required_terms
from recess.core.search.parser import SearchSyntaxError, parse, parse_query

__all__ = [
    "And", "MatchAll", "Node", "Not", "Or", "Term", "Text", "TagIndex", "SearchSyntaxError", "parse_query",
    "compile_matcher", "index_tags", "parse", "required_terms", "matches", "Clause", "clauses_of", "clauses_match",
]


def matches(query: str, tags: list[str]) -> bool:
    """Convenience for one-off checks; hot paths keep the compiled matcher."""
    return compile_matcher(parse(query))(index_tags(tags))
