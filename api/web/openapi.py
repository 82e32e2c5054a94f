"""The OpenAPI document: FastAPI's, finished so that it says exactly what the server does.

- Security: one ``ApiKey`` bearer scheme. Routes that need a scope require it; every other
  route takes it optionally (``[{}, {"ApiKey": []}]``): without a key it answers the public,
  and a key that is sent is checked.
- Every operation documents 400 (a request that cannot be read at all); every one that takes
  a body, 413 and 415.
- A merge patch body has the schema of the resource's JSON body.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

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
    schemes = document.get("components", {}).get("securitySchemes", {})
    schemes.pop(OPTIONAL_SCHEME, None)
    for operation in _operations(document):
        required = any(REQUIRED_SCHEME in entry for entry in operation.get("security", []))
        operation["security"] = [{REQUIRED_SCHEME: []}] if required else [{}, {REQUIRED_SCHEME: []}]
        responses = operation["responses"]
        responses.setdefault("400", _problem("The request cannot be read"))
        body = operation.get("requestBody", {}).get("content", {})
        if body:
            responses.setdefault("413", _problem("The body is too large"))
            responses.setdefault("415", _problem("The body is not of a media type taken here"))
        if MERGE_PATCH in body and "application/json" in body:
            body[MERGE_PATCH] = dict(body["application/json"])
    return document


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {}}}


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in METHODS
    ]
