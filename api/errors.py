"""Folio's error tree and the one place that turns errors into RFC 9457 problem+json."""

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, ClassVar

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger(__name__)


class FolioError(Exception):
    """Raised by services; carries everything a problem document needs."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, errors: Sequence[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors else None


class NotFound(FolioError):
    status = 404
    code = "not-found"
    title = "Not found"


class ArticleNotFound(NotFound):
    title = "Article not found"


class RoleNotFound(NotFound):
    title = "Role not found"


class ComparisonNotFound(NotFound):
    title = "Comparison not found"


class InvalidParameter(FolioError):
    status = 422
    code = "invalid-parameter"
    title = "Invalid parameter"

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}", errors=[{"loc": ["query", name], "msg": message}])


class NotAcceptable(FolioError):
    status = 406
    code = "not-acceptable"
    title = "Not acceptable"


class SeedError(FolioError):
    """A seed document that does not follow the page layout; names the line at fault."""

    status = 422
    code = "invalid-seed"
    title = "Invalid seed document"

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str,
    type_: str = "about:blank",
    errors: Sequence[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = list(errors)
    return Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _folio_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FolioError)
    return problem_response(
        exc.status,
        exc.title,
        exc.detail,
        instance=request.url.path,
        type_=f"urn:folio:problem:{exc.code}",
        errors=exc.errors,
    )


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"]} for error in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
    return problem_response(
        422,
        "Invalid request",
        detail,
        instance=request.url.path,
        type_="urn:folio:problem:invalid-request",
        errors=errors,
    )


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    return problem_response(
        exc.status_code,
        phrase,
        detail,
        instance=request.url.path,
        headers=dict(exc.headers) if exc.headers else None,
    )


def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled_error", path=request.url.path, exc_info=exc)
    return problem_response(
        500, "Internal server error", "An unexpected error occurred.", instance=request.url.path
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(FolioError, _folio_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*errors: type[FolioError]) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` mapping that documents a route's problems in OpenAPI."""
    documented: dict[int | str, dict[str, Any]] = {
        422: {"description": "Invalid request", "content": {PROBLEM_JSON: {}}}
    }
    for error in errors:
        documented[error.status] = {"description": error.title, "content": {PROBLEM_JSON: {}}}
    return documented
