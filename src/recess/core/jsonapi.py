"""JSON:API pieces shared by the v2 APIs: typed documents and request envelopes, include= lists.

Answers are `Document`s of `Resource`s; request bodies are `Request`s around `RequestData`. A
route declares its body as a small named subclass, so that `/openapi.json` names it:

    class DegradationData(RequestDataWithId[Literal["degradations"], DegradationIn]): ...
    class DegradationRequest(Request[DegradationData]): ...
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, StrictStr

from recess.core.errors import bad_request
from recess.core.http import JsonAnswer

AttrsT = TypeVar("AttrsT")
DataT = TypeVar("DataT")
TypeT = TypeVar("TypeT", bound=str)

MEDIA_TYPE = "application/vnd.api+json"
INVALID_INCLUDE = "Invalid include value {value!r}: supported values are {supported}"


def parse_include(text: str | None, allowed: tuple[str, ...], message: str = INVALID_INCLUDE) -> set[str]:
    """`include=created_by,monitor` -> {"created_by", "monitor"}; unknown paths are a 400, worded
    by `message` (a format string given `value`, the first unknown path, and `supported`)."""
    if not text:
        return set()
    wanted = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(wanted - set(allowed))
    if unknown:
        raise bad_request(message.format(value=unknown[0], supported=", ".join(allowed)))
    return wanted


def dedupe(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Included resources, each once, in first-seen order."""
    seen: set[tuple[str, Any]] = set()
    out = []
    for doc in documents:
        key = (doc["type"], doc["id"])
        if key not in seen:
            seen.add(key)
            out.append(doc)
    return out


# --- answers ----------------------------------------------------------------------------------


class Ref(BaseModel):
    """A resource identifier: what a relationship points at."""

    id: str | int
    type: str


class Relationship(BaseModel):
    """A to-one relationship; `data` is null when there is nothing to point at."""

    data: Ref | None


def relation(target: str | None, kind: str) -> Relationship:
    """A relationship to the `kind` resource `target` (None: to nothing)."""
    return Relationship(data=None if target is None else Ref(id=target, type=kind))


class Resource(BaseModel, Generic[AttrsT]):
    """A resource object. `relationships` is left out of the answer unless given."""

    id: str | int  # Datadog's monitors are numbered
    type: str
    attributes: AttrsT
    relationships: dict[str, Relationship] | None = None


class Document(BaseModel, Generic[DataT]):
    """A top-level document: `data`, and `meta` and `included` when given."""

    data: DataT
    meta: dict[str, Any] | None = None
    included: list[Resource[Any]] | None = None

    def body(self) -> dict[str, Any]:
        """The document as JSON values, without the members that were not given."""
        return self.model_dump(mode="json", exclude_unset=True)

    def response(self, status: int = 200) -> JSONResponse:
        return JsonAnswer(self.body(), status_code=status, media_type=MEDIA_TYPE)


# --- requests ---------------------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RequestData(_Body, Generic[TypeT, AttrsT]):
    """`{"type": ..., "attributes": ...}`: a resource as a request body carries it."""

    type: TypeT
    attributes: AttrsT


class RequestDataWithId(RequestData[TypeT, AttrsT], Generic[TypeT, AttrsT]):
    """A request's resource that may name its id (a string when given)."""

    id: StrictStr | None = None


class Request(_Body, Generic[DataT]):
    """`{"data": ...}`: a request body."""

    data: DataT
