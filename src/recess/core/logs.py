"""Log lines for operators: timestamped and levelled, as text or one JSON object a line.

Secrets never reach a line: every record passes a filter that blanks the values it was told
are secret (the configured keys, the database password) and anything shaped like a password in
a URL or a key in a query string, whatever logger wrote it (uvicorn's and libraries' included).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

# Linear in the line's length: a scheme is tried only where a run of scheme characters starts
# (never inside one), and user and password are bounded, so a long line without `@` costs no
# more than one pass (a 16 KB request path of letters took seconds with the plain pattern).
_URL_PASSWORD = re.compile(r"(?P<head>(?<![a-z0-9+.-])[a-z0-9+.-]+://[^:/@\s]{0,1024}):[^@\s]{0,1024}@", re.IGNORECASE)
_KEY_PARAM = re.compile(r"(?P<head>(?:api_key|application_key|app_key|dd-api-key|dd-application-key)=)[^&\s\"']+", re.IGNORECASE)
_MASK = "***"
# Attributes every LogRecord has; anything else was passed as `extra` and goes into JSON lines.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class Redact(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        # Short values would blank ordinary words; keys and passwords worth hiding are longer.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, _MASK)
        text = _URL_PASSWORD.sub(rf"\g<head>:{_MASK}@", text)
        return _KEY_PARAM.sub(rf"\g<head>{_MASK}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.scrub(message), None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"time": _timestamp(record), "level": record.levelname, "logger": record.name,
                               "message": record.getMessage()}
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_text:
            out["exception"] = record.exc_text
        return json.dumps(out, default=str)


def configure(level: str = "info", fmt: str = "text", secrets: list[str] | None = None) -> None:
    """Send every logger's records to stderr in `fmt` ("text" or "json"), secrets blanked."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(Redact(secrets or []))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # uvicorn's own access lines would duplicate ours (and are off unless asked for anyway).
    logging.getLogger("uvicorn.access").disabled = True
    # Library chatter (alembic's "Context impl", httpx's request lines) only at debug.
    for name in ("alembic", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG if level.lower() == "debug" else logging.WARNING)
