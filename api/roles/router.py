"""HTTP routes for roles."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.db import SessionDep
from api.errors import RoleNotFound, problem_responses
from api.http import NoQueryDep, represent, represent_page
from api.pagination import ListEnvelope, ListParams
from api.roles import service
from api.roles.models import RoleListItem, RolePublic
from api.slugs import SLUG_MAX

router = APIRouter(prefix="/v1/roles", tags=["roles"])
Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]


@router.get("", response_model=ListEnvelope[RoleListItem], responses=problem_responses())
def list_roles(
    request: Request, session: SessionDep, params: Annotated[ListParams, Query()]
) -> Response:
    """List roles by name."""
    return represent_page(request, service.list_roles(session, params=params), params)


@router.get("/{ref}", response_model=RolePublic, responses=problem_responses(RoleNotFound))
def get_role(ref: Ref, request: Request, session: SessionDep, _: NoQueryDep) -> Response:
    """Get a role by id or slug, with the comparisons and published articles that mention it."""
    return represent(request, service.get_role(session, ref).model_dump_json().encode())
