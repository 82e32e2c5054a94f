"""What /v1/changes takes and answers."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.core import kinds

_KINDS = "|".join(kinds.collections(kinds.KINDS))


class ChangeFilters(BaseModel):
    """What a reader of the changes narrows them to (``/v1/changes`` and its stream alike)."""

    model_config = ConfigDict(extra="forbid")

    type: str | None = Field(
        None,
        pattern=f"^({_KINDS})(,({_KINDS}))*$",
        max_length=200,
        description="Only these kinds: collections, comma-separated (`articles,roles`).",
    )
    locale: str | None = Field(
        None,
        max_length=35,
        description="Only the changes in this locale: the resources themselves for the default"
        " locale, their translations for another.",
    )

    def types(self) -> list[str]:
        return sorted(set(self.type.split(","))) if self.type else []


class ChangesQuery(ChangeFilters):
    since: str | None = Field(
        None, max_length=64, description="`meta.next_since` of the last call; none: everything."
    )
    limit: int = Field(100, ge=1, le=500)


class StreamQuery(ChangeFilters):
    since: str | None = Field(
        None,
        max_length=64,
        description="Start after this token (`meta.next_since` of /v1/changes, or an event's"
        " id); `Last-Event-ID` wins over it. None: from the moment of connecting.",
    )


class Change(BaseModel):
    type: str = Field(description="The collection: articles, roles, comparisons, authors, tags.")
    id: int
    locale: str = Field(
        description="The locale that changed: the default (the resource itself) or one of its"
        " translations'; a translation's `resource` is the resource in that locale."
    )
    slug: str
    deleted: bool = Field(description="A tombstone: remove it from your copy.")
    version: int
    changed_at: datetime
    url: str
    resource: dict[str, Any] | None = Field(description="Its current public form; null if gone.")


class ChangesPage(BaseModel):
    data: list[Change]
    meta: dict[str, Any]
    links: dict[str, str | None]
