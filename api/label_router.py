"""HTTP routes for labels (authors, tags): one factory, so both collections behave alike."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.db import SessionDep
from api.errors import (
    problem_responses,
)
from api.http import NoQueryDep, represent, represent_page
from api.labels import Labels
from api.pagination import ListEnvelope, ListParams
from api.refs import LabelInput, LabelPublic
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
        request: Request, session: SessionDep, params: Annotated[ListParams, Query()]
    ) -> Response:
        """List them by name."""
        return represent_page(request, labels.list(session, params=params), params)

    @router.get(
        "/{ref}",
        response_model=LabelPublic,
        responses=problem_responses(missing),
        name=f"get_{name}",
    )
    def get_label(ref: Ref, request: Request, session: SessionDep, _: NoQueryDep) -> Response:
        """Get one by id or slug."""
        return represent(request, labels.get(session, ref))

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
