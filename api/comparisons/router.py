"""HTTP routes for comparisons, their rows, cells and subjects."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey, WriteKey
from api.comparisons import render, service
from api.comparisons.models import (
    CellInput,
    ComparisonInput,
    ComparisonListItem,
    ComparisonListQuery,
    ComparisonPublic,
    ComparisonQuery,
    RoleComparison,
    RowCreate,
    RowPatch,
    RowPublic,
    RowsQuery,
    SubjectCreate,
)
from api.db import SessionDep
from api.errors import (
    ComparisonNotFound,
    Forbidden,
    InvalidBody,
    NotAcceptable,
    PreconditionRequired,
    RoleNotFound,
    RowNotFound,
    StalePrecondition,
    Unauthorized,
    UnsupportedMediaType,
    problem_responses,
)
from api.fields import MAX_ID
from api.http import (
    CSV,
    JSON,
    MARKDOWN,
    IfMatch,
    NoQueryDep,
    created,
    negotiate,
    no_content,
    represent,
    represent_page,
)
from api.pagination import ListEnvelope, parse_fields, parse_include
from api.routing import add_write_routes
from api.slugs import SLUG_MAX

router = APIRouter(prefix="/v1/comparisons", tags=["comparisons"])
compare_router = APIRouter(prefix="/v1/roles", tags=["roles"])
Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="The row's id.")]
RoleRef = Annotated[str, Path(max_length=SLUG_MAX, description="The subject role's slug.")]
_auth = (Unauthorized, Forbidden)
_writes = (
    *_auth,
    ComparisonNotFound,
    InvalidBody,
    UnsupportedMediaType,
    StalePrecondition,
    PreconditionRequired,
)


FORMATS = {"json": JSON, "csv": CSV, "md": MARKDOWN}


@router.get(
    "", response_model=ListEnvelope[ComparisonListItem], responses=problem_responses(Unauthorized)
)
def list_comparisons(
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[ComparisonListQuery, Query()],
) -> Response:
    """List comparisons by title, each with its subjects and number of rows; `role` (repeat
    it) keeps those that compare every role named."""
    page = service.list_comparisons(session, query=query, preview=key is not None)
    fields = parse_fields(query.fields, ComparisonListItem)
    return represent_page(request, page, query, public=key is None, fields=fields)


@router.get(
    "/{ref}",
    response_model=ComparisonPublic,
    responses={
        200: {"content": {CSV: {}, MARKDOWN: {}}},
        **problem_responses(ComparisonNotFound, NotAcceptable, Unauthorized),
    },
)
def get_comparison(
    ref: Ref,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[ComparisonQuery, Query()],
) -> Response:
    """Get a comparison by id or slug: subjects in column order, rows in order, cells by role;
    or the table as CSV (RFC 4180) or Markdown."""
    fmt = negotiate(request, query.format, FORMATS)
    include = parse_include(query.include, service.INCLUDABLE)
    fields = parse_fields(query.fields, ComparisonPublic)
    comparison = service.get_comparison(session, ref, preview=key is not None, include=include)
    public = key is None
    if fmt == "csv":
        return represent(
            request,
            render.render_csv(comparison).encode(),
            media_type=CSV,
            public=public,
            headers={"Content-Disposition": f'inline; filename="{comparison.slug}.csv"'},
        )
    if fmt == "md":
        body = render.render_markdown(comparison).encode()
        return represent(request, body, media_type=MARKDOWN, public=public)
    return represent(request, comparison, public=public, fields=fields)


@router.get(
    "/{ref}/rows",
    response_model=ListEnvelope[RowPublic],
    responses=problem_responses(ComparisonNotFound, Unauthorized),
)
def list_rows(
    ref: Ref,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[RowsQuery, Query()],
) -> Response:
    """The rows of a comparison, in order: all, the one `dimension`, or those containing `q`."""
    page = service.list_rows(session, ref, query=query, preview=key is not None)
    fields = parse_fields(query.fields, RowPublic)
    return represent_page(request, page, query, public=key is None, fields=fields)


@router.get(
    "/{ref}/rows/{row_id}",
    response_model=RowPublic,
    responses=problem_responses(ComparisonNotFound, RowNotFound, Unauthorized),
)
def get_row(
    ref: Ref,
    row_id: RowId,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    _: NoQueryDep,
) -> Response:
    """Get one row of a comparison with its cells."""
    row = service.get_row(session, ref, row_id, preview=key is not None)
    return represent(request, row, public=key is None)


@router.post(
    "/{ref}/rows", status_code=201, response_model=RowPublic, responses=problem_responses(*_writes)
)
def add_row(
    ref: Ref,
    data: RowCreate,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Add a row (a dimension) with its cells, last or at `position`."""
    row = service.add_row(session, ref, data, key=key, if_match=if_match)
    return created(request, row, location=f"{request.url.path}/{row.id}")


@router.patch(
    "/{ref}/rows/{row_id}",
    response_model=RowPublic,
    responses=problem_responses(*_writes, RowNotFound),
    openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
)
def patch_row(
    ref: Ref,
    row_id: RowId,
    data: RowPatch,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Rename a row, move it to another `position`, or change some of its cells (null
    removes a cell)."""
    row = service.patch_row(session, ref, row_id, data, key=key, if_match=if_match)
    return represent(request, row, public=False)


@router.delete(
    "/{ref}/rows/{row_id}", status_code=204, responses=problem_responses(*_writes, RowNotFound)
)
def delete_row(
    ref: Ref,
    row_id: RowId,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Delete a row and its cells."""
    service.delete_row(session, ref, row_id, key=key, if_match=if_match)
    return no_content()


@router.put(
    "/{ref}/rows/{row_id}/cells/{role}",
    response_model=RowPublic,
    responses=problem_responses(*_writes, RowNotFound),
)
def put_cell(
    ref: Ref,
    row_id: RowId,
    role: RoleRef,
    data: CellInput,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Set the cell of one row for one subject role."""
    row = service.put_cell(session, ref, row_id, role, data, key=key, if_match=if_match)
    return represent(request, row, public=False)


@router.delete(
    "/{ref}/rows/{row_id}/cells/{role}",
    status_code=204,
    responses=problem_responses(*_writes, RowNotFound),
)
def delete_cell(
    ref: Ref,
    row_id: RowId,
    role: RoleRef,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Empty the cell of one row for one subject role."""
    service.delete_cell(session, ref, row_id, role, key=key, if_match=if_match)
    return no_content()


@router.post(
    "/{ref}/subjects",
    response_model=ComparisonPublic,
    responses=problem_responses(*_writes),
)
def add_subject(
    ref: Ref,
    data: SubjectCreate,
    request: Request,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Add a role as a column, last or at `position`; its cells start empty."""
    comparison = service.add_subject(session, ref, data, key=key, if_match=if_match)
    return represent(request, service.to_public(session, comparison), public=False)


@router.delete(
    "/{ref}/subjects/{role}",
    status_code=204,
    responses=problem_responses(*_writes, RoleNotFound),
)
def remove_subject(
    ref: Ref,
    role: RoleRef,
    session: SessionDep,
    key: WriteKey,
    _: NoQueryDep,
    if_match: IfMatch = None,
) -> Response:
    """Remove a role's column and its cells."""
    service.remove_subject(session, ref, role, key=key, if_match=if_match)
    return no_content()


add_write_routes(
    router,
    collection="comparisons",
    input_model=ComparisonInput,
    output_model=ComparisonPublic,
    create=lambda session, data, key: service.create_comparison(session, data, key=key),
    public=service.to_public,
    update=lambda session, ref, **change: service.to_public(
        session, service.update_comparison(session, ref, **change)
    ),
    delete=service.delete_comparison,
    missing=ComparisonNotFound,
    what="a comparison (rows given with their id or an existing dimension keep their id)",
    find=lambda session, ref: service.find_comparison(session, ref, preview=True),
)


@compare_router.get(
    "/{a}/compare/{b}",
    response_model=RoleComparison,
    responses=problem_responses(RoleNotFound, Unauthorized),
)
def compare_roles(
    a: Ref, b: Ref, request: Request, session: SessionDep, key: CurrentKey, _: NoQueryDep
) -> Response:
    """Two roles side by side: every dimension, in every comparison, where both have a cell."""
    comparison = service.compare_roles(session, a, b, preview=key is not None)
    return represent(request, comparison, public=key is None)
