"""Bindings on the wire: the request body and the answer, as typed JSON:API documents."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from recess.bindings.rules import MAX_DELAY_MINUTES
from recess.core.jsonapi import Document, Request, RequestDataWithId, Resource

TYPE = "monitor_bindings"
DegradedStatus = Literal["degraded", "partial_outage", "major_outage"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MonitorIdentifier(_Strict):
    """As a downtime's: exactly one of `monitor_id` or `monitor_tags` (`["*"]`: every monitor)."""

    monitor_id: StrictInt | None = None
    monitor_tags: list[StrictStr] | None = None


class AutoDegradation(_Strict):
    """The component status for a bound group in each state (null: that state never degrades it),
    and how long a group must stay bad, unmuted, before it does."""

    alert: DegradedStatus | None = "major_outage"
    warn: DegradedStatus | None = "degraded"
    no_data: DegradedStatus | None = "degraded"
    delay_minutes: StrictInt = Field(5, ge=0, le=MAX_DELAY_MINUTES)


class BindingIn(_Strict):
    monitor_identifier: MonitorIdentifier
    scope: StrictStr = Field(description="Datadog search syntax over group tags, as a downtime's scope; `*` for all.")
    auto_degradation: AutoDegradation | None = Field(None, description="Off when null or left out.")


class BindingData(RequestDataWithId[Literal["monitor_bindings"], BindingIn]): ...
class BindingRequest(Request[BindingData]): ...


# --- answers ----------------------------------------------------------------------------------


class BoundGroupOut(BaseModel):
    name: str
    status: str = Field(description="OK, Alert, Warn or No Data.")
    muted: bool = Field(description="Whether an active downtime mutes the group now.")


class BoundMonitorOut(BaseModel):
    id: int
    name: str
    overall_state: str
    groups: list[BoundGroupOut]


class AutomaticDegradationOut(BaseModel):
    degradation_id: str
    automated: bool = Field(description="False once a person changed the degradation: automation leaves it alone.")


class BindingAttributes(BaseModel):
    monitor_identifier: MonitorIdentifier
    scope: str
    auto_degradation: AutoDegradation | None
    components: list[str] = Field(description="The components the binding speaks for: its own, or a group's components.")
    monitors: list[BoundMonitorOut] = Field(description="The monitors it holds now, with the groups its scope covers.")
    automatic_degradation: AutomaticDegradationOut | None
    created_at: str
    modified_at: str


class BindingResource(Resource[BindingAttributes]): ...
class BindingDocument(Document[BindingResource]): ...
