"""One settings object, read from RECESS_* environment variables."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECESS_", extra="ignore")

    # Plain URLs are accepted; recess picks its own driver (see core.db.normalize_url).
    database_url: str = "sqlite:///recess.db"
    api_key: str | None = None
    app_key: str | None = None
    # The host name shown in links such as page_url; Datadog shows the org's own subdomain.
    public_url: str = "http://127.0.0.1:8080"
    # Mounts POST /api/v1/_recess/clock so tests can move time; never set it in production.
    test_clock: bool = False
    # Seconds a webhook receiver has to answer before the attempt counts as failed (and is retried).
    delivery_timeout: float = 10.0
    # Internal targets webhooks may be sent to anyway (all others, such as 127.0.0.1, 10.0.0.0/8
    # or 169.254.169.254, are refused): comma-separated CIDRs and host[:port] entries.
    webhook_allow: str = ""
    # Where status page subscription emails go out: smtp://user:pass@host:587?starttls=1 (smtps://
    # for TLS from the start). Empty: emails wait in the outbox, retried, until one is set.
    smtp_url: str = ""
    # The From address of those emails.
    smtp_from: str = "recess@localhost"
    # One log line per request (recess serve --access-log sets it too).
    access_log: bool = False
    # "text" (timestamp, level, logger, message) or "json" (one object a line).
    log_format: Literal["text", "json"] = "text"
    # The largest request body accepted, in bytes; a larger one is answered 413 unread.
    max_body_bytes: int = Field(1_048_576, ge=1024, le=1_073_741_824)
    # Request rate limits over core.ratelimit.DEFAULTS: "writes=600/60,check_run=off", or "off".
    rate_limits: str = ""

    @field_validator("rate_limits")
    @classmethod
    def _valid_rate_limits(cls, value: str) -> str:
        from recess.core.ratelimit import parse_limits  # it imports the app, which imports settings

        parse_limits(value)
        return value

    @field_validator("webhook_allow")
    @classmethod
    def _webhook_allow_reads(cls, value: str) -> str:
        from recess.notifications.targets import parse_allow  # read only here: settings import no feature

        parse_allow(value)  # a ValueError names the entry it cannot read
        return value

    @field_validator("api_key", "app_key")
    @classmethod
    def _keys_are_long_enough(cls, value: str | None) -> str | None:
        from recess.accounts.store import key_too_short  # read only here: settings import no feature

        problem = key_too_short(value) if value else None
        if problem:
            raise ValueError(problem)  # never the value: it is a secret
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
