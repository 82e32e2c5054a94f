"""HTTP route for importing content (admin keys only)."""

import io
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.auth.dependencies import WithAdminQuery
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
TAR = "application/x-tar"


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
                TAR: {
                    "schema": {
                        "type": "string",
                        "format": "binary",
                        "description": "An archive: content.ndjson and assets/<sha256>.",
                    }
                },
            },
        }
    },
)
async def import_content(admin: WithAdminQuery, query: Annotated[ImportQuery, Query()]) -> Response:
    """Import an export (application/x-ndjson), an archive with the assets' bytes
    (application/x-tar, from `folio export --out FILE.tar`), or one Markdown article with YAML
    front matter (text/markdown). All or nothing: a bad line refuses the whole request,
    naming it."""
    request, session = admin.request, admin.session
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    text = raw.decode("utf-8", errors="replace") if media != TAR else ""
    storage = request.app.state.storage
    # The database work runs in the thread pool, like every other route's.
    if media == MARKDOWN:
        await run_in_threadpool(
            markdown.import_markdown, session, text, merge=query.merge, source="body", by=admin.key
        )
        result = ImportResult(imported={"articles": 1})
    elif media == NDJSON:
        counts = await run_in_threadpool(
            partial(service.import_lines, storage=storage, merge=query.merge, source="body"),
            session,
            text.splitlines(),
        )
        result = ImportResult(imported=counts)
    elif media == TAR:
        counts = await run_in_threadpool(
            partial(service.import_archive, storage=storage, merge=query.merge, source="body"),
            session,
            io.BytesIO(raw),
        )
        result = ImportResult(imported=counts)
    else:
        raise UnsupportedMediaType(f"Send {NDJSON}, {TAR} or {MARKDOWN}.")
    return represent(request, result, public=False)
