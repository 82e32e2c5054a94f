"""The baseline Folio is measured against: a plain FastAPI + SQLModel app on the same tables.

It serves articles the obvious way: a session per request, the row and then its author and tags
each loaded by a query, a response model validated and serialized on every request. The body is
served as stored (Folio resolves its references: roles, comparisons, links, images), so the
documents are a little smaller than Folio's.
"""

from datetime import datetime
from typing import Any

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel
from sqlmodel import Session, col, select

from api.articles.models import Article, ArticleTag
from api.core.config import get_settings
from api.core.db import make_engine
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
