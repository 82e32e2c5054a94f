"""Labels: resources that are a slug and a name — authors (the people who write articles) and
tags (free labels on articles) — and their schemas, one set for both."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from api.core.columns import Tracked
from api.core.readback import Writable
from api.core.slugs import SLUG_MAX, Name, Slug
from api.core.workflow import Trashable
from api.web.pagination import ListParams, fields_query, sort_query


class LabelTable(Trashable, Tracked):
    """The columns of every label's table: a slug and a name."""

    id: int | None = SQLField(default=None, primary_key=True)
    slug: str = SQLField(max_length=SLUG_MAX, unique=True, index=True)
    name: str = SQLField(max_length=200)


class Author(LabelTable, table=True):
    __table_args__ = (
        Index("ix_author_name_id", "name", "id"),
        Index("ix_author_updated_at_id", "updated_at", "id"),
        Index("ix_author_created_at_id", "created_at", "id"),
    )


class Tag(LabelTable, table=True):
    __table_args__ = (
        Index("ix_tag_name_id", "name", "id"),
        Index("ix_tag_updated_at_id", "updated_at", "id"),
        Index("ix_tag_created_at_id", "created_at", "id"),
    )


class LabelInput(Writable):
    model_config = ConfigDict(extra="forbid")

    slug: Slug | None = Field(None, description="Made from the name when left out.")
    name: Name


class LabelPublic(SQLModel):
    id: int
    slug: str
    name: str
    created_at: datetime
    updated_at: datetime
    version: int
    url: str


class LabelQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: str | None = fields_query(LabelPublic)


LABEL_SORTS = ("name", "updated_at", "created_at")


class LabelListQuery(ListParams):
    sort: str | None = sort_query(LABEL_SORTS, "name")
    fields: str | None = fields_query(LabelPublic)
