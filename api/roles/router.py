"""HTTP routes for roles."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey
from api.comparisons import service as comparisons_service
from api.db import SessionDep
from api.errors import (
    Forbidden,
    InvalidBody,
    PreconditionRequired,
    RoleNotFound,
    StalePrecondition,
    Unauthorized,
    UnsupportedMediaType,
    problem_responses,
)
from api.http import represent, represent_page
from api.pagination import ListEnvelope, parse_fields, parse_include
from api.roles import service
from api.roles.models import INCLUDES, RoleInput, RoleListItem, RoleListQuery, RolePublic, RoleQuery
from api.routing import add_write_routes
from api.slugs import SLUG_MAX

router = APIRouter(prefix="/v1/roles", tags=["roles"])
Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]
_auth = (Unauthorized, Forbidden)
_writes = (*_auth, InvalidBody, UnsupportedMediaType, StalePrecondition, PreconditionRequired)


@router.get(
    "", response_model=ListEnvelope[RoleListItem], responses=problem_responses(Unauthorized)
)
def list_roles(
    request: Request, session: SessionDep, key: CurrentKey, query: Annotated[RoleListQuery, Query()]
) -> Response:
    """List roles by name: published ones, or with a key every one not in the trash; narrow
    them to a comparison's subjects or by words (`q`)."""
    page = service.list_roles(session, query=query, preview=key is not None)
    fields = parse_fields(query.fields, RoleListItem)
    return represent_page(request, page, query, public=key is None, fields=fields)


@router.get(
    "/{ref}", response_model=RolePublic, responses=problem_responses(RoleNotFound, Unauthorized)
)
def get_role(
    ref: Ref,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[RoleQuery, Query()],
) -> Response:
    """Get a role by id or slug, with the comparisons and published articles that mention it
    (`include=comparisons`: the comparisons whole)."""
    preview = key is not None
    role: RolePublic
    if "comparisons" in parse_include(query.include, frozenset(INCLUDES)):
        role = comparisons_service.get_role_with_comparisons(session, ref, preview=preview)
    else:
        role = service.get_role(session, ref, preview=preview)
    fields = parse_fields(query.fields, RolePublic)
    return represent(request, role, public=key is None, fields=fields)


add_write_routes(
    router,
    collection="roles",
    input_model=RoleInput,
    output_model=RolePublic,
    create=lambda session, data, key: service.create_role(session, data, key=key),
    public=lambda session, role: service.to_public(session, role, preview=True),
    update=service.update_role,
    delete=service.delete_role,
    missing=RoleNotFound,
    what="a role (refused on delete while a comparison or an article uses it)",
    find=lambda session, ref: service.find_role(session, ref, preview=True),
)
