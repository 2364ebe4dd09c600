"""Downtimes v1 through the official client (and the `dog` command), sharing one store with v2."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v1.api.downtimes_api import DowntimesApi as DowntimesV1
from datadog_api_client.v1.model.cancel_downtimes_by_scope_request import CancelDowntimesByScopeRequest
from datadog_api_client.v1.model.downtime import Downtime
from datadog_api_client.v1.model.downtime_recurrence import DowntimeRecurrence
from datadog_api_client.v1.model.notify_end_state import NotifyEndState
from datadog_api_client.v1.model.notify_end_type import NotifyEndType
from datadog_api_client.v2.api.downtimes_api import DowntimesApi as DowntimesV2

from tests.api.conftest import configuration, errors_of
from tests.conftest import Server


def tag() -> str:
    return f"test:{uuid.uuid4().hex[:12]}"


@pytest.fixture
def api(api_client: ApiClient) -> DowntimesV1:
    return DowntimesV1(api_client)


@pytest.fixture
def v2(api_client: ApiClient) -> DowntimesV2:
    return DowntimesV2(api_client)


@pytest.fixture
def fresh(server: Server) -> Iterator[DowntimesV1]:
    """v1 API for a new org, so listings hold only what the test made."""
    api_key, app_key = server.create_keys("--org", f"v1-{uuid.uuid4().hex[:8]}", "--email", "v1@example.com", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as client:
        yield DowntimesV1(client)


def now() -> int:
    return int(time.time())


def test_create_one_time_and_get(api: DowntimesV1) -> None:
    start, scope = now(), tag()
    created = api.create_downtime(body=Downtime(message="maint", start=start, end=start + 3600, timezone="Etc/UTC", scope=[scope]))
    assert created.id > 0 and created.start == start and created.end == start + 3600
    assert created.scope == [scope] and created.timezone == "Etc/UTC"
    assert created.active is True and created.disabled is False and created.canceled is None
    assert created.monitor_tags == ["*"] and created.monitor_id is None
    assert created.downtime_type == 2 and created.parent_id is None and created.updater_id is None
    assert [str(s) for s in created.notify_end_states] == ["alert", "no data", "warn"]
    assert [str(t) for t in created.notify_end_types] == ["expired"]
    assert created.mute_first_recovery_notification is False
    assert created.recurrence is None
    got = api.get_downtime(created.id)
    assert got.id == created.id and got.start == start and got.message == "maint"


def test_wire_object_has_every_key(server: Server) -> None:
    with server.http() as http:
        response = http.post("/api/v1/downtime", json={"scope": "host:db-1", "start": now()})
        assert response.status_code == 200
        body = response.json()
    assert set(body) == {
        "id", "monitor_id", "org_id", "start", "end", "canceled", "created", "modified", "message", "active", "disabled",
        "recurrence", "timezone", "parent_id", "child_id", "creator_id", "updater_id", "downtime_type", "status",
        "monitor_tags", "mute_first_recovery_notification", "notify_end_types", "notify_end_states", "uuid", "scope",
    }
    assert body["downtime_type"] == 1 and body["status"] == "active" and body["end"] is None
    assert isinstance(body["org_id"], int) and isinstance(body["created"], int)


def test_downtime_types(api: DowntimesV1) -> None:
    assert api.create_downtime(body=Downtime(scope=["*"])).downtime_type == 0
    assert api.create_downtime(body=Downtime(scope=["host:a"])).downtime_type == 1
    assert api.create_downtime(body=Downtime(scope=["host:a", "host:b"])).downtime_type == 2
    assert api.create_downtime(body=Downtime(scope=["env:prod"])).downtime_type == 2


def test_monitor_downtime_form(api: DowntimesV1) -> None:
    created = api.create_downtime(
        body=Downtime(
            message="monitor", monitor_id=12345, scope=["*"], start=now(), end=now() + 7 * 86400, timezone="Etc/UTC",
            mute_first_recovery_notification=True, notify_end_states=[NotifyEndState.ALERT], notify_end_types=[NotifyEndType.CANCELED],
        )
    )
    assert created.monitor_id == 12345 and created.downtime_type == 0
    assert created.mute_first_recovery_notification is True
    assert [str(s) for s in created.notify_end_states] == ["alert"]
    assert [str(t) for t in created.notify_end_types] == ["canceled"]


def test_future_start_is_scheduled(api: DowntimesV1) -> None:
    created = api.create_downtime(body=Downtime(scope=[tag()], start=now() + 3600, end=now() + 7200))
    assert created.active is False
    assert created.to_dict().get("status", "scheduled") == "scheduled"


WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]


@pytest.mark.parametrize(
    ("recurrence", "echo"),
    [
        (DowntimeRecurrence(type="days", period=1), {"type": "days", "period": 1, "week_days": None, "until_occurrences": None, "until_date": None}),
        (DowntimeRecurrence(type="days", period=3, until_occurrences=4), {"type": "days", "period": 3, "week_days": None, "until_occurrences": 4, "until_date": None}),
        (DowntimeRecurrence(type="weeks", period=1, week_days=WEEKDAYS), {"type": "weeks", "period": 1, "week_days": WEEKDAYS, "until_occurrences": None, "until_date": None}),
        (DowntimeRecurrence(type="months", period=2), {"type": "months", "period": 2, "week_days": None, "until_occurrences": None, "until_date": None}),
        (DowntimeRecurrence(type="years", period=1), {"type": "years", "period": 1, "week_days": None, "until_occurrences": None, "until_date": None}),
        (DowntimeRecurrence(type="rrule", rrule="FREQ=MONTHLY;BYSETPOS=3;BYDAY=WE;INTERVAL=1"), {"type": "rrule", "rrule": "FREQ=MONTHLY;BYSETPOS=3;BYDAY=WE;INTERVAL=1"}),
    ],
)
def test_recurrence_variants(api: DowntimesV1, v2: DowntimesV2, recurrence: DowntimeRecurrence, echo: dict[str, object]) -> None:
    start = now()
    created = api.create_downtime(body=Downtime(scope=[tag()], start=start, end=start + 3600, timezone="Etc/UTC", recurrence=recurrence))
    assert created.recurrence.to_dict() == echo
    assert created.start == start and created.end == start + 3600  # the first window is the current one
    assert created.active is True
    # Its current occurrence is the active child, linked to it.
    child = created.active_child
    assert child.parent_id == created.id and child.id != created.id
    assert (child.start, child.end) == (created.start, created.end)
    assert api.get_downtime(child.id).parent_id == created.id
    assert api.get_downtime(created.id).active_child.id == child.id  # stable
    # The same downtime through v2: one recurring schedule.
    schedule = v2.get_downtime(created.uuid if hasattr(created, "uuid") else created.to_dict()["uuid"]).data.attributes.schedule
    assert schedule.timezone == "Etc/UTC" and schedule.recurrences[0].duration == "1h"


def test_until_date_and_week_days_wire_echo(server: Server) -> None:
    start = now()
    until = start + 21 * 86400
    with server.http() as http:
        body = http.post("/api/v1/downtime", json={
            "message": "weekly", "start": start, "end": start + 3600, "timezone": "Etc/UTC", "scope": [tag()],
            "recurrence": {"type": "weeks", "period": 1, "week_days": WEEKDAYS, "until_date": until},
            "notify_end_states": ["warn", "alert"], "notify_end_types": ["canceled"],
        }).json()
    assert body["recurrence"] == {"type": "weeks", "period": 1, "week_days": WEEKDAYS, "until_occurrences": None, "until_date": until}
    assert body["notify_end_states"] == ["warn", "alert"]  # echoed in the order given
    assert body["child_id"] == body["active_child"]["id"]


def test_recurrence_rolls_forward(api: DowntimesV1, v2: DowntimesV2) -> None:
    # Started two days ago, daily for an hour: the current window is today's (or tomorrow's).
    start = now() - 2 * 86400
    created = api.create_downtime(body=Downtime(scope=[tag()], start=start, end=start + 3600, recurrence=DowntimeRecurrence(type="days", period=1)))
    assert created.start in (start + 2 * 86400, start + 3 * 86400)
    assert created.end - created.start == 3600
    assert created.active is (created.start <= now())
    assert created.active_child.start == created.start


def test_finished_recurrence_has_no_child(api: DowntimesV1) -> None:
    start = now() - 10 * 86400
    created = api.create_downtime(
        body=Downtime(scope=[tag()], start=start, end=start + 60, recurrence=DowntimeRecurrence(type="days", period=1, until_occurrences=2))
    )
    assert created.active is False and created.to_dict()["status"] == "ended"
    assert created.start == start + 86400  # the last occurrence
    assert "active_child" not in created.to_dict()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"monitor_tags": [f"t{i}" for i in range(50)]}, "Invalid scope parameter"),
        ({"scope": []}, "Invalid scope parameter"),
        ({"scope": ["nokey"]}, "Invalid scope parameter"),
        ({"scope": ["a:b"], "recurrence": {"type": "hours", "period": 1}, "end": 9999999999}, "Invalid recurrence type"),
        ({"scope": ["a:b"], "recurrence": {"type": "weeks", "period": 1, "week_days": ["mon", "tue"]}, "end": 9999999999}, "Invalid set of days in week_days. Be sure that the first letter is capitalized."),
        ({"scope": ["a:b"], "recurrence": {"type": "days", "period": 1, "until_occurrences": 2, "until_date": 9999999999}, "end": 9999999999}, "You must provide only provide one of (until_occurrences, until_date)"),
        ({"scope": ["a:b"], "recurrence": {"type": "days", "period": 0}, "end": 9999999999}, "Invalid recurrence period"),
        ({"scope": ["a:b"], "recurrence": {"type": "rrule"}, "end": 9999999999}, "rrule is required"),
        ({"scope": ["a:b"], "recurrence": {"type": "rrule", "rrule": "FREQ=NEVER"}, "end": int(time.time()) + 3600}, "Invalid rrule"),
        ({"scope": ["a:b"], "recurrence": {"type": "days", "period": 1}}, "needs an end"),
        ({"scope": ["a:b"], "start": 2000000000, "end": 1999999999}, "end must be after"),
        ({"scope": ["a:b"], "timezone": "Nowhere/City"}, "Invalid timezone"),
        ({"scope": ["a:b"], "start": "soon"}, "start"),
    ],
)
def test_create_rejects(server: Server, body: dict[str, object], message: str) -> None:
    with server.http() as http:
        response = http.post("/api/v1/downtime", json=body)
    assert response.status_code == 400
    assert any(message in e for e in response.json()["errors"]), response.json()


def test_client_reports_400s(api: DowntimesV1) -> None:
    with pytest.raises(ApiException) as exc:
        api.create_downtime(body=Downtime(scope=["a:b"], end=now() + 60, recurrence=DowntimeRecurrence(type="hours", period=1)))
    assert exc.value.status == 400 and errors_of(exc.value) == ["Invalid recurrence type"]
    with pytest.raises(ApiException) as both:
        api.create_downtime(body=Downtime(scope=["a:b"], end=now() + 60, recurrence=DowntimeRecurrence(type="days", period=1, until_occurrences=2, until_date=now() + 86400)))
    assert errors_of(both.value) == ["You must provide only provide one of (until_occurrences, until_date)"]
    with pytest.raises(ApiException) as days:
        api.create_downtime(body=Downtime(scope=["a:b"], end=now() + 60, recurrence=DowntimeRecurrence(type="weeks", period=1, week_days=["mon"])))
    assert errors_of(days.value) == ["Invalid set of days in week_days. Be sure that the first letter is capitalized."]


def test_update_is_a_merge(api: DowntimesV1, server: Server) -> None:
    start = now()
    created = api.create_downtime(body=Downtime(message="a", scope=[tag()], start=start, end=start + 3600))
    updated = api.update_downtime(
        created.id, body=Downtime(message="b", mute_first_recovery_notification=True, notify_end_states=[NotifyEndState.WARN], notify_end_types=[NotifyEndType.CANCELED, NotifyEndType.EXPIRED])
    )
    assert updated.message == "b" and updated.mute_first_recovery_notification is True
    assert (updated.start, updated.end, updated.scope) == (created.start, created.end, created.scope)
    assert updated.updater_id == created.creator_id
    moved = api.update_downtime(created.id, body=Downtime(end=start + 7200, scope=["env:prod", "role:db"]))
    assert moved.end == start + 7200 and moved.scope == ["env:prod", "role:db"] and moved.message == "b"
    recurring = api.update_downtime(created.id, body=Downtime(recurrence=DowntimeRecurrence(type="days", period=1)))
    assert recurring.recurrence.type == "days" and recurring.active_child.parent_id == created.id
    with server.http() as http:
        nulls = http.put(f"/api/v1/downtime/{created.id}", json={"scope": None, "start": None, "end": None, "message": "c"})
        assert nulls.status_code == 200 and nulls.json()["scope"] == ["env:prod", "role:db"] and nulls.json()["message"] == "c"
        bad = http.put(f"/api/v1/downtime/{created.id}", json={"recurrence": {"type": "hours"}})
        assert bad.status_code == 400 and bad.json() == {"errors": ["Invalid recurrence type"]}
    with pytest.raises(NotFoundException):
        api.update_downtime(0, body=Downtime(message="x"))


def test_cancel(api: DowntimesV1, server: Server) -> None:
    created = api.create_downtime(body=Downtime(scope=[tag()]))
    assert api.cancel_downtime(created.id) is None
    got = api.get_downtime(created.id)
    assert got.disabled is True and got.active is False and got.canceled is not None
    assert got.to_dict()["status"] == "canceled" and got.updater_id == created.creator_id
    api.cancel_downtime(created.id)  # again: still 204
    with pytest.raises(NotFoundException) as missing:
        api.cancel_downtime(0)
    assert errors_of(missing.value) == ["Downtime 0 not found"]
    with pytest.raises(NotFoundException) as missing_get:
        api.get_downtime(0)
    assert errors_of(missing_get.value) == ["Downtime not found"]
    with server.http() as http:
        assert http.get("/api/v1/downtime/12abc").status_code == 400  # shaped like an id, malformed
        assert http.get("/api/v1/downtime/abc").status_code == 404  # a word: a sub-path, never an id


def test_cancel_by_scope_touches_only_v1(fresh: DowntimesV1, server: Server) -> None:
    scope = tag()
    one = fresh.create_downtime(body=Downtime(scope=[scope]))
    two = fresh.create_downtime(body=Downtime(scope=[scope]))
    other = fresh.create_downtime(body=Downtime(scope=[tag()]))
    result = fresh.cancel_downtimes_by_scope(body=CancelDowntimesByScopeRequest(scope=scope))
    assert sorted(result.cancelled_ids) == sorted([one.id, two.id])
    assert fresh.get_downtime(other.id).disabled is False
    with pytest.raises(NotFoundException) as none_left:
        fresh.cancel_downtimes_by_scope(body=CancelDowntimesByScopeRequest(scope=scope))
    assert errors_of(none_left.value) == ["No downtimes found"]
    # A v2 downtime with the same scope is left alone.
    with server.http() as http:
        v2_made = http.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {"scope": scope, "monitor_identifier": {"monitor_tags": ["*"]}}}})
        assert v2_made.status_code == 200
    with pytest.raises(NotFoundException):
        fresh.cancel_downtimes_by_scope(body=CancelDowntimesByScopeRequest(scope=scope))


def test_list_current_only_and_creator(fresh: DowntimesV1) -> None:
    active = fresh.create_downtime(body=Downtime(scope=[tag()]))
    later = fresh.create_downtime(body=Downtime(scope=[tag()], start=now() + 3600))
    gone = fresh.create_downtime(body=Downtime(scope=[tag()]))
    fresh.cancel_downtime(gone.id)
    everything = fresh.list_downtimes()
    assert [d.id for d in everything] == [active.id, later.id, gone.id]
    assert [d.id for d in fresh.list_downtimes(current_only=True)] == [active.id]
    with_creator = fresh.list_downtimes(with_creator=True)
    assert with_creator[0].to_dict()["creator"]["email"] == "v1@example.com"
    assert "creator" not in everything[0].to_dict()


def test_one_store_for_both_apis(api: DowntimesV1, v2: DowntimesV2) -> None:
    scope = tag()
    start = now()
    made_v1 = api.create_downtime(body=Downtime(scope=[scope, "env:prod"], start=start, end=start + 600, message="v1"))
    uuid_v2 = made_v1.to_dict()["uuid"]
    seen = v2.get_downtime(uuid_v2).data.attributes
    assert seen.scope == f"{scope} AND env:prod" and seen.message == "v1"
    assert seen.schedule.start == datetime.fromtimestamp(start, UTC)
    assert seen.schedule.end == datetime.fromtimestamp(start + 600, UTC)
    v2.cancel_downtime(uuid_v2)  # cancellable through v2
    after = api.get_downtime(made_v1.id)
    assert after.disabled is True and after.to_dict()["uuid"] == uuid_v2 and after.id == made_v1.id
    # A v2 downtime is visible through v1 too, with its scope as terms when it is a conjunction.
    with ApiClient(api.api_client.configuration) as client:
        from tests.api.test_downtimes_v2 import create_body

        made_v2 = DowntimesV2(client).create_downtime(body=create_body("env:prod AND team:sre")).data
    listed = {d.to_dict()["uuid"]: d for d in api.list_downtimes()}
    assert listed[made_v2.id].scope == ["env:prod", "team:sre"]


def test_dog_command(server: Server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The `datadog` package's `dog downtime` commands, pointed at recess."""
    config = tmp_path / "dogrc"
    config.write_text(f"[Connection]\napikey = {server.api_key}\nappkey = {server.app_key}\napi_host = {server.url}\n")

    def dog(*args: str) -> object:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "dog"), "--config", str(config), "--api_host", server.url, "downtime", *args],
            capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr + done.stdout
        return json.loads(done.stdout) if done.stdout.strip() else None

    scope = tag()
    posted = dog("post", scope, str(now()), "--end", str(now() + 3600), "--message", "from dog")
    assert isinstance(posted, dict) and posted["scope"] == [scope] and posted["message"] == "from dog"
    shown = dog("show", str(posted["id"]))
    assert isinstance(shown, dict) and shown["id"] == posted["id"]
    updated = dog("update", str(posted["id"]), "--message", "updated by dog")
    assert isinstance(updated, dict) and updated["message"] == "updated by dog" and updated["end"] == posted["end"]
    everything = dog("show_all")
    assert isinstance(everything, list) and posted["id"] in [d["id"] for d in everything]
    dog("delete", str(posted["id"]))
    with server.http() as http:
        assert http.get(f"/api/v1/downtime/{posted['id']}").json()["disabled"] is True
