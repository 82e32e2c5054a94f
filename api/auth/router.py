"""HTTP routes for API keys (admin keys only)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.auth import service
from api.auth.dependencies import AdminKey
from api.auth.models import KeyCreate, KeyCreated, KeyPublic
from api.core.db import SessionDep
from api.core.errors import (
    AUTH_ERRORS,
    Conflict,
    KeyNotFound,
    problem_responses,
)
from api.web.http import NoQueryDep, created, represent, represent_page
from api.web.pagination import ListEnvelope, PageParams

router = APIRouter(prefix="/v1/keys", tags=["keys"])
KeyRef = Annotated[str, Path(max_length=100, description="Numeric id or name.")]


@router.get("", response_model=ListEnvelope[KeyPublic], responses=problem_responses(*AUTH_ERRORS))
def list_keys(
    request: Request, session: SessionDep, _key: AdminKey, query: Annotated[PageParams, Query()]
) -> Response:
    """List API keys by name (never their tokens)."""
    return represent_page(request, service.list_keys(session, query), query, public=False)


@router.post(
    "",
    status_code=201,
    response_model=KeyCreated,
    responses=problem_responses(Conflict, *AUTH_ERRORS),
)
def create_key(
    data: KeyCreate, request: Request, session: SessionDep, _key: AdminKey, _: NoQueryDep
) -> Response:
    """Create an API key; the response is the only time its token is shown."""
    key = service.create_key(session, data)
    return created(request, key, location=f"/v1/keys/{key.id}")


@router.delete(
    "/{ref}", response_model=KeyPublic, responses=problem_responses(KeyNotFound, *AUTH_ERRORS)
)
def revoke_key(
    ref: KeyRef, request: Request, session: SessionDep, _key: AdminKey, _: NoQueryDep
) -> Response:
    """Revoke an API key: it stops working at once and is kept, revoked, for the record."""
    return represent(request, service.revoke_key(session, ref), public=False)
