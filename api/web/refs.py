"""Compact references, the form in which one resource embeds another.

``of()`` builds a reference from any row with the needed columns (tables import this module,
so it cannot import them).
"""

from datetime import datetime
from typing import Any, ClassVar, Self

from sqlmodel import SQLModel

from api.core.urls import resource_url


class _Ref(SQLModel):
    """A reference: ``id``, then the row's own columns named by the subclass, then ``url``
    (the page of the row in ``collection``) when the subclass declares one."""

    collection: ClassVar[str]

    @classmethod
    def of(cls, row: Any) -> Self:
        if row.id is None:
            raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
        values = {name: getattr(row, name) for name in cls.model_fields if name != "url"}
        if "url" in cls.model_fields:
            values["url"] = resource_url(cls.collection, row.slug)
        return cls(**values)


class AuthorRef(_Ref):
    id: int
    slug: str
    name: str


class TagRef(_Ref):
    id: int
    slug: str
    name: str


class RoleRef(_Ref):
    collection = "roles"
    id: int
    slug: str
    name: str
    url: str


class ComparisonRef(_Ref):
    collection = "comparisons"
    id: int
    slug: str
    title: str
    url: str


class ArticleRef(_Ref):
    collection = "articles"
    id: int
    slug: str
    title: str
    published_at: datetime | None
    url: str


class Alternate(SQLModel):
    """The same resource in another locale (``hreflang``): only public ones, to readers."""

    locale: str
    slug: str
    url: str
