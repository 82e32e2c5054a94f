"""POST /v1/batch: several writes, all or nothing."""

from typing import Annotated

from fastapi import APIRouter, Body
from starlette.responses import Response

from api.auth.dependencies import WithWrite
from api.batch import service
from api.batch.models import BatchInput, BatchResults
from api.core.errors import (
    WRITE_ERRORS,
    Conflict,
    IdempotencyKeyReused,
    NotFound,
    StillReferenced,
    problem_responses,
)
from api.idempotency import service as idempotency
from api.web.http import JSON, PRIVATE_CACHE, IdempotencyKey, encode

router = APIRouter(prefix="/v1/batch", tags=["batch"])


@router.post(
    "",
    response_model=BatchResults,
    responses=problem_responses(
        *WRITE_ERRORS, NotFound, Conflict, StillReferenced, IdempotencyKeyReused
    ),
)
def apply_batch(
    data: Annotated[BatchInput, Body()], write: WithWrite, idempotency_key: IdempotencyKey = None
) -> Response:
    """Apply up to 100 writes to articles, roles, comparisons, authors and tags
    in one transaction: all of them, or none.

    Each operation takes what its own request takes (the body of POST, PUT or PATCH, and
    `if_match` for If-Match) and answers what it would have (`results`, in order, each with
    the new ETag); each change is an event of its own. The first that fails fails the batch
    with its own problem (its status, `operation` its index), and nothing is written. With
    `Idempotency-Key`, a retry replays the first answer."""

    def apply() -> idempotency.Answer:
        results = service.run(write.session, data.operations, key=write.key)
        return idempotency.Answer(200, encode(BatchResults(results=results)), None)

    answer = idempotency.create_once(
        write.session,
        key=write.key,
        idempotency_key=idempotency_key,
        request_print=idempotency.fingerprint(
            write.request.method, write.request.url.path, data.model_dump_json().encode()
        ),
        collection="batch",
        create=apply,
    )
    return Response(answer.body, media_type=JSON, headers={"Cache-Control": PRIVATE_CACHE})
