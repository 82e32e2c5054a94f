"""HTTP routes for articles."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.articles import service
from api.articles.jsonld import inline_safe, script_tag
from api.articles.models import (
    ArticleInput,
    ArticleListItem,
    ArticleListQuery,
    ArticlePublic,
    ArticleQuery,
)
from api.articles.render import RENDERERS
from api.auth.dependencies import CurrentKey
from api.db import SessionDep
from api.errors import (
    ArticleNotFound,
    Forbidden,
    InvalidBody,
    NotAcceptable,
    PreconditionRequired,
    StalePrecondition,
    Unauthorized,
    UnsupportedMediaType,
    problem_responses,
)
from api.http import JSON, NoQueryDep, negotiate, represent, represent_page
from api.pagination import ListEnvelope, parse_fields, parse_include
from api.routing import add_write_routes
from api.slugs import SLUG_MAX

router = APIRouter(prefix="/v1/articles", tags=["articles"])

JSON_LD = "application/ld+json"
FORMATS = {"json": JSON, **{name: media for name, (media, _) in RENDERERS.items()}}
Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]
_auth = (Unauthorized, Forbidden)
_writes = (*_auth, InvalidBody, UnsupportedMediaType, StalePrecondition, PreconditionRequired)


@router.get(
    "",
    response_model=ListEnvelope[ArticleListItem],
    responses=problem_responses(Unauthorized),
)
def list_articles(
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[ArticleListQuery, Query()],
) -> Response:
    """List articles, newest first: published ones, or with a key every one not in the trash.

    Narrow them by author, tag, category, role, comparison, dates and words (`q`); sort them;
    ask for some fields only, or for related resources whole (`include`)."""
    page = service.list_articles(session, query=query, preview=key is not None)
    fields = parse_fields(query.fields, ArticleListItem)
    return represent_page(request, page, query, public=key is None, fields=fields)


@router.get(
    "/{ref}",
    response_model=ArticlePublic,
    responses={
        200: {"content": {media: {} for media in FORMATS.values() if media != JSON}},
        301: {"description": "An old slug: the article's current URL is in Location."},
        **problem_responses(ArticleNotFound, NotAcceptable, Unauthorized),
    },
)
def get_article(
    ref: Ref,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[ArticleQuery, Query()],
) -> Response:
    """Get an article by id or slug, as JSON, Markdown, sanitized HTML or plain text.

    Without a key only published articles are found; with any key, drafts and scheduled ones
    too (previews)."""
    fmt = negotiate(request, query.format, FORMATS)
    include = parse_include(query.include, service.INCLUDABLE)
    fields = parse_fields(query.fields, ArticlePublic)
    article = service.get_article(session, ref, preview=key is not None, include=include)
    public = key is None
    if fmt == "json":
        return represent(request, article, public=public, fields=fields)
    media_type, render = RENDERERS[fmt]
    text = render(article)
    if fmt == "html" and query.jsonld:
        text = script_tag(article) + text
    return represent(request, text.encode(), media_type=media_type, public=public)


@router.get(
    "/{ref}/jsonld",
    responses={
        200: {"description": "schema.org Article", "content": {JSON_LD: {}}},
        **problem_responses(ArticleNotFound, Unauthorized),
    },
    response_class=Response,
)
def get_article_jsonld(
    ref: Ref, request: Request, session: SessionDep, key: CurrentKey, _: NoQueryDep
) -> Response:
    """The article as schema.org Article JSON-LD, its comparisons as Tables; escaped so that
    it can be put in a page's <script> element as it is."""
    article = service.get_article(session, ref, preview=key is not None)
    return represent(request, inline_safe(article), media_type=JSON_LD, public=key is None)


add_write_routes(
    router,
    collection="articles",
    input_model=ArticleInput,
    output_model=ArticlePublic,
    create=lambda session, data, key: service.create_article(session, data, key=key),
    public=service.to_public,
    update=lambda session, ref, **change: service.to_public(
        session, service.update_article(session, ref, **change)
    ),
    delete=service.delete_article,
    missing=ArticleNotFound,
    what="an article (from `body` blocks or from `body_markdown`)",
    find=lambda session, ref: service.find_article(session, ref, preview=True),
)
