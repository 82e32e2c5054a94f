"""Articles: a title, a summary and a body of ordered, typed blocks.

Blocks are stored as JSON and refer to roles, comparisons and other articles by id; the public
representation resolves those references (a comparison block carries the whole table). The
``article_role`` and ``article_comparison`` tables index those references, so "articles that
mention a role" is a join, not a scan of JSON.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import JSON, Index, Text
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from api.comparisons.models import ComparisonPublic
from api.db import Tracked, UTCDateTime
from api.refs import ArticleRef, AuthorRef, ComparisonRef, RoleRef
from api.slugs import SLUG_MAX


class ArticleStatus(StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    published = "published"
    archived = "archived"


# --- Blocks as stored -------------------------------------------------------------------------


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HeadingBlock(_Block):
    type: Literal["heading"] = "heading"
    text: str
    level: int = 2


class ParagraphBlock(_Block):
    type: Literal["paragraph"] = "paragraph"
    text: str


class RoleDefinition(_Block):
    role_id: int
    term: str
    definition: str


class RoleDefinitionsBlock(_Block):
    type: Literal["role_definitions"] = "role_definitions"
    items: list[RoleDefinition]


class ComparisonBlock(_Block):
    type: Literal["comparison"] = "comparison"
    comparison_id: int


class CalloutBlock(_Block):
    type: Literal["callout"] = "callout"
    title: str
    text: str


class Link(_Block):
    """A span of the block's text that links to a role, an article or a URL (exactly one)."""

    text: str
    role_id: int | None = None
    article_id: int | None = None
    href: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> "Link":
        if sum(t is not None for t in (self.role_id, self.article_id, self.href)) != 1:
            raise ValueError("a link has exactly one of role_id, article_id, href")
        return self


class LinksBlock(_Block):
    type: Literal["links"] = "links"
    text: str
    links: list[Link]

    @model_validator(mode="after")
    def _spans_in_text(self) -> "LinksBlock":
        for link in self.links:
            if link.text not in self.text:
                raise ValueError(f"link text {link.text!r} is not in the block's text")
        return self


class RelatedBlock(_Block):
    type: Literal["related"] = "related"
    article_ids: list[int]


Block = Annotated[
    HeadingBlock
    | ParagraphBlock
    | RoleDefinitionsBlock
    | ComparisonBlock
    | CalloutBlock
    | LinksBlock
    | RelatedBlock,
    Field(discriminator="type"),
]


class Body(BaseModel):
    blocks: list[Block]


# --- Tables -----------------------------------------------------------------------------------


class ArticleBase(SQLModel):
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    title: str = Field(max_length=300)
    kicker: str = Field(default="", max_length=60)
    category: str = Field(default="", max_length=60, index=True)
    reading_time_minutes: int | None = Field(default=None, ge=0, le=1000)
    status: ArticleStatus = Field(
        default=ArticleStatus.draft,
        sa_type=SAEnum(
            ArticleStatus,
            native_enum=False,
            create_constraint=True,
            length=16,
            name="article_status",
            values_callable=lambda e: [m.value for m in e],
        ),
    )
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    summary: str = Field(default="", sa_type=Text)


class Article(ArticleBase, Tracked, table=True):
    __table_args__ = (
        # The public list: published, newest first, id as the tie-breaker.
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
    | RoleDefinitionsBlockPublic
    | ComparisonBlockPublic
    | CalloutBlock
    | LinksBlockPublic
    | RelatedBlockPublic,
    Field(discriminator="type"),
]


class ArticleListItem(SQLModel):
    id: int
    slug: str
    title: str
    kicker: str
    category: str
    reading_time_minutes: int | None
    status: ArticleStatus
    published_at: datetime | None
    summary: str
    author: AuthorRef | None
    roles: list[RoleRef]
    comparisons: list[ComparisonRef]
    created_at: datetime
    updated_at: datetime
    version: int
    url: str


class ArticlePublic(ArticleListItem):
    body: list[BlockPublic]
