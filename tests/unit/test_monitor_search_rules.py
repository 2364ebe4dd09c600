"""Monitor search, list filters, assets and query reading: the pure rules, in microseconds."""

from __future__ import annotations

import pytest

from recess.core.search import And, MatchAll, Not, SearchSyntaxError, Term, Text, parse, parse_query
from recess.monitors import assets, filters, queries, search
from recess.monitors.service_search import Muting, muting


def item(**given: object) -> search.Item:
    base: dict[str, object] = dict(
        id=7, name="cpu high on web", message="@webhook-ops cpu is {{value}}", status="Alert", type="query alert",
        classification="metric", tags=("team:sre", "env:prod", "service:web"), scopes=("env:prod",),
        metrics=("system.cpu.user",), notifications=("webhook-ops",), creator=("sre@example.com", "sam"), muted=False,
        priority=2,
    )
    base.update(given)
    return search.Item(**base)  # type: ignore[arg-type]


def test_free_text_parses_only_as_a_query() -> None:
    assert parse_query("status:alert web") == And((Term("status", "alert"), Text("web")))
    assert parse_query('-"chef-client" *postgres*') == And((Not(Text("chef-client")), Text("*postgres*", "*postgres*")))
    assert parse_query("") == MatchAll() and parse_query("  ") == MatchAll()
    with pytest.raises(SearchSyntaxError):
        parse("web")  # scopes still need a key for every value
    with pytest.raises(SearchSyntaxError):
        parse_query("OR")


@pytest.mark.parametrize(
    ("query", "matched"),
    [
        ("", True), ("status:alert", True), ("status:Alert", True), ('status:"no data"', False),
        ("status:(warn OR alert)", True), ("-status:alert", False), ("muted:false", True), ("muted:true", False),
        ("type:metric", True), ('type:"query alert"', True), ("type:custom", False), ("tag:team:sre", True),
        ("tag:team:*", True), ("tag:team:db", False), ("service:web", True), ("env:prod", True), ("env:staging", False),
        ("scope:env:prod", True), ("metric:system.cpu.user", True), ("metric:system.*", True),
        ("notification:webhook-ops", True), ("notification:@webhook-ops", True), ("notification:slack-x", False),
        ("title:cpu", True), ("message:value", True), ("title:value", False), ("creator:sre@example.com", True),
        ("id:7", True), ("7", True), ("8", False), ("priority:2", True), ("priority:p2", True), ("web", True),
        ("*high*", True), ("postgres", False), ("status:alert AND NOT web", False), ("status:ok OR web", True),
    ],
)
def test_monitor_query(query: str, matched: bool) -> None:
    assert search.matcher(query)(item()) is matched


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status:notastatus", "Query parsing error: 'notastatus' is not a valid monitor status"),
        ("status:triggered", "Query parsing error: 'triggered' is not a valid monitor status"),
        ("muted:maybe", "Query parsing error: 'maybe' is not a valid value for muted (true or false)"),
        ("color:red", "Query parsing error: 'color' is not a monitor attribute to search by"),
        ("group:host:a", "Query parsing error: 'group' is not a monitor attribute to search by"),
        ("id:seven", "Query parsing error: 'seven' is not a valid id"),
    ],
)
def test_refused_queries(query: str, message: str) -> None:
    with pytest.raises(search.SearchError) as refused:
        search.matcher(query)
    assert str(refused.value) == message


def test_group_queries() -> None:
    group = item(group="host:a", group_tags=("host:a", "role:web"), status="OK", muted=True)
    assert search.matcher("group:host:a group_status:ok muted:true monitor_id:7", search.GROUP_FIELDS)(group)
    assert search.matcher("group:role:web", search.GROUP_FIELDS)(group)
    assert not search.matcher("group:host:b", search.GROUP_FIELDS)(group)


def test_counts_paging_and_order() -> None:
    items = [item(id=1, name="b", status="OK", tags=("x",)), item(id=2, name="a", status="Alert", tags=("x", "y"), muted=True),
             item(id=3, name="c", status="OK", tags=(), classification="custom")]
    assert search.counts(items) == {
        "status": [{"count": 2, "name": "OK"}, {"count": 1, "name": "Alert"}],
        "muted": [{"count": 2, "name": False}, {"count": 1, "name": True}],
        "tag": [{"count": 2, "name": "x"}, {"count": 1, "name": "y"}],
        "type": [{"count": 2, "name": "metric"}, {"count": 1, "name": "custom"}],
    }
    how = search.paging(None, None, None)
    assert (how.page, how.per_page, how.sort, how.descending) == (0, 30, "name", False)
    assert [i.id for i in search.ordered(items, how)] == [2, 1, 3]
    assert [i.id for i in search.ordered(items, search.paging(None, None, "status,desc"))][0] == 2
    two = search.paging("1", "2", "name,asc")
    assert [i.id for i in search.page(search.ordered(items, two), two)] == [3]
    assert search.metadata(3, two) == {"page": 1, "page_count": 2, "per_page": 2, "total_count": 3}
    assert search.metadata(199, how)["page_count"] == 7  # as recorded: 199 monitors, 30 a page
    for bad in [("-1", None, None), (None, "0", None), (None, "x", None), (None, None, "id,asc"), (None, None, "name,up")]:
        with pytest.raises(search.SearchError):
            search.paging(*bad)


def test_muting_of_a_monitor_and_its_groups() -> None:
    whole, groups = muting({"*": 100}, ["a", "b"])
    assert whole == Muting(True, 100) and groups == {"a": Muting(True, 100), "b": Muting(True, 100)}
    whole, groups = muting({"a": 50, "b": None}, ["a", "b"])
    assert whole == Muting(True, 50) and groups["b"] == Muting(True, None)  # every group covered: muted until the first ends
    whole, groups = muting({"a": 50}, ["a", "b"])
    assert whole == Muting() and groups == {"a": Muting(True, 50), "b": Muting()}
    assert muting({}, []) == (Muting(), {})
    assert muting({"*": 10, "a": None}, ["a"])[1]["a"] == Muting(True, None)


def test_list_filters() -> None:
    got = filters.list_filters(name=None, tags="host:A, env:prod", monitor_tags=None, group_states_="alert,No Data",
                               id_offset=None, page="2", page_size=None)
    assert got.tags == ("host:a", "env:prod") and got.group_states == frozenset({"alert", "no data"})
    assert (got.page, got.page_size) == (2, 100) and got.shows_group("No Data") and not got.shows_group("OK")
    assert filters.list_filters(name=None, tags=None, monitor_tags=None, group_states_="all", id_offset=None, page=None,
                                page_size="5").shows_group("OK")
    assert filters.page_of([1, 2, 3], filters.ListFilters(page_size=5)) == [1, 2, 3]  # page_size alone does not page
    for kwargs, message in [
        ({"group_states_": "notastate"}, "Invalid group_state filters."),
        ({"group_states_": "alert,ok"}, "Invalid group_state filters."),
        ({"monitor_tags": "a,,b"}, "Invalid monitor_tags filters."),
        ({"tags": "host:a b"}, "Invalid tags filters."),
        ({"page": "-1"}, "Invalid page: it must be an integer of at least 0."),
        ({"page_size": "1001"}, "Invalid page_size: it must be an integer from 1 to 1000."),
        ({"id_offset": "x"}, "Invalid id_offset: it must be an integer."),
    ]:
        given = {"name": None, "tags": None, "monitor_tags": None, "group_states_": None, "id_offset": None, "page": None,
                 "page_size": None, **kwargs}
        with pytest.raises(filters.FilterError) as refused:
            filters.list_filters(**given)
        assert str(refused.value) == message


def test_assets_and_draft_status() -> None:
    given = [{"category": "runbook", "name": "Runbook", "url": "/notebooks/1", "resource_key": "1", "resource_type": "notebook",
              "monitor_id": 9, "template_variables": {}}]
    stored = assets.check_assets(given)
    assert stored == [{"name": "Runbook", "category": "runbook", "url": "/notebooks/1", "resource_key": "1", "resource_type": "notebook"}]
    assert assets.rendered(3, stored)[0] == {"monitor_id": 3, "name": "Runbook", "category": "runbook", "url": "/notebooks/1",
                                             "template_variables": {}, "options": {}, "resource_key": "1", "resource_type": "notebook"}
    assert assets.check_assets([{"category": "runbook", "name": "x", "url": "https://wiki.example.com/run"}])[0]["url"].startswith("https")
    for bad in [{"name": "x", "url": "/a"}, {"category": "docs", "name": "x", "url": "/a"}, {"category": "runbook", "url": "/a"},
                {"category": "runbook", "name": "x", "url": "ftp://x/y"}, {"category": "runbook", "name": "x", "url": "//evil.com/a"},
                {"category": "runbook", "name": "x", "url": "/a b"}, {"category": "runbook", "name": "x", "url": "/a", "resource_type": "doc"}]:
        with pytest.raises(assets.AssetError):
            assets.check_assets([bad])
    with pytest.raises(assets.AssetError):
        assets.check_assets({"category": "runbook"})
    assert assets.check_draft_status(None) == "published" and assets.check_draft_status("draft") == "draft"
    with pytest.raises(assets.AssetError):
        assets.check_draft_status("Draft")


def test_what_queries_name() -> None:
    assert queries.scopes("query alert", "avg(last_1h):avg:aws.ec2.cpu{environment:foo,host:foo} by {host} > 4") == ["environment:foo", "host:foo"]
    assert queries.scopes("service check", '"http.ok".over("env:prod").last(2).count_by_status()') == ["env:prod"]
    assert queries.scopes("service check", '"http.ok".last(2).count_by_status()') == ["*"]
    assert queries.metrics("query alert", "avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 100") == ["system.net.bytes_rcvd"]
    assert queries.metrics("service check", '"http.ok".last(2).count_by_status()') == ["http.ok"]
    assert queries.handles("@webhook-ops then @jane@example.com, not me@x.com @webhook-ops") == ["webhook-ops", "jane@example.com"]
