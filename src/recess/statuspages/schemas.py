"""Status page request bodies on the wire: attributes as Pydantic models, in JSON:API envelopes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationInfo, field_validator
from pydantic.config import JsonDict

from recess.core.jsonapi import Request, RequestData, RequestDataWithId
from recess.core.limits import Instant, Items, Name, Position, ShortText, Text
from recess.statuspages.rules import image_or_url

ComponentStatus = Literal["operational", "degraded", "partial_outage", "major_outage", "maintenance"]
DegradationStatus = Literal["investigating", "identified", "monitoring", "resolved"]
Visualization = Literal["bars_and_uptime_percentage", "bars_only", "component_name_only"]
_PREFIX = r"^[a-z0-9][a-z0-9-]*$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


_URLS = ("company_logo", "favicon", "email_header_image")  # a page's images: http(s) URLs only


def _only_http_urls(value: str | None, info: ValidationInfo) -> str | None:
    return None if value is None else image_or_url(value, str(info.field_name))


def _describe_urls(schema: JsonDict) -> None:
    """The document says what `_only_http_urls` accepts."""
    properties = schema["properties"]
    assert isinstance(properties, dict)
    for name in _URLS:
        field = properties[name]
        assert isinstance(field, dict)
        options = field.get("anyOf", [field])
        assert isinstance(options, list)
        for option in options:
            if isinstance(option, dict) and option.get("type") == "string":
                option["description"] = "Base64-encoded image data (or a data: URI of it), or an http(s) URL."


# --- pages and components ---------------------------------------------------------------------


class ComponentIn(_Body):
    name: Name = Field(min_length=1)
    type: Literal["component", "group"] = "component"
    position: Position | None = None
    components: Items[ComponentIn] | None = None


class ComponentPatch(_Body):
    name: Name | None = Field(None, min_length=1)
    position: Position | None = None


class PageAttributes(_Body):
    name: Name = Field(min_length=1)
    domain_prefix: StrictStr = Field(min_length=1, max_length=200, pattern=_PREFIX)
    type: Literal["public", "internal"]
    visualization_type: Visualization
    components: Items[ComponentIn] | None = None
    company_logo: Text | None = None
    favicon: Text | None = None
    email_header_image: Text | None = None
    subscriptions_enabled: StrictBool | None = None
    slack_subscriptions_enabled: StrictBool | None = None

    model_config = ConfigDict(json_schema_extra=_describe_urls)
    _urls = field_validator(*_URLS)(_only_http_urls)


class PagePatch(_Body):
    name: Name | None = Field(None, min_length=1)
    domain_prefix: StrictStr | None = Field(None, min_length=1, max_length=200, pattern=_PREFIX)
    type: Literal["public", "internal"] | None = None
    visualization_type: Visualization | None = None
    company_logo: Text | None = None
    favicon: Text | None = None
    email_header_image: Text | None = None
    subscriptions_enabled: StrictBool | None = None
    slack_subscriptions_enabled: StrictBool | None = None

    model_config = ConfigDict(json_schema_extra=_describe_urls)
    _urls = field_validator(*_URLS)(_only_http_urls)


# --- degradations and maintenances ------------------------------------------------------------


class Affected(_Body):
    id: ShortText
    status: ComponentStatus


class MaintenanceAffected(_Body):
    id: ShortText
    status: Literal["operational", "maintenance"]


class DegradationIn(_Body):
    title: Name = Field(min_length=1)
    status: DegradationStatus
    description: Text | None = None
    components_affected: Items[Affected] = []


class DegradationPatch(_Body):
    title: Name | None = Field(None, min_length=1)
    status: DegradationStatus | None = None
    description: Text | None = None
    components_affected: Items[Affected] | None = None


class BackfillDegradationUpdate(_Body):
    started_at: Instant
    status: DegradationStatus
    description: Text | None = None
    components_affected: Items[Affected] = []


class BackfillDegradationIn(_Body):
    title: Name = Field(min_length=1)
    updates: Items[BackfillDegradationUpdate]


class MaintenanceIn(_Body):
    title: Name = Field(min_length=1)
    scheduled_description: Text
    in_progress_description: Text
    completed_description: Text
    start_date: Instant
    completed_date: Instant
    components_affected: Items[MaintenanceAffected] = []


class MaintenancePatch(_Body):
    title: Name | None = Field(None, min_length=1)
    scheduled_description: Text | None = None
    in_progress_description: Text | None = None
    completed_description: Text | None = None
    canceled_description: Text | None = None
    start_date: Instant | None = None
    completed_date: Instant | None = None
    status: Literal["scheduled", "in_progress", "completed", "canceled"] | None = None
    components_affected: Items[MaintenanceAffected] | None = None


class BackfillMaintenanceUpdate(_Body):
    started_at: Instant
    status: Literal["in_progress", "completed"]
    description: Text
    components_affected: Items[MaintenanceAffected] = []


class BackfillMaintenanceIn(_Body):
    title: Name = Field(min_length=1)
    updates: Items[BackfillMaintenanceUpdate]


class UpdatePatch(_Body):
    description: Text | None = None
    status: DegradationStatus | None = None


# --- templates --------------------------------------------------------------------------------


class TemplateAffected(_Body):
    id: ShortText
    status: ComponentStatus


class TemplateUpdate(_Body):
    status: DegradationStatus
    message: Text | None = None


class DegradationTemplateIn(_Body):
    name: Name | None = Field(None, min_length=1)
    degradation_title: Name | None = None
    components_affected: Items[TemplateAffected] | None = None
    updates: Items[TemplateUpdate] | None = None


class MaintenanceTemplateIn(_Body):
    name: Name | None = Field(None, min_length=1)
    maintenance_title: Name | None = None
    component_ids: Items[ShortText] | None = None
    scheduled_description: Text | None = None
    in_progress_description: Text | None = None
    completed_description: Text | None = None


# --- envelopes: {"data": {"type", "id"?, "attributes"}}, each named for /openapi.json ----------


class PageData(RequestData[Literal["status_pages"], PageAttributes]): ...
class PageRequest(Request[PageData]): ...
class PagePatchData(RequestDataWithId[Literal["status_pages"], PagePatch]): ...
class PagePatchRequest(Request[PagePatchData]): ...
class ComponentData(RequestData[Literal["components"], ComponentIn]): ...
class ComponentRequest(Request[ComponentData]): ...
class ComponentPatchData(RequestDataWithId[Literal["components"], ComponentPatch]): ...
class ComponentPatchRequest(Request[ComponentPatchData]): ...

class DegradationInData(RequestDataWithId[Literal["degradations"], DegradationIn]): ...
class DegradationInRequest(Request[DegradationInData]): ...
class DegradationPatchData(RequestDataWithId[Literal["degradations"], DegradationPatch]): ...
class DegradationPatchRequest(Request[DegradationPatchData]): ...
class BackfillDegradationInData(RequestDataWithId[Literal["degradations"], BackfillDegradationIn]): ...
class BackfillDegradationInRequest(Request[BackfillDegradationInData]): ...
class DegradationUpdateData(RequestDataWithId[Literal["degradation_updates"], UpdatePatch]): ...
class DegradationUpdateRequest(Request[DegradationUpdateData]): ...

class MaintenanceInData(RequestDataWithId[Literal["maintenances"], MaintenanceIn]): ...
class MaintenanceInRequest(Request[MaintenanceInData]): ...
class MaintenancePatchData(RequestDataWithId[Literal["maintenances"], MaintenancePatch]): ...
class MaintenancePatchRequest(Request[MaintenancePatchData]): ...
class BackfillMaintenanceInData(RequestDataWithId[Literal["maintenances"], BackfillMaintenanceIn]): ...
class BackfillMaintenanceInRequest(Request[BackfillMaintenanceInData]): ...
class MaintenanceUpdateData(RequestDataWithId[Literal["maintenance_updates"], UpdatePatch]): ...
class MaintenanceUpdateRequest(Request[MaintenanceUpdateData]): ...

class DegradationTemplateData(RequestData[Literal["degradation_templates"], DegradationTemplateIn]): ...
class DegradationTemplateRequest(Request[DegradationTemplateData]): ...
class MaintenanceTemplateData(RequestData[Literal["maintenance_templates"], MaintenanceTemplateIn]): ...
class MaintenanceTemplateRequest(Request[MaintenanceTemplateData]): ...
