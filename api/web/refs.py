"""Compact references, the form in which one resource embeds another.

``of()`` builds a reference from any row with the needed columns (tables import this module,
so it cannot import them).
"""

from datetime import datetime
from typing import Any, Self

from sqlmodel import SQLModel

from api.core.urls import resource_url


def _id(row: Any) -> int:
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return int(row.id)


class AuthorRef(SQLModel):
    id: int
    slug: str
    name: str

    @classmethod
    def of(cls, author: Any) -> Self:
        return cls(id=_id(author), slug=author.slug, name=author.name)


class TagRef(SQLModel):
    id: int
    slug: str
    name: str

    @classmethod
    def of(cls, tag: Any) -> Self:
        return cls(id=_id(tag), slug=tag.slug, name=tag.name)


class RoleRef(SQLModel):
    id: int
    slug: str
    name: str
    url: str

    @classmethod
    def of(cls, role: Any) -> Self:
        return cls(
            id=_id(role), slug=role.slug, name=role.name, url=resource_url("roles", role.slug)
        )


class ComparisonRef(SQLModel):
    id: int
    slug: str
    title: str
    url: str

    @classmethod
    def of(cls, comparison: Any) -> Self:
        return cls(
            id=_id(comparison),
            slug=comparison.slug,
            title=comparison.title,
            url=resource_url("comparisons", comparison.slug),
        )


class ArticleRef(SQLModel):
    id: int
    slug: str
    title: str
    published_at: datetime | None
    url: str

    @classmethod
    def of(cls, article: Any) -> Self:
        return cls(
            id=_id(article),
            slug=article.slug,
            title=article.title,
            published_at=article.published_at,
            url=resource_url("articles", article.slug),
        )


class Alternate(SQLModel):
    """The same resource in another locale (``hreflang``): only public ones, to readers."""

    locale: str
    slug: str
    url: str
