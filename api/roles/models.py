"""Roles: pages about a job role, such as "AI operating partner" or "Fractional CAIO"."""

from datetime import datetime

from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from api.db import Tracked
from api.refs import ArticleRef, ComparisonRef
from api.slugs import SLUG_MAX


class RoleBase(SQLModel):
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    name: str = Field(max_length=200)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    definition: str = Field(default="", sa_type=Text, nullable=False)


class Role(RoleBase, Tracked, table=True):
    id: int | None = Field(default=None, primary_key=True)


class RolePublic(SQLModel):
    id: int
    slug: str
    name: str
    aliases: list[str]
    definition: str
    comparisons: list[ComparisonRef] = Field(
        description="Comparisons that have this role as a subject."
    )
    articles: list[ArticleRef] = Field(description="Published articles that mention it.")
    created_at: datetime
    updated_at: datetime
    version: int
    url: str


class RoleListItem(SQLModel):
    id: int
    slug: str
    name: str
    aliases: list[str]
    definition: str
    created_at: datetime
    updated_at: datetime
    version: int
    url: str
