"""HTTP routes for authors and tags: the same routes for each (``api.labels.service``: one
implementation for both), ``/v1/authors`` and ``/v1/tags``."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.core import kinds
from api.core.db import SessionDep
from api.core.errors import problem_responses
from api.labels.models import LabelListQuery, LabelPublic, LabelQuery
from api.labels.service import Labels, authors, tags
from api.routing import write_routes
from api.web.http import Ref, represent, represent_page
from api.web.pagination import ListEnvelope, parse_fields


def _routes(kind: kinds.Kind, labels: Labels[Any]) -> APIRouter:
    """GET "" and "/{ref}", then the writes every kind has (``api.routing.write_routes``)."""
    router = APIRouter(prefix=f"/v1/{kind.collection}", tags=[kind.collection])

    @router.get(
        "",
        name=f"list_{kind.collection}",
        response_model=ListEnvelope[LabelPublic],
        responses=problem_responses(),
        description="List them by name.",
    )
    def list_labels(
        request: Request, session: SessionDep, query: Annotated[LabelListQuery, Query()]
    ) -> Response:
        page = labels.list(session, params=query)
        return represent_page(request, page, query, fields=parse_fields(query.fields, LabelPublic))

    @router.get(
        "/{ref}",
        name=f"get_{kind.name}",
        response_model=LabelPublic,
        responses=problem_responses(labels.missing),
        description="Get one by id or slug.",
    )
    def get_label(
        ref: Ref, request: Request, session: SessionDep, query: Annotated[LabelQuery, Query()]
    ) -> Response:
        fields = parse_fields(query.fields, LabelPublic)
        return represent(request, labels.get(session, ref), fields=fields)

    write_routes(
        router,
        kind,
        public=LabelPublic,
        what=f"an entry of {kind.collection} (refused on delete while an article uses it)",
    )
    return router


authors_router = _routes(kinds.AUTHOR, authors)
tags_router = _routes(kinds.TAG, tags)
