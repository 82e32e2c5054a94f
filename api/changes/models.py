"""What /v1/changes takes and answers."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ChangesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: str | None = Field(
        None, max_length=64, description="`meta.next_since` of the last call; none: everything."
    )
    limit: int = Field(100, ge=1, le=500)


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
