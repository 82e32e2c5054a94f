"""Articles: a title, a summary and a body in Portable Text (``api.articles.blocks``).

The body is stored as JSON and refers to roles, comparisons, other articles and assets by id;
the public representation resolves those references (a comparison block carries the whole
table). The ``article_role``, ``article_comparison`` and ``article_asset`` tables index those
references, so "articles that mention a role" is a join, not a scan of JSON.
"""

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator
from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from api.articles.blocks import Block, BlockPublic
from api.assets.models import ImageAsset
from api.comparisons.models import ComparisonPublic
from api.core.columns import Tracked
from api.core.fields import JSON_INTEGER, Id, Moment, WebUrl
from api.core.readback import (
    ID_OR_OBJECT,
    ID_OR_SLUG_OR_OBJECT,
    SLUG_OR_OBJECT,
    Writable,
    read_only,
)
from api.core.slugs import SLUG_MAX, Slug, Slugs
from api.core.workflow import Status, Workflow
from api.labels.models import LabelPublic
from api.roles.models import RoleListItem
from api.web.filters import LOCALE_QUERY, Filtered
from api.web.pagination import fields_query, include_query, sort_query
from api.web.refs import Alternate, AuthorRef, ComparisonRef, RoleRef, TagRef

# --- Tables -----------------------------------------------------------------------------------


class ArticleBase(SQLModel):
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    title: str = Field(max_length=300)
    kicker: str = Field(default="", max_length=60)
    category: str = Field(default="", max_length=60, index=True)
    reading_time_minutes: int | None = Field(default=None, ge=0, le=1000)
    summary: str = Field(default="", sa_type=Text)


class Article(ArticleBase, Workflow, Tracked, table=True):
    # Search-engine fields, each overriding what would otherwise be derived (see ``Seo``).
    meta_title: str | None = Field(default=None, max_length=300)
    meta_description: str | None = Field(default=None, max_length=500)
    canonical_url: str | None = Field(default=None, max_length=2000)
    image_url: str | None = Field(default=None, max_length=2000)

    __table_args__ = (
        # Every sort, with id as the tie-breaker that keyset paging needs.
        Index("ix_article_published_at_id", "published_at", "id"),
        Index("ix_article_updated_at_id", "updated_at", "id"),
        Index("ix_article_created_at_id", "created_at", "id"),
        Index("ix_article_title_id", "title", "id"),
        # Previews filtered by status.
        Index("ix_article_status_published_at_id", "status", "published_at", "id"),
        # A narrow reading-time range finds its few articles without a scan.
        Index("ix_article_reading_time_minutes", "reading_time_minutes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(
        default=None, foreign_key="author.id", index=True, ondelete="RESTRICT"
    )
    cover_asset_id: int | None = Field(
        default=None, foreign_key="asset.id", index=True, ondelete="RESTRICT"
    )
    # The person who made it: a contributor or an author changes only their own.
    owner_id: int | None = Field(
        default=None, foreign_key="folio_user.id", index=True, ondelete="SET NULL"
    )
    body: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)


class ArticleRole(SQLModel, table=True):
    """A role the article mentions (defines, compares or links to), in order of first mention."""

    __tablename__ = "article_role"

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    role_id: int = Field(foreign_key="role.id", primary_key=True, index=True, ondelete="RESTRICT")
    position: int


class ArticleTag(SQLModel, table=True):
    __tablename__ = "article_tag"

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, index=True, ondelete="RESTRICT")
    position: int


class ArticleComparison(SQLModel, table=True):
    """A comparison the article embeds."""

    __tablename__ = "article_comparison"

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    comparison_id: int = Field(
        foreign_key="comparison.id", primary_key=True, index=True, ondelete="RESTRICT"
    )
    position: int


# --- Public representation --------------------------------------------------------------------


class SeoInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meta_title: str | None = Field(None, max_length=300)
    meta_description: str | None = Field(None, max_length=500)
    canonical_url: WebUrl | None = None
    image: WebUrl | None = None


class Seo(BaseModel):
    """What search engines and link previews should show; each falls back to the article."""

    meta_title: str = Field(description="The title, unless set.")
    meta_description: str = Field(description="The summary, unless set.")
    canonical_url: str = Field(description="The article's page on the site, unless set.")
    image: str | None


# The fields of ``kinds.ARTICLE`` (one column each, above) as written; the words a translation
# has of its own are a base of their own, which the translation's input shares. As read, each
# is a field of ``ArticleListItem`` where a reader expects it (in the order the JSON shows).


class ArticleWordsInput(BaseModel):
    """What a translation of an article says too, as written."""

    title: str = Field(min_length=1, max_length=300)
    kicker: str = Field("", max_length=60)
    summary: str = Field("", max_length=5_000)


class ArticleFieldsInput(ArticleWordsInput):
    category: str = Field("", max_length=60)
    reading_time_minutes: Annotated[int, Field(ge=0, le=1000), JSON_INTEGER] | None = None


class ArticleListItem(SQLModel):
    id: int
    slug: str
    title: str
    kicker: str
    category: str
    reading_time_minutes: int | None
    status: Status
    published_at: datetime | None
    summary: str
    seo: Seo
    author: AuthorRef | LabelPublic | None = Field(description="Whole with include=author.")
    tags: list[TagRef | LabelPublic] = Field(description="Whole with include=tags.")
    roles: list[RoleRef | RoleListItem] = Field(description="Whole with include=roles.")
    comparisons: list[ComparisonRef | ComparisonPublic] = Field(
        description="Whole (rows and cells) with include=comparisons."
    )
    cover: ImageAsset | None = Field(description="The article's image, an uploaded asset.")
    created_at: datetime
    updated_at: datetime
    version: int
    url: str
    locale: str = Field(description="The locale of what is shown (FOLIO_LOCALES).")
    fallback: bool = Field(
        description="Whether that is not the locale asked for (it has no public translation)."
    )
    translations: list[Alternate] = Field(
        description="The article in every other locale it has (hreflang alternates)."
    )


class ArticlePublic(ArticleListItem):
    body: list[BlockPublic]


SORTS = ("published_at", "updated_at", "created_at", "title")
DEFAULT_SORT = "-published_at"
INCLUDES = ("author", "tags", "roles", "comparisons")


# Up to 20 categories of up to 60 characters, comma-separated.
Categories = Annotated[str, StringConstraints(pattern=r"^[^,]{1,60}(?:,[^,]{1,60}){0,19}$")]


class ArticleListQuery(Filtered):
    """What a list of articles can be narrowed to; unknown parameters are errors."""

    sort: str | None = sort_query(SORTS, DEFAULT_SORT)

    author: Slugs | None = Field(None, description="Authors' slugs, comma-separated: any of them.")
    tag: Slugs | None = Field(None, description="Tags' slugs, comma-separated: any of them.")
    category: Categories | None = Field(
        None, description="Categories, comma-separated: any of them."
    )
    role: Slugs | None = Field(None, description="Articles that mention any of these roles.")
    comparison: Slugs | None = Field(
        None, description="Articles that embed any of these comparisons."
    )
    not_author: Slugs | None = Field(None, description="None of these authors.")
    not_tag: Slugs | None = Field(None, description="None of these tags.")
    not_category: Categories | None = Field(None, description="None of these.")
    not_role: Slugs | None = Field(None, description="Mentioning none of these roles.")
    not_comparison: Slugs | None = Field(None, description="Embedding none of these.")
    has_cover: bool | None = Field(None, description="With a cover image (true) or without.")
    reading_time_minutes_min: Annotated[int, Field(ge=0, le=1000)] | None = None
    reading_time_minutes_max: Annotated[int, Field(ge=0, le=1000)] | None = None

    RANGES: ClassVar[tuple[tuple[str, str], ...]] = (
        *Filtered.RANGES,
        ("reading_time_minutes_min", "reading_time_minutes_max"),
    )

    q: str | None = Field(None, min_length=1, max_length=200, description="Full-text search.")
    fields: str | None = fields_query(ArticleListItem)
    include: str | None = include_query(INCLUDES)


class ArticleQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "md", "html", "txt"] | None = Field(
        None, description="Overrides the Accept header."
    )
    fields: str | None = fields_query(ArticlePublic)
    include: str | None = include_query(INCLUDES)
    jsonld: bool = Field(False, description="With format=html: the JSON-LD in a <script>.")
    locale: str | None = LOCALE_QUERY
    preview: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="A preview link's token: this article as it is now (a draft, say), without"
        " a key; `Cache-Control: private, no-store`.",
    )


class ArticleInput(ArticleFieldsInput, Writable):
    """An article as written by POST and PUT (and, after merging, PATCH).

    The body is either ``body`` (blocks, referring to roles, comparisons and articles by id)
    or ``body_markdown`` (GFM: a table whose header names roles becomes a comparison).
    """

    model_config = ConfigDict(extra="forbid")

    slug: Slug | None = Field(None, description="Made from the title when left out.")
    author: Annotated[Slug | Id, ID_OR_SLUG_OR_OBJECT] | None = Field(
        None, description="An author's slug or id."
    )
    tags: list[Annotated[Slug, SLUG_OR_OBJECT]] = Field(default_factory=list, max_length=20)
    status: Status = Status.draft
    publish_at: Moment | None = Field(
        None, description="When a scheduled article becomes public; the publication date otherwise."
    )
    seo: SeoInput = Field(default_factory=SeoInput)
    cover: Annotated[Id, ID_OR_OBJECT] | None = Field(
        None, description="An asset (POST /v1/assets): the article's image."
    )
    roles: Any = read_only(" (the roles the body names)")
    locale: Any = read_only()
    fallback: Any = read_only()
    translations: Any = read_only()
    comparisons: Any = read_only(" (the comparisons the body embeds)")
    body: list[Block] = Field(
        default_factory=list, max_length=2_000, description="Portable Text: blocks in order."
    )
    body_markdown: str | None = Field(None, max_length=200_000)

    @model_validator(mode="after")
    def _one_body(self) -> "ArticleInput":
        if "body" in self.model_fields_set and self.body_markdown is not None:
            raise ValueError("send body or body_markdown, not both")
        return self
