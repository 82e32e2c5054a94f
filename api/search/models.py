"""The search index: one document per article, role and comparison.

The text lives here; the matching structures are per dialect and made by the migration: on
PostgreSQL a generated, weighted ``tsvector`` column with a GIN index, on SQLite an FTS5 table
(Porter stemming) kept in step by triggers. Neither is in this model: ``migrations/env.py``
leaves them out of comparisons.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field as SQLField

from api.core import kinds
from api.core.columns import UTCDateTime
from api.core.workflow import Workflow
from api.web.pagination import MAX_LIMIT, fields_query

VECTOR_COLUMN = "search_vector"
FTS_TABLE = "search_fts"


def in_migrations(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """Alembic's ``include_object``: leaves the dialect-specific search structures, which only
    their migration knows, out of model/database comparisons."""
    return not (
        name and name.startswith((FTS_TABLE, VECTOR_COLUMN, f"ix_search_document_{VECTOR_COLUMN}"))
    )


class SearchDocument(Workflow, table=True):
    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("resource_type", "resource_id", "locale"),)

    id: int | None = SQLField(default=None, primary_key=True)
    resource_type: str = SQLField(max_length=20)
    resource_id: int
    slug: str = SQLField(max_length=120)
    title: str = SQLField(sa_type=Text)
    body: str = SQLField(sa_type=Text)
    updated_at: datetime = SQLField(sa_type=UTCDateTime)
    # "" for the resource itself (the default locale); a translation's locale otherwise.
    locale: str = SQLField(default="", max_length=35, sa_column_kwargs={"server_default": ""})
    # Its stemmer (``api.core.locales.language``): PostgreSQL's vector is made with it.
    language: str = SQLField(
        default="english", max_length=20, sa_column_kwargs={"server_default": "english"}
    )
    # SQLite: its words reduced by that language's Snowball stemmer, when it is not English.
    stems: str = SQLField(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})


class SearchHit(BaseModel):
    type: str
    locale: str = Field(description="The locale of the document that matched.")
    id: int
    slug: str
    title: str
    snippet: str = Field(description="HTML-escaped text around the match, matches in <mark>.")
    score: float = Field(description="Higher is more relevant.")
    url: str


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(
        min_length=1,
        max_length=200,
        description='Words (stemmed: "deploy" finds "deploys"), "phrases", prefix*, -excluded.',
    )
    type: str | None = Field(
        None,
        pattern=f"^({'|'.join(kinds.collections(kinds.SEARCHABLE))})$",
        description="One kind only.",
    )
    locale: str | None = Field(
        None,
        max_length=35,
        description="Search that locale's documents (its translations), stemmed in its"
        " language; the default locale's otherwise.",
    )
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=512)
    fields: str | None = fields_query(SearchHit)
