"""HTTP routes for preview links: ``/v1/articles/{ref}/preview-links`` (a write key)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from api.articles.service import find_article
from api.auth.dependencies import WithWrite, WithWriteQuery
from api.core.errors import AUTH_ERRORS, ArticleNotFound, PreviewLinkNotFound, problem_responses
from api.core.fields import MAX_ID
from api.previews import service
from api.previews.models import PreviewLinkCreate, PreviewLinkCreated, PreviewLinkPublic
from api.web.http import Ref
from api.web.pagination import ListEnvelope, PageParams

router = APIRouter(prefix="/v1/articles", tags=["articles"])
LinkId = Annotated[int, Path(ge=1, le=MAX_ID, description="The preview link's id.")]


@router.post(
    "/{ref}/preview-links",
    status_code=201,
    response_model=PreviewLinkCreated,
    responses=problem_responses(ArticleNotFound, *AUTH_ERRORS),
)
def create_article_preview_link(
    ref: Ref, write: WithWrite, data: PreviewLinkCreate | None = None
) -> Response:
    """Make a link that shows this article, as it is now (a draft, say), to anyone who has it,
    without a key: `GET /v1/articles/{id}?preview=TOKEN`. It opens this article only, until it
    expires (FOLIO_PREVIEW_TTL, or `expires_in_seconds`) or is revoked. The token is shown
    once."""
    article = find_article(write.session, ref, preview=True)
    link = service.create(write.session, article, data or PreviewLinkCreate(), key=write.key)
    return write.made(link, location=f"/v1/articles/{article.id}/preview-links")


@router.get(
    "/{ref}/preview-links",
    response_model=ListEnvelope[PreviewLinkPublic],
    responses=problem_responses(ArticleNotFound, *AUTH_ERRORS),
)
def list_article_preview_links(
    ref: Ref, write: WithWriteQuery, query: Annotated[PageParams, Query()]
) -> Response:
    """The article's preview links, newest first, live or not (never their tokens)."""
    article = find_article(write.session, ref, preview=True)
    return write.listed(service.list_links(write.session, article, query), query)


@router.delete(
    "/{ref}/preview-links/{link_id}",
    response_model=PreviewLinkPublic,
    responses=problem_responses(ArticleNotFound, PreviewLinkNotFound, *AUTH_ERRORS),
)
def revoke_article_preview_link(ref: Ref, link_id: LinkId, write: WithWrite) -> Response:
    """Revoke a preview link: it stops working at once and is kept, revoked, for the record."""
    article = find_article(write.session, ref, preview=True)
    return write.answer(service.revoke(write.session, article, link_id, key=write.key))
