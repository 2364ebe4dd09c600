"""Test-only endpoints, mounted when RECESS_TEST_CLOCK=1: never in normal operation."""

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from recess.accounts.auth import api_key_only
from recess.core import clock
from recess.core.http import json
from recess.core.timefmt import iso_micro
from recess.scheduler import wake

router = APIRouter(prefix="/api/v1/_recess", tags=["Testing"], dependencies=[Depends(api_key_only)])


class Advance(BaseModel):
    seconds: float = Field(ge=0, le=10 * 365 * 86400)


@router.post("/clock", summary="Move the server's clock forward (test servers only)")
def advance(body: Advance) -> Response:
    moved = clock.advance(body.seconds)
    wake()
    return json({"now": iso_micro(moved)})
