"""The OpenAPI document and the pages that show it (Swagger UI at /docs, ReDoc at /redoc).

Declared as routes of the application, not FastAPI's built-in ones, so they pass through the
same dependencies as every other route (a bad API key is 401 here too). The pages load their
scripts, styles and icon from this server (the files the ``fastapi-offline`` package ships),
never from a CDN: the docs work on a machine with no internet, and a strict
Content-Security-Policy can hold them.
"""

from functools import cache
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import HTMLResponse, Response

from api.core.errors import NotFound
from api.web.http import encode, make_etag, not_modified

router = APIRouter(include_in_schema=False)
OPENAPI_URL = "/openapi.json"
ASSETS = "/docs/assets"
_MEDIA_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}


@cache
def _asset(name: str) -> tuple[bytes, str]:
    """An asset's bytes and ETag, read once per process."""
    data = (files("fastapi_offline") / "static" / name).read_bytes()
    return data, make_etag(data)


@router.get(OPENAPI_URL)
def openapi(request: Request) -> Response:
    return Response(encode(request.app.openapi()), media_type="application/json")


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title=f"{request.app.title} API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon.png",
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=OPENAPI_URL,
        title=f"{request.app.title} API",
        redoc_js_url=f"{ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS}/favicon.png",
        with_google_fonts=False,
    )


@router.get(ASSETS + "/{name}")
def docs_asset(request: Request, name: Annotated[str, Path(max_length=40)]) -> Response:
    if name not in _MEDIA_TYPES:
        raise NotFound(f"No docs asset {name!r}.")
    data, etag = _asset(name)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if not_modified(request.headers.get("if-none-match"), None, etag, None):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=_MEDIA_TYPES[name], headers=headers)
