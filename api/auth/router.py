"""HTTP routes for API keys (admin keys only)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from api.auth import service
from api.auth.dependencies import WithAdmin, WithAdminQuery
from api.auth.models import KeyCreate, KeyCreated, KeyPublic
from api.core.errors import AUTH_ERRORS, Conflict, InvalidBody, KeyNotFound, problem_responses
from api.web.pagination import ListEnvelope, PageParams

router = APIRouter(prefix="/v1/keys", tags=["keys"])
KeyRef = Annotated[str, Path(max_length=100, description="Numeric id or name.")]


@router.get("", response_model=ListEnvelope[KeyPublic], responses=problem_responses(*AUTH_ERRORS))
def list_keys(admin: WithAdminQuery, query: Annotated[PageParams, Query()]) -> Response:
    """List API keys by name (never their tokens)."""
    return admin.listed(service.list_keys(admin.session, query), query)


@router.post(
    "",
    status_code=201,
    response_model=KeyCreated,
    responses=problem_responses(Conflict, InvalidBody, *AUTH_ERRORS),
)
def create_key(data: KeyCreate, admin: WithAdmin) -> Response:
    """Create an API key; the response is the only time its token is shown."""
    key = service.create_key(admin.session, data, by=admin.key)
    return admin.made(key, location=f"/v1/keys/{key.id}")


@router.delete(
    "/{ref}", response_model=KeyPublic, responses=problem_responses(KeyNotFound, *AUTH_ERRORS)
)
def revoke_key(ref: KeyRef, admin: WithAdmin) -> Response:
    """Revoke an API key: it stops working at once and is kept, revoked, for the record."""
    return admin.answer(service.revoke_key(admin.session, ref, by=admin.key))
