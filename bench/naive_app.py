"""The baseline Folio is measured against: a plain FastAPI + SQLModel app on the same tables.

It serves articles the obvious way: a session per request, the row and then its author and tags
each loaded by a query, a response model validated and serialized on every request. The body is
served as stored (Folio resolves its references: roles, comparisons, links, images), so the
documents are a little smaller than Folio's. A PATCH merges the fields sent into the row, bumps
its version and adds one revision row, in one transaction: no authentication, no If-Match, no
search document, event, audit entry or cache to keep.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException, Query
from pydantic import BaseModel
from sqlmodel import Session, col, select

import api.models  # noqa: F401 - every table, for the foreign keys the revision's insert resolves
from api.articles.models import Article, ArticleTag
from api.core.clock import clock
from api.core.config import get_settings
from api.core.db import WRITER, make_engine
from api.history.models import Revision
from api.labels.models import Author, Tag

engine = make_engine(get_settings().database_url)
app = FastAPI()


class Label(BaseModel):
    id: int
    slug: str
    name: str


class NaiveArticle(BaseModel):
    id: int
    slug: str
    title: str
    kicker: str
    category: str
    summary: str
    status: str
    published_at: datetime | None
    updated_at: datetime
    author: Label | None
    tags: list[Label]
    body: list[dict[str, Any]]


def _public(session: Session, article: Article) -> NaiveArticle:
    author = session.get(Author, article.author_id) if article.author_id else None
    tags = session.exec(
        select(Tag).join(ArticleTag).where(ArticleTag.article_id == article.id)
    ).all()
    return NaiveArticle(
        **article.model_dump(exclude={"author_id", "tags"}),
        author=Label.model_validate(author, from_attributes=True) if author else None,
        tags=[Label.model_validate(t, from_attributes=True) for t in tags],
    )


@app.get("/v1/articles/{ref}", response_model=NaiveArticle)
def get_article(ref: str) -> Any:
    with Session(engine) as session:
        where = Article.id == int(ref) if ref.isdigit() else Article.slug == ref
        article = session.exec(select(Article).where(where)).first()
        if article is None:
            raise HTTPException(404)
        return _public(session, article)


@app.get("/v1/articles", response_model=dict[str, list[NaiveArticle]])
def list_articles(limit: int = Query(20, le=100), tag: str | None = None) -> Any:
    with Session(engine) as session:
        statement = select(Article).where(Article.status == "published")
        if tag is not None:
            statement = statement.where(  # EXISTS, as Folio's list has it
                select(ArticleTag.article_id)
                .join(Tag)
                .where(ArticleTag.article_id == Article.id, Tag.slug == tag)
                .exists()
            )
        rows = session.exec(
            statement.order_by(col(Article.published_at).desc(), col(Article.id).desc()).limit(
                limit
            )
        ).all()
        return {"data": [_public(session, a) for a in rows]}


_PATCHABLE = frozenset({"title", "kicker", "category", "summary"})


@app.patch("/v1/articles/{article_id}", response_model=NaiveArticle)
def patch_article(article_id: int, patch: Annotated[dict[str, str], Body()]) -> Any:
    with Session(engine) as session:
        # As a writer from the start: BEGIN IMMEDIATE on SQLite (a read that becomes a write
        # there fails when another writer is at it), FOR UPDATE on PostgreSQL.
        session.connection(execution_options={WRITER: True})
        article = session.get(Article, article_id, with_for_update=True)
        if article is None:
            raise HTTPException(404)
        for name, value in patch.items():
            if name not in _PATCHABLE:
                raise HTTPException(422, f"{name} cannot be changed")
            setattr(article, name, value)
        article.version += 1
        article.updated_at = clock.now()
        session.add(article)
        session.add(
            Revision(
                resource_type="articles",
                resource_id=article_id,
                number=article.version,
                action="update",
                content=article.model_dump(mode="json", exclude={"id"}),
            )
        )
        session.commit()
        session.refresh(article)
        return _public(session, article)
