"""Compact references, the form in which one resource embeds another."""

from datetime import datetime

from sqlmodel import SQLModel


class AuthorRef(SQLModel):
    id: int
    slug: str
    name: str


class RoleRef(SQLModel):
    id: int
    slug: str
    name: str
    url: str


class ComparisonRef(SQLModel):
    id: int
    slug: str
    title: str
    url: str


class ArticleRef(SQLModel):
    id: int
    slug: str
    title: str
    published_at: datetime | None
    url: str
