"""Notification rules: message templates, payloads, and muting decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from recess.core.schedule import OneTime
from recess.downtimes.matching import Entry
from recess.notifications.muter import Silence
from recess.notifications import muting, templates
from recess.notifications.templates import Moment

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MESSAGE = (
    "{{#is_alert}}ALERT on {{host.name}} ({{value}} failing){{/is_alert}}"
    "{{#is_recovery}}RECOVERED {{host.name}}{{/is_recovery}}{{^is_recovery}} @webhook-pager{{/is_recovery}} @webhook-chat"
)


def test_sections_and_variables() -> None:
    variables = templates.message_variables(["host:web-1", "env:prod"], {"value": "2"})
    alert = templates.render_message(MESSAGE, Moment("OK", "Alert"), variables)
    assert alert == "ALERT on web-1 (2 failing) @webhook-pager @webhook-chat"
    recovered = templates.render_message(MESSAGE, Moment("Alert", "OK"), variables)
    assert recovered == "RECOVERED web-1 @webhook-chat"
    assert templates.mentions(alert) == ["pager", "chat"]
    assert templates.mentions(recovered) == ["chat"]
    nested = "{{#is_recovery}}{{#is_alert_recovery}}was alerting{{/is_alert_recovery}}{{/is_recovery}}"
    assert templates.render_message(nested, Moment("Alert", "OK"), {}) == "was alerting"
    assert templates.render_message(nested, Moment("Warn", "OK"), {}) == ""
    assert templates.render_message("{{#is_warning}}w{{/is_warning}}{{#is_no_data}}n{{/is_no_data}}", Moment("OK", "No Data"), {}) == "n"
    assert templates.render_message("{{unknown.name}}x", Moment("OK", "Alert"), {}) == "x"


def test_titles_and_transitions() -> None:
    assert templates.title("web is down", Moment("OK", "Alert"), "host:web-1") == "[Triggered on {host:web-1}] web is down"
    assert templates.title("web is down", Moment("Alert", "OK"), "*") == "[Recovered] web is down"
    assert Moment("Alert", "Alert").transition == "Re-Triggered"
    assert Moment("OK", "Warn").transition == "Warn"


def test_payload_json_escaping_and_form() -> None:
    body, content_type = templates.render_payload('{"text": "$EVENT_MSG", "id": "$ID", "keep": "$NOT_A_VAR"}',
                                                  {"EVENT_MSG": 'line "one"\nline two', "ID": "7"}, "json")
    assert content_type == "application/json"
    assert json.loads(body) == {"text": 'line "one"\nline two', "id": "7", "keep": "$NOT_A_VAR"}
    default, _ = templates.render_payload(None, {"EVENT_TITLE": "t", "ID": "1"}, "json")
    assert json.loads(default)["title"] == "t"
    form, form_type = templates.render_payload('{"a": "$ID", "b": {"c": 1}}', {"ID": "9"}, "form")
    assert form_type == "application/x-www-form-urlencoded" and form == "a=9&b=%7B%22c%22%3A+1%7D"
    assert templates.parse_headers('{"X-Token": "s"}') == {"X-Token": "s"}


def silence(uuid: str, start: datetime, *, mute_first: bool = False) -> Silence:
    return Silence(id=1, uuid=uuid, monitor_id=None, scope=("*",), start=start, end=start + timedelta(hours=1),
                   mute_first_recovery_notification=mute_first)


def entry(uuid: str, start: datetime, *, mute_first: bool = False, states: tuple[str, ...] = ("alert", "no data", "warn"),
          types: tuple[str, ...] = ("expired",)) -> Entry:
    return Entry(id=1, uuid=uuid, org_id=1, scope="*", monitor_id=None, monitor_tags=frozenset({"*"}),
                 schedule=OneTime(start, start + timedelta(hours=1)), mute_first_recovery_notification=mute_first,
                 notify_end_states=states, notify_end_types=types)


def test_decide_mutes_everything_covered() -> None:
    downtime = silence("d1", T0)
    assert muting.decide("OK", "Alert", [], None) == muting.SEND
    assert muting.decide("OK", "Alert", [downtime], None).muted
    assert muting.decide("Alert", "OK", [downtime], T0 + timedelta(minutes=5)).muted  # alert began during it
    assert muting.decide("Alert", "Warn", [downtime], T0 - timedelta(minutes=5)).muted


def test_first_recovery_of_an_earlier_alert() -> None:
    began_before = T0 - timedelta(minutes=5)
    sent = muting.decide("Alert", "OK", [silence("d1", T0)], began_before)
    assert not sent.muted and "before the downtime" in (sent.reason or "")
    muted = muting.decide("Alert", "OK", [silence("d1", T0), silence("d2", T0, mute_first=True)], began_before)
    assert muted.muted and muted.by == ("d1", "d2")
    # A second downtime that began before the alert: the alert itself was muted, so is its recovery.
    assert muting.decide("Alert", "OK", [silence("d1", T0), silence("d0", T0 - timedelta(hours=1))], began_before).muted


def test_end_notices() -> None:
    downtime = entry("d1", T0, states=("alert",), types=("canceled",))
    assert downtime.renotifies("canceled", "Alert")
    assert not downtime.renotifies("expired", "Alert")
    assert not downtime.renotifies("canceled", "Warn")
    assert not downtime.renotifies("canceled", "OK")
    assert muting.at_end([], "d1", "canceled") == muting.Decision(False, (), "downtime d1 canceled")
    assert muting.at_end([silence("d2", T0)], "d1", "canceled").muted
