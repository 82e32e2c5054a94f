"""Roles: pages about a job role, such as "AI operating partner" or "Fractional CAIO"."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from api.assets.models import ImageAsset
from api.core.columns import Tracked
from api.core.fields import Id, Moment
from api.core.readback import ID_OR_OBJECT, Writable, read_only
from api.core.slugs import SLUG_MAX, Name, Slug, Slugs
from api.core.workflow import Status, Workflow
from api.web.filters import LOCALE_QUERY, Filtered
from api.web.pagination import fields_query, include_query, sort_query
from api.web.refs import Alternate, ArticleRef, ComparisonRef


class RoleBase(SQLModel):
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    name: str = Field(max_length=200)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    definition: str = Field(default="", sa_type=Text, nullable=False)


class Role(RoleBase, Workflow, Tracked, table=True):
    __table_args__ = (
        Index("ix_role_name_id", "name", "id"),
        Index("ix_role_updated_at_id", "updated_at", "id"),
        Index("ix_role_created_at_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cover_asset_id: int | None = Field(
        default=None, foreign_key="asset.id", index=True, ondelete="RESTRICT"
    )


class RoleWordsInput(BaseModel):
    """The fields of ``kinds.ROLE`` (one column each, above) as written, by the role's input
    and by a translation's, which has all of them."""

    name: Name
    aliases: list[Name] = Field(default_factory=list, max_length=20)
    definition: str = Field("", max_length=20_000)


class RoleInput(RoleWordsInput, Writable):
    """A role as written by POST and PUT (and, after merging, PATCH)."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug | None = Field(None, description="Made from the name when left out.")
    status: Status = Status.draft
    publish_at: Moment | None = Field(
        None, description="When a scheduled role becomes public; the publication date otherwise."
    )
    cover: Annotated[Id, ID_OR_OBJECT] | None = Field(
        None, description="An asset (POST /v1/assets): the role's image."
    )
    comparisons: Any = read_only(" (the comparisons of the role)")
    articles: Any = read_only(" (the articles that name the role)")
    locale: Any = read_only()
    fallback: Any = read_only()
    translations: Any = read_only()


class RoleListItem(SQLModel):
    id: int
    slug: str
    name: str
    aliases: list[str]
    definition: str
    status: Status
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    url: str
    cover: ImageAsset | None = Field(description="The role's image, an uploaded asset.")
    locale: str = Field(description="The locale of what is shown (FOLIO_LOCALES).")
    fallback: bool = Field(description="Whether that is not the locale asked for.")
    translations: list[Alternate] = Field(description="The role in every other locale it has.")


class RolePublic(RoleListItem):
    comparisons: list[ComparisonRef] = Field(
        description="Comparisons that have this role as a subject."
    )
    articles: list[ArticleRef] = Field(description="Published articles that mention it.")


SORTS = ("name", "updated_at", "created_at")
DEFAULT_SORT = "name"
INCLUDES = ("comparisons",)


class RoleListQuery(Filtered):
    sort: str | None = sort_query(SORTS, DEFAULT_SORT)
    comparison: Slugs | None = Field(
        None, description="Subjects of any of these comparisons (slugs, comma-separated)."
    )
    not_comparison: Slugs | None = Field(None, description="A subject of none of these.")
    article: Slugs | None = Field(None, description="Mentioned by any of these articles.")
    not_article: Slugs | None = Field(None, description="Mentioned by none of these.")
    has_cover: bool | None = Field(None, description="With a cover image (true) or without.")
    q: str | None = Field(None, min_length=1, max_length=200, description="Full-text search.")
    fields: str | None = fields_query(RoleListItem)


class RoleQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locale: str | None = LOCALE_QUERY
    fields: str | None = fields_query(RolePublic)
    include: str | None = include_query(INCLUDES)
