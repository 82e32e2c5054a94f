"""Operational endpoints, outside /v1: is the process alive, is the database reachable."""

import math
import weakref

import anyio
from anyio import to_thread
from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from api.core.bounds import Bounds, Breaker
from api.core.db import make_engine
from api.core.errors import PROBLEM_JSON, RETRY_AFTER_SECONDS, problem_response, problem_responses
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


class Readiness:
    """Asks the database ``SELECT 1`` on a connection of its own (a pool busy with requests
    does not make the node look down), in a thread of its own (nor do busy request threads),
    and answers within ``timeout`` seconds whatever the database does: a probe still waiting
    then is left to its bounds, and the next one waits for it no longer than its own bound.
    What it learns, it tells the requests' breaker."""

    def __init__(self, url: str, timeout: float, breaker: Breaker) -> None:
        self.timeout = timeout
        self.breaker = breaker
        bounds = Bounds(connect=max(2, math.ceil(timeout)), statement=timeout)
        self.engine: Engine = make_engine(url, pool_size=1, pool_timeout=timeout, bounds=bounds)
        self._one_at_a_time = anyio.CapacityLimiter(1)
        # Its connection is closed with it, whether or not the app's lifespan ran.
        weakref.finalize(self, self.engine.dispose)

    async def problem(self) -> str | None:
        """None when the database answers, else what is wrong."""
        with anyio.move_on_after(self.timeout):
            try:
                await to_thread.run_sync(
                    self._ping, limiter=self._one_at_a_time, abandon_on_cancel=True
                )
            except SQLAlchemyError:
                return "The database is not reachable."
            return None
        return f"The database did not answer within {self.timeout:g} s."

    def _ping(self) -> None:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            self.breaker.failed()
            raise
        self.breaker.succeeded()


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
async def get_readiness(request: Request, _: NoQueryDep) -> Response:
    """The database answers within `FOLIO_READY_TIMEOUT_SECONDS`: ready to serve. 503 (with
    Retry-After) otherwise, and while the process drains before it stops
    (``FOLIO_DRAIN_SECONDS`` after SIGTERM), so that a load balancer sends no more."""
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if getattr(request.app.state, "draining", False):
        return problem_response(
            503,
            "Service Unavailable",
            "Stopping: finishing the requests in flight.",
            instance="/readyz",
            headers=retry,
        )
    problem = await request.app.state.readiness.problem()
    if problem is not None:
        return problem_response(
            503,
            "Service Unavailable",
            problem,
            instance="/readyz",
            type_="urn:folio:problem:database-unavailable",
            headers=retry,
        )
    return Response(
        encode({"status": "ready"}),
        media_type="application/json",
        headers={"Cache-Control": PRIVATE_CACHE},
    )
