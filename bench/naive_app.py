"""The baseline Folio is measured against: a plain FastAPI + SQLModel app.

It serves the same article JSON the obvious way: a session per request, the row and its
relations loaded, a response model validated and serialized on every request.
"""

from typing import Any

from fastapi import FastAPI, HTTPException
from sqlmodel import Session, select

from api.articles import service
from api.articles.models import Article, ArticlePublic
from api.core.config import get_settings
from api.core.db import make_engine

engine = make_engine(get_settings().database_url)
app = FastAPI()


@app.get("/v1/articles/{article_id}", response_model=ArticlePublic)
def get_article(article_id: int) -> Any:
    with Session(engine) as session:
        article = session.exec(select(Article).where(Article.id == article_id)).first()
        if article is None:
            raise HTTPException(404)
        return service.get_article(session, str(article_id))
