"""HTTP routes for tags (``api.labels.service``: one implementation for authors and tags)."""

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from starlette.responses import Response

from api.auth.dependencies import WriteKey
from api.core.db import SessionDep
from api.core.errors import (
    AUTH_ERRORS,
    WRITE_ERRORS,
    StalePrecondition,
    StillReferenced,
    TagNotFound,
    problem_responses,
)
from api.labels.models import LabelInput, LabelListQuery, LabelPublic, LabelQuery
from api.labels.service import tags
from api.routing import MERGE_PATCH_BODY, MergePatch, created_once
from api.web.http import (
    IdempotencyKey,
    IfMatch,
    NoQueryDep,
    Ref,
    no_content,
    represent,
    represent_page,
)
from api.web.pagination import ListEnvelope, parse_fields

router = APIRouter(prefix="/v1/tags", tags=["tags"])
_TAGS = "an entry of tags (refused on delete while an article uses it)"


@router.get("", response_model=ListEnvelope[LabelPublic], responses=problem_responses())
def list_tags(
    request: Request, session: SessionDep, query: Annotated[LabelListQuery, Query()]
) -> Response:
    """List them by name."""
    page = tags.list(session, params=query)
    return represent_page(request, page, query, fields=parse_fields(query.fields, LabelPublic))


@router.get("/{ref}", response_model=LabelPublic, responses=problem_responses(TagNotFound))
def get_tag(
    ref: Ref, request: Request, session: SessionDep, query: Annotated[LabelQuery, Query()]
) -> Response:
    """Get one by id or slug."""
    fields = parse_fields(query.fields, LabelPublic)
    return represent(request, tags.get(session, ref), fields=fields)


@router.post(
    "",
    status_code=201,
    response_model=LabelPublic,
    responses=problem_responses(*WRITE_ERRORS),
    description=f"Create {_TAGS}.",
)
def create_tag(
    data: Annotated[LabelInput, Body()],
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
        collection=tags.collection,
        create=lambda: tags.create(session, data, key=key),
        public=tags.to_public,
    )


@router.put(
    "/{ref}",
    response_model=LabelPublic,
    responses=problem_responses(*WRITE_ERRORS, TagNotFound),
    description=f"Replace {_TAGS}; fields left out take their defaults, the slug is kept.",
)
def replace_tag(
    ref: Ref,
    data: Annotated[LabelInput, Body()],
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    tag = tags.update(session, ref, data=data, key=key, if_match=if_match)
    return represent(request, tags.to_public(tag), public=False)


@router.patch(
    "/{ref}",
    response_model=LabelPublic,
    responses=problem_responses(*WRITE_ERRORS, TagNotFound),
    description=f"Change some fields of {_TAGS} (JSON merge patch: null removes a field).",
    openapi_extra=MERGE_PATCH_BODY,
)
def patch_tag(
    ref: Ref,
    patch: MergePatch,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    tag = tags.update(session, ref, patch=patch, key=key, if_match=if_match)
    return represent(request, tags.to_public(tag), public=False)


@router.delete(
    "/{ref}",
    status_code=204,
    responses=problem_responses(*AUTH_ERRORS, TagNotFound, StalePrecondition, StillReferenced),
    description=f"Move {_TAGS} to the trash (see /v1/trash).",
)
def delete_tag(
    ref: Ref, session: SessionDep, key: WriteKey, _: NoQueryDep, if_match: IfMatch = None
) -> Response:
    tags.delete(session, ref, key=key, if_match=if_match)
    return no_content()
