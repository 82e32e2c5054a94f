"""``/graphql``: queries by POST (never cached) and by GET, where a persisted query's hash
makes a short URL; an anonymous GET's answer is public, with ETag and the surrogate keys of
everything it read, so the response cache, Varnish and the purger treat it as a REST answer.
A browser that asks for the page gets GraphiQL, served from this server."""

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

import orjson
import strawberry
import structlog
from fastapi import APIRouter, Body
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.extensions import DisableIntrospection
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from api.auth.dependencies import Read, Reading
from api.core.config import get_settings
from api.graphql import graphiql, limits, persisted
from api.graphql.schema import CONFIG, Context, lists, query_type
from api.web.http import PRIVATE_CACHE, NoQueryDep, represent

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)
PATH = "/graphql"
PARAMETERS = {"query", "variables", "operationName", "extensions"}
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


class _Schema(strawberry.Schema):
    """Strawberry's schema, with its errors logged only when they are Folio's bugs (a refusal
    is the client's to read, not the log's)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            if _unexpected(error):
                log.error("graphql_error", exc_info=error.original_error)


@cache
def _schema(introspection: bool, depth: int, aliases: int) -> _Schema:
    # Made again only when a setting it is built from changes (the tests change them).
    del depth, aliases  # read by ``limits.extensions`` from the settings, which gave them
    return _Schema(
        query=query_type(),
        config=CONFIG,
        extensions=[
            *limits.extensions(lists()),
            *([] if introspection else [DisableIntrospection]),
        ],
    )


def schema() -> _Schema:
    """The schema as the settings configure it now."""
    settings = get_settings()
    return _schema(
        settings.graphql_introspection, settings.graphql_max_depth, settings.graphql_max_aliases
    )


def _unexpected(error: GraphQLError) -> bool:
    """An error no resolver meant: a bug, shown as such (500), its text never sent."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class Refused(Exception):
    """A request that is not a GraphQL request Folio can run, with its status."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def _errors(status: int, *errors: tuple[str, str]) -> Response:
    body = {"errors": [{"message": m, "extensions": {"code": c}} for m, c in errors]}
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": PRIVATE_CACHE},
    )


def _object(value: Any, name: str) -> dict[str, Any] | None:
    """A JSON object parameter (given as text in a GET's query string), or None."""
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            raise Refused(400, f"{name} is not JSON.", "BAD_REQUEST") from None
    if value is not None and not isinstance(value, dict):
        raise Refused(400, f"{name} must be a JSON object.", "BAD_REQUEST")
    return value


def _query(read: Reading, query: Any, extensions: dict[str, Any] | None) -> tuple[str, str | None]:
    """The query to run, and the hash to keep it under once it is valid (a persisted query
    sent whole), or refused."""
    if query is not None and not isinstance(query, str):
        raise Refused(400, "query must be a string.", "BAD_REQUEST")
    limit = get_settings().graphql_max_query_bytes
    if query is not None and len(query.encode()) > limit:
        raise Refused(
            413,
            f"The query is longer than {limit} bytes (FOLIO_GRAPHQL_MAX_QUERY_BYTES).",
            "QUERY_TOO_LARGE",
        )
    asked = (extensions or {}).get("persistedQuery")
    if asked is None:
        if not query:
            raise Refused(400, "Send a query (or a persisted query's hash).", "BAD_REQUEST")
        return query, None
    sha256 = asked.get("sha256Hash") if isinstance(asked, dict) else None
    if not isinstance(asked, dict) or asked.get("version") != 1 or not isinstance(sha256, str):
        raise Refused(400, "persistedQuery: version 1 and a sha256Hash.", "BAD_REQUEST")
    if not persisted.SHA256.fullmatch(sha256):
        raise Refused(400, "sha256Hash: 64 lower-case hexadecimal digits.", "BAD_REQUEST")
    if query is None:
        kept = persisted.find(read.session, sha256)
        if kept is None:
            raise Refused(200, "PersistedQueryNotFound", NOT_FOUND)
        return kept, None
    if persisted.digest(query) != sha256:
        raise Refused(400, "The sha256Hash is not the query's.", "PERSISTED_QUERY_HASH_MISMATCH")
    return query, sha256


def answer(read: Reading, given: Mapping[str, Any], *, cacheable: bool) -> Response:
    """Runs one GraphQL request (``given``: its query, variables, operationName and
    extensions, from a GET's query string or a POST's body) and answers it: 200 once it ran,
    400 (or 413) when it was refused before, 500 for a bug; public (cacheable) only for an
    anonymous GET that read only public content and met no error."""
    unknown = sorted(set(given) - PARAMETERS)
    if unknown:
        return _errors(400, (f"Unknown parameter {unknown[0]!r}.", "BAD_REQUEST"))
    operation_name = given.get("operationName")
    try:
        text, keep = _query(
            read, given.get("query"), _object(given.get("extensions"), "extensions")
        )
        values = _object(given.get("variables"), "variables")
        if operation_name is not None and not isinstance(operation_name, str):
            raise Refused(400, "operationName must be a string.", "BAD_REQUEST")
    except Refused as refused:
        return _errors(refused.status, (refused.message, refused.code))
    context = Context(read.session, read.preview, read.accept_language)
    try:
        result = schema().execute_sync(
            text,
            variable_values=values,
            context_value=context,
            operation_name=operation_name,
            allowed_operation_types={OperationType.QUERY},
        )
    except InvalidOperationTypeError as exc:
        message = f"Only queries: {exc.operation_type.value}s are not Folio's (writes are REST's)."
        return _errors(400, (message, "BAD_REQUEST"))
    errors = list(result.errors or [])
    ran = result.data is not None or any(e.path is not None for e in errors)
    status = 200 if ran else 400
    if any(_unexpected(e) for e in errors):
        status = 500
    body: dict[str, Any] = {}
    if errors:
        body["errors"] = [
            {"message": "Internal error.", "path": e.path} if _unexpected(e) else e.formatted
            for e in errors
        ]
    if ran:
        body["data"] = result.data
    if keep is not None and ran:
        persisted.keep(read.session, keep, text)
    public = (
        cacheable and status == 200 and not errors and not read.preview and not context.previewed
    )
    return represent(read.request, body, public=public, status_code=status)


@router.get(
    f"{PATH}/schema.graphql",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
def graphql_sdl(request: Request, _: NoQueryDep) -> Response:
    """The schema in SDL, for code generators (``schema.graphql`` in the repository)."""
    return represent(request, sdl().encode(), media_type="text/plain; charset=utf-8")


def sdl() -> str:
    """The schema as the settings configure it, in SDL, ending with a new line."""
    return schema().as_str() + "\n"


@router.get(PATH, responses={200: {"content": {"text/html": {}}}})
def graphql_get(read: Read) -> Response:
    """A query by GET (its text, or a persisted query's hash), or GraphiQL for a browser."""
    params = read.request.query_params
    if not params and graphiql.wanted(read.request):
        return HTMLResponse(
            graphiql.page(PATH),
            headers={"Cache-Control": "no-cache", "Content-Security-Policy": graphiql.POLICY},
        )
    repeated = [name for name in PARAMETERS if len(params.getlist(name)) > 1]
    if repeated:
        return _errors(400, (f"{repeated[0]} is given more than once.", "BAD_REQUEST"))
    return answer(read, params, cacheable=True)


@router.post(PATH)
def graphql_post(read: Read, payload: Annotated[Any, Body()]) -> Response:
    """A query by POST (``application/json``): never cached."""
    if not isinstance(payload, dict):
        return _errors(400, ("The body must be a JSON object.", "BAD_REQUEST"))
    return answer(read, payload, cacheable=False)
