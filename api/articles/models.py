"""Articles: a title, a summary and a body of ordered, typed blocks.

Blocks are stored as JSON and refer to roles, comparisons and other articles by id; the public
representation resolves those references (a comparison block carries the whole table). The
``article_role`` and ``article_comparison`` tables index those references, so "articles that
mention a role" is a join, not a scan of JSON.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator
from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from api.comparisons.models import ComparisonPublic
from api.core.db import Tracked
from api.core.fields import URL_CHAR, Id, Moment, WebUrl
from api.core.slugs import SLUG_MAX, Slug
from api.core.workflow import Status, Workflow
from api.labels.models import LabelPublic
from api.roles.models import RoleListItem
from api.web.pagination import ListParams, fields_query, include_query, sort_query
from api.web.refs import ArticleRef, AuthorRef, ComparisonRef, RoleRef, TagRef

# Links may point to the web or to a path; never to javascript: or data: URLs.
SAFE_HREF = rf"^(https?://|mailto:|/){URL_CHAR}*$"

# --- Blocks as stored -------------------------------------------------------------------------


def _type_required(schema: dict[str, Any]) -> None:
    # ``type`` has a default (code writes HeadingBlock(text=…)), but a block in a request
    # must name its type: the discriminator reads it.
    if "type" in schema.get("properties", {}) and "type" not in schema.get("required", []):
        schema["required"] = ["type", *schema.get("required", [])]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_type_required)


LongText = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(max_length=300)]


class HeadingBlock(_Block):
    type: Literal["heading"] = "heading"
    text: ShortText
    level: int = Field(2, ge=1, le=4)


class ParagraphBlock(_Block):
    type: Literal["paragraph"] = "paragraph"
    text: LongText


class ListBlock(_Block):
    type: Literal["list"] = "list"
    ordered: bool = False
    items: list[LongText] = Field(max_length=200)


class RoleDefinition(_Block):
    role_id: Id
    term: ShortText
    definition: LongText


class RoleDefinitionsBlock(_Block):
    type: Literal["role_definitions"] = "role_definitions"
    items: list[RoleDefinition] = Field(max_length=50)


class ComparisonBlock(_Block):
    type: Literal["comparison"] = "comparison"
    comparison_id: Id


class CalloutBlock(_Block):
    type: Literal["callout"] = "callout"
    title: ShortText = ""
    text: LongText


class Link(_Block):
    """A span of the block's text that links to a role, an article or a URL (exactly one)."""

    text: ShortText
    role_id: Id | None = None
    article_id: Id | None = None
    href: Annotated[str, StringConstraints(pattern=SAFE_HREF, max_length=2_000)] | None = None

    @model_validator(mode="after")
    def _one_target(self) -> "Link":
        if sum(t is not None for t in (self.role_id, self.article_id, self.href)) != 1:
            raise ValueError("a link has exactly one of role_id, article_id, href")
        return self


class LinksBlock(_Block):
    type: Literal["links"] = "links"
    text: LongText
    links: list[Link] = Field(max_length=100)

    @model_validator(mode="after")
    def _spans_in_text(self) -> "LinksBlock":
        for link in self.links:
            if link.text not in self.text:
                raise ValueError(f"link text {link.text!r} is not in the block's text")
        return self


class RelatedBlock(_Block):
    type: Literal["related"] = "related"
    article_ids: list[Id] = Field(max_length=50)


Block = Annotated[
    HeadingBlock
    | ParagraphBlock
    | ListBlock
    | RoleDefinitionsBlock
    | ComparisonBlock
    | CalloutBlock
    | LinksBlock
    | RelatedBlock,
    Field(discriminator="type"),
]


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
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(
        default=None, foreign_key="author.id", index=True, ondelete="RESTRICT"
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


class RoleDefinitionPublic(BaseModel):
    role: RoleRef
    term: str
    definition: str


class RoleDefinitionsBlockPublic(BaseModel):
    type: Literal["role_definitions"] = "role_definitions"
    items: list[RoleDefinitionPublic]


class ComparisonBlockPublic(BaseModel):
    type: Literal["comparison"] = "comparison"
    comparison: ComparisonPublic


class LinkPublic(BaseModel):
    text: str
    url: str = Field(description="Where the link points on the public site.")
    role: RoleRef | None = None
    article: ArticleRef | None = None


class LinksBlockPublic(BaseModel):
    type: Literal["links"] = "links"
    text: str
    links: list[LinkPublic]


class RelatedBlockPublic(BaseModel):
    type: Literal["related"] = "related"
    articles: list[ArticleRef]


BlockPublic = Annotated[
    HeadingBlock
    | ParagraphBlock
    | ListBlock
    | RoleDefinitionsBlockPublic
    | ComparisonBlockPublic
    | CalloutBlock
    | LinksBlockPublic
    | RelatedBlockPublic,
    Field(discriminator="type"),
]


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
    created_at: datetime
    updated_at: datetime
    version: int
    url: str


class ArticlePublic(ArticleListItem):
    body: list[BlockPublic]


SORTS = ("published_at", "updated_at", "created_at", "title")
DEFAULT_SORT = "-published_at"
INCLUDES = ("author", "tags", "roles", "comparisons")


class ArticleListQuery(ListParams):
    """What a list of articles can be narrowed to; unknown parameters are errors."""

    sort: str | None = sort_query(SORTS, DEFAULT_SORT)

    status: Status | None = Field(None, description="Needs a key: drafts are not public.")
    author: Slug | None = Field(None, description="An author's slug.")
    tag: Slug | None = Field(None, description="A tag's slug.")
    category: str | None = Field(None, max_length=60)
    role: Slug | None = Field(None, description="Articles that mention this role.")
    comparison: Slug | None = Field(None, description="Articles that embed this comparison.")
    published_after: Moment | None = None
    published_before: Moment | None = None
    updated_since: Moment | None = None
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


class ArticleInput(BaseModel):
    """An article as written by POST and PUT (and, after merging, PATCH).

    The body is either ``body`` (blocks, referring to roles, comparisons and articles by id)
    or ``body_markdown`` (GFM: a table whose header names roles becomes a comparison).
    """

    model_config = ConfigDict(extra="forbid")

    slug: Slug | None = Field(None, description="Made from the title when left out.")
    title: str = Field(min_length=1, max_length=300)
    kicker: str = Field("", max_length=60)
    category: str = Field("", max_length=60)
    reading_time_minutes: int | None = Field(None, ge=0, le=1000)
    author: Slug | Id | None = Field(None, description="An author's slug or id.")
    tags: list[Slug] = Field(default_factory=list, max_length=20)
    status: Status = Status.draft
    publish_at: Moment | None = Field(
        None, description="When a scheduled article becomes public; the publication date otherwise."
    )
    summary: str = Field("", max_length=5_000)
    seo: SeoInput = Field(default_factory=SeoInput)
    body: list[Block] = Field(default_factory=list, max_length=500)
    body_markdown: str | None = Field(None, max_length=200_000)

    @model_validator(mode="after")
    def _one_body(self) -> "ArticleInput":
        if self.body and self.body_markdown is not None:
            raise ValueError("send body or body_markdown, not both")
        return self
