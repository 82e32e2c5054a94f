"""HTTP route for the changes feed."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey
from api.changes import service
from api.changes.models import ChangesPage, ChangesQuery
from api.core.db import SessionDep
from api.core.errors import Unauthorized, problem_responses
from api.core.urls import api_url
from api.web.http import represent

router = APIRouter(prefix="/v1/changes", tags=["changes"])


@router.get("", response_model=ChangesPage, responses=problem_responses(Unauthorized))
def list_changes(
    request: Request, session: SessionDep, key: CurrentKey, query: Annotated[ChangesQuery, Query()]
) -> Response:
    """Everything created, updated or deleted since a token, in commit order: each resource
    once, with its current form or as a tombstone. Call again with `meta.next_since`."""
    changes, next_since, more = service.changes(session, query, preview=key is not None)
    token = service.encode_token(next_since)
    self_url = api_url(request.url.path) + ("?" + request.url.query if request.url.query else "")
    body = {
        "data": [c.model_dump(mode="json") for c in changes],
        "meta": {"limit": query.limit, "next_since": token, "has_more": more},
        "links": {
            "self": self_url,
            "next": api_url(f"/v1/changes?since={token}&limit={query.limit}"),
        },
    }
    # Not for shared caches: a sync client must see a change as soon as it is committed.
    return represent(request, body, public=False)
