"""Test-only endpoints, mounted when RECESS_TEST_CLOCK=1: never in normal operation."""

import faulthandler
import signal

import time

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from recess.accounts.auth import api_key_only
from recess.accounts.store import Caller
from recess.core import clock
from recess.core.http import json
from recess.core.timefmt import iso_micro
from recess.core.application import Feature, Services, services
from recess.notifications.model import Delivery

router = APIRouter(prefix="/api/v1/_recess", tags=["Testing"], dependencies=[Depends(api_key_only)])


class Advance(BaseModel):
    seconds: float = Field(ge=0, le=10 * 365 * 86400)


@router.post("/clock", summary="Move the server's clock forward (test servers only)")
def advance(body: Advance, shared: Services = Depends(services)) -> Response:
    moved = clock.advance(body.seconds)
    shared.db.wake("scheduler")
    return json({"now": iso_micro(moved)})


@router.post("/settle", summary="Wait until what is due has happened (test servers only)")
def settle(principal: Caller = Depends(api_key_only), shared: Services = Depends(services)) -> Response:
    """Answer once a scheduler tick that began after this request has run and the caller's org
    has no delivery waiting or in flight: then whatever is going to be sent has been sent, and a
    test can assert that nothing more arrives without sleeping."""
    scheduler, db = shared.scheduler, shared.db
    assert scheduler is not None
    deadline = time.monotonic() + 20
    first = scheduler.ticks
    while scheduler.ticks < first + 2:  # the second tick began after this request
        db.wake("scheduler")
        if time.monotonic() > deadline:
            return json({"settled": False, "reason": "the scheduler did not tick"}, 503)
        time.sleep(0.005)
    while True:
        with db.read() as session:
            pending = session.scalar(select(func.count()).select_from(Delivery).where(
                Delivery.org_id == principal.org_id, Delivery.state == "pending")) or 0
        if pending == 0:
            return json({"settled": True})
        if time.monotonic() > deadline:
            return json({"settled": False, "reason": f"{pending} deliveries still pending"}, 503)
        db.wake("delivery")
        time.sleep(0.01)


def _start(_services: Services) -> None:
    faulthandler.register(signal.SIGUSR1)  # a test can ask a stuck test server where its threads are


feature = Feature("testing", routers=[router], start=_start)
