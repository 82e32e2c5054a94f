"""Folio Studio's media: an asset's file for a signed-in person (drafts' images included,
which the public file route does not serve without a key), resized for a thumbnail or the
editor."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.assets import service as assets
from api.assets.models import RenditionQuery
from api.core.db import SessionDep
from api.core.fields import MAX_ID
from api.studio.pages import Person

router = APIRouter(prefix="/studio", include_in_schema=False)
AssetId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/media/{asset_id}/file")
def media_file(
    request: Request,
    session: SessionDep,
    person: Person,
    asset_id: AssetId,
    w: Annotated[int | None, Query(ge=1, le=4000)] = None,
) -> Response:
    """The file, or an image at most ``w`` pixels wide (one of the renditions' sizes)."""
    del person
    asset = assets.find_asset(session, asset_id, preview=True)
    data, media_type, _ = assets.rendition(
        session, request.app.state.storage, asset, RenditionQuery(w=w)
    )
    headers = {
        "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if not media_type.startswith("image/"):
        headers["Content-Disposition"] = "attachment"
    return Response(data, media_type=media_type, headers=headers)
