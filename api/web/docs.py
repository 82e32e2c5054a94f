"""The OpenAPI document and the pages that show it (Swagger UI at /docs, ReDoc at /redoc).

Declared as routes of the application, not FastAPI's built-in ones, so they pass through the
same dependencies as every other route (a bad API key is 401 here too).
"""

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import HTMLResponse, Response

from api.web.http import encode

router = APIRouter(include_in_schema=False)
OPENAPI_URL = "/openapi.json"


@router.get(OPENAPI_URL)
def openapi(request: Request) -> Response:
    return Response(encode(request.app.openapi()), media_type="application/json")


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=OPENAPI_URL, title=f"{request.app.title} API")


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(openapi_url=OPENAPI_URL, title=f"{request.app.title} API")
