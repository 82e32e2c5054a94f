"""Folio's error tree and the one place that turns errors into RFC 9457 problem+json."""

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar, Self, get_args

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.core.bounds import UNAVAILABLE

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger(__name__)


class FolioError(Exception):
    """Raised by services; carries everything a problem document needs."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init_subclass__(
        cls, *, status: int | None = None, code: str | None = None, title: str | None = None
    ) -> None:
        """A kind of problem says what sets it apart in its class line:
        ``class Conflict(FolioError, status=409, code="conflict", title="Conflict")``."""
        super().__init_subclass__()
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code
        if title is not None:
            cls.title = title

    def __init__(self, detail: str, *, errors: Sequence[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.headers: dict[str, str] = {}
        # Members the problem document carries besides the standard ones (RFC 9457 §3.2).
        self.extensions: dict[str, Any] = {}

    @classmethod
    def at(cls, loc: Sequence[str | int], message: str) -> Self:
        """One thing wrong, at ``loc`` (body, query, path or header, then names and
        positions)."""
        return cls.listing([{"loc": list(loc), "msg": message}])

    @classmethod
    def listing(cls, errors: Sequence[dict[str, Any]]) -> Self:
        """Several things wrong; the detail says each where it is."""
        errors = [{**e, "loc": [str(p) for p in e["loc"]]} for e in errors]
        return cls("; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors), errors=errors)


class NotFound(FolioError, status=404, code="not-found", title="Not found"):
    pass


def _not_found(title: str) -> type[NotFound]:
    """The not-found problem of one sort of thing: its own title, and its own class to raise
    and to name in a route's documented answers."""
    name = title.title().replace(" ", "").replace("Api", "")
    return type(name, (NotFound,), {"title": title, "__module__": __name__})


ArticleNotFound = _not_found("Article not found")
RoleNotFound = _not_found("Role not found")
ComparisonNotFound = _not_found("Comparison not found")
AuthorNotFound = _not_found("Author not found")
TagNotFound = _not_found("Tag not found")
AssetNotFound = _not_found("Asset not found")
RowNotFound = _not_found("Row not found")
KeyNotFound = _not_found("API key not found")
PreviewLinkNotFound = _not_found("Preview link not found")
RevisionNotFound = _not_found("Revision not found")
UserNotFound = _not_found("User not found")


class PreviewNotValid(
    FolioError, status=403, code="preview-not-valid", title="Preview link not valid"
):
    """A ``preview`` token that is unknown, revoked or expired (which, it does not say)."""


class Unauthorized(FolioError, status=401, code="unauthorized", title="Unauthorized"):
    def __init__(self, detail: str, *, token_sent: bool = True) -> None:
        super().__init__(detail)
        # RFC 6750 §3: no error code when the request carried no token at all.
        error = ', error="invalid_token"' if token_sent else ""
        self.headers["WWW-Authenticate"] = f'Bearer realm="folio"{error}'


class Forbidden(FolioError, status=403, code="forbidden", title="Forbidden"):
    pass


class Retryable(FolioError):
    """A refusal that says when to ask again (``Retry-After``, in seconds)."""

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.headers["Retry-After"] = str(retry_after)


class TooManyRequests(Retryable, status=429, code="too-many-requests", title="Too many requests"):
    pass


class StreamsFull(Retryable, status=503, code="streams-full", title="Too many streams"):
    """This process serves as many change streams as it may: ask again (another node may
    take the stream at once)."""


class Conflict(FolioError, status=409, code="conflict", title="Conflict"):
    pass


class LinkNotValid(FolioError, status=400, code="link-not-valid", title="Link not valid"):
    """An invitation or reset link that is unknown, used, revoked or expired (which, it does
    not say)."""


class SlugTaken(Conflict, code="slug-taken", title="Slug taken"):
    def __init__(self, collection: str, slug: str) -> None:
        which = f"The slug {slug!r}" if slug else "That slug"
        super().__init__(
            f"{which} is already used in {collection}, now or before.",
            errors=[{"loc": ["body", "slug"], "msg": "slug taken"}],
        )


class StillReferenced(Conflict, code="still-referenced", title="Still referenced"):
    pass


class StalePrecondition(
    FolioError, status=412, code="stale-precondition", title="Precondition failed"
):
    pass


class PreconditionRequired(
    FolioError, status=428, code="precondition-required", title="Precondition required"
):
    pass


class UnsupportedMediaType(
    FolioError, status=415, code="unsupported-media-type", title="Unsupported media type"
):
    pass


class InvalidBody(FolioError, status=422, code="invalid-body", title="Invalid request body"):
    @classmethod
    def from_validation(
        cls,
        exc: ValidationError,
        *,
        prefix: Sequence[str] = ("body",),
        model: type[BaseModel] | None = None,
    ) -> Self:
        """The errors of validating a body into ``model``; a field it does not have is named
        with the closest one it has, and the list of them."""
        return cls.listing(
            [
                {
                    "loc": [*prefix, *e["loc"]],
                    "msg": unknown_name(str(e["loc"][0]), model.model_fields, "field")
                    if model is not None and e["type"] == "extra_forbidden" and len(e["loc"]) == 1
                    else e["msg"],
                }
                for e in exc.errors()
            ]
        )

    def moved(self, inside: Sequence[str | int], to: Sequence[str | int]) -> "InvalidBody":
        """The same error, where the client put it: a route that changes part of a document
        (a row, a cell) validates the whole, so an error at ``inside`` (the part's place in
        the document: body.rows.3) is reported at ``to`` (where the client sent it: body), and
        one at the part itself (the cell of a role that is not a subject) at ``to`` too."""
        prefix = [str(p) for p in inside]
        errors = []
        for error in self.errors or []:
            loc = [str(p) for p in error["loc"]]
            if loc[: len(prefix)] == prefix:
                loc = [*(str(p) for p in to), *loc[len(prefix) :]]
            errors.append({**error, "loc": loc})
        return self if errors == list(self.errors or []) else InvalidBody.listing(errors)

    @classmethod
    def in_markdown(cls, line: int, message: str) -> Self:
        """Markdown in ``body_markdown`` the body cannot hold: the error names its ``line``."""
        error = {"loc": ["body", "body_markdown"], "msg": message, "line": line}
        return cls(f"body.body_markdown: line {line}: {message}", errors=[error])

    @property
    def markdown_line(self) -> int | None:
        """The line of ``body_markdown`` the error is about, if it is about one."""
        line = (self.errors or [{}])[0].get("line")
        return line if isinstance(line, int) else None


class IdempotencyKeyReused(
    FolioError, status=422, code="idempotency-key-reused", title="Idempotency key reused"
):
    pass


class Moved(FolioError, status=301, code="moved", title="Moved permanently"):
    """A resource found by an old slug: answered with 301 to its current URL."""

    def __init__(self, collection: str, old: str, new: str) -> None:
        super().__init__(f"{collection} {old!r} is now {new!r}.")
        self.collection = collection
        self.old = old
        self.new = new


class InvalidRequest(FolioError, status=422, code="invalid-request", title="Invalid request"):
    """What FastAPI's validation and the request guard refuse, before a route runs."""


class InvalidParameter(FolioError, status=422, code="invalid-parameter", title="Invalid parameter"):
    def __init__(self, name: str, message: str, *, where: str = "query") -> None:
        super().__init__(f"{name}: {message}", errors=[{"loc": [where, name], "msg": message}])


class NoRenditions(InvalidParameter, code="no-renditions", title="No renditions of this file"):
    """A rendition asked of a file that is not a raster image: what the file is decides."""


class NotAcceptable(FolioError, status=406, code="not-acceptable", title="Not acceptable"):
    pass


class SeedError(FolioError, status=422, code="invalid-seed", title="Invalid seed document"):
    """A seed document that does not follow the page layout; names the line at fault."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line


class WebhookNotFound(NotFound, title="Webhook not found"):
    pass


class SecretKeyMissing(
    FolioError, status=503, code="secret-key-missing", title="Secret key missing"
):
    pass


class ImportFailed(FolioError, status=422, code="import-failed", title="Import failed"):
    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(
            f"{source}:{line}: {reason}", errors=[{"loc": ["body", str(line)], "msg": reason}]
        )
        self.line = line


class NotEmpty(FolioError, status=409, code="not-empty", title="Database not empty"):
    pass


class ProblemError(BaseModel):
    """One thing wrong with the request: where (``loc``: body, query, path or header, then
    the field names and list positions) and what."""

    loc: list[str | int] = Field(examples=[["body", "title"]])
    msg: str = Field(examples=["String should have at least 1 character"])


class Problem(BaseModel):
    """Every error: RFC 9457 problem details, as ``application/problem+json``."""

    type: str = Field(
        description="`urn:folio:problem:{code}`, one per kind of error (`about:blank` for"
        " errors of HTTP itself).",
        examples=["urn:folio:problem:not-found"],
    )
    title: str = Field(examples=["Article not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No article with id or slug 'nope'."])
    instance: str = Field(description="The request's path.", examples=["/v1/articles/nope"])
    errors: list[ProblemError] | None = Field(
        default=None, description="Each invalid field, for 422 (and 400 where it can say)."
    )
    operation: int | None = Field(
        default=None,
        description="`POST /v1/batch` only: the index of the operation that failed (nothing"
        " of the batch was written).",
    )


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str,
    type_: str = "about:blank",
    errors: Sequence[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        **(extensions or {}),
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
    if isinstance(exc, Moved):
        path = request.url.path.replace(
            f"/{exc.collection}/{exc.old}", f"/{exc.collection}/{exc.new}", 1
        )
        query = request.url.query
        return Response(
            status_code=301,
            headers={
                "Location": path + ("?" + query if query else ""),
                "Cache-Control": "no-store",
            },
        )
    return problem_of(exc, instance=request.url.path)


def problem_of(exc: FolioError, *, instance: str) -> Response:
    """The problem+json answer of an error (its status, title, type, detail, errors)."""
    return problem_response(
        exc.status,
        exc.title,
        exc.detail,
        instance=instance,
        type_=f"urn:folio:problem:{exc.code}",
        errors=exc.errors,
        headers=exc.headers or None,
        extensions=exc.extensions,
    )


@dataclass(frozen=True)
class Operation:
    """What a route's operation takes and answers with, as its OpenAPI document says (a test
    holds the two equal for every route): its query parameters and the top-level fields of
    its JSON body (each name with its description), and the media types of its 2xx answers."""

    query: dict[str, str]
    body: dict[str, str]
    offers: tuple[str, ...]


def operation_of(request: Request) -> Operation | None:
    """The operation of the route a request went to, read from the route itself when first
    asked for and kept per app: the whole OpenAPI document, for the one route, cost a new
    process more than a second on its first refusal or its first ``Accept`` header."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return None
    index: dict[int, Operation] | None = getattr(request.app.state, "operations", None)
    if index is None:
        index = request.app.state.operations = {}
    if id(route) not in index:  # the app holds its routes: an id stays theirs
        index[id(route)] = route_operation(route)
    return index[id(route)]


def route_operation(route: APIRoute) -> Operation:
    body = route.body_field
    body_model = _model_in(body.field_info.annotation) if body is not None else None
    return Operation(
        query=_query_of(route.dependant),
        body=_described(body_model) if body_model is not None else {},
        offers=_offers(route),
    )


def _offers(route: APIRoute) -> tuple[str, ...]:
    """The media types of a route's 2xx answers: its response class's (for its status, when
    that has a body), those its ``responses`` declare, and its ``openapi_extra``'s, as FastAPI
    writes them into the document."""
    response_class = route.response_class
    if isinstance(response_class, DefaultPlaceholder):
        response_class = response_class.value
    offers: dict[str, None] = {}
    status = route.status_code or 200
    if response_class.media_type and status not in (204, 304):
        offers[response_class.media_type] = None
    extra = (route.openapi_extra or {}).get("responses", {})
    for declared in (route.responses, extra):
        for code, response in declared.items():
            if str(code).startswith("2"):
                offers.update(dict.fromkeys(response.get("content", {})))
    return tuple(offers)


def _query_of(dependant: Dependant) -> dict[str, str]:
    """The query parameters of a route's dependencies and its own, a model's fields
    included (``Annotated[ArticleQuery, Query()]``)."""
    found: dict[str, str] = {}
    for dependency in dependant.dependencies:
        found.update(_query_of(dependency))
    for field in dependant.query_params:
        model = _model_in(field.field_info.annotation)
        if model is not None:
            found.update(_described(model))
        else:
            found[field.alias] = field.field_info.description or ""
    return found


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation is, or holds (``Model | None``)."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _described(model: type[BaseModel]) -> dict[str, str]:
    return {
        field.alias or name: field.description or "" for name, field in model.model_fields.items()
    }


def unknown_name(name: str, known: Iterable[str], what: str) -> str:
    """What to say of a parameter or field that does not exist: the closest that does, and
    all of them."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    return (
        f"no such {what}"
        + (f"; did you mean {close[0]!r}?" if close else ".")
        + f" There are: {', '.join(known)}"
    )


def _explained(request: Request, error: dict[str, Any]) -> dict[str, Any]:
    """One validation error, its message said so that the client knows what to send instead:
    an unknown parameter or field names the ones there are (and the closest); a value that
    does not match a parameter's pattern says what the parameter takes, not the pattern."""
    loc = [str(part) for part in error["loc"]]
    message = error["msg"]
    operation = operation_of(request) if len(loc) == 2 and loc[0] in ("query", "body") else None
    if operation is not None:
        takes = operation.query if loc[0] == "query" else operation.body
        what = "parameter" if loc[0] == "query" else "field"
        if error["type"] == "extra_forbidden" and takes:
            message = unknown_name(loc[1], takes, what)
        elif error["type"] == "string_pattern_mismatch" and takes.get(loc[1]):
            message = f"not what {loc[1]!r} takes: {takes[loc[1]]}"
    return {"loc": loc, "msg": message}


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    invalid = InvalidRequest.listing([_explained(request, error) for error in exc.errors()])
    return problem_of(invalid, instance=request.url.path)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:  # Starlette names one route's methods; the path may have more
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    return problem_response(
        exc.status_code, phrase, detail, instance=request.url.path, headers=headers or None
    )


RETRY_AFTER_SECONDS = 5


def _database_unavailable(request: Request, exc: Exception) -> Response:
    """The database is down, unreachable or out of connections: 503, worth a retry. Handled
    here (not as a 500) so the connection to the client stays open for that retry."""
    log.warning("database_unavailable", path=request.url.path, error=str(exc)[:300])
    return problem_response(
        503,
        "Service unavailable",
        "The database cannot be reached just now; retry shortly.",
        instance=request.url.path,
        type_="urn:folio:problem:database-unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
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
    for unavailable in UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods some route answers on ``path`` (HEAD wherever GET): a 405's ``Allow``."""
    table: list[tuple[re.Pattern[str], list[str]]] | None = getattr(
        app.state, "allowed_methods", None
    )
    if table is None:
        table = [
            (
                re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"),
                [m.upper() for m in item if m in _METHODS],
            )
            for template, item in app.openapi().get("paths", {}).items()
        ]
        app.state.allowed_methods = table
    methods = {method for pattern, found in table if pattern.match(path) for method in found}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# The problems routes share, to document them alike (``problem_responses``).
AUTH_ERRORS: tuple[type[FolioError], ...] = (Unauthorized, Forbidden)
WRITE_ERRORS: tuple[type[FolioError], ...] = (
    *AUTH_ERRORS,
    InvalidBody,
    UnsupportedMediaType,
    StalePrecondition,
    PreconditionRequired,
    SlugTaken,
)


def problem_responses(*errors: type[FolioError]) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` mapping that documents a route's problems in OpenAPI."""
    documented: dict[int | str, dict[str, Any]] = {
        422: {"description": "Invalid request", "content": {PROBLEM_JSON: {}}}
    }
    for error in errors:
        documented[error.status] = {"description": error.title, "content": {PROBLEM_JSON: {}}}
    return documented
