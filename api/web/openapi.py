"""The OpenAPI document: FastAPI's, finished so that it says exactly what the server does.

- Security: one ``ApiKey`` bearer scheme. Routes that need a scope require it; every other
  route takes it optionally (``[{}, {"ApiKey": []}]``): without a key it answers the public,
  and a key that is sent is checked.
- Every operation documents 400 (a request that cannot be read at all); every one that takes
  a body, 413 and 415.
- Every problem response has the ``Problem`` schema; every operation documents 503 (the
  database cannot be reached, with ``Retry-After``) and, but for the operations endpoints,
  429 (rate limits, with ``Retry-After``, ``RateLimit`` and ``RateLimit-Policy``).
- A merge patch body has a schema of its own, ``{Resource}Patch``: the fields of the PUT body,
  every one optional, and nullable where null removes the value (RFC 7396).
- The non-JSON renderings of a response (Markdown, HTML, text, CSV, feeds, images) are
  strings of their media type, so JSON stays the typed default of a generated client.
- Every component schema has an example: the seed page and what an editor does next, as
  Folio serves them (``api.web.examples``).
- Response headers are declared: ETag, Last-Modified, Cache-Control, Vary and Surrogate-Key on
  reads, Link on lists, Location and ETag on creations, Location on redirects.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.core.errors import Problem
from api.web import examples
from api.web.ratelimit import UNLIMITED

# The schemes FastAPI names after the two HTTPBearer dependencies of ``api.auth``.
REQUIRED_SCHEME = "ApiKey"
OPTIONAL_SCHEME = "ApiKeyIfSent"
MERGE_PATCH = "application/merge-patch+json"
PROBLEM_JSON = "application/problem+json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def build(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = document.setdefault("components", {})
    schemes = components.get("securitySchemes", {})
    schemes.pop(OPTIONAL_SCHEME, None)
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    components["headers"] = HEADERS
    _merge_patches(document, schemas)
    examples.attach(schemas)
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in METHODS:
                _finish(path, method, operation)
    return document


def _finish(path: str, method: str, operation: dict[str, Any]) -> None:
    required = any(REQUIRED_SCHEME in entry for entry in operation.get("security", []))
    operation["security"] = [{REQUIRED_SCHEME: []}] if required else [{}, {REQUIRED_SCHEME: []}]
    responses = operation["responses"]
    responses.setdefault("400", _problem("The request cannot be read"))
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        responses.setdefault("413", _problem("The body is too large"))
        responses.setdefault("415", _problem("The body is not of a media type taken here"))
    if body.get(MERGE_PATCH) == {} and "application/json" in body:
        body[MERGE_PATCH] = dict(body["application/json"])  # the same document, either way
    if path not in UNLIMITED:
        responses.setdefault("429", _problem("Too many requests from this client"))
        responses["429"]["headers"] = {
            name: _header(name) for name in ("Retry-After", "RateLimit", "RateLimit-Policy")
        }
    responses.setdefault("503", _problem("The database cannot be reached"))
    responses["503"]["headers"] = {"Retry-After": _header("Retry-After")}
    for status, response in responses.items():
        for media_type, content in response.get("content", {}).items():
            if media_type == PROBLEM_JSON:
                content["schema"] = {"$ref": "#/components/schemas/Problem"}
            elif "schema" not in content:
                content["schema"] = _string_of(media_type)
        _declare_headers(path, method, operation, str(status), response)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {}}}


def _header(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


HEADERS: dict[str, Any] = {
    "ETag": {
        "description": "The representation's version (strong): send it back in If-None-Match"
        " to revalidate, or in If-Match to write only over this version.",
        "schema": {"type": "string", "examples": ['"2b1f0c7e9a4d5c3b8e6f1a2d3c4b5a69"']},
    },
    "Last-Modified": {
        "description": "When the content last changed (If-Modified-Since revalidates).",
        "schema": {"type": "string", "examples": ["Fri, 27 Nov 2026 18:00:00 GMT"]},
    },
    "Cache-Control": {
        "description": "`public, max-age=…` for what anyone may read; `private` for what a"
        " key unlocked.",
        "schema": {
            "type": "string",
            "examples": ["public, max-age=60, stale-while-revalidate=300"],
        },
    },
    "Vary": {
        "description": "The request headers the response depends on.",
        "schema": {"type": "string", "examples": ["Accept, Authorization, Origin"]},
    },
    "Surrogate-Key": {
        "description": "What the response shows, space separated, for purging a CDN by key"
        " (also sent as Cache-Tag).",
        "schema": {"type": "string", "examples": ["article:1 author:1 role:1 role:2"]},
    },
    "Link": {
        "description": "RFC 8288 links to the next and previous pages (`rel=next`, `rel=prev`).",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "The URL of the resource created, or of the one moved to.",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit": {
        "description": 'Where the client stands (IETF draft): `"anonymous";r=1187;t=42`, the'
        " requests left (r) and the seconds until the window resets (t); on every answer.",
        "schema": {"type": "string"},
    },
    "RateLimit-Policy": {
        "description": 'The limit that applies (IETF draft): `"anonymous";q=1200;w=60`,'
        " requests (q) per window of seconds (w); on every answer.",
        "schema": {"type": "string"},
    },
}


def _declare_headers(
    path: str, method: str, operation: dict[str, Any], status: str, response: dict[str, Any]
) -> None:
    headers = response.setdefault("headers", {})
    if status in ("301", "307", "308"):
        headers["Location"] = _header("Location")
    if not status.startswith("2"):
        if not headers:
            del response["headers"]
        return
    has_body = bool(response.get("content"))
    if method == "post" and status == "201":
        headers["Location"] = _header("Location")
    if has_body and method in ("get", "post", "put", "patch"):
        headers["ETag"] = _header("ETag")
    if method == "get" and has_body:
        headers["Cache-Control"] = _header("Cache-Control")
        headers["Vary"] = _header("Vary")
        if operation["security"] != [{REQUIRED_SCHEME: []}]:  # anyone may read it
            headers["Last-Modified"] = _header("Last-Modified")
            headers["Surrogate-Key"] = _header("Surrogate-Key")
        schema = response["content"].get("application/json", {}).get("schema", {})
        if "ListEnvelope" in schema.get("$ref", ""):
            headers["Link"] = _header("Link")
    if not headers:
        del response["headers"]


def _string_of(media_type: str) -> dict[str, Any]:
    """A non-JSON rendering: text of its media type, or bytes for images and files."""
    base = media_type.split(";")[0]
    if base.endswith("+json"):  # another JSON document (JSON Feed, JSON-LD): an object
        return {"type": "object", "contentMediaType": base}
    if media_type.startswith(("image/", "application/octet-stream")):
        return {"type": "string", "format": "binary", "contentMediaType": media_type}
    return {"type": "string", "contentMediaType": base}


def _merge_patches(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Gives every PATCH that takes a merge patch a ``{Resource}Patch`` schema, made from the
    PUT body on the same path: a client generated from it checks field names and types."""
    for item in document.get("paths", {}).values():
        patch, put = item.get("patch"), item.get("put")
        if patch is None:
            continue
        body = patch.get("requestBody", {}).get("content", {})
        if put is None:  # a PATCH with a model of its own: either media type, that model
            if "application/json" in body:
                body.setdefault(MERGE_PATCH, body["application/json"])
            continue
        whole = put.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = whole.get("schema", {}).get("$ref", "")
        if MERGE_PATCH not in body or not ref:
            continue
        name = ref.rsplit("/", 1)[1].removesuffix("Input") + "Patch"
        if name not in schemas:
            schemas[name] = _patch_of(schemas[ref.rsplit("/", 1)[1]])
        for media_type in (MERGE_PATCH, "application/json"):
            if media_type in body:
                body[media_type] = {"schema": {"$ref": f"#/components/schemas/{name}"}}


def _patch_of(schema: dict[str, Any]) -> dict[str, Any]:
    required = set(schema.get("required", []))
    properties = {}
    for field, spec in schema.get("properties", {}).items():
        spec = {k: v for k, v in spec.items() if k != "default"}
        nullable = {"type": "null"} in spec.get("anyOf", []) or spec.get("type") == "null"
        if field not in required and not nullable:
            spec = {"anyOf": [spec, {"type": "null"}]}  # null removes it
        properties[field] = spec
    return {
        "title": schema.get("title", "").removesuffix("Input") + "Patch",
        "description": "A JSON merge patch (RFC 7396): the fields to change, every one"
        " optional; null removes a field that may be empty.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in METHODS
    ]
