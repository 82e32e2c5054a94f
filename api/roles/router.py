"""HTTP routes for roles."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from starlette.responses import Response

from api import editing
from api.auth.dependencies import CurrentKey, WriteKey
from api.db import SessionDep
from api.errors import (
    Forbidden,
    InvalidBody,
    PreconditionRequired,
    RoleNotFound,
    SlugTaken,
    StalePrecondition,
    StillReferenced,
    Unauthorized,
    UnsupportedMediaType,
    problem_responses,
)
from api.history.router import history_router
from api.http import NoQueryDep, no_content, represent, represent_page
from api.pagination import ListEnvelope, ListParams
from api.roles import service
from api.roles.models import RoleInput, RoleListItem, RolePublic
from api.routing import IdempotencyKey, IfMatch, create_response
from api.slugs import SLUG_MAX

router = APIRouter(prefix="/v1/roles", tags=["roles"])
Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]
_auth = (Unauthorized, Forbidden)
_writes = (*_auth, InvalidBody, UnsupportedMediaType, StalePrecondition, PreconditionRequired)


@router.get(
    "", response_model=ListEnvelope[RoleListItem], responses=problem_responses(Unauthorized)
)
def list_roles(
    request: Request, session: SessionDep, key: CurrentKey, params: Annotated[ListParams, Query()]
) -> Response:
    """List roles by name: published ones, or with a key every one not in the trash."""
    page = service.list_roles(session, params=params, preview=key is not None)
    return represent_page(request, page, params, public=key is None)


@router.get(
    "/{ref}", response_model=RolePublic, responses=problem_responses(RoleNotFound, Unauthorized)
)
def get_role(
    ref: Ref, request: Request, session: SessionDep, key: CurrentKey, _: NoQueryDep
) -> Response:
    """Get a role by id or slug, with the comparisons and published articles that mention it."""
    role = service.get_role(session, ref, preview=key is not None)
    return represent(request, role, public=key is None)


@router.post(
    "", status_code=201, response_model=RolePublic, responses=problem_responses(*_writes, SlugTaken)
)
def create_role(
    data: RoleInput,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Create a role."""
    return create_response(
        request,
        session,
        key=key,
        idempotency_key=idempotency_key,
        data=data,
        collection="roles",
        create=lambda: service.create_role(session, data, key=key),
        public=lambda row: service.to_public(session, row, preview=True),
    )


@router.put(
    "/{ref}",
    response_model=RolePublic,
    responses=problem_responses(*_writes, RoleNotFound, SlugTaken),
)
def replace_role(
    ref: Ref,
    data: RoleInput,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Replace a role; fields left out take their defaults."""
    role = service.update_role(session, ref, data=data, key=key, if_match=if_match)
    return represent(request, role, public=False)


@router.patch(
    "/{ref}",
    response_model=RolePublic,
    responses=problem_responses(*_writes, RoleNotFound, SlugTaken),
    openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
)
def patch_role(
    ref: Ref,
    patch: Annotated[dict[str, Any], Body(description="A JSON merge patch (RFC 7396).")],
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Change some fields of a role (JSON merge patch: null removes a field)."""
    role = service.update_role(session, ref, patch=patch, key=key, if_match=if_match)
    return represent(request, role, public=False)


@router.delete(
    "/{ref}",
    status_code=204,
    responses=problem_responses(*_auth, RoleNotFound, StalePrecondition, StillReferenced),
)
def delete_role(
    ref: Ref, session: SessionDep, key: WriteKey, _: NoQueryDep, if_match: IfMatch = None
) -> Response:
    """Move a role to the trash; refused while a comparison or an article uses it."""
    service.delete_role(session, ref, key=key, if_match=if_match)
    return no_content()


revisions_router = history_router(
    "roles",
    find=lambda session, ref: service.find_role(session, ref, preview=True),
    restore=lambda session, ref, content, key, if_match: service.update_role(
        session,
        ref,
        data=editing.parse(RoleInput, content),
        key=key,
        if_match=if_match,
        action="restore",
    ),
    missing=RoleNotFound,
)
