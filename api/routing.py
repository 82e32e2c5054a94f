"""What the write routes share: the precondition and idempotency headers, and how a POST
that creates something answers (once per Idempotency-Key)."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header, Request
from pydantic import BaseModel
from sqlmodel import Session
from starlette.responses import Response

from api.auth.models import ApiKey
from api.http import JSON, PRIVATE_CACHE, encode, make_etag
from api.idempotency import service as idempotency
from api.urls import api_url

IfMatch = Annotated[
    str | None,
    Header(
        max_length=512,
        description="The ETag of the version being changed; 412 when it is no longer current.",
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        description="Retrying with the same key and body returns the first answer.",
    ),
]


def create_response(
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
