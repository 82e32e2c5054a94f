"""Translations: an article, a role or a comparison in a locale other than the default.

Each has its own slug (old ones redirect, per locale), its own workflow (a German translation
is published on its own date), its own version, ETag and revisions. What it translates is its
``content``; everything else (the author, tags, cover, which roles and comparisons an article
names, a comparison's subjects) is the resource's own, shared by every locale.
"""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from api.articles.blocks import Block, BlockPublic
from api.articles.models import ArticleWordsInput
from api.core.columns import Tracked
from api.core.fields import Id, Moment
from api.core.readback import Writable, read_only
from api.core.slugs import SLUG_MAX, Slug
from api.core.workflow import Status, Workflow
from api.roles.models import RoleWordsInput


class Translation(Workflow, Tracked, table=True):
    __tablename__ = "translation"
    __table_args__ = (
        UniqueConstraint("resource_type", "resource_id", "locale"),
        UniqueConstraint("resource_type", "locale", "slug"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resource_type: str = Field(max_length=20, description="article, role or comparison")
    resource_id: int
    locale: str = Field(max_length=35)
    slug: str = Field(max_length=SLUG_MAX)
    content: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


Index("ix_translation_resource", Translation.resource_type, Translation.resource_id)  # type: ignore[arg-type]


class TranslationInput(Writable):
    """What every translation has: its slug and its workflow."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug | None = PydanticField(
        None, description="Made from the translated title (or name) when left out."
    )
    status: Status = Status.draft
    publish_at: Moment | None = PydanticField(
        None, description="When a scheduled translation becomes public; its date otherwise."
    )
    locale: Any = read_only()
    resource_id: Any = read_only()


class ArticleTranslationInput(ArticleWordsInput, TranslationInput):
    """An article's words in a locale: title, kicker, summary, body and search-engine fields."""

    meta_title: str | None = PydanticField(None, max_length=300)
    meta_description: str | None = PydanticField(None, max_length=500)
    body: list[Block] = PydanticField(
        default_factory=list, max_length=2_000, description="Portable Text: blocks in order."
    )
    body_markdown: str | None = PydanticField(
        None, max_length=200_000, description="Markdown; its tables stay tables."
    )

    @model_validator(mode="after")
    def _one_body(self) -> "ArticleTranslationInput":
        if "body" in self.model_fields_set and self.body_markdown is not None:
            raise ValueError("send body or body_markdown, not both")
        return self


class RoleTranslationInput(RoleWordsInput, TranslationInput):
    """A role's words in a locale: its name, definition and other names."""


class RowTranslation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = PydanticField(description="The row (`rows[].id` of the comparison).")
    dimension: Annotated[str, PydanticField(min_length=1, max_length=200)] | None = None
    cells: dict[str, Annotated[str, PydanticField(max_length=2_000)]] = PydanticField(
        default_factory=dict,
        max_length=50,
        description="Cell text by role slug (each a subject of the comparison).",
    )


class ComparisonTranslationInput(TranslationInput):
    """A comparison's words in a locale: title, dimension label, each row's dimension and
    cells (a row or cell left out shows the default locale's)."""

    title: str = PydanticField(min_length=1, max_length=300)
    dimension_label: str | None = PydanticField(None, max_length=100)
    rows: list[RowTranslation] = PydanticField(default_factory=list, max_length=200)


class TranslationMeta(BaseModel):
    """What every translation shows besides its words: its own workflow and version."""

    id: int
    resource_id: int = PydanticField(description="The article, role or comparison.")
    locale: str
    slug: str
    status: Status
    published_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    url: str = PydanticField(description="The resource in this locale.")


class ArticleTranslation(TranslationMeta):
    title: str
    kicker: str
    summary: str
    meta_title: str | None
    meta_description: str | None
    body: list[BlockPublic] = PydanticField(
        description="As an article's body reads (PUT takes it back as it is)."
    )


class RoleTranslation(TranslationMeta):
    name: str
    definition: str
    aliases: list[str]


class ComparisonTranslation(TranslationMeta):
    title: str
    dimension_label: str | None = None
    rows: list[RowTranslation]


class TranslationSummary(BaseModel):
    """One locale of a resource, in the list of its translations."""

    locale: str
    slug: str
    status: Status
    published_at: datetime | None
    version: int
    updated_at: datetime
    url: str
