"""HTTP routes for articles."""

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from starlette.responses import Response

from api.articles import service
from api.articles.jsonld import head_links, inline_safe, script_tag
from api.articles.models import (
    ArticleInput,
    ArticleListItem,
    ArticleListQuery,
    ArticlePublic,
    ArticleQuery,
)
from api.articles.render import RENDERERS
from api.auth.dependencies import CurrentKey, ReadKey, WriteKey
from api.core import locales
from api.core.db import SessionDep
from api.core.errors import (
    AUTH_ERRORS,
    WRITE_ERRORS,
    ArticleNotFound,
    FolioError,
    InvalidBody,
    NotAcceptable,
    PreviewNotValid,
    RevisionNotFound,
    StalePrecondition,
    StillReferenced,
    Unauthorized,
    problem_responses,
)
from api.history.models import DiffQuery, RevisionDiff, RevisionPublic, RevisionSummary
from api.previews import service as previews
from api.routing import (
    MERGE_PATCH_BODY,
    MergePatch,
    RevisionNumber,
    created_once,
    revision,
    revision_diff,
    revisions,
)
from api.web.filters import LocaleQuery
from api.web.http import (
    JSON,
    AcceptLanguage,
    IdempotencyKey,
    IfMatch,
    NoQueryDep,
    Ref,
    negotiate,
    no_content,
    represent,
    represent_page,
)
from api.web.pagination import ListEnvelope, PageParams, parse_fields, parse_include

router = APIRouter(prefix="/v1/articles", tags=["articles"])

JSON_LD = "application/ld+json"
FORMATS = {"json": JSON, **{name: media for name, (media, _) in RENDERERS.items()}}


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
    accept_language: AcceptLanguage = None,
) -> Response:
    """List articles, newest first: published ones, or with a key every one not in the trash.

    Narrow them by author, tag, category, role, comparison, dates and words (`q`); sort them;
    ask for some fields only, or for related resources whole (`include`)."""
    page = service.list_articles(
        session,
        query=query,
        preview=key is not None,
        accept_language=accept_language,
    )
    fields = parse_fields(query.fields, ArticleListItem)
    return represent_page(request, page, query, public=key is None, fields=fields)


@router.get(
    "/{ref}",
    response_model=ArticlePublic,
    responses={
        200: {"content": {media: {} for media in FORMATS.values() if media != JSON}},
        301: {"description": "An old slug: the article's current URL is in Location."},
        **problem_responses(ArticleNotFound, NotAcceptable, PreviewNotValid, Unauthorized),
    },
)
def get_article(
    ref: Ref,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[ArticleQuery, Query()],
    accept_language: AcceptLanguage = None,
) -> Response:
    """Get an article by id or slug, as JSON, Markdown, sanitized HTML or plain text.

    Without a key only published articles are found; with any key, drafts and scheduled ones
    too (previews); with a preview link's token (`preview`), that one article."""
    fmt = negotiate(request, query.format, FORMATS)
    include = parse_include(query.include, service.INCLUDABLE)
    fields = parse_fields(query.fields, ArticlePublic)
    link = previews.check(session, query.preview) if query.preview is not None else None
    preview = key is not None or link is not None
    locale = query.locale
    if link is not None:  # a link opens its locale only (the default's, unless it names one)
        locale = link.locale or locales.default()
        if query.locale is not None and locales.canonical(query.locale) != locale:
            raise ArticleNotFound(f"No article with id or slug {ref!r} in {query.locale}.")
    article = service.get_article(
        session,
        ref,
        preview=preview,
        include=include,
        locale=locale,
        accept_language=accept_language,
    )
    if link is not None and link.article_id != article.id:  # a link opens its article only
        raise ArticleNotFound(f"No article with id or slug {ref!r}.")
    public = not preview
    language = {"Content-Language": article.locale}
    if fmt == "json":
        return represent(request, article, public=public, fields=fields, headers=language)
    media_type, render = RENDERERS[fmt]
    text = render(article)
    if fmt == "html":
        text = head_links(article) + (script_tag(article) if query.jsonld else "") + text
    return represent(request, text.encode(), media_type=media_type, public=public, headers=language)


@router.get(
    "/{ref}/jsonld",
    responses={
        200: {"description": "schema.org Article", "content": {JSON_LD: {}}},
        **problem_responses(ArticleNotFound, Unauthorized),
    },
    response_class=Response,
)
def get_article_jsonld(
    ref: Ref,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[LocaleQuery, Query()],
    accept_language: AcceptLanguage = None,
) -> Response:
    """The article as schema.org Article JSON-LD, its comparisons as Tables; escaped so that
    it can be put in a page's <script> element as it is."""
    article = service.get_article(
        session,
        ref,
        preview=key is not None,
        locale=query.locale,
        accept_language=accept_language,
    )
    return represent(
        request,
        inline_safe(article),
        media_type=JSON_LD,
        public=key is None,
        headers={"Content-Language": article.locale},
    )


# --- Writes ---------------------------------------------------------------------------------

_WHAT = "an article (from `body` blocks or from `body_markdown`)"


@router.post(
    "",
    status_code=201,
    response_model=ArticlePublic,
    responses=problem_responses(*WRITE_ERRORS),
    description=f"Create {_WHAT}.",
)
def create_article(
    data: Annotated[ArticleInput, Body()],
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return created_once(
        request,
        session,
        key=key,
        idempotency_key=idempotency_key,
        data=data,
        collection=service.COLLECTION,
        create=lambda: service.create_article(session, data, key=key),
        public=lambda article: service.to_public(session, article),
    )


@router.put(
    "/{ref}",
    response_model=ArticlePublic,
    responses=problem_responses(*WRITE_ERRORS, ArticleNotFound),
    description=f"Replace {_WHAT}; fields left out take their defaults, the slug is kept.",
)
def replace_article(
    ref: Ref,
    data: Annotated[ArticleInput, Body()],
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    article = service.update_article(session, ref, data=data, key=key, if_match=if_match)
    return represent(request, service.to_public(session, article), public=False)


@router.patch(
    "/{ref}",
    response_model=ArticlePublic,
    responses=problem_responses(*WRITE_ERRORS, ArticleNotFound),
    description=f"Change some fields of {_WHAT} (JSON merge patch: null removes a field).",
    openapi_extra=MERGE_PATCH_BODY,
)
def patch_article(
    ref: Ref,
    patch: MergePatch,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    article = service.update_article(session, ref, patch=patch, key=key, if_match=if_match)
    return represent(request, service.to_public(session, article), public=False)


@router.delete(
    "/{ref}",
    status_code=204,
    responses=problem_responses(*AUTH_ERRORS, ArticleNotFound, StalePrecondition, StillReferenced),
    description=f"Move {_WHAT} to the trash (see /v1/trash).",
)
def delete_article(
    ref: Ref, session: SessionDep, key: WriteKey, _: NoQueryDep, if_match: IfMatch = None
) -> Response:
    service.delete_article(session, ref, key=key, if_match=if_match)
    return no_content()


# --- Revisions ------------------------------------------------------------------------------

_REVISION_ERRORS: tuple[type[FolioError], ...] = (ArticleNotFound, RevisionNotFound, *AUTH_ERRORS)


@router.get(
    "/{ref}/revisions",
    response_model=ListEnvelope[RevisionSummary],
    responses=problem_responses(*_REVISION_ERRORS),
)
def list_article_revisions(
    ref: Ref,
    request: Request,
    session: SessionDep,
    _key: ReadKey,
    query: Annotated[PageParams, Query()],
) -> Response:
    """List the revisions, newest first: number, time, action and the key that made it."""
    article = service.find_article(session, ref, preview=True)
    return revisions(request, session, service.COLLECTION, article, query)


@router.get(
    "/{ref}/revisions/diff",
    response_model=RevisionDiff,
    responses=problem_responses(*_REVISION_ERRORS),
)
def diff_article_revisions(
    ref: Ref,
    request: Request,
    session: SessionDep,
    _key: ReadKey,
    query: Annotated[DiffQuery, Query()],
) -> Response:
    """Compare two revisions: the fields that changed, and a unified diff."""
    article = service.find_article(session, ref, preview=True)
    return revision_diff(request, session, service.COLLECTION, article, query.from_, query.to)


@router.get(
    "/{ref}/revisions/{number}",
    response_model=RevisionPublic,
    responses=problem_responses(*_REVISION_ERRORS),
)
def get_article_revision(
    ref: Ref,
    number: RevisionNumber,
    request: Request,
    session: SessionDep,
    _key: ReadKey,
    _: NoQueryDep,
) -> Response:
    """Get one revision with the whole content as it was."""
    article = service.find_article(session, ref, preview=True)
    return revision(request, session, service.COLLECTION, article, number)


@router.post(
    "/{ref}/revisions/{number}/restore",
    responses=problem_responses(*_REVISION_ERRORS, StalePrecondition, InvalidBody),
)
def restore_article_revision(
    ref: Ref,
    number: RevisionNumber,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Make that revision's content current again; this is itself a new revision."""
    article = service.restore_article(session, ref, number, key=key, if_match=if_match)
    return represent(request, service.to_public(session, article), public=False)
