"""Tags: free labels on articles."""

from sqlalchemy import Index
from sqlmodel import Field

from api.db import Tracked
from api.slugs import SLUG_MAX
from api.workflow import Trashable


class Tag(Trashable, Tracked, table=True):
    __table_args__ = (
        Index("ix_tag_name_id", "name", "id"),
        Index("ix_tag_updated_at_id", "updated_at", "id"),
        Index("ix_tag_created_at_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    name: str = Field(max_length=200)
