"""What the health routes answer, for `/openapi.json` (see `recess.core.openapi.Answer`)."""

from __future__ import annotations

from pydantic import BaseModel

from recess.core.openapi import Answer
from recess.operations import health


class CheckAnswer(BaseModel):
    ok: bool
    detail: str


class ReadyAnswer(BaseModel):
    status: str  # ready, or unavailable
    checks: dict[str, CheckAnswer]  # database, migrations, scheduler, delivery
    reason: str | None = None  # the first failing check, when unavailable


answers = {
    health.readyz: Answer(ReadyAnswer, others={"503": ("Not ready: a check fails", ReadyAnswer)}),
}
