"""Folio's errors as exceptions: every answer of 400 and above is a problem (RFC 9457, as
``application/problem+json``), raised as ``FolioProblem`` or the subclass of its status."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx

from folio_client.models import Problem, ProblemError


class FolioError(Exception):
    """Anything this client raises of its own (a problem Folio answered, or an answer that
    was not one Folio gives)."""


class FolioProblem(FolioError):
    """A problem Folio answered: its ``status``, ``title``, ``detail``, ``type``, the
    ``errors`` of each invalid field (on 422), and the whole ``problem``."""

    def __init__(self, problem: Problem, response: httpx.Response) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem
        self.response = response
        self.status: int = problem.status
        self.title: str = problem.title
        self.detail: str = problem.detail
        self.type: str = problem.type
        self.errors: list[ProblemError] = list(problem.errors or [])


class InvalidRequest(FolioProblem):
    """400 or 422: the request, its body or a parameter is not valid (see ``errors``)."""


class Unauthorized(FolioProblem):
    """401 or 403: no key, a key that does not work, or one without the scope needed."""


class NotFound(FolioProblem):
    """404: no resource with that id or slug (or it is a draft, asked for without a key)."""


class Conflict(FolioProblem):
    """409: the slug is taken, or the resource is in use."""


class PreconditionFailed(FolioProblem):
    """412: ``If-Match`` named a version that is no longer current: read it again."""


class RateLimited(FolioProblem):
    """429: too many requests (the client already retried as ``Retry-After`` said)."""


class Unavailable(FolioProblem):
    """503: Folio could not answer now (the client already retried)."""


BY_STATUS: dict[int, type[FolioProblem]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    422: InvalidRequest,
    429: RateLimited,
    503: Unavailable,
}


def problem_from(response: httpx.Response) -> FolioProblem:
    """The problem of an error answer; one that is not problem+json (a proxy's page) becomes
    a problem of its status with the start of its text as detail."""
    try:
        document: Any = json.loads(response.content)
        problem = Problem.model_validate(document)
    except ValueError:
        problem = Problem(
            type="about:blank",
            title=response.reason_phrase or "Error",
            status=response.status_code,
            detail=response.text[:500],
            instance=response.request.url.path,
        )
    return BY_STATUS.get(response.status_code, FolioProblem)(problem, response)


__all__ = [
    "Conflict",
    "FolioError",
    "FolioProblem",
    "InvalidRequest",
    "NotFound",
    "PreconditionFailed",
    "RateLimited",
    "Unauthorized",
    "Unavailable",
]
