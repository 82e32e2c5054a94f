"""HTTP routes for labels (authors, tags): one factory, so both collections behave alike."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from starlette.responses import Response

from api.auth.dependencies import WriteKey
from api.db import SessionDep
from api.errors import (
    Forbidden,
    InvalidBody,
    PreconditionRequired,
    SlugTaken,
    StalePrecondition,
    StillReferenced,
    Unauthorized,
    UnsupportedMediaType,
    problem_responses,
)
from api.http import NoQueryDep, no_content, represent, represent_page
from api.labels import LabelInput, LabelPublic, Labels
from api.pagination import ListEnvelope, ListParams
from api.routing import IdempotencyKey, IfMatch, create_response
from api.slugs import SLUG_MAX

Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]


def label_router(labels: Labels[Any]) -> APIRouter:
    collection = labels.collection
    name = collection[:-1]
    router = APIRouter(prefix=f"/v1/{collection}", tags=[collection])
    missing = labels.missing
    writes = (
        Unauthorized,
        Forbidden,
        InvalidBody,
        UnsupportedMediaType,
        StalePrecondition,
        PreconditionRequired,
    )

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

    @router.post(
        "",
        status_code=201,
        response_model=LabelPublic,
        responses=problem_responses(*writes, SlugTaken),
        name=f"create_{name}",
    )
    def create_label(
        data: LabelInput,
        request: Request,
        session: SessionDep,
        key: WriteKey,
        _: NoQueryDep,
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        """Create one."""
        return create_response(
            request,
            session,
            key=key,
            idempotency_key=idempotency_key,
            data=data,
            collection=collection,
            create=lambda: labels.create(session, data, key=key),
            public=labels.to_public,
        )

    @router.put(
        "/{ref}",
        response_model=LabelPublic,
        responses=problem_responses(*writes, missing, SlugTaken),
        name=f"replace_{name}",
    )
    def replace_label(
        ref: Ref,
        data: LabelInput,
        request: Request,
        session: SessionDep,
        key: WriteKey,
        _: NoQueryDep,
        if_match: IfMatch = None,
    ) -> Response:
        """Replace one."""
        label = labels.update(session, ref, data=data, key=key, if_match=if_match)
        return represent(request, label, public=False)

    @router.patch(
        "/{ref}",
        response_model=LabelPublic,
        responses=problem_responses(*writes, missing, SlugTaken),
        name=f"patch_{name}",
        openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
    )
    def patch_label(
        ref: Ref,
        patch: Annotated[dict[str, Any], Body(description="A JSON merge patch (RFC 7396).")],
        request: Request,
        session: SessionDep,
        key: WriteKey,
        _: NoQueryDep,
        if_match: IfMatch = None,
    ) -> Response:
        """Change its name or slug (JSON merge patch)."""
        label = labels.update(session, ref, patch=patch, key=key, if_match=if_match)
        return represent(request, label, public=False)

    @router.delete(
        "/{ref}",
        status_code=204,
        responses=problem_responses(Unauthorized, Forbidden, missing, StillReferenced),
        name=f"delete_{name}",
    )
    def delete_label(
        ref: Ref, session: SessionDep, key: WriteKey, _: NoQueryDep, if_match: IfMatch = None
    ) -> Response:
        """Move it to the trash; refused while an article uses it."""
        labels.delete(session, ref, key=key, if_match=if_match)
        return no_content()

    return router
