"""Models of success bodies, for `/openapi.json` only: the pieces several features' answers share.

Routes build their bodies themselves; these models only describe them (`openapi.Answer`). They
name what every answer carries and leave objects open (more members may appear), so the document
stays true as answers grow.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class RefAnswer(BaseModel):
    """A resource identifier."""

    id: str | int
    type: str


class RelationshipAnswer(BaseModel):
    """A to-one relationship: the resource it points at, or null."""

    data: RefAnswer | None


class ResourceAnswer(BaseModel):
    """Any JSON:API resource object (as found in `included`)."""

    id: str | int
    type: str
    attributes: dict[str, Any]
    relationships: dict[str, RelationshipAnswer] | None = None


class TotalMeta(BaseModel):
    total_filtered_count: int


class PageMeta(BaseModel):
    """`meta` of a paged list: how many match in all."""

    page: TotalMeta
