"""HTTP routes for assets: upload, metadata, the file and its renditions."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from api.assets import service
from api.assets.models import (
    AssetListQuery,
    AssetPatch,
    AssetPublic,
    AssetUploadQuery,
    RenditionQuery,
)
from api.auth.dependencies import CurrentKey, WithReadQuery, WithWrite, WriteKey
from api.core.db import SessionDep
from api.core.errors import (
    AUTH_ERRORS,
    AssetNotFound,
    InvalidBody,
    InvalidParameter,
    StillReferenced,
    Unauthorized,
    problem_responses,
)
from api.core.fields import MAX_ID
from api.core.urls import api_url
from api.people import rules
from api.people.models import UserRole
from api.web.http import (
    PRIVATE_CACHE,
    NoQueryDep,
    content_disposition,
    encode,
    make_etag,
    no_content,
    represent,
    represent_page,
    surrogate_headers,
)
from api.web.pagination import ListEnvelope, parse_fields

router = APIRouter(prefix="/v1/assets", tags=["assets"])
AssetId = Annotated[int, Path(ge=1, le=MAX_ID)]
IMMUTABLE = "public, max-age=31536000, immutable"
# An asset is served as what it is, never as a page of this origin: nothing in it runs.
_FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}
_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "image/*": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "alt": {"type": "string", "maxLength": 500},
                    },
                    "additionalProperties": False,
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post(
    "",
    status_code=201,
    response_model=AssetPublic,
    responses={
        200: {
            "description": "The same bytes were uploaded before: that asset.",
            "model": AssetPublic,
        },
        **problem_responses(*AUTH_ERRORS, InvalidBody),
    },
    openapi_extra=_UPLOAD,
)
async def upload_asset(
    request: Request,
    session: SessionDep,
    key: WriteKey,
    query: Annotated[AssetUploadQuery, Query()],
) -> Response:
    """Upload an image or a file: the body itself (with its media type), or multipart with a
    `file` field. The same bytes are stored once: uploading them again answers the asset
    made of them (200). What the file is, its size and colour are read from the bytes."""
    rules.require_role(key, UserRole.author, "upload media")  # before the body is read
    filename, alt = query.filename, query.alt
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        data, filename, alt = await _multipart(request, filename, alt)
    else:
        data = await request.body()
    storage = request.app.state.storage
    asset, made = await run_in_threadpool(
        service.upload, session, storage, data, alt=alt, filename=filename, key=key
    )
    assert asset.id is not None
    body = encode(service.to_public(asset))
    headers = {
        "Location": api_url(f"/v1/assets/{asset.id}"),
        "ETag": make_etag(body),
        "Cache-Control": PRIVATE_CACHE,
    }
    return Response(
        body, status_code=201 if made else 200, media_type="application/json", headers=headers
    )


async def _multipart(request: Request, filename: str, alt: str) -> tuple[bytes, str, str]:
    """The bytes of a multipart upload's ``file``, its name, and ``alt`` (the query's first)."""
    try:
        form = await request.form(max_files=1, max_fields=2)
    except HTTPException as exc:  # the form parser's own 400: too many parts, a bad part
        raise InvalidBody.at(["body"], f"the multipart body: {exc.detail}") from None
    try:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidBody.at(["body", "file"], "send the file in a field named file")
        given = form.get("alt")
        if isinstance(given, str):
            if len(given) > 500:
                raise InvalidBody.at(["body", "alt"], "at most 500 characters")
            alt = alt or given
        return await upload.read(), filename or (upload.filename or "")[:255], alt
    finally:
        await form.close()


@router.get("", response_model=ListEnvelope[AssetPublic], responses=problem_responses(*AUTH_ERRORS))
def list_assets(read: WithReadQuery, query: Annotated[AssetListQuery, Query()]) -> Response:
    """List assets, newest first (a key: assets of drafts are not public)."""
    page = service.list_assets(read.session, query=query)
    fields = parse_fields(query.fields, AssetPublic)
    return represent_page(read.request, page, query, public=False, fields=fields)


@router.get(
    "/{asset_id}",
    response_model=AssetPublic,
    responses=problem_responses(AssetNotFound, Unauthorized),
)
def get_asset(
    asset_id: AssetId, request: Request, session: SessionDep, key: CurrentKey, _: NoQueryDep
) -> Response:
    """Get an asset's metadata: without a key, only one that published content shows."""
    asset = service.find_asset(session, asset_id, preview=key is not None)
    return represent(request, service.to_public(asset), public=key is None)


@router.get(
    "/{asset_id}/file",
    response_class=Response,
    responses={
        200: {
            "description": "The file, or a rendition of it.",
            "content": {"image/*": {}, "application/octet-stream": {}},
        },
        **problem_responses(AssetNotFound, InvalidParameter, Unauthorized),
    },
)
def get_asset_file(
    asset_id: AssetId,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    query: Annotated[RenditionQuery, Query()],
) -> Response:
    """The file; for an image, a rendition with `w`, `h` (rounded up to a fixed set of
    sizes), `fit` (inside, cover), `format` (webp, avif, jpeg, png) and `q`. Made once,
    without metadata, and cached for a year (the URL names one content for ever)."""
    asset = service.find_asset(session, asset_id, preview=key is not None)
    data, media_type, name = service.rendition(session, request.app.state.storage, asset, query)
    etag = f'"{name}"'
    headers = {**_FILE_HEADERS, "ETag": etag}
    headers["Cache-Control"] = IMMUTABLE if key is None else PRIVATE_CACHE
    if key is None:  # a CDN in front drops it when the content that shows it goes
        headers.update(surrogate_headers(request))
    if not media_type.startswith("image/"):
        name = asset.filename or f"asset-{asset.id}"
        headers["Content-Disposition"] = content_disposition("attachment", name)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media_type, headers=headers)


@router.patch(
    "/{asset_id}",
    response_model=AssetPublic,
    responses=problem_responses(AssetNotFound, *AUTH_ERRORS),
)
def patch_asset(asset_id: AssetId, data: AssetPatch, write: WithWrite) -> Response:
    """Change an asset's alternative text or file name (its bytes never change)."""
    asset = service.update_asset(write.session, asset_id, data, key=write.key)
    return write.answer(service.to_public(asset))


@router.delete(
    "/{asset_id}",
    status_code=204,
    responses=problem_responses(AssetNotFound, StillReferenced, *AUTH_ERRORS),
)
def delete_asset(asset_id: AssetId, write: WithWrite) -> Response:
    """Delete an asset and its file for good; refused (409) while content uses it."""
    service.delete_asset(write.session, write.request.app.state.storage, asset_id, key=write.key)
    return no_content()
