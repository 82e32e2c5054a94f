"""Operational endpoints, outside /v1: is the process alive, is the database reachable."""

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from api.core.errors import PROBLEM_JSON, problem_response, problem_responses
from api.web.http import PRIVATE_CACHE, NoQueryDep, encode

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


@router.get("/healthz", response_model=Health, responses=problem_responses())
async def get_health(_: NoQueryDep) -> Response:
    """The process is alive."""
    # Async on purpose: answered on the event loop, never queued behind request threads.
    return Response(
        encode({"status": "ok"}),
        media_type="application/json",
        headers={"Cache-Control": PRIVATE_CACHE},
    )


@router.get(
    "/readyz",
    response_model=Health,
    responses={
        503: {
            "description": "Not ready: the database does not answer, or the process drains",
            "content": {PROBLEM_JSON: {}},
        },
        **problem_responses(),
    },
)
def get_readiness(request: Request, _: NoQueryDep) -> Response:
    """The database answers: ready to serve. 503 while the process drains before it stops
    (``FOLIO_DRAIN_SECONDS`` after SIGTERM), so that a load balancer sends no more."""
    if getattr(request.app.state, "draining", False):
        return problem_response(
            503,
            "Service Unavailable",
            "Stopping: finishing the requests in flight.",
            instance="/readyz",
        )
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return problem_response(
            503, "Service Unavailable", "The database is not reachable.", instance="/readyz"
        )
    return Response(
        encode({"status": "ready"}),
        media_type="application/json",
        headers={"Cache-Control": PRIVATE_CACHE},
    )
