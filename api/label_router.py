"""HTTP routes for labels (authors, tags): one factory, so both collections behave alike."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.db import SessionDep
from api.errors import (
    problem_responses,
)
from api.http import represent, represent_page
from api.labels import Labels
from api.pagination import ListEnvelope, parse_fields
from api.refs import LabelInput, LabelListQuery, LabelPublic, LabelQuery
from api.routing import add_write_routes
from api.slugs import SLUG_MAX

Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]


def label_router(labels: Labels[Any]) -> APIRouter:
    collection = labels.collection
    name = collection[:-1]
    router = APIRouter(prefix=f"/v1/{collection}", tags=[collection])
    missing = labels.missing

    @router.get(
        "",
        response_model=ListEnvelope[LabelPublic],
        responses=problem_responses(),
        name=f"list_{collection}",
    )
    def list_labels(
        request: Request, session: SessionDep, query: Annotated[LabelListQuery, Query()]
    ) -> Response:
        """List them by name."""
        fields = parse_fields(query.fields, LabelPublic)
        return represent_page(request, labels.list(session, params=query), query, fields=fields)

    @router.get(
        "/{ref}",
        response_model=LabelPublic,
        responses=problem_responses(missing),
        name=f"get_{name}",
    )
    def get_label(
        ref: Ref, request: Request, session: SessionDep, query: Annotated[LabelQuery, Query()]
    ) -> Response:
        """Get one by id or slug."""
        fields = parse_fields(query.fields, LabelPublic)
        return represent(request, labels.get(session, ref), fields=fields)

    add_write_routes(
        router,
        collection=collection,
        input_model=LabelInput,
        output_model=LabelPublic,
        create=lambda session, data, key: labels.create(session, data, key=key),
        public=lambda _session, label: labels.to_public(label),
        update=labels.update,
        delete=labels.delete,
        missing=missing,
        what=f"an entry of {collection} (refused on delete while an article uses it)",
    )
    return router
