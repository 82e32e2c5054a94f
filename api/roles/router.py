"""HTTP routes for roles."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.auth.dependencies import Read
from api.core import kinds
from api.core.errors import RoleNotFound, Unauthorized, problem_responses
from api.roles import page, service
from api.roles.models import INCLUDES, RoleListItem, RoleListQuery, RolePublic, RoleQuery
from api.routing import content_routes, listed
from api.web.http import Ref, represent
from api.web.pagination import ListEnvelope, parse_fields, parse_include

router = APIRouter(prefix="/v1/roles", tags=["roles"])


@router.get(
    "", response_model=ListEnvelope[RoleListItem], responses=problem_responses(Unauthorized)
)
def list_roles(read: Read, query: Annotated[RoleListQuery, Query()]) -> Response:
    """List roles by name: published ones, or with a key every one not in the trash; narrow
    them to a comparison's subjects or by words (`q`)."""
    return listed(read, service.list_roles, query, RoleListItem)


@router.get(
    "/{ref}", response_model=RolePublic, responses=problem_responses(RoleNotFound, Unauthorized)
)
def get_role(ref: Ref, read: Read, query: Annotated[RoleQuery, Query()]) -> Response:
    """Get a role by id or slug, with the comparisons and published articles that mention it
    (`include=comparisons`: the comparisons whole)."""
    get = (
        page.get_role_with_comparisons
        if "comparisons" in parse_include(query.include, frozenset(INCLUDES))
        else service.get_role
    )
    role = get(
        read.session,
        ref,
        preview=read.preview,
        locale=query.locale,
        accept_language=read.accept_language,
    )
    fields = parse_fields(query.fields, RolePublic)
    return represent(
        read.request,
        role,
        public=not read.preview,
        fields=fields,
        headers={"Content-Language": role.locale},
    )


# --- Writes and revisions (``api.routing.content_routes``) ----------------------------------
# POST "", PUT, PATCH, DELETE "/{ref}"; GET "/{ref}/revisions", "…/diff", "…/{number}";
# POST "/{ref}/revisions/{number}/restore".
content_routes(
    router,
    kinds.ROLE,
    RolePublic,
    "a role (refused on delete while a comparison or an article uses it)",
)
