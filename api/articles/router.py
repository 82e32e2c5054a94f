"""HTTP routes for articles."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.articles import service
from api.articles.jsonld import head_links, inline_safe, script_tag
from api.articles.models import ArticleListItem, ArticleListQuery, ArticlePublic, ArticleQuery
from api.articles.render import RENDERERS
from api.auth.dependencies import Read
from api.core import kinds
from api.core.errors import (
    ArticleNotFound,
    NotAcceptable,
    PreviewNotValid,
    Unauthorized,
    problem_responses,
)
from api.previews import service as previews
from api.routing import content_routes, listed
from api.web.filters import LocaleQuery
from api.web.http import JSON, Ref, negotiate, represent
from api.web.pagination import ListEnvelope, parse_fields, parse_include

router = APIRouter(prefix="/v1/articles", tags=["articles"])

JSON_LD = "application/ld+json"
FORMATS = {"json": JSON, **{name: media for name, (media, _) in RENDERERS.items()}}


@router.get(
    "",
    response_model=ListEnvelope[ArticleListItem],
    responses=problem_responses(Unauthorized),
)
def list_articles(read: Read, query: Annotated[ArticleListQuery, Query()]) -> Response:
    """List articles, newest first: published ones, or with a key every one not in the trash.

    Narrow them by author, tag, category, role, comparison, dates and words (`q`); sort them;
    ask for some fields only, or for related resources whole (`include`)."""
    return listed(read, service.list_articles, query, ArticleListItem)


@router.get(
    "/{ref}",
    response_model=ArticlePublic,
    responses={
        200: {"content": {media: {} for media in FORMATS.values() if media != JSON}},
        301: {"description": "An old slug: the article's current URL is in Location."},
        **problem_responses(ArticleNotFound, NotAcceptable, PreviewNotValid, Unauthorized),
    },
)
def get_article(ref: Ref, read: Read, query: Annotated[ArticleQuery, Query()]) -> Response:
    """Get an article by id or slug, as JSON, Markdown, sanitized HTML or plain text.

    Without a key only published articles are found; with any key, drafts and scheduled ones
    too (previews); with a preview link's token (`preview`), that one article."""
    fmt = negotiate(read.request, query.format, FORMATS)
    include = parse_include(query.include, service.INCLUDABLE)
    fields = parse_fields(query.fields, ArticlePublic)
    article, preview = previews.read_article(
        read.session,
        ref,
        preview=read.preview,
        token=query.preview,
        include=include,
        locale=query.locale,
        accept_language=read.accept_language,
    )
    public = not preview
    language = {"Content-Language": article.locale}
    if fmt == "json":
        return represent(read.request, article, public=public, fields=fields, headers=language)
    media_type, render = RENDERERS[fmt]
    text = render(article)
    if fmt == "html":
        text = head_links(article) + (script_tag(article) if query.jsonld else "") + text
    return represent(
        read.request, text.encode(), media_type=media_type, public=public, headers=language
    )


@router.get(
    "/{ref}/jsonld",
    responses={
        200: {"description": "schema.org Article", "content": {JSON_LD: {}}},
        **problem_responses(ArticleNotFound, Unauthorized),
    },
    response_class=Response,
)
def get_article_jsonld(ref: Ref, read: Read, query: Annotated[LocaleQuery, Query()]) -> Response:
    """The article as schema.org Article JSON-LD, its comparisons as Tables; escaped so that
    it can be put in a page's <script> element as it is."""
    article = service.get_article(
        read.session,
        ref,
        preview=read.preview,
        locale=query.locale,
        accept_language=read.accept_language,
    )
    return represent(
        read.request,
        inline_safe(article),
        media_type=JSON_LD,
        public=not read.preview,
        headers={"Content-Language": article.locale},
    )


# --- Writes and revisions (``api.routing.content_routes``) ----------------------------------
# POST "", PUT, PATCH, DELETE "/{ref}"; GET "/{ref}/revisions", "…/diff", "…/{number}";
# POST "/{ref}/revisions/{number}/restore".
content_routes(
    router, kinds.ARTICLE, ArticlePublic, "an article (from `body` blocks or from `body_markdown`)"
)
