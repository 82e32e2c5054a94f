"""What routes that write share: how a POST that creates something answers (once per
Idempotency-Key), the merge-patch body, and the revision routes' common work. Each domain's
router declares its own routes with these; none is made here."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Body, Path, Request
from pydantic import BaseModel
from sqlmodel import Session
from starlette.responses import Response

from api.auth.models import ApiKey
from api.core.fields import MAX_ID
from api.core.urls import api_url
from api.history import service as history
from api.idempotency import service as idempotency
from api.web.http import (
    JSON,
    MERGE_PATCH,
    PRIVATE_CACHE,
    encode,
    make_etag,
    represent,
    represent_page,
)
from api.web.pagination import PageParams

RevisionNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="Revision number (the version).")]
MergePatch = Annotated[dict[str, Any], Body(description="A JSON merge patch (RFC 7396).")]
# PATCH also takes application/merge-patch+json (``api.web.openapi`` gives it the JSON schema).
MERGE_PATCH_BODY: dict[str, Any] = {"requestBody": {"content": {MERGE_PATCH: {}}}}


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


def revisions(
    request: Request, session: Session, collection: str, row: Any, query: PageParams
) -> Response:
    """A page of the revisions of ``row``, newest first."""
    page = history.list_revisions(session, collection, row.id, row.slug, params=query)
    return represent_page(request, page, query, public=False)


def revision(
    request: Request, session: Session, collection: str, row: Any, number: int
) -> Response:
    found = history.get_revision_public(session, collection, row.id, row.slug, number)
    return represent(request, found, public=False)


def revision_diff(
    request: Request, session: Session, collection: str, row: Any, before: int, after: int
) -> Response:
    diff = history.diff_revisions(session, collection, row.id, before, after)
    return represent(request, diff, public=False)
