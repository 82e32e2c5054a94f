"""HTTP routes for comparisons, their rows, cells and subjects."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey, Read, Write
from api.comparisons import render, rows, service
from api.comparisons.models import (
    CellInput,
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
from api.core import kinds
from api.core.db import SessionDep
from api.core.errors import (
    AUTH_ERRORS,
    ComparisonNotFound,
    FolioError,
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
from api.core.fields import MAX_ID
from api.core.slugs import SLUG_MAX
from api.routing import content_routes, listed
from api.web.http import (
    CSV,
    JSON,
    MARKDOWN,
    NoQueryDep,
    Ref,
    negotiate,
    no_content,
    represent,
    represent_page,
)
from api.web.pagination import ListEnvelope, envelope, parse_fields, parse_include

router = APIRouter(prefix="/v1/comparisons", tags=["comparisons"])
compare_router = APIRouter(prefix="/v1/roles", tags=["roles"])
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="The row's id.")]
RoleRef = Annotated[str, Path(max_length=SLUG_MAX, description="The subject role's slug.")]
# What a write to part of a comparison may answer (the slug is not written there).
_PART_ERRORS: tuple[type[FolioError], ...] = (
    *AUTH_ERRORS,
    ComparisonNotFound,
    InvalidBody,
    UnsupportedMediaType,
    StalePrecondition,
    PreconditionRequired,
)


FORMATS = {"json": JSON, "csv": CSV, "md": MARKDOWN}
ROW_FORMATS = {"json": JSON, "csv": CSV}


@router.get(
    "", response_model=ListEnvelope[ComparisonListItem], responses=problem_responses(Unauthorized)
)
def list_comparisons(read: Read, query: Annotated[ComparisonListQuery, Query()]) -> Response:
    """List comparisons by title, each with its subjects and number of rows; `role` (repeat
    it) keeps those that compare every role named."""
    return listed(read, service.list_comparisons, query, ComparisonListItem)


@router.get(
    "/{ref}",
    response_model=ComparisonPublic,
    responses={
        200: {"content": {CSV: {}, MARKDOWN: {}}},
        **problem_responses(ComparisonNotFound, NotAcceptable, Unauthorized),
    },
)
def get_comparison(ref: Ref, read: Read, query: Annotated[ComparisonQuery, Query()]) -> Response:
    """Get a comparison by id or slug: subjects in column order, rows in order, cells by role;
    or the table as CSV (RFC 4180) or Markdown."""
    fmt = negotiate(read.request, query.format, FORMATS)
    include = parse_include(query.include, service.INCLUDABLE)
    fields = parse_fields(query.fields, ComparisonPublic)
    comparison = service.get_comparison(
        read.session,
        ref,
        preview=read.preview,
        include=include,
        locale=query.locale,
        accept_language=read.accept_language,
    )
    public = not read.preview
    language = {"Content-Language": comparison.locale}
    if fmt == "csv":
        return represent(
            read.request,
            render.render_csv(comparison).encode(),
            media_type=CSV,
            public=public,
            headers={
                "Content-Disposition": f'inline; filename="{comparison.slug}.csv"',
                **language,
            },
        )
    if fmt == "md":
        body = render.render_markdown(comparison).encode()
        return represent(read.request, body, media_type=MARKDOWN, public=public, headers=language)
    return represent(read.request, comparison, public=public, fields=fields, headers=language)


@router.get(
    "/{ref}/rows",
    response_model=ListEnvelope[RowPublic],
    responses={
        200: {"content": {CSV: {"schema": {"type": "string"}}}},
        **problem_responses(ComparisonNotFound, NotAcceptable, Unauthorized),
    },
)
def list_comparison_rows(
    ref: Ref,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[RowsQuery, Query()],
) -> Response:
    """The rows of a comparison, in order: all, the one `dimension`, or those containing `q`;
    as JSON, or as CSV (the page's rows under the comparison's header, the next page in
    `Link`)."""
    fmt = negotiate(request, query.format, ROW_FORMATS)
    page, comparison = rows.list_rows(session, ref, query=query, preview=key is not None)
    if fmt == "csv":
        table = comparison.model_copy(update={"rows": page.items})
        _, link = envelope(
            page, path=request.url.path, query=query.model_dump(mode="json", by_alias=True)
        )
        return represent(
            request,
            render.render_csv(table).encode(),
            media_type=CSV,
            public=key is None,
            headers={
                "Content-Disposition": f'inline; filename="{comparison.slug}-rows.csv"',
                **({"Link": link} if link else {}),
            },
        )
    fields = parse_fields(query.fields, RowPublic)
    return represent_page(request, page, query, public=key is None, fields=fields)


@router.get(
    "/{ref}/rows/{row_id}",
    response_model=RowPublic,
    responses=problem_responses(ComparisonNotFound, RowNotFound, Unauthorized),
)
def get_comparison_row(
    ref: Ref,
    row_id: RowId,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    _: NoQueryDep,
) -> Response:
    """Get one row of a comparison with its cells."""
    row = rows.get_row(session, ref, row_id, preview=key is not None)
    return represent(request, row, public=key is None)


@router.post(
    "/{ref}/rows",
    status_code=201,
    response_model=RowPublic,
    responses=problem_responses(*_PART_ERRORS),
)
def create_comparison_row(ref: Ref, data: RowCreate, write: Write) -> Response:
    """Add a row (a dimension) with its cells, last or at `position`."""
    row = rows.add_row(write.session, ref, data, key=write.key, if_match=write.if_match)
    return write.made(row, location=f"{write.request.url.path}/{row.id}")


@router.patch(
    "/{ref}/rows/{row_id}",
    response_model=RowPublic,
    responses=problem_responses(*_PART_ERRORS, RowNotFound),
    openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
)
def patch_comparison_row(ref: Ref, row_id: RowId, data: RowPatch, write: Write) -> Response:
    """Rename a row, move it to another `position`, or change some of its cells (null
    removes a cell)."""
    row = rows.patch_row(write.session, ref, row_id, data, key=write.key, if_match=write.if_match)
    return write.answer(row)


@router.delete(
    "/{ref}/rows/{row_id}", status_code=204, responses=problem_responses(*_PART_ERRORS, RowNotFound)
)
def delete_comparison_row(ref: Ref, row_id: RowId, write: Write) -> Response:
    """Delete a row and its cells."""
    rows.delete_row(write.session, ref, row_id, key=write.key, if_match=write.if_match)
    return no_content()


@router.put(
    "/{ref}/rows/{row_id}/cells/{role}",
    response_model=RowPublic,
    responses=problem_responses(*_PART_ERRORS, RowNotFound),
)
def put_comparison_cell(
    ref: Ref, row_id: RowId, role: RoleRef, data: CellInput, write: Write
) -> Response:
    """Set the cell of one row for one subject role."""
    row = rows.set_cell(
        write.session, ref, row_id, role, data, key=write.key, if_match=write.if_match
    )
    return write.answer(row)


@router.delete(
    "/{ref}/rows/{row_id}/cells/{role}",
    status_code=204,
    responses=problem_responses(*_PART_ERRORS, RowNotFound),
)
def delete_comparison_cell(ref: Ref, row_id: RowId, role: RoleRef, write: Write) -> Response:
    """Empty the cell of one row for one subject role."""
    rows.set_cell(write.session, ref, row_id, role, None, key=write.key, if_match=write.if_match)
    return no_content()


@router.post(
    "/{ref}/subjects",
    response_model=ComparisonPublic,
    responses=problem_responses(*_PART_ERRORS),
)
def add_comparison_subject(ref: Ref, data: SubjectCreate, write: Write) -> Response:
    """Add a role as a column, last or at `position`; its cells start empty."""
    comparison = rows.add_subject(write.session, ref, data, key=write.key, if_match=write.if_match)
    return write.answer(service.to_public(write.session, comparison))


@router.delete(
    "/{ref}/subjects/{role}",
    status_code=204,
    responses=problem_responses(*_PART_ERRORS, RoleNotFound),
)
def remove_comparison_subject(ref: Ref, role: RoleRef, write: Write) -> Response:
    """Remove a role's column and its cells."""
    rows.remove_subject(write.session, ref, role, key=write.key, if_match=write.if_match)
    return no_content()


# --- Writes and revisions (``api.routing.content_routes``) ----------------------------------
# POST "", PUT, PATCH, DELETE "/{ref}"; GET "/{ref}/revisions", "…/diff", "…/{number}";
# POST "/{ref}/revisions/{number}/restore".
content_routes(
    router,
    kinds.COMPARISON,
    ComparisonPublic,
    "a comparison (rows given with their id or an existing dimension keep their id)",
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
