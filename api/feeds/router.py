"""HTTP routes for feeds of articles."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.articles import service as articles_service
from api.articles.models import ArticleListQuery, ArticlePublic
from api.core import locales
from api.core.db import SessionDep
from api.core.errors import problem_responses
from api.core.urls import api_url
from api.feeds.models import FeedQuery
from api.feeds.render import ATOM, JSON_FEED, RSS, render_atom, render_json_feed, render_rss
from api.web.http import represent

router = APIRouter(prefix="/v1/feeds", tags=["feeds"])


def _articles(session: SessionDep, query: FeedQuery) -> list[ArticlePublic]:
    page = articles_service.list_articles(
        session, query=ArticleListQuery(**query.model_dump()), preview=False, with_body=True
    )
    return [a for a in page.items if isinstance(a, ArticlePublic)]


def _language(query: FeedQuery) -> str:
    """The feed's language: the locale asked for (``?locale=``), else the default."""
    return locales.parse_locale(query.locale) if query.locale else locales.default()


def _self(request: Request) -> str:
    query = request.url.query
    return api_url(request.url.path) + ("?" + query if query else "")


@router.get(
    "/articles.rss",
    responses={200: {"content": {RSS: {}}}, **problem_responses()},
    response_class=Response,
)
def get_articles_rss_feed(
    request: Request, session: SessionDep, query: Annotated[FeedQuery, Query()]
) -> Response:
    """Published articles as RSS 2.0, newest first, with their full sanitized HTML."""
    body = render_rss(_articles(session, query), _self(request), _language(query))
    return represent(request, body, media_type=RSS)


@router.get(
    "/articles.atom",
    responses={200: {"content": {ATOM: {}}}, **problem_responses()},
    response_class=Response,
)
def get_articles_atom_feed(
    request: Request, session: SessionDep, query: Annotated[FeedQuery, Query()]
) -> Response:
    """Published articles as Atom 1.0, newest first, with their full sanitized HTML."""
    body = render_atom(_articles(session, query), _self(request), _language(query))
    return represent(request, body, media_type=ATOM)


@router.get(
    "/articles.json",
    responses={200: {"content": {JSON_FEED: {}}}, **problem_responses()},
    response_class=Response,
)
def get_articles_json_feed(
    request: Request, session: SessionDep, query: Annotated[FeedQuery, Query()]
) -> Response:
    """Published articles as JSON Feed 1.1, newest first, with their full sanitized HTML."""
    body = render_json_feed(_articles(session, query), _self(request), _language(query))
    return represent(request, body, media_type=JSON_FEED)
