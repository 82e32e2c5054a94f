"""What routes that write share: how a POST that creates something answers (once per
Idempotency-Key), the merge-patch body, the revision routes' common work, and the routes every
kind has the same way, declared once here for each kind's router to add:

- ``write_routes``: ``POST /v1/{collection}``, ``PUT``, ``PATCH`` and ``DELETE
  /v1/{collection}/{ref}``;
- ``revision_routes``: ``GET /v1/{collection}/{ref}/revisions``, ``…/revisions/diff``,
  ``…/revisions/{number}`` and ``POST …/revisions/{number}/restore``.

Each calls the kind's room (``api.editing.ROOMS``); the routes a kind has of its own are in its
router."""

from collections.abc import Callable
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel
from sqlmodel import Session
from starlette.responses import Response

from api import editing
from api.auth.dependencies import (
    Acting,
    Reading,
    WithRead,
    WithReadQuery,
    WithWrite,
    Write,
    Writing,
)
from api.auth.models import ApiKey
from api.core import kinds
from api.core.errors import (
    AUTH_ERRORS,
    WRITE_ERRORS,
    FolioError,
    InvalidBody,
    RevisionNotFound,
    StalePrecondition,
    StillReferenced,
    problem_responses,
)
from api.core.fields import MAX_ID
from api.core.urls import api_url
from api.history import service as history
from api.history.models import DiffQuery, RevisionDiff, RevisionPublic, RevisionSummary
from api.idempotency import service as idempotency
from api.web.http import (
    JSON,
    MERGE_PATCH,
    PRIVATE_CACHE,
    IdempotencyKey,
    Ref,
    encode,
    make_etag,
    no_content,
    represent,
    represent_page,
)
from api.web.pagination import ListEnvelope, Page, PageParams, parse_fields

RevisionNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="Revision number (the version).")]
MergePatch = Annotated[dict[str, Any], Body(description="A JSON merge patch (RFC 7396).")]
# PATCH also takes application/merge-patch+json (``api.web.openapi`` gives it the JSON schema).
MERGE_PATCH_BODY: dict[str, Any] = {"requestBody": {"content": {MERGE_PATCH: {}}}}

Item = TypeVar("Item", bound=BaseModel)


def created_once(
    request: Request,
    session: Session,
    *,
    key: ApiKey,
    idempotency_key: str | None,
    data: BaseModel,
    collection: str,
    create: Callable[[], Any],
    public: Callable[[Any], BaseModel],
) -> Response:
    """201 with the new resource and its ``Location``; a retry with the same key replays it."""

    def make() -> idempotency.Answer:
        row = create()
        return idempotency.Answer(201, encode(public(row)), f"/v1/{collection}/{row.slug}")

    answer = idempotency.create_once(
        session,
        key=key,
        idempotency_key=idempotency_key,
        request_print=idempotency.fingerprint(
            request.method, request.url.path, data.model_dump_json().encode()
        ),
        collection=collection,
        create=make,
    )
    headers = {"ETag": make_etag(answer.body), "Cache-Control": PRIVATE_CACHE}
    if answer.location is not None:
        headers["Location"] = api_url(answer.location)
    return Response(answer.body, status_code=answer.status_code, media_type=JSON, headers=headers)


class Lister(Protocol[Item]):
    """A kind's list: the page ``query`` asks for, as the caller may see it, in its language."""

    def __call__(
        self, session: Session, *, query: Any, preview: bool, accept_language: str | None
    ) -> Page[Item]: ...


def listed(read: Reading, lister: Lister[Item], query: Any, item: type[Item]) -> Response:
    """``GET /v1/{kind}``: a page of a kind's items in the envelope, the fields ``?fields=``
    names only, public unless a key showed drafts."""
    page = lister(
        read.session, query=query, preview=read.preview, accept_language=read.accept_language
    )
    fields = parse_fields(query.fields, item)
    return represent_page(read.request, page, query, public=not read.preview, fields=fields)


def revisions(read: Acting, collection: str, row: Any, query: PageParams) -> Response:
    """A page of the revisions of ``row``, newest first."""
    page = history.list_revisions(read.session, collection, row.id, row.slug, params=query)
    return represent_page(read.request, page, query, public=False)


def revision(read: Acting, collection: str, row: Any, number: int) -> Response:
    found = history.get_revision_public(read.session, collection, row.id, row.slug, number)
    return represent(read.request, found, public=False)


def revision_diff(read: Acting, collection: str, row: Any, before: int, after: int) -> Response:
    diff = history.diff_revisions(read.session, collection, row.id, before, after)
    return represent(read.request, diff, public=False)


def written(write: Acting, room: editing.Room, row: Any) -> Response:
    """A write's answer: the row as GET shows it to its writers."""
    return represent(write.request, room.kind.public(write.session, row), public=False)


def write_routes(
    router: APIRouter, kind: kinds.Kind, *, public: type[BaseModel], what: str
) -> None:
    """``POST ""`` and ``PUT``, ``PATCH``, ``DELETE "/{ref}"`` of ``kind`` on ``router`` (its
    prefix ``/v1/{collection}``), each answering ``public``; ``what`` names one in their
    descriptions ("an article (…)")."""
    room, name = editing.room(kind.collection), kind.name
    Input: Any = room.model
    missing = room.missing

    def updated(write: Writing, ref: str, **change: Any) -> Response:
        """A replace (``data``) or a merge patch (``patch``)."""
        row = room.update(write.session, ref, key=write.key, if_match=write.if_match, **change)
        return written(write, room, row)

    @router.post(
        "",
        name=f"create_{name}",
        status_code=201,
        response_model=public,
        responses=problem_responses(*WRITE_ERRORS),
        description=f"Create {what}.",
    )
    def create(
        data: Annotated[Input, Body()], write: WithWrite, idempotency_key: IdempotencyKey = None
    ) -> Response:
        return created_once(
            write.request,
            write.session,
            key=write.key,
            idempotency_key=idempotency_key,
            data=data,
            collection=kind.collection,
            create=lambda: room.create(write.session, data, key=write.key),
            public=lambda row: room.kind.public(write.session, row),
        )

    @router.put(
        "/{ref}",
        name=f"replace_{name}",
        response_model=public,
        responses=problem_responses(*WRITE_ERRORS, missing),
        description=f"Replace {what}; fields left out take their defaults, the slug is kept.",
    )
    def replace(ref: Ref, data: Annotated[Input, Body()], write: Write) -> Response:
        return updated(write, ref, data=data)

    @router.patch(
        "/{ref}",
        name=f"patch_{name}",
        response_model=public,
        responses=problem_responses(*WRITE_ERRORS, missing),
        description=f"Change some fields of {what} (JSON merge patch: null removes a field).",
        openapi_extra=MERGE_PATCH_BODY,
    )
    def patch(ref: Ref, patch: MergePatch, write: Write) -> Response:
        return updated(write, ref, patch=patch)

    @router.delete(
        "/{ref}",
        name=f"delete_{name}",
        status_code=204,
        responses=problem_responses(*AUTH_ERRORS, missing, StalePrecondition, StillReferenced),
        description=f"Move {what} to the trash (see /v1/trash).",
    )
    def delete(ref: Ref, write: Write) -> Response:
        room.delete(write.session, ref, key=write.key, if_match=write.if_match)
        return no_content()


def revision_routes(router: APIRouter, kind: kinds.Kind, *, public: type[BaseModel]) -> None:
    """The revision routes of ``kind`` on ``router``: list, diff, one, and restore (which
    answers ``public``)."""
    room, name = editing.room(kind.collection), kind.name
    restore = room.restore
    errors: tuple[type[FolioError], ...] = (room.missing, RevisionNotFound, *AUTH_ERRORS)

    def find(session: Session, ref: str) -> Any:
        return room.kind.find(session, ref, False)  # drafts too

    @router.get(
        "/{ref}/revisions",
        name=f"list_{name}_revisions",
        response_model=ListEnvelope[RevisionSummary],
        responses=problem_responses(*errors),
        description="List the revisions, newest first: number, time, action and the key that"
        " made it.",
    )
    def list_revisions(
        ref: Ref, read: WithReadQuery, query: Annotated[PageParams, Query()]
    ) -> Response:
        return revisions(read, kind.collection, find(read.session, ref), query)

    @router.get(
        "/{ref}/revisions/diff",
        name=f"diff_{name}_revisions",
        response_model=RevisionDiff,
        responses=problem_responses(*errors),
        description="Compare two revisions: the fields that changed, and a unified diff.",
    )
    def diff_revisions(
        ref: Ref, read: WithReadQuery, query: Annotated[DiffQuery, Query()]
    ) -> Response:
        row = find(read.session, ref)
        return revision_diff(read, kind.collection, row, query.from_, query.to)

    @router.get(
        "/{ref}/revisions/{number}",
        name=f"get_{name}_revision",
        response_model=RevisionPublic,
        responses=problem_responses(*errors),
        description="Get one revision with the whole content as it was.",
    )
    def get_revision(ref: Ref, number: RevisionNumber, read: WithRead) -> Response:
        return revision(read, kind.collection, find(read.session, ref), number)

    @router.post(
        "/{ref}/revisions/{number}/restore",
        name=f"restore_{name}_revision",
        responses=problem_responses(*errors, StalePrecondition, InvalidBody),
        description="Make that revision's content current again; this is itself a new revision.",
    )
    def restore_revision(ref: Ref, number: RevisionNumber, write: Write) -> Response:
        row = restore(write.session, ref, number, key=write.key, if_match=write.if_match)
        return written(write, room, row)


def content_routes(router: APIRouter, kind: kinds.Kind, public: type[BaseModel], what: str) -> None:
    """``write_routes`` and ``revision_routes``: what a kind with revisions has."""
    write_routes(router, kind, public=public, what=what)
    revision_routes(router, kind, public=public)
