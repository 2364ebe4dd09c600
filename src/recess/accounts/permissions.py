"""Permission names, spelled as Datadog spells them."""

MONITORS_READ = "monitors_read"
MONITORS_WRITE = "monitors_write"
MONITORS_DOWNTIME = "monitors_downtime"
STATUS_PAGES_SETTINGS_READ = "status_pages_settings_read"
STATUS_PAGES_SETTINGS_WRITE = "status_pages_settings_write"
STATUS_PAGES_INCIDENT_WRITE = "status_pages_incident_write"
EVENT_CORRELATION_CONFIG_READ = "event_correlation_config_read"
EVENT_CORRELATION_CONFIG_WRITE = "event_correlation_config_write"
CASES_READ = "cases_read"
CASES_WRITE = "cases_write"

ALL = frozenset(
    {
        MONITORS_READ, MONITORS_WRITE, MONITORS_DOWNTIME,
        STATUS_PAGES_SETTINGS_READ, STATUS_PAGES_SETTINGS_WRITE, STATUS_PAGES_INCIDENT_WRITE,
        EVENT_CORRELATION_CONFIG_READ, EVENT_CORRELATION_CONFIG_WRITE, CASES_READ, CASES_WRITE,
    }
)
ADMIN = "*"


def grants(held: frozenset[str], wanted: str) -> bool:
    return ADMIN in held or wanted in held
