"""HTTP routes for feeds of articles."""

from collections.abc import Callable
from typing import Annotated, Any

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


# A feed format: the articles, the feed's own URL and its language to the body served.
FeedRenderer = Callable[[list[ArticlePublic], str, str], bytes | dict[str, Any]]


def _feed(path: str, media_type: str, render: FeedRenderer, name: str, format_name: str) -> None:
    """``GET /v1/feeds{path}``: published articles in one feed format, by ``render``."""

    def feed(
        request: Request, session: SessionDep, query: Annotated[FeedQuery, Query()]
    ) -> Response:
        body = render(_articles(session, query), _self(request), _language(query))
        return represent(request, body, media_type=media_type)

    router.add_api_route(
        path,
        feed,
        methods=["GET"],
        name=name,
        description=f"Published articles as {format_name}, newest first, with their full"
        " sanitized HTML.",
        responses={200: {"content": {media_type: {}}}, **problem_responses()},
        response_class=Response,
    )


_feed("/articles.rss", RSS, render_rss, "get_articles_rss_feed", "RSS 2.0")
_feed("/articles.atom", ATOM, render_atom, "get_articles_atom_feed", "Atom 1.0")
_feed("/articles.json", JSON_FEED, render_json_feed, "get_articles_json_feed", "JSON Feed 1.1")
