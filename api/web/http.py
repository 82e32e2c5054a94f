"""HTTP representation details shared by every route: ETags, conditional GETs, Cache-Control."""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from itertools import accumulate
from typing import Annotated, Any
from urllib.parse import quote

import anyio
import orjson
from fastapi import Header, Path, Query, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core import locales
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import (
    FolioError,
    ImportFailed,
    InvalidRequest,
    NotAcceptable,
    operation_of,
    problem_of,
    problem_response,
)
from api.core.slugs import SLUG_MAX
from api.core.urls import api_url
from api.web.pagination import Page, envelope

PRIVATE_CACHE = "private, no-store"
VARY = "Accept, Authorization"


def vary() -> str:
    """What a cacheable answer varies by: Accept-Language too once there are locales."""
    return VARY + ", Accept-Language" if locales.several() else VARY


JSON = "application/json"
CSV = "text/csv; charset=utf-8; header=present"
MARKDOWN = "text/markdown; charset=utf-8"


def public_cache_control() -> str:
    return f"public, max-age={get_settings().cache_max_age}, stale-while-revalidate=300"


def content_disposition(kind: str, filename: str) -> str:
    """A Content-Disposition header for ``filename`` whatever it holds (RFC 6266): an ASCII
    ``filename`` every client reads (other characters, quotes, backslashes and controls
    as ``_``), and, when it differs, the exact name as UTF-8 in ``filename*`` (RFC 8187).
    Written here because Starlette does this only inside FileResponse, for files on disk."""
    plain = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in filename)
    header = f'{kind}; filename="{plain}"'
    if plain != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def make_etag(body: bytes) -> str:
    # A strong validator: the same bytes always give the same tag, on every process and node.
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(if_none_match: str, etag: str | bytes) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a W/ prefix is ignored."""
    tag = etag.decode("latin-1") if isinstance(etag, bytes) else etag
    tag = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def encode(payload: object, *, fields: frozenset[str] | None = None) -> bytes:
    """Response bytes: models through pydantic, plain data through orjson; with ``fields``,
    only those fields of the object (or of each item of a list envelope)."""
    if isinstance(payload, bytes):
        return payload
    if fields is None:
        if isinstance(payload, BaseModel):
            return payload.model_dump_json().encode()
        return orjson.dumps(payload)
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = {**data, "data": [_only(item, fields) for item in data["data"]]}
    elif isinstance(data, dict):
        data = _only(data, fields)
    return orjson.dumps(data)


def _only(item: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name in fields}


LAST_MODIFIED = "folio_last_modified"  # request state: when the content last changed
SURROGATE_KEYS = "folio_surrogate_keys"  # request state: the keys of what the response shows
SURROGATE_KEY = b"surrogate-key"
MAX_KEYS = 64  # beyond this, a collection's key stands for its members' keys


def surrogate_header(keys: set[str]) -> str:
    """The ``Surrogate-Key`` value: space-separated, sorted; when there are many, each kind
    with more than a few members is named by its collection (``article:3 article:4`` becomes
    ``articles``, which every write to an article names too), so the header stays small."""
    if len(keys) > MAX_KEYS:
        kinds: dict[str, int] = {}
        for key in keys:
            kind, colon, _ = key.partition(":")
            if colon:
                kinds[kind] = kinds.get(kind, 0) + 1
        crowded = {kind for kind, count in kinds.items() if count > 4}
        keys = {
            f"{key.partition(':')[0]}s" if key.partition(":")[0] in crowded else key for key in keys
        }
    return " ".join(sorted(keys))


def not_modified(
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str,
    last_modified: str | None,
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when sent; If-Modified-Since only without it."""
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    if if_modified_since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparseable date is ignored, as the RFC says


def _last_modified(request: Request) -> str | None:
    """The Last-Modified of the content as a whole, when it is at least a second old (a
    younger one could hide a change within the same second)."""
    changed: datetime | None = request.scope.get("state", {}).get(LAST_MODIFIED)
    if changed is None or changed > clock.now() - timedelta(seconds=1):
        return None
    return format_datetime(changed.astimezone(UTC), usegmt=True)


def represent(
    request: Request,
    payload: object,
    *,
    media_type: str = JSON,
    public: bool = True,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    fields: frozenset[str] | None = None,
) -> Response:
    """The response for a rendered body: validators, caching headers, and 304 when it matches."""
    body = encode(payload, fields=fields)
    etag = make_etag(body)
    all_headers = {
        "ETag": etag,
        "Cache-Control": public_cache_control() if public else PRIVATE_CACHE,
        "Vary": vary(),
    }
    last_modified = _last_modified(request) if status_code == 200 else None
    if last_modified is not None:
        all_headers["Last-Modified"] = last_modified
    if public:
        all_headers.update(surrogate_headers(request))
    if headers:
        all_headers.update(headers)
    if status_code == 200 and not_modified(
        request.headers.get("if-none-match"),
        request.headers.get("if-modified-since"),
        etag,
        last_modified,
    ):
        return Response(status_code=304, headers=all_headers)
    return Response(body, status_code=status_code, media_type=media_type, headers=all_headers)


def surrogate_headers(request: Request) -> dict[str, str]:
    """``Surrogate-Key`` and ``Cache-Tag``: what a public answer depends on, for the caches in
    front to purge it by (the keys the request's reads collected)."""
    keys = request.scope.get("state", {}).get(SURROGATE_KEYS)
    if not keys:
        return {}
    header = surrogate_header(keys)
    return {"Surrogate-Key": header, "Cache-Tag": header}


def public_headers(
    body: bytes, *, media_type: str, keys: set[str], language: str | None = None
) -> list[tuple[bytes, bytes]]:
    """The headers ``represent`` gives a public 200 of ``body`` outside a request (for
    representations rendered ahead of it): the same names, in the same order."""
    header = surrogate_header(keys)
    headers = {
        "ETag": make_etag(body),
        "Cache-Control": public_cache_control(),
        "Vary": vary(),
        "Surrogate-Key": header,
        "Cache-Tag": header,
    }
    if language is not None:
        headers["Content-Language"] = language
    return list(Response(body, media_type=media_type, headers=headers).raw_headers)


def created(request: Request, payload: object, *, location: str) -> Response:
    """201 Created with the new resource and its absolute URL in ``Location``."""
    return represent(
        request, payload, public=False, status_code=201, headers={"Location": api_url(location)}
    )


def no_content() -> Response:
    return Response(status_code=204, headers={"Cache-Control": PRIVATE_CACHE})


def negotiate(request: Request, requested: str | None, offered: dict[str, str]) -> str:
    """The format to answer in: ``?format=`` first, then the best match of ``Accept``.

    ``offered`` maps format names to media types; its first entry is the default.
    """
    if requested is not None:
        return requested
    accept = request.headers.get("accept")
    default = next(iter(offered))
    if not accept:
        return default
    best, best_q = None, 0.0
    for position, item in enumerate(accept.split(",")[:32]):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        for name, offered_type in offered.items():
            base = offered_type.split(";")[0]
            kind = base.split("/")[0]
            if media in (base, kind + "/*", "*/*") or (
                base.endswith("/*") and media.split("/")[0] == kind  # an image/* route
            ):
                # Exact types beat wildcards at equal q; earlier offers break the tie.
                rank = q + (0.0001 if media == base else 0.0) - position * 1e-7
                if q > 0 and rank > best_q:
                    best, best_q = name, rank
                break
    if best is None:
        raise NotAcceptable(
            f"Cannot answer in {accept!r}; available: {', '.join(offered.values())}."
        )
    return best


def acceptable(request: Request) -> None:
    """406 before a route does anything (a write included) when ``Accept`` admits none of the
    media types its operation answers with in the OpenAPI document: one list serves the check
    and the clients generated from it. ``?format=`` overrides ``Accept``, as ``negotiate``
    has it."""
    accept = request.headers.get("accept")
    if not accept or accept == "*/*" or "format" in request.query_params:
        return
    operation = operation_of(request)
    if operation is not None and operation.offers:
        negotiate(request, None, {media_type: media_type for media_type in operation.offers})


def represent_page(
    request: Request,
    page: Page[Any],
    params: BaseModel,
    *,
    public: bool = True,
    fields: frozenset[str] | None = None,
) -> Response:
    """A list response: the ``{data, meta, links}`` envelope and its ``Link`` header."""
    query = params.model_dump(mode="json", by_alias=True)
    body, link = envelope(page, path=request.url.path, query=query)
    headers = {"Link": link} if link else None
    return represent(request, body, public=public, headers=headers, fields=fields)


class NoQuery(BaseModel):
    """The query of a route that takes no parameters: any parameter is an error (422)."""

    model_config = ConfigDict(extra="forbid")


NoQueryDep = Annotated[NoQuery, Query()]

Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]
IfMatch = Annotated[
    str | None,
    Header(
        max_length=512,
        description="The ETag of the version being changed; 412 when it is no longer current.",
    ),
]
AcceptLanguage = Annotated[
    str | None,
    Header(
        description=(
            "The languages the reader prefers (RFC 9110 §12.5.4): the best match among the"
            " site's locales is served when `locale` is not given, else the default."
        ),
        examples=["de-CH, de;q=0.9, en;q=0.5"],
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        description="Retrying with the same key and body returns the first answer.",
    ),
]


class HeadMiddleware:
    """Answers HEAD like GET without the body (RFC 9110 §9.3.2), for every GET route.

    Routes are declared for GET only, so OpenAPI lists one operation each.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


WRITE_METHODS = {"POST", "PUT", "PATCH"}
IMPORT_PATH = "/v1/import"  # takes NDJSON and Markdown, and larger bodies
ASSETS_PATH = "/v1/assets"  # takes files, up to FOLIO_MAX_ASSET_BYTES
MERGE_PATCH = "application/merge-patch+json"


STUDIO_PATH = "/studio/"
# The media library's uploads and replacements: files, as /v1/assets takes them.
STUDIO_UPLOADS = re.compile(r"/studio/media(/[0-9]{1,18}/replace)?")
FORM = "application/x-www-form-urlencoded"
MULTIPART = b"multipart/form-data"


class RequestGuardMiddleware:
    """Guards every request before routing, with problem+json answers: 415 for a write whose
    body is not JSON (PATCH also takes ``application/merge-patch+json``; the studio's pages
    take forms); 413 for a body over
    ``max_bytes``, counted as it arrives when no Content-Length announces it; 408 for one that
    takes longer than ``body_timeout`` seconds to arrive; 422 for a NUL
    character in the query or the body, which no text column of PostgreSQL can hold.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_import_bytes: int,
        max_asset_bytes: int,
        body_timeout: float,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_import_bytes = max_import_bytes
        self.max_asset_bytes = max_asset_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope["query_string"] or b"\x00" in scope["query_string"]:
            await _nul_problem(scope, "query")(scope, receive, send)
            return
        if scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        length = headers.get(b"content-length")
        has_body = (length is not None and length != b"0") or b"transfer-encoding" in headers
        allowed = {JSON.encode()}
        if scope["method"] == "PATCH":
            allowed.add(MERGE_PATCH.encode())
        limit = self.max_bytes
        if scope["path"].startswith(STUDIO_PATH):  # the studio's forms
            allowed = {FORM.encode()}
        if content_type == MULTIPART and STUDIO_UPLOADS.fullmatch(scope["path"]):
            allowed, limit = {MULTIPART}, self.max_asset_bytes
        if scope["path"] == IMPORT_PATH:
            allowed |= {b"application/x-ndjson", b"text/markdown", b"application/x-tar"}
            limit = self.max_import_bytes
        binary = (scope["path"] == ASSETS_PATH and scope["method"] == "POST") or (
            scope["path"] == IMPORT_PATH and content_type == b"application/x-tar"
        )
        if binary and scope["path"] == ASSETS_PATH:  # any bytes (what they are is read from them)
            limit = self.max_asset_bytes
        elif has_body and content_type not in allowed:
            accepted = " or ".join(sorted(a.decode() for a in allowed))
            problem = problem_response(
                415,
                "Unsupported media type",
                f"Send the body as {accepted}.",
                instance=scope["path"],
                type_="urn:folio:problem:unsupported-media-type",
                headers={"Accept-Patch": MERGE_PATCH} if scope["method"] == "PATCH" else None,
            )
            await problem(scope, receive, send)
            return
        if length is not None and length.isdigit() and int(length) > limit:
            await self._too_large(scope, limit)(scope, receive, send)
            return
        # The body is read here, whole (it is bounded), so its problems are answered before
        # any route starts on it.
        chunks: list[bytes] = []
        received = 0
        more = True
        with anyio.move_on_after(self.body_timeout) as deadline:
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    await self._too_large(scope, limit)(scope, receive, send)
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
        if deadline.cancelled_caught:
            problem = problem_response(
                408,
                "Request timeout",
                f"The body did not arrive within {self.body_timeout:g} seconds.",
                instance=scope["path"],
                type_="urn:folio:problem:request-timeout",
                headers={"Connection": "close"},
            )
            await problem(scope, receive, send)
            return
        body = b"".join(chunks)
        if binary:
            await self.app(scope, _replay(body, receive), send)
            return
        # JSON can only spell NUL as \u0000, a form as %00.
        if b"\\u0000" in body or (content_type == FORM.encode() and b"%00" in body):
            await _nul_problem(scope, "body")(scope, receive, send)
            return
        refused: FolioError | None = None
        if content_type in (JSON.encode(), MERGE_PATCH.encode()):
            fault = json_fault(body)
            refused = InvalidRequest.at(fault[1], fault[0]) if fault else None
        elif content_type == b"application/x-ndjson":  # an import: each line a document
            faults = ((n, json_fault(line)) for n, line in enumerate(body.splitlines(), 1))
            number, fault = next(((n, f) for n, f in faults if f is not None), (0, None))
            refused = ImportFailed("body", number, fault[0]) if fault else None  # as it says
        if refused is not None:
            await problem_of(refused, instance=scope["path"])(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self, scope: Scope, limit: int) -> Response:
        return problem_response(
            413,
            "Content too large",
            f"The body is larger than {limit} bytes.",
            instance=scope["path"],
            type_="urn:folio:problem:payload-too-large",
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read already, then waits for the client as usual."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen[key] = value
    return seen


MAX_JSON_DEPTH = 64  # arrays and objects within each other; a Portable Text body needs ~8
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_NESTING = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _depth(body: bytes) -> int:
    """How deeply a valid JSON document nests arrays and objects, by counting its brackets (in
    C but for the last step: no parser walked again). Brackets in strings count too at first,
    which can only overstate the depth: only then are the strings taken out and it is counted
    again."""

    def deepest(text: bytes) -> int:
        brackets = text.translate(None, _NOT_A_BRACKET)
        return max(accumulate(_NESTING[b] for b in brackets), default=0)

    depth = deepest(body)
    return depth if depth <= MAX_JSON_DEPTH else deepest(_JSON_STRING.sub(b"", body))


def json_fault(body: bytes) -> tuple[str, list[str]] | None:
    """What is wrong with a JSON document, and where (``loc``), or None: a syntax error by
    line and column, a key that appears twice in one object (refused rather than letting the
    last one silently win: the fast parsers keep the last, which is why this is written here),
    or nesting deeper than a parser follows."""
    if not body.strip():
        return None
    # Counted before any parser sees it: a parser walks nesting by recursion, and one that
    # is deep in it when the garbage collector runs a finalizer makes that finalizer fail.
    if _depth(body) > MAX_JSON_DEPTH:
        return f"arrays and objects nest more than {MAX_JSON_DEPTH} deep", ["body"]
    try:
        json.loads(body, object_pairs_hook=_unique_keys)
    except _Duplicate as duplicate:
        key = duplicate.key[:100]
        return f"the key {key!r} appears twice in one object", ["body", key]
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", ["body"]
    except UnicodeDecodeError as exc:
        return f"not valid JSON: not UTF-8 at byte {exc.start}", ["body"]
    return None


def _nul_problem(scope: Scope, where: str) -> Response:
    return problem_of(
        InvalidRequest.at([where], "text cannot contain the NUL character"), instance=scope["path"]
    )
