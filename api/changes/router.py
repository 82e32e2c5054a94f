"""HTTP route for the changes feed."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey
from api.changes import service, stream
from api.changes.models import ChangesPage, ChangesQuery
from api.core.db import SessionDep
from api.core.errors import (
    InvalidParameter,
    StreamsFull,
    TooManyRequests,
    Unauthorized,
    problem_responses,
)
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


# What a stream is, for the OpenAPI document (3.1: the schema is that of each event).
_STREAM_CONTENT = {
    stream.EVENT_STREAM: {
        "schema": {
            "type": "object",
            "description": "One event of the stream: `ready` first, then a `change` each.",
            "required": ["event", "data"],
            "properties": {
                "event": {"type": "string", "enum": ["ready", "change"]},
                "id": {
                    "type": "string",
                    "description": "The token to resume after this event (`Last-Event-ID`).",
                },
                "data": {
                    "type": "string",
                    "description": 'JSON: `{"since": token}` for `ready`; for `change`, an entry'
                    " of `/v1/changes` (`Change`).",
                },
                "retry": {"type": "integer", "description": "Milliseconds to wait to reconnect."},
            },
        },
        "example": 'retry: 2000\nid: ZTQy\nevent: ready\ndata: {"since":"ZTQy"}\n\n'
        'id: ZTQz\nevent: change\ndata: {"type":"articles","id":1,…}\n\n',
    }
}


@router.get(
    "/stream",
    response_class=Response,
    responses={
        200: {
            "description": "Server-Sent Events, until the stream ends.",
            "content": _STREAM_CONTENT,
        },
        **problem_responses(Unauthorized, InvalidParameter, TooManyRequests, StreamsFull),
    },
)
async def get_changes_stream(request: Request, key: CurrentKey, asked: stream.AskedDep) -> Response:
    """The changes as they happen, as Server-Sent Events: each an entry of `/v1/changes`
    (`event: change`), its `id` the token to resume after it. A client that reconnects with
    `Last-Event-ID` (every EventSource does) gets everything after that event and nothing
    twice; `since` does the same on a first connection. The first event (`ready`) names where
    the stream starts. Anonymous callers get the public changes, a key every change, as
    `/v1/changes`. Quiet streams get a comment every 15 s; a stream ends after 5 minutes, or
    when its node stops, and the client resumes."""
    return await stream.opened(request, asked, preview=key is not None)
