"""HTTP routes that make content travel: social cards, oEmbed and the embed page, sitemaps,
robots.txt and llms.txt. Public content only, cached like every public answer."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from api.articles import service as articles
from api.auth.dependencies import Read
from api.comparisons import service as comparisons
from api.core import kinds
from api.core.config import get_settings
from api.core.db import SessionDep
from api.core.errors import ArticleNotFound, ComparisonNotFound, NotFound, problem_responses
from api.sharing import cards, embed, service
from api.web.filters import LocaleQuery
from api.web.http import NoQueryDep, Ref, represent

router = APIRouter(tags=["sharing"])
PNG = "image/png"
HTML = "text/html; charset=utf-8"
XML = "application/xml"
TEXT = "text/plain; charset=utf-8"


@router.get(
    "/v1/articles/{ref}/card.png",
    response_class=Response,
    responses={200: {"content": {PNG: {}}}, **problem_responses(ArticleNotFound)},
)
def get_article_card(ref: Ref, read: Read, query: Annotated[LocaleQuery, Query()]) -> Response:
    """The article's social card: a 1200x630 PNG with its kicker, title, author and date
    (Open Graph, X); what its SEO image is when it has no cover."""
    article = articles.get_article(
        read.session, ref, locale=query.locale, accept_language=read.accept_language
    )
    body = cards.article_card(article, site_name=get_settings().site_name)
    return represent(
        read.request, body, media_type=PNG, headers={"Content-Language": article.locale}
    )


@router.get(
    "/v1/comparisons/{ref}/card.png",
    response_class=Response,
    responses={200: {"content": {PNG: {}}}, **problem_responses(ComparisonNotFound)},
)
def get_comparison_card(ref: Ref, read: Read, query: Annotated[LocaleQuery, Query()]) -> Response:
    """The comparison's social card: a 1200x630 PNG with its title and its first rows."""
    table = comparisons.get_comparison(
        read.session, ref, locale=query.locale, accept_language=read.accept_language
    )
    body = cards.comparison_card(table, site_name=get_settings().site_name)
    return represent(read.request, body, media_type=PNG, headers={"Content-Language": table.locale})


@router.get(
    "/v1/comparisons/{ref}/embed",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}}, **problem_responses(ComparisonNotFound)},
)
def get_comparison_embed(ref: Ref, read: Read, query: Annotated[LocaleQuery, Query()]) -> Response:
    """The comparison as a small HTML page to put in an <iframe> (what oEmbed gives): an
    accessible table that fits its frame, no script and no external asset, framed only where
    FOLIO_EMBED_ORIGINS allows."""
    table = comparisons.get_comparison(
        read.session, ref, locale=query.locale, accept_language=read.accept_language
    )
    page = embed.embed_page(table, site_name=get_settings().site_name)
    headers = {
        "Content-Security-Policy": embed.content_security_policy(get_settings().embed_origins),
        "Content-Language": table.locale,
        "X-Content-Type-Options": "nosniff",
    }
    return represent(read.request, page.encode(), media_type=HTML, headers=headers)


class OEmbedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, description="An article's or comparison's URL.")
    maxwidth: int | None = Field(None, ge=1, le=10_000)
    maxheight: int | None = Field(None, ge=1, le=10_000)
    format: Literal["json", "xml"] = Field("json", description="Only json is served (xml: 501).")


class OEmbed(BaseModel):
    """oEmbed 1.0 (oembed.com): `rich` (an iframe) for a comparison, `link` for an article."""

    model_config = ConfigDict(extra="allow")

    version: Literal["1.0"]
    type: Literal["rich", "link"]
    title: str
    provider_name: str
    provider_url: str
    cache_age: int
    html: str | None = None
    width: int | None = None
    height: int | None = None
    author_name: str | None = None
    author_url: str | None = None
    thumbnail_url: str | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None


@router.get(
    "/v1/oembed",
    response_model=OEmbed,
    responses=problem_responses(service.NotEmbeddable, service.FormatNotImplemented),
)
def get_oembed(
    request: Request, session: SessionDep, query: Annotated[OEmbedQuery, Query()]
) -> Response:
    """oEmbed for the URL of a published article or comparison (this API's, or the site's):
    what Slack, Notion, WordPress and the like ask to unfurl or embed a link."""
    answer = service.oembed(
        session, query.url, maxwidth=query.maxwidth, maxheight=query.maxheight, fmt=query.format
    )
    return represent(request, answer)


@router.get("/sitemap.xml", response_class=Response, responses={200: {"content": {XML: {}}}})
def get_sitemap(request: Request, session: SessionDep, _: NoQueryDep) -> Response:
    """Every published article, role and comparison with its last change (sitemaps.org); past
    50,000 of them, a sitemap index of files of 50,000."""
    return represent(request, service.sitemap(session), media_type=XML)


@router.get(
    "/sitemaps/{collection}-{page}.xml",
    response_class=Response,
    responses={200: {"content": {XML: {}}}, **problem_responses(NotFound)},
)
def get_sitemap_page(
    collection: kinds.MappedCollection,
    page: Annotated[int, Path(ge=1, le=100_000)],
    request: Request,
    session: SessionDep,
    _: NoQueryDep,
) -> Response:
    """One file of the sitemap index."""
    return represent(request, service.sitemap_page(session, collection, page), media_type=XML)


@router.get("/robots.txt", response_class=Response, responses={200: {"content": {TEXT: {}}}})
def get_robots(request: Request, _: NoQueryDep) -> Response:
    """Crawlers welcome; where the sitemap is."""
    return represent(request, service.robots().encode(), media_type=TEXT)


@router.get("/llms.txt", response_class=Response, responses={200: {"content": {TEXT: {}}}})
def get_llms(request: Request, session: SessionDep, _: NoQueryDep) -> Response:
    """llms.txt: the published articles and comparisons, each a link to its Markdown with a
    line about it, for AI assistants and crawlers."""
    return represent(request, service.llms(session).encode(), media_type=TEXT)


@router.get("/llms-full.txt", response_class=Response, responses={200: {"content": {TEXT: {}}}})
def get_llms_full(request: Request, session: SessionDep, _: NoQueryDep) -> Response:
    """The newest published articles and comparisons whole, in Markdown."""
    return represent(request, service.llms_full(session).encode(), media_type=TEXT)
