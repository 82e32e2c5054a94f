"""HTTP route for importing content (admin keys only)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.auth.dependencies import AdminKey
from api.core.db import SessionDep
from api.core.errors import (
    Forbidden,
    ImportFailed,
    NotEmpty,
    Unauthorized,
    UnsupportedMediaType,
    problem_responses,
)
from api.transfer import markdown, service
from api.transfer.models import ImportQuery, ImportResult
from api.web.http import represent

router = APIRouter(prefix="/v1/import", tags=["import"])
NDJSON = "application/x-ndjson"
MARKDOWN = "text/markdown"


@router.post(
    "",
    response_model=ImportResult,
    responses=problem_responses(
        Unauthorized, Forbidden, UnsupportedMediaType, ImportFailed, NotEmpty
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                NDJSON: {"schema": {"type": "string", "description": "An export: NDJSON."}},
                MARKDOWN: {"schema": {"type": "string", "description": "YAML front matter."}},
            },
        }
    },
)
async def import_content(
    request: Request, session: SessionDep, _key: AdminKey, query: Annotated[ImportQuery, Query()]
) -> Response:
    """Import an export (application/x-ndjson) or one Markdown article with YAML front matter
    (text/markdown). All or nothing: a bad line refuses the whole request, naming it."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    text = (await request.body()).decode("utf-8", errors="replace")
    # The database work runs in the thread pool, like every other route's.
    if media == MARKDOWN:
        await run_in_threadpool(
            markdown.import_markdown, session, text, merge=query.merge, source="body"
        )
        result = ImportResult(imported={"articles": 1})
    elif media == NDJSON:
        counts = await run_in_threadpool(
            service.import_lines, session, text.splitlines(), merge=query.merge, source="body"
        )
        result = ImportResult(imported=counts)
    else:
        raise UnsupportedMediaType(f"Send {NDJSON} or {MARKDOWN}.")
    return represent(request, result, public=False)
