"""HTTP routes for roles."""

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey, ReadKey, WriteKey
from api.core.db import SessionDep
from api.core.errors import (
    AUTH_ERRORS,
    WRITE_ERRORS,
    FolioError,
    InvalidBody,
    RevisionNotFound,
    RoleNotFound,
    StalePrecondition,
    StillReferenced,
    Unauthorized,
    problem_responses,
)
from api.history.models import DiffQuery, RevisionDiff, RevisionPublic, RevisionSummary
from api.roles import page, service
from api.roles.models import (
    INCLUDES,
    RoleInput,
    RoleListItem,
    RoleListQuery,
    RolePublic,
    RoleQuery,
)
from api.routing import (
    MERGE_PATCH_BODY,
    MergePatch,
    RevisionNumber,
    created_once,
    revision,
    revision_diff,
    revisions,
)
from api.web.http import (
    AcceptLanguage,
    IdempotencyKey,
    IfMatch,
    NoQueryDep,
    Ref,
    no_content,
    represent,
    represent_page,
)
from api.web.pagination import ListEnvelope, PageParams, parse_fields, parse_include

router = APIRouter(prefix="/v1/roles", tags=["roles"])


@router.get(
    "", response_model=ListEnvelope[RoleListItem], responses=problem_responses(Unauthorized)
)
def list_roles(
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[RoleListQuery, Query()],
    accept_language: AcceptLanguage = None,
) -> Response:
    """List roles by name: published ones, or with a key every one not in the trash; narrow
    them to a comparison's subjects or by words (`q`)."""
    page = service.list_roles(
        session,
        query=query,
        preview=key is not None,
        accept_language=accept_language,
    )
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
    accept_language: AcceptLanguage = None,
) -> Response:
    """Get a role by id or slug, with the comparisons and published articles that mention it
    (`include=comparisons`: the comparisons whole)."""
    preview = key is not None
    role: RolePublic
    language = {"locale": query.locale, "accept_language": accept_language}
    if "comparisons" in parse_include(query.include, frozenset(INCLUDES)):
        role = page.get_role_with_comparisons(session, ref, preview=preview, **language)
    else:
        role = service.get_role(session, ref, preview=preview, **language)
    fields = parse_fields(query.fields, RolePublic)
    return represent(
        request,
        role,
        public=key is None,
        fields=fields,
        headers={"Content-Language": role.locale},
    )


# --- Writes ---------------------------------------------------------------------------------

_WHAT = "a role (refused on delete while a comparison or an article uses it)"


@router.post(
    "",
    status_code=201,
    response_model=RolePublic,
    responses=problem_responses(*WRITE_ERRORS),
    description=f"Create {_WHAT}.",
)
def create_role(
    data: Annotated[RoleInput, Body()],
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
        collection=service.COLLECTION,
        create=lambda: service.create_role(session, data, key=key),
        public=lambda role: service.to_public(session, role),
    )


@router.put(
    "/{ref}",
    response_model=RolePublic,
    responses=problem_responses(*WRITE_ERRORS, RoleNotFound),
    description=f"Replace {_WHAT}; fields left out take their defaults, the slug is kept.",
)
def replace_role(
    ref: Ref,
    data: Annotated[RoleInput, Body()],
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    role = service.update_role(session, ref, data=data, key=key, if_match=if_match)
    return represent(request, service.to_public(session, role), public=False)


@router.patch(
    "/{ref}",
    response_model=RolePublic,
    responses=problem_responses(*WRITE_ERRORS, RoleNotFound),
    description=f"Change some fields of {_WHAT} (JSON merge patch: null removes a field).",
    openapi_extra=MERGE_PATCH_BODY,
)
def patch_role(
    ref: Ref,
    patch: MergePatch,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    role = service.update_role(session, ref, patch=patch, key=key, if_match=if_match)
    return represent(request, service.to_public(session, role), public=False)


@router.delete(
    "/{ref}",
    status_code=204,
    responses=problem_responses(*AUTH_ERRORS, RoleNotFound, StalePrecondition, StillReferenced),
    description=f"Move {_WHAT} to the trash (see /v1/trash).",
)
def delete_role(
    ref: Ref, session: SessionDep, key: WriteKey, _: NoQueryDep, if_match: IfMatch = None
) -> Response:
    service.delete_role(session, ref, key=key, if_match=if_match)
    return no_content()


# --- Revisions ------------------------------------------------------------------------------

_REVISION_ERRORS: tuple[type[FolioError], ...] = (RoleNotFound, RevisionNotFound, *AUTH_ERRORS)


@router.get(
    "/{ref}/revisions",
    response_model=ListEnvelope[RevisionSummary],
    responses=problem_responses(*_REVISION_ERRORS),
)
def list_role_revisions(
    ref: Ref,
    request: Request,
    session: SessionDep,
    _key: ReadKey,
    query: Annotated[PageParams, Query()],
) -> Response:
    """List the revisions, newest first: number, time, action and the key that made it."""
    role = service.find_role(session, ref, preview=True)
    return revisions(request, session, service.COLLECTION, role, query)


@router.get(
    "/{ref}/revisions/diff",
    response_model=RevisionDiff,
    responses=problem_responses(*_REVISION_ERRORS),
)
def diff_role_revisions(
    ref: Ref,
    request: Request,
    session: SessionDep,
    _key: ReadKey,
    query: Annotated[DiffQuery, Query()],
) -> Response:
    """Compare two revisions: the fields that changed, and a unified diff."""
    role = service.find_role(session, ref, preview=True)
    return revision_diff(request, session, service.COLLECTION, role, query.from_, query.to)


@router.get(
    "/{ref}/revisions/{number}",
    response_model=RevisionPublic,
    responses=problem_responses(*_REVISION_ERRORS),
)
def get_role_revision(
    ref: Ref,
    number: RevisionNumber,
    request: Request,
    session: SessionDep,
    _key: ReadKey,
    _: NoQueryDep,
) -> Response:
    """Get one revision with the whole content as it was."""
    role = service.find_role(session, ref, preview=True)
    return revision(request, session, service.COLLECTION, role, number)


@router.post(
    "/{ref}/revisions/{number}/restore",
    responses=problem_responses(*_REVISION_ERRORS, StalePrecondition, InvalidBody),
)
def restore_role_revision(
    ref: Ref,
    number: RevisionNumber,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Make that revision's content current again; this is itself a new revision."""
    role = service.restore_role(session, ref, number, key=key, if_match=if_match)
    return represent(request, service.to_public(session, role), public=False)
