"""Check-then-insert races: many requests at once for the same webhook name, status page
`domain_prefix` or project's next case number get one success and 409s (or distinct numbers),
never a 500. Run against live servers on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Any

import httpx

from tests.conftest import Server

CONCURRENT = 12  # more than one process's worker threads answer at once, fewer than its connections


def at_once(server: Server, send: Callable[[httpx.Client, int], httpx.Response], n: int = CONCURRENT) -> list[httpx.Response]:
    """`send(client, i)` from `n` threads released together; every answer, in thread order."""
    ready = threading.Barrier(n)
    answers: list[Any] = [None] * n

    def run(i: int) -> None:
        with server.http() as http:
            http.get("/api/v1/validate")  # connected and the keys cached before the start line
            ready.wait()
            try:
                answers[i] = send(http, i)
            except Exception as exc:  # noqa: BLE001 - shown by the assertion below
                answers[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(isinstance(a, httpx.Response) for a in answers), answers
    return answers


def one_winner(answers: list[httpx.Response], won: int) -> None:
    codes = sorted(a.status_code for a in answers)
    assert codes == [won] + [409] * (len(answers) - 1), [(a.status_code, a.text[:200]) for a in answers]


def test_one_webhook_of_a_name(server: Server) -> None:
    name = f"race-{secrets.token_hex(4)}"
    path = "/api/v1/integration/webhooks/configuration/webhooks"
    answers = at_once(server, lambda http, i: http.post(path, json={"name": name, "url": f"https://example.com/{i}"}))
    one_winner(answers, 200)
    assert all(a.json() == {"errors": [f"Webhook {name} already exists"]} for a in answers if a.status_code == 409)
    with server.http() as http:
        winner = next(a for a in answers if a.status_code == 200).json()["url"]
        assert http.get(f"{path}/{name}").json()["url"] == winner

        # Renaming many webhooks to one free name at once: one takes it.
        others = [f"{name}-{i}" for i in range(CONCURRENT)]
        for other in others:
            assert http.post(path, json={"name": other, "url": "https://example.com/x"}).status_code == 200
    renamed = at_once(server, lambda http, i: http.put(f"{path}/{others[i]}", json={"name": f"{name}-renamed"}))
    one_winner(renamed, 200)


def test_one_status_page_of_a_domain_prefix(server: Server) -> None:
    prefix = f"race-{secrets.token_hex(4)}"

    def create(http: httpx.Client, i: int) -> httpx.Response:
        return http.post("/api/v2/statuspages", json={"data": {"type": "status_pages", "attributes": {
            "name": f"Race {i}", "domain_prefix": prefix, "type": "public", "visualization_type": "bars_only"}}})

    answers = at_once(server, create)
    one_winner(answers, 201)
    for answer in answers:
        if answer.status_code == 409:
            assert answer.headers["content-type"].startswith("application/vnd.api+json")
            assert answer.json()["errors"][0]["detail"] == f"domain_prefix {prefix!r} is already taken"

    # Moving many pages to one free prefix at once: one gets it.
    with server.http() as http:
        ids = []
        for i in range(CONCURRENT):
            made = http.post("/api/v2/statuspages", json={"data": {"type": "status_pages", "attributes": {
                "name": f"Mover {i}", "domain_prefix": f"{prefix}-{i}", "type": "public", "visualization_type": "bars_only"}}})
            assert made.status_code == 201, made.text
            ids.append(made.json()["data"]["id"])
    moved = at_once(server, lambda http, i: http.patch(f"/api/v2/statuspages/{ids[i]}", json={"data": {
        "type": "status_pages", "attributes": {"domain_prefix": f"{prefix}-moved"}}}))
    one_winner(moved, 200)


def test_case_numbers_are_unique_under_concurrent_creates(server: Server) -> None:
    with server.http() as http:
        made = http.post("/api/v2/cases/projects", json={"data": {"type": "project", "attributes": {
            "key": f"R{secrets.token_hex(3).upper()}", "name": "Race"}}})
        assert made.status_code == 201, made.text
        project = made.json()["data"]["id"]

    def create(http: httpx.Client, i: int) -> httpx.Response:
        return http.post("/api/v2/cases", json={"data": {"type": "case", "attributes": {"title": f"Case {i}"},
                                                          "relationships": {"project": {"data": {"id": project, "type": "project"}}}}})

    answers = at_once(server, create, 16)
    assert all(a.status_code == 201 for a in answers), [(a.status_code, a.text[:200]) for a in answers]
    keys = sorted(int(a.json()["data"]["attributes"]["key"].rsplit("-", 1)[1]) for a in answers)
    assert keys == list(range(1, 17)), keys


def test_first_binding_of_a_component_put_at_once(server: Server) -> None:
    """PUT replaces: many first PUTs of one component's binding at once all succeed, one binding."""
    from tests.api.test_bindings import Org

    org = Org(server)
    try:
        page_id, _, primary_id = org.page()
        path = f"/api/v2/statuspages/{page_id}/components/{primary_id}/monitors"
        answers = at_once(server, lambda http, i: http.put(path, headers=org.http.headers, json={"data": {
            "type": "monitor_bindings", "attributes": {"monitor_identifier": {"monitor_tags": [f"service:s{i}"]}, "scope": "*"}}}))
        assert [a.status_code for a in answers] == [200] * CONCURRENT, [(a.status_code, a.text[:200]) for a in answers]
        kept = org.http.get(path).json()["data"]["attributes"]["monitor_identifier"]
        assert kept in [{"monitor_tags": [f"service:s{i}"]} for i in range(CONCURRENT)]
    finally:
        org.close()
