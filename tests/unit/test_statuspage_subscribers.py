"""Status page subscribers, pure parts: who may subscribe how, which URLs may be posted to, who is
told of what, the Slack Block Kit messages and the Statuspage webhook payload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recess.notifications import posts, targets
from recess.statuspages import rules
from recess.statuspages import subscriptions_slack as slack
from recess.statuspages import subscriptions_webhook as webhook
from recess.statuspages.rules import PageError
from recess.statuspages.snapshot import Affected, Entry, Event, Node, Snapshot

T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)
UNSUBSCRIBE = "https://status.example/status/acme/subscriptions/unsubscribe?token=abc"


def test_channels_follow_the_two_page_flags() -> None:
    assert rules.subscriber_channels("public", True, False) == ("email", "webhook")
    assert rules.subscriber_channels("public", False, True) == ("slack",)
    assert rules.subscriber_channels("public", True, True) == ("email", "webhook", "slack")
    assert rules.subscriber_channels("public", False, False) == ()
    assert rules.subscriber_channels("internal", True, True) == ()


@pytest.mark.parametrize("url", ["https://hooks.slack.com/services/T0/B0/x", "https://93.184.216.34:8443/in",
                                 "http://10.0.0.5:8080/in", "http://alerts.internal/x"])
def test_urls_that_may_be_posted_to(url: str) -> None:
    allow = targets.parse_allow("10.0.0.0/8,alerts.internal")
    assert rules.subscriber_url(url, allow) == url


@pytest.mark.parametrize(("url", "why"), [
    ("http://hooks.slack.com/services/T0", "https"),  # a public target: https only
    ("https://10.0.0.5/in", "internal"), ("https://127.1/in", "internal"), ("https://localhost/in", "internal"),
    ("https://[fd00::1]/in", "internal"), ("https://169.254.169.254/", "internal"),
    ("javascript:alert(1)", "http"), ("hooks.slack.com/x", "http"), ("https://a b/", "spaces"), ("", "at most"),
    ("https://hooks.slack.com/" + "x" * 2000, "at most"), ("https://hooks.slack.com/é", "spaces"),
])
def test_urls_that_are_refused(url: str, why: str) -> None:
    with pytest.raises(PageError, match=why):
        rules.subscriber_url(url, targets.NOTHING_ALLOWED)


def test_who_is_concerned() -> None:
    assert rules.concerned(None, [])
    assert rules.concerned(["a"], ["b", "a"]) and not rules.concerned(["a"], ["b"]) and not rules.concerned(["a"], [])


def test_hiding_a_url() -> None:
    url = "https://hooks.slack.com/services/T0/B0/secret?x=1"
    for quoted in (url, url.split("?")[0], "/services/T0/B0/secret"):
        assert posts.hide(f"failed: {quoted}!", url) == f"failed: {posts.HIDDEN}!"
    assert posts.hide(None, url) is None and posts.hide("plain", url) == "plain"


def _snapshot(event: Event) -> Snapshot:
    login = Node("c1", "Login", "component", 0, "degraded", T0, T0, None)
    return Snapshot(id="p1", name="Acme & Co", prefix="acme", visualization_type="bars_only", subscriptions_enabled=True,
                    has_logo=False, has_favicon=False, created_at=T0, modified_at=T0, url="https://status.example/status/acme",
                    components=(login,), events=(event,), now=T0 + timedelta(minutes=5))


def _incident(title: str = "Login <slow> & stuck", description: str = "Looking *into* it") -> Event:
    entry = Entry("u1", "investigating", description, T0, T0, T0, (Affected("c1", "Login", "degraded"),))
    return Event("d1", "incident", title, "investigating", T0, T0, (entry,), False)


def test_slack_message_blocks_escape_and_limits() -> None:
    message = slack.update(_snapshot(_incident()), _incident(), UNSUBSCRIBE)
    assert message["text"] == "[Acme &amp; Co] Login &lt;slow&gt; &amp; stuck: Investigating"
    header, section, components, actions, footer = message["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Login <slow> & stuck", "emoji": True}}
    assert section["text"]["text"] == "*Investigating*\nLooking *into* it"
    assert components["elements"][0]["text"] == "*Components:* Login: Degraded performance"
    assert actions["elements"][0]["url"] == "https://status.example/status/acme/incidents/d1"
    assert footer["elements"][0]["text"] == (f"<https://status.example/status/acme|Acme &amp; Co status> · <{UNSUBSCRIBE}|Unsubscribe>")
    long = _incident("T" * 400, "D" * 5000)
    cut = slack.update(_snapshot(long), long, UNSUBSCRIBE)
    assert len(cut["blocks"][0]["text"]["text"]) == 150 and len(cut["blocks"][1]["text"]["text"]) == 3000
    assert cut["blocks"][-1]["elements"][0]["text"].endswith("|Unsubscribe>")  # the way out survives any length


def test_slack_maintenance_shows_its_window_in_local_time() -> None:
    entry = Entry("u1", "scheduled", "soon", T0, T0, T0, (Affected("c1", "Login", "operational"),))
    event = Event("m1", "maintenance", "Upgrade", "scheduled", T0, T0, (entry,), False, T0 + timedelta(hours=1), T0 + timedelta(hours=2))
    section = slack.update(_snapshot(event), event, UNSUBSCRIBE)["blocks"][1]["text"]["text"]
    start = int((T0 + timedelta(hours=1)).timestamp())
    assert f"Window: <!date^{start}^{{date_short_pretty}} {{time}}|1 May 2026, 13:00 UTC> to " in section
    assert slack.update(_snapshot(event), event, UNSUBSCRIBE)["blocks"][2]["elements"][0]["text"] == "*Components:* Login"


def test_slack_welcome() -> None:
    message = slack.welcome("Acme", "https://status.example/status/acme", ["Login", "A<b>"], UNSUBSCRIBE)
    assert message["blocks"][0]["text"]["text"] == "Subscribed to Acme status"
    assert "(Login, A&lt;b&gt;)" in message["blocks"][1]["text"]["text"]
    assert UNSUBSCRIBE in message["blocks"][-1]["elements"][0]["text"]


def test_webhook_payload_is_statuspages() -> None:
    event = _incident()
    body = webhook.incident(_snapshot(event), event, UNSUBSCRIBE)
    assert body["meta"] == {"unsubscribe": UNSUBSCRIBE, "documentation": webhook.DOCUMENTATION}
    assert body["page"] == {"id": "p1", "status_indicator": "minor", "status_description": "Partially Degraded Service"}
    incident = body["incident"]
    assert {"id", "name", "status", "impact", "created_at", "updated_at", "shortlink", "incident_updates", "components",
            "backfilled", "monitoring_at", "resolved_at", "page_id"} <= set(incident)
    assert incident["impact"] == "minor" and incident["created_at"] == "2026-05-01T12:00:00.000Z"
    assert incident["incident_updates"][0]["affected_components"][0]["new_status"] == "degraded_performance"
