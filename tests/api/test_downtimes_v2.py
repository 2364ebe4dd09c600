"""Downtimes v2 through the official datadog-api-client, against a live server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, ForbiddenException, NotFoundException
from datadog_api_client.v2.api.downtimes_api import DowntimesApi
from datadog_api_client.v2.model.downtime_create_request import DowntimeCreateRequest
from datadog_api_client.v2.model.downtime_create_request_attributes import DowntimeCreateRequestAttributes
from datadog_api_client.v2.model.downtime_create_request_data import DowntimeCreateRequestData
from datadog_api_client.v2.model.downtime_monitor_identifier_id import DowntimeMonitorIdentifierId
from datadog_api_client.v2.model.downtime_monitor_identifier_tags import DowntimeMonitorIdentifierTags
from datadog_api_client.v2.model.downtime_notify_end_state_actions import DowntimeNotifyEndStateActions
from datadog_api_client.v2.model.downtime_notify_end_state_types import DowntimeNotifyEndStateTypes
from datadog_api_client.v2.model.downtime_resource_type import DowntimeResourceType
from datadog_api_client.v2.model.downtime_schedule_one_time_create_update_request import (
    DowntimeScheduleOneTimeCreateUpdateRequest,
)
from datadog_api_client.v2.model.downtime_schedule_recurrence_create_update_request import (
    DowntimeScheduleRecurrenceCreateUpdateRequest,
)
from datadog_api_client.v2.model.downtime_schedule_recurrences_create_request import (
    DowntimeScheduleRecurrencesCreateRequest,
)
from datadog_api_client.v2.model.downtime_schedule_recurrences_update_request import (
    DowntimeScheduleRecurrencesUpdateRequest,
)
from datadog_api_client.v2.model.downtime_update_request import DowntimeUpdateRequest
from datadog_api_client.v2.model.downtime_update_request_attributes import DowntimeUpdateRequestAttributes
from datadog_api_client.v2.model.downtime_update_request_data import DowntimeUpdateRequestData

from tests.api.conftest import configuration, errors_of
from tests.conftest import Server


def unique() -> str:
    return uuid.uuid4().hex[:12]


def create_body(scope: str, **attrs: object) -> DowntimeCreateRequest:
    attrs.setdefault("monitor_identifier", DowntimeMonitorIdentifierTags(monitor_tags=["cat:hat"]))
    return DowntimeCreateRequest(
        data=DowntimeCreateRequestData(
            attributes=DowntimeCreateRequestAttributes(scope=scope, **attrs), type=DowntimeResourceType.DOWNTIME
        )
    )


def update_body(downtime_id: str, **attrs: object) -> DowntimeUpdateRequest:
    return DowntimeUpdateRequest(
        data=DowntimeUpdateRequestData(
            id=downtime_id, type=DowntimeResourceType.DOWNTIME, attributes=DowntimeUpdateRequestAttributes(**attrs)
        )
    )


@pytest.fixture
def api(api_client: ApiClient) -> DowntimesApi:
    return DowntimesApi(api_client)


def test_create_with_defaults(api: DowntimesApi, server: Server) -> None:
    before = datetime.now(UTC)
    scope = f"test:{unique()}"
    body = create_body(scope, message="dark forest", schedule=DowntimeScheduleOneTimeCreateUpdateRequest(start=None))
    created = api.create_downtime(body=body)
    data, attrs = created.data, created.data.attributes
    assert uuid.UUID(data.id).version == 1
    assert str(data.type) == "downtime"
    assert attrs.scope == scope and attrs.message == "dark forest"
    assert attrs.display_timezone == "UTC"
    assert sorted(str(s) for s in attrs.notify_end_states) == ["alert", "no data", "warn"]
    assert [str(t) for t in attrs.notify_end_types] == ["expired"]
    assert attrs.mute_first_recovery_notification is False
    assert attrs.canceled is None
    assert str(attrs.status) == "active"
    assert attrs.monitor_identifier.monitor_tags == ["cat:hat"]
    assert attrs.schedule.end is None
    assert before - timedelta(seconds=1) <= attrs.schedule.start <= datetime.now(UTC)
    assert attrs.created == attrs.modified
    # Create answers with relationships and the creator included, as Datadog does.
    assert str(data.relationships.created_by.data.type) == "users"
    assert data.relationships.monitor.data is None
    assert [i.id for i in created.included] == [data.relationships.created_by.data.id]
    assert created.included[0].attributes.email == "admin@recess.local"


def test_wire_format_of_create_and_get(server: Server) -> None:
    with server.http() as http:
        body = {"data": {"type": "downtime", "attributes": {"scope": f"t:{unique()}", "monitor_identifier": {"monitor_tags": ["*"]}, "schedule": {"start": None}}}}
        created = http.post("/api/v2/downtime", json=body)
        assert created.status_code == 200 and created.headers["content-type"] == "application/json"
        doc = created.json()
        assert set(doc) == {"data", "included"}
        assert set(doc["data"]["attributes"]) == {
            "canceled", "created", "display_timezone", "message", "modified", "monitor_identifier",
            "mute_first_recovery_notification", "notify_end_states", "notify_end_types", "schedule", "scope", "status",
        }
        created_at = doc["data"]["attributes"]["created"]
        assert created_at.endswith("+00:00") and len(created_at.split(".")[1]) == len("123456+00:00")
        got = http.get(f"/api/v2/downtime/{doc['data']['id']}").json()
        assert set(got) == {"data"} and "relationships" not in got["data"]
        with_include = http.get(f"/api/v2/downtime/{doc['data']['id']}", params={"include": "created_by"}).json()
        assert with_include["data"]["relationships"]["created_by"]["data"]["type"] == "users"
        assert with_include["included"][0]["type"] == "users"


def test_get_and_include(api: DowntimesApi) -> None:
    created = api.create_downtime(body=create_body(f"test:{unique()}"))
    got = api.get_downtime(created.data.id)
    assert got.data.id == created.data.id
    assert got.data.attributes.scope == created.data.attributes.scope
    included = api.get_downtime(created.data.id, include="created_by,monitor")
    assert included.data.relationships.created_by.data.id == created.data.relationships.created_by.data.id
    assert included.included[0].id == created.data.relationships.created_by.data.id


def test_monitor_id_identifier(api: DowntimesApi) -> None:
    created = api.create_downtime(
        body=create_body(f"host:{unique()}", monitor_identifier=DowntimeMonitorIdentifierId(monitor_id=123456))
    )
    assert created.data.attributes.monitor_identifier.monitor_id == 123456
    assert created.data.relationships.monitor.data.id == "123456"
    assert str(created.data.relationships.monitor.data.type) == "monitors"


def test_explicit_window_and_notify_settings(api: DowntimesApi) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)
    end = start + timedelta(hours=2)
    created = api.create_downtime(
        body=create_body(
            f"env:{unique()}",
            schedule=DowntimeScheduleOneTimeCreateUpdateRequest(start=start, end=end),
            notify_end_states=[DowntimeNotifyEndStateTypes.ALERT],
            notify_end_types=[DowntimeNotifyEndStateActions.CANCELED, DowntimeNotifyEndStateActions.EXPIRED],
            mute_first_recovery_notification=True,
            display_timezone="America/New_York",
        )
    )
    attrs = created.data.attributes
    assert str(attrs.status) == "scheduled"
    assert attrs.schedule.start == start and attrs.schedule.end == end
    assert [str(s) for s in attrs.notify_end_states] == ["alert"]
    assert [str(t) for t in attrs.notify_end_types] == ["canceled", "expired"]
    assert attrs.mute_first_recovery_notification is True
    assert attrs.display_timezone == "America/New_York"


def test_recurring_schedule(api: DowntimesApi) -> None:
    created = api.create_downtime(
        body=create_body(
            f"env:{unique()}",
            schedule=DowntimeScheduleRecurrencesCreateRequest(
                recurrences=[
                    DowntimeScheduleRecurrenceCreateUpdateRequest(duration="1h", rrule="FREQ=DAILY", start="2026-01-01T02:30"),
                    DowntimeScheduleRecurrenceCreateUpdateRequest(duration="30m", rrule="FREQ=WEEKLY;BYDAY=MO", start="2026-01-05T12:00"),
                ],
                timezone="Europe/Paris",
            ),
        )
    )
    schedule = created.data.attributes.schedule
    assert schedule.timezone == "Europe/Paris"
    assert [r.rrule for r in schedule.recurrences] == ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO"]
    assert [r.start for r in schedule.recurrences] == ["2026-01-01T02:30", "2026-01-05T12:00"]
    assert [r.duration for r in schedule.recurrences] == ["1h", "30m"]
    current = schedule.current_downtime
    now = datetime.now(UTC)
    assert current.end > now and current.end - current.start in (timedelta(hours=1), timedelta(minutes=30))
    status = str(created.data.attributes.status)
    assert status == ("active" if current.start <= now else "scheduled")
    # The display time zone follows the schedule's when it is not given.
    assert created.data.attributes.display_timezone == "Europe/Paris"


def test_recurring_without_start_starts_now(api: DowntimesApi) -> None:
    created = api.create_downtime(
        body=create_body(
            f"env:{unique()}",
            schedule=DowntimeScheduleRecurrencesCreateRequest(
                recurrences=[DowntimeScheduleRecurrenceCreateUpdateRequest(duration="2h", rrule="FREQ=DAILY")]
            ),
        )
    )
    attrs = created.data.attributes
    assert attrs.schedule.timezone == "UTC"
    assert str(attrs.status) == "active"
    assert attrs.schedule.current_downtime.start <= datetime.now(UTC) < attrs.schedule.current_downtime.end


def test_update_message_only(api: DowntimesApi) -> None:
    created = api.create_downtime(body=create_body(f"test:{unique()}", message="dark forest"))
    updated = api.update_downtime(created.data.id, body=update_body(created.data.id, message="light speed"))
    before, after = created.data.attributes, updated.data.attributes
    assert after.message == "light speed"
    assert after.modified > before.modified
    assert after.created == before.created
    assert after.schedule.start == before.schedule.start
    assert after.scope == before.scope
    assert updated.data.relationships.created_by.data.id == created.data.relationships.created_by.data.id
    assert api.get_downtime(created.data.id).data.attributes.message == "light speed"


def test_update_scope_identifier_and_schedule(api: DowntimesApi) -> None:
    created = api.create_downtime(body=create_body(f"test:{unique()}"))
    downtime_id = created.data.id
    end = datetime.now(UTC) + timedelta(days=1)
    updated = api.update_downtime(
        downtime_id,
        body=update_body(
            downtime_id,
            scope="env:(prod OR staging) -host:canary",
            monitor_identifier=DowntimeMonitorIdentifierId(monitor_id=42),
            schedule=DowntimeScheduleOneTimeCreateUpdateRequest(end=end),
        ),
    )
    attrs = updated.data.attributes
    assert attrs.scope == "env:(prod OR staging) -host:canary"
    assert attrs.monitor_identifier.monitor_id == 42
    assert attrs.schedule.end == end and attrs.schedule.start == created.data.attributes.schedule.start
    recurring = api.update_downtime(
        downtime_id,
        body=update_body(
            downtime_id,
            schedule=DowntimeScheduleRecurrencesUpdateRequest(
                recurrences=[DowntimeScheduleRecurrenceCreateUpdateRequest(duration="1d", rrule="FREQ=WEEKLY", start="2026-01-03T00:00")],
                timezone="Asia/Tokyo",
            ),
        ),
    )
    assert recurring.data.attributes.schedule.timezone == "Asia/Tokyo"
    assert recurring.data.attributes.schedule.recurrences[0].duration == "1d"
    # Only the time zone: the recurrences stay.
    tz_only = api.update_downtime(
        downtime_id, body=update_body(downtime_id, schedule=DowntimeScheduleRecurrencesUpdateRequest(timezone="UTC"))
    )
    assert tz_only.data.attributes.schedule.timezone == "UTC"
    assert tz_only.data.attributes.schedule.recurrences[0].rrule == "FREQ=WEEKLY"


def test_cancel(api: DowntimesApi, server: Server) -> None:
    created = api.create_downtime(body=create_body(f"test:{unique()}"))
    assert api.cancel_downtime(created.data.id) is None
    got = api.get_downtime(created.data.id).data.attributes
    assert str(got.status) == "canceled"
    assert got.canceled is not None and got.canceled >= got.created
    api.cancel_downtime(created.data.id)  # idempotent
    with server.http() as http:
        response = http.delete(f"/api/v2/downtime/{created.data.id}")
        assert response.status_code == 204 and response.content == b""
        again = http.patch(
            f"/api/v2/downtime/{created.data.id}",
            json={"data": {"id": created.data.id, "type": "downtime", "attributes": {"message": "x"}}},
        )
        assert again.status_code == 400 and "canceled" in again.json()["errors"][0]


def test_list_pagination_and_current_only(server: Server) -> None:
    # A fresh org keeps the counts exact.
    api_key, app_key = server.create_keys("--org", f"list-{unique()}", "--email", "lister@example.com", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as client:
        api = DowntimesApi(client)
        active = [api.create_downtime(body=create_body(f"test:{unique()}")).data.id for _ in range(3)]
        future = datetime.now(UTC) + timedelta(days=2)
        scheduled = api.create_downtime(
            body=create_body("test:later", schedule=DowntimeScheduleOneTimeCreateUpdateRequest(start=future))
        ).data.id
        canceled = api.create_downtime(body=create_body("test:gone")).data.id
        api.cancel_downtime(canceled)

        everything = api.list_downtimes()
        assert [d.id for d in everything.data] == [*active, scheduled, canceled]  # oldest first
        assert everything.meta.page.total_filtered_count == 5
        assert "relationships" not in everything.data[0].to_dict()

        first = api.list_downtimes(page_limit=2)
        second = api.list_downtimes(page_limit=2, page_offset=2)
        third = api.list_downtimes(page_limit=2, page_offset=4)
        assert [d.id for d in first.data + second.data + third.data] == [d.id for d in everything.data]
        assert first.meta.page.total_filtered_count == 5 and third.meta.page.total_filtered_count == 5

        current = api.list_downtimes(current_only=True)
        assert [d.id for d in current.data] == active
        assert current.meta.page.total_filtered_count == 3

        paged = [d.id for d in api.list_downtimes_with_pagination(page_limit=2)]
        assert paged == [d.id for d in everything.data]

        with_include = api.list_downtimes(include="created_by")
        assert len(with_include.included) == 1 and with_include.included[0].attributes.email == "lister@example.com"


def test_default_page_is_30(server: Server) -> None:
    api_key, app_key = server.create_keys("--org", f"page-{unique()}", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as client:
        api = DowntimesApi(client)
        for _ in range(32):
            api.create_downtime(body=create_body(f"test:{unique()}"))
        listed = api.list_downtimes()
        assert len(listed.data) == 30 and listed.meta.page.total_filtered_count == 32


# --- bad input ---------------------------------------------------------------------------------


def post(server: Server, attributes: dict[str, object], type_: str = "downtime") -> tuple[int, list[str]]:
    with server.http() as http:
        response = http.post("/api/v2/downtime", json={"data": {"type": type_, "attributes": attributes}})
    assert response.headers["content-type"] == "application/json"
    return response.status_code, response.json().get("errors", [])


ANY_MONITOR = {"monitor_tags": ["*"]}


@pytest.mark.parametrize(
    ("attributes", "fragment"),
    [
        ({"scope": "BAD_SCOPE_MISSING_KEY_VALUE_FORMAT", "monitor_identifier": ANY_MONITOR}, "All values must have a key"),
        ({"scope": "(env:prod", "monitor_identifier": ANY_MONITOR}, "Unbalanced parentheses"),
        ({"scope": "env:prod)", "monitor_identifier": ANY_MONITOR}, "Unbalanced parentheses"),
        ({"scope": "env:prod OR", "monitor_identifier": ANY_MONITOR}, "Invalid query"),
        ({"scope": "", "monitor_identifier": ANY_MONITOR}, "must not be empty"),
        ({"monitor_identifier": ANY_MONITOR}, "'scope' is a required property"),
        ({"scope": "a:b"}, "'monitor_identifier' is a required property"),
        ({"scope": "a:b", "monitor_identifier": {}}, "exactly one of monitor_id or monitor_tags"),
        ({"scope": "a:b", "monitor_identifier": {"monitor_id": 1, "monitor_tags": ["x"]}}, "exactly one"),
        ({"scope": "a:b", "monitor_identifier": {"monitor_tags": []}}, "at least one tag"),
        ({"scope": "a:b", "monitor_identifier": {"monitor_id": "12"}}, "monitor_identifier.monitor_id"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "invalid_field": "sophon"}, "Additional properties are not allowed ('invalid_field' was unexpected)"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "notify_end_states": ["ok"]}, "notify_end_states"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "notify_end_types": ["ended"]}, "notify_end_types"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "display_timezone": "Mars/Olympus"}, "display_timezone"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"start": "2030-01-02T00:00:00Z", "end": "2030-01-01T00:00:00Z"}}, "schedule.end must be after schedule.start"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"end": "2001-01-01T00:00:00Z"}}, "schedule.end"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"start": "yesterday"}}, "data.attributes.schedule.start"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": [{"rrule": "FREQ=DAILY", "duration": "1h"}], "timezone": "Nowhere/Land"}}, "schedule.timezone"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": [{"rrule": "FREQ=DAILY", "duration": "1h"}] * 6}}, "at most 5"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": []}}, "at least one recurrence"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": [{"rrule": "FREQ=DAILY", "duration": "1y"}]}}, "Invalid duration"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": [{"rrule": "FREQ=SOMETIMES", "duration": "1h"}]}}, "Invalid rrule"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": [{"rrule": "DTSTART=20200101T000000;FREQ=DAILY", "duration": "1h"}]}}, "DTSTART is not supported"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": [{"rrule": "FREQ=DAILY", "duration": "1h", "start": "2026-01-01T10:00+02:00"}]}}, "must not include a UTC offset"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": [{"rrule": "FREQ=DAILY", "duration": "1h"}], "start": "2030-01-01T00:00:00Z"}}, "either one-time"),
        ({"scope": "a:b", "monitor_identifier": ANY_MONITOR, "schedule": {"recurrences": [{"rrule": "FREQ=DAILY;COUNT=2", "duration": "1h", "start": "2026-01-01T10:00"}, {"rrule": "FREQ=DAILY;UNTIL=20251231T000000Z", "duration": "1h", "start": "2026-01-01T10:00"}]}}, "no occurrence"),
    ],
)
def test_create_rejects_bad_input(server: Server, attributes: dict[str, object], fragment: str) -> None:
    status, errors = post(server, attributes)
    assert status == 400, errors
    assert any(fragment in e for e in errors), errors


def test_wrong_type_is_400(server: Server) -> None:
    status, errors = post(server, {"scope": "a:b", "monitor_identifier": ANY_MONITOR}, type_="downtimes")
    assert status == 400 and "data.type" in errors[0]


def test_malformed_json_is_400(server: Server) -> None:
    with server.http() as http:
        for content in (b"{not json", b"[1, 2]", b""):
            response = http.post("/api/v2/downtime", content=content, headers={"content-type": "application/json"})
            assert response.status_code == 400 and response.json()["errors"], content


def test_form_content_type_is_read_as_json(server: Server) -> None:
    with server.http() as http:
        body = b'{"data":{"type":"downtime","attributes":{"scope":"curl:yes","monitor_identifier":{"monitor_tags":["*"]}}}}'
        response = http.post("/api/v2/downtime", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
        assert response.status_code == 200, response.text


def test_path_errors(api: DowntimesApi, server: Server) -> None:
    with pytest.raises(ApiException) as bad:
        api.get_downtime("INVALID_UUID_LENGTH")
    assert bad.value.status == 400 and "downtime_id must be an uuid" in " ".join(map(str, errors_of(bad.value)))
    missing = "00000000-0000-1234-0000-000000000000"
    with pytest.raises(NotFoundException) as nf:
        api.get_downtime(missing)
    assert errors_of(nf.value) == ["Downtime not found"]
    with pytest.raises(NotFoundException):
        api.update_downtime(missing, body=update_body(missing, message="x"))
    with pytest.raises(NotFoundException) as nf_delete:
        api.cancel_downtime(missing)
    assert f"Downtime {missing} not found" in " ".join(map(str, errors_of(nf_delete.value)))
    with server.http() as http:
        created = api.create_downtime(body=create_body("a:b")).data.id
        mismatch = http.patch(f"/api/v2/downtime/{created}", json={"data": {"id": missing, "type": "downtime", "attributes": {}}})
        assert mismatch.status_code == 400 and "does not match" in mismatch.json()["errors"][0]
        unknown = http.patch(f"/api/v2/downtime/{created}", json={"data": {"id": created, "type": "downtime", "attributes": {"invalid_field": "sophon"}}})
        assert unknown.json() == {"errors": ["Additional properties are not allowed ('invalid_field' was unexpected)"]}
        bad_page = http.get("/api/v2/downtime", params={"page[limit]": "many"})
        assert bad_page.status_code == 400 and "page[limit]" in bad_page.json()["errors"][0]
        bad_include = http.get("/api/v2/downtime", params={"include": "owner"})
        assert bad_include.status_code == 400 and "owner" in bad_include.json()["errors"][0]


def test_update_rejects_bad_schedule(api: DowntimesApi) -> None:
    created = api.create_downtime(
        body=create_body(
            "a:b",
            schedule=DowntimeScheduleOneTimeCreateUpdateRequest(start=datetime.now(UTC) + timedelta(hours=5)),
        )
    )
    with pytest.raises(ApiException) as exc:
        api.update_downtime(
            created.data.id,
            body=update_body(
                created.data.id, schedule=DowntimeScheduleOneTimeCreateUpdateRequest(end=datetime.now(UTC) + timedelta(hours=1))
            ),
        )
    assert exc.value.status == 400 and "schedule.end must be after schedule.start" in " ".join(map(str, errors_of(exc.value)))


# --- authentication and org scoping ------------------------------------------------------------


def test_keys_and_orgs(server: Server) -> None:
    with server.http() as http:
        assert http.get("/api/v2/downtime", headers={"DD-API-KEY": "", "DD-APPLICATION-KEY": ""}).json() == {"errors": ["Forbidden"]}
        wrong = http.get("/api/v2/downtime", headers={"DD-API-KEY": "nope", "DD-APPLICATION-KEY": server.app_key})
        assert wrong.status_code == 403 and wrong.json() == {"errors": ["Forbidden"]}
        no_app = http.get("/api/v2/downtime", headers={"DD-API-KEY": server.api_key, "DD-APPLICATION-KEY": ""})
        assert no_app.status_code == 403
        assert http.get("/api/v1/validate", headers={"DD-API-KEY": server.api_key, "DD-APPLICATION-KEY": ""}).json() == {"valid": True}
        assert http.get("/api/v1/validate", headers={"DD-API-KEY": "nope"}).status_code == 403

    other_api, other_app = server.create_keys("--org", f"other-{unique()}", "--email", "someone@other.example", "--admin")
    # An application key of one org does not work with another org's API key.
    with server.http() as http:
        mixed = http.get("/api/v2/downtime", headers={"DD-API-KEY": server.api_key, "DD-APPLICATION-KEY": other_app})
        assert mixed.status_code == 403
    with ApiClient(configuration(server)) as mine, ApiClient(configuration(server, other_api, other_app)) as theirs:
        created = DowntimesApi(mine).create_downtime(body=create_body("org:mine"))
        with pytest.raises(NotFoundException):
            DowntimesApi(theirs).get_downtime(created.data.id)
        with pytest.raises(NotFoundException):
            DowntimesApi(theirs).cancel_downtime(created.data.id)
        assert created.data.id not in [d.id for d in DowntimesApi(theirs).list_downtimes_with_pagination()]

    reader_api, reader_app = server.create_keys("--org", f"ro-{unique()}", "--email", "ro@example.com", "--permission", "monitors_read")
    with ApiClient(configuration(server, reader_api, reader_app)) as reader:
        with pytest.raises(ForbiddenException) as denied:
            DowntimesApi(reader).list_downtimes()
        assert "monitors_downtime" in " ".join(map(str, errors_of(denied.value)))


def test_admin_key_bootstrap_is_idempotent(server: Server) -> None:
    server.restart()  # RECESS_API_KEY/RECESS_APP_KEY are applied again at start
    with server.http() as http:
        assert http.get("/api/v1/validate").json() == {"valid": True}
        assert http.get("/api/v2/downtime").status_code == 200


def test_errors_for_unknown_routes_and_methods(server: Server) -> None:
    with server.http() as http:
        missing = http.get("/api/v2/nothing-here")
        assert missing.status_code == 404 and missing.json()["errors"][0].startswith("Not found")
        wrong_method = http.put("/api/v2/downtime")
        assert wrong_method.status_code == 405 and wrong_method.json() == {"errors": ["Method Not Allowed"]}


def test_openapi_document(server: Server) -> None:
    with server.http() as http:
        spec = http.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"get", "post"} <= set(spec["paths"]["/api/v2/downtime"])
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/api/v2/downtime/{downtime_id}"])
