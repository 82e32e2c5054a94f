"""HTTP routes for articles."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from api.articles import service
from api.articles.models import ArticleListItem, ArticlePublic
from api.articles.render import RENDERERS
from api.db import SessionDep
from api.errors import ArticleNotFound, NotAcceptable, problem_responses
from api.http import JSON, negotiate, represent, represent_page
from api.pagination import ListEnvelope, ListParams
from api.slugs import SLUG_MAX

router = APIRouter(prefix="/v1/articles", tags=["articles"])

FORMATS = {"json": JSON, **{name: media for name, (media, _) in RENDERERS.items()}}
Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]


class ArticleQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "md", "html", "txt"] | None = Field(
        None, description="Overrides the Accept header."
    )


@router.get(
    "",
    response_model=ListEnvelope[ArticleListItem],
    responses=problem_responses(),
)
def list_articles(
    request: Request, session: SessionDep, params: Annotated[ListParams, Query()]
) -> Response:
    """List published articles, newest first."""
    return represent_page(request, service.list_articles(session, params=params), params)


@router.get(
    "/{ref}",
    response_model=ArticlePublic,
    responses={
        200: {"content": {media: {} for media in FORMATS.values() if media != JSON}},
        **problem_responses(ArticleNotFound, NotAcceptable),
    },
)
def get_article(
    ref: Ref, request: Request, session: SessionDep, query: Annotated[ArticleQuery, Query()]
) -> Response:
    """Get a published article by id or slug, as JSON, Markdown, sanitized HTML or plain text."""
    fmt = negotiate(request, query.format, FORMATS)
    article = service.get_article(session, ref)
    if fmt == "json":
        return represent(request, article.model_dump_json().encode())
    media_type, render = RENDERERS[fmt]
    return represent(request, render(article).encode(), media_type=media_type)
