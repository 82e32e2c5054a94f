"""What the trash lists."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.web.pagination import ListParams, fields_query, sort_query


class TrashItem(BaseModel):
    type: str
    id: int
    slug: str
    title: str
    deleted_at: datetime
    url: str


class TrashQuery(ListParams):
    model_config = ConfigDict(extra="forbid")

    type: str | None = Field(
        None, pattern="^(articles|comparisons|roles|authors|tags)$", description="One kind only."
    )
    sort: str | None = sort_query(("deleted_at", "type"), "-deleted_at,type")
    fields: str | None = fields_query(TrashItem)
