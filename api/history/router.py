"""Revision routes, the same for every resource that keeps revisions."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from starlette.responses import Response

from api.auth.dependencies import ReadKey, WriteKey
from api.auth.models import ApiKey
from api.core.db import SessionDep
from api.core.errors import (
    Forbidden,
    InvalidBody,
    NotFound,
    RevisionNotFound,
    StalePrecondition,
    Unauthorized,
    problem_responses,
)
from api.core.fields import MAX_ID
from api.core.slugs import SLUG_MAX
from api.history import service
from api.history.models import RevisionDiff, RevisionPublic, RevisionSummary
from api.web.http import IfMatch, NoQueryDep, represent

Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]
Number = Annotated[int, Path(ge=1, le=MAX_ID, description="Revision number (the version).")]


class DiffQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_: int = Field(alias="from", ge=1, le=MAX_ID, description="The older revision.")
    to: int = Field(ge=1, le=MAX_ID, description="The newer revision.")


def history_router(
    collection: str,
    *,
    find: Callable[[Session, str], Any],
    restore: Callable[[Session, str, dict[str, Any], ApiKey, str | None], BaseModel],
    missing: type[NotFound],
) -> APIRouter:
    """``/{ref}/revisions`` (to include in the collection's router): list, read, diff, restore."""
    router = APIRouter(prefix="/{ref}/revisions", tags=[collection])
    errors = (missing, RevisionNotFound, Unauthorized, Forbidden)
    name = collection[:-1]

    @router.get(
        "",
        response_model=list[RevisionSummary],
        responses=problem_responses(*errors),
        name=f"list_{name}_revisions",
    )
    def list_revisions(
        ref: Ref, request: Request, session: SessionDep, _key: ReadKey, _: NoQueryDep
    ) -> Response:
        """List the revisions, newest first: number, time, action and the key that made it."""
        row = find(session, ref)
        revisions = service.list_revisions(session, collection, row.id, row.slug)
        return represent(request, [r.model_dump(mode="json") for r in revisions], public=False)

    @router.get(
        "/diff",
        response_model=RevisionDiff,
        responses=problem_responses(*errors),
        name=f"diff_{name}_revisions",
    )
    def diff_revisions(
        ref: Ref,
        request: Request,
        session: SessionDep,
        _key: ReadKey,
        query: Annotated[DiffQuery, Query()],
    ) -> Response:
        """Compare two revisions: the fields that changed, and a unified diff."""
        row = find(session, ref)
        diff = service.diff_revisions(session, collection, row.id, query.from_, query.to)
        return represent(request, diff, public=False)

    @router.get(
        "/{number}",
        response_model=RevisionPublic,
        responses=problem_responses(*errors),
        name=f"get_{name}_revision",
    )
    def get_revision(
        ref: Ref,
        number: Number,
        request: Request,
        session: SessionDep,
        _key: ReadKey,
        _: NoQueryDep,
    ) -> Response:
        """Get one revision with the whole content as it was."""
        row = find(session, ref)
        revision = service.get_revision_public(session, collection, row.id, row.slug, number)
        return represent(request, revision, public=False)

    @router.post(
        "/{number}/restore",
        responses=problem_responses(*errors, StalePrecondition, InvalidBody),
        name=f"restore_{name}_revision",
    )
    def restore_revision(
        ref: Ref,
        number: Number,
        request: Request,
        session: SessionDep,
        key: WriteKey,
        _: NoQueryDep,
        if_match: IfMatch = None,
    ) -> Response:
        """Make that revision's content current again; this is itself a new revision."""
        row = find(session, ref)
        content = service.get_revision(session, collection, row.id, number).content
        return represent(request, restore(session, ref, content, key, if_match), public=False)

    return router
