"""Folio Studio's media library: every asset with its thumbnail, its alt text (required
before an image can go in a body), what uses it; uploads (several at once, dragged and
dropped with their progress, or chosen in the file field), and deletes (refused while used,
saying where). An asset's file is served here to a signed-in person, drafts' images too
(the public file route serves those only with a key)."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response

from api.assets import replace
from api.assets import service as assets
from api.assets.models import Asset, AssetListQuery, AssetPatch, RenditionQuery
from api.core.db import SessionDep
from api.core.errors import FolioError, InvalidBody, StillReferenced
from api.core.fields import MAX_ID
from api.people.rules import Actor
from api.studio import guard
from api.studio.pages import Person, Post, SignedIn, page, redirect

router = APIRouter(prefix="/studio", include_in_schema=False)
AssetId = Annotated[int, Path(ge=1, le=MAX_ID)]
Text = Annotated[str, Form(max_length=1000)]
MAX_FILES = 20  # in one upload
DONE = {
    "uploaded": "Uploaded.",
    "described": "Alt text saved.",
    "deleted": "Deleted.",
    "replaced": "Replaced: the new file is shown wherever the old one was.",
}


def _actor(person: SignedIn) -> Actor:
    return Actor(person.user, None)


@router.get("/media")
def media_library(request: Request, session: SessionDep, person: Person) -> Response:
    return _library(request, session, person)


def _library(
    request: Request,
    session: Session,
    person: SignedIn,
    *,
    error: FolioError | None = None,
) -> Response:
    cursor = request.query_params.get("cursor") or None
    try:
        query = AssetListQuery(limit=30, cursor=cursor, count=True)
        found = assets.list_assets(session, query=query)
    except FolioError:  # a cursor of another list, or tampered with: the first page
        found = assets.list_assets(session, query=AssetListQuery(limit=30, count=True))
    can = set(_actor(person).may())
    context = {
        "user": person.user,
        "csrf": guard.session_csrf(request),
        "section": "media",
        "page": found,
        "used": assets.users_of(session, [a.id for a in found.items]),
        "may": {
            "upload": "media.upload" in can,
            "delete": "media.delete" in can,
            "replace": "content.write" in can,
        },
        "done": DONE.get(request.query_params.get("done", "")),
        "error": error.detail if error is not None else None,
    }
    return page(request, "media.html", context, status=error.status if error else 200)


async def _stored(
    request: Request,
    session: Session,
    person: SignedIn,
    upload: UploadFile,
    work: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> Any:
    """``work(session, storage, *args, data, filename=…, key=…, **kwargs)`` for a file the
    person sent (its name cut to what is kept), in a worker thread."""
    data = await upload.read()
    return await run_in_threadpool(
        work,
        session,
        request.app.state.storage,
        *args,
        data,
        filename=(upload.filename or "")[:255],
        key=_actor(person),
        **kwargs,
    )


@router.post("/media")
async def upload_media(request: Request, session: SessionDep, person: Person) -> Response:
    """Files from the field "Upload" (several at once), or one dragged onto the page (the
    script sends one request a file, for its progress). JSON for the script."""
    form = await request.form(max_files=MAX_FILES, max_fields=10)
    try:
        guard.check_form(request, form)
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
        if not files:
            raise InvalidBody.at(["body", "file"], "Choose a file to upload.")
        alt = form.get("alt")
        made: list[dict[str, Any]] = []
        described = alt[:500] if isinstance(alt, str) else ""
        for upload in files:
            asset, _ = await _stored(request, session, person, upload, assets.upload, alt=described)
            made.append({"id": asset.id, "filename": asset.filename})
    except FolioError as exc:
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status)
        raise
    finally:
        await form.close()
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"uploaded": made}, status_code=201)
    return redirect("/studio/media?done=uploaded")


@router.post("/media/{asset_id}/replace")
async def replace_media(
    request: Request, session: SessionDep, person: Person, asset_id: AssetId
) -> Response:
    """A new file in this one's place wherever content shows it (the old one stays in the
    library, used by nothing, until it is deleted); the page says what now shows it."""
    form = await request.form(max_files=1, max_fields=5)
    try:
        guard.check_form(request, form)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidBody.at(["body", "file"], "Choose the file that replaces this one.")
        new, moved = await _stored(
            request, session, person, upload, replace.replace_asset, asset_id
        )
    except FolioError as exc:
        session.rollback()
        return _library(request, session, person, error=exc)
    finally:
        await form.close()
    del moved  # each has its revision, by this person, in its history
    return redirect(f"/studio/media?done=replaced#asset-{new.id}")


@router.post("/media/{asset_id}")
def describe_media(
    post: Post, asset_id: AssetId, alt: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    """The asset's alt text: what a screen reader says of the image."""
    assets.update_asset(post.session, asset_id, AssetPatch(alt=alt.strip()), key=post.actor)
    return redirect(f"/studio/media?done=described#asset-{asset_id}")


@router.post("/media/{asset_id}/delete")
def delete_media(post: Post, asset_id: AssetId) -> Response:
    """Deletes the asset for good: refused while content uses it (the page says which)."""
    storage = post.request.app.state.storage
    try:
        assets.delete_asset(post.session, storage, asset_id, key=post.actor)
    except StillReferenced as exc:
        post.session.rollback()
        return _library(post.request, post.session, post.person, error=exc)
    return redirect("/studio/media?done=deleted")


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


# --- Covers (articles', roles') ------------------------------------------------------------------

COVERS = 12  # the latest described images a cover chooser shows before any search
NO_COVER = "none"


def cover_choices(session: Session, current: int | None) -> list[Any]:
    """What a cover chooser is drawn with: the current cover first, then the latest described
    images (its search finds the others)."""
    described = (col(Asset.media_type).startswith("image/"), Asset.alt != "")
    latest = session.exec(
        select(Asset).where(*described).order_by(col(Asset.id).desc()).limit(COVERS)
    ).all()
    chosen = next((a for a in latest if a.id == current), None)
    if chosen is None and current:
        chosen = session.get(Asset, current)
    return ([chosen] if chosen is not None else []) + [a for a in latest if a.id != current]


def cover_sent(value: str | None) -> dict[str, Any]:
    """The cover a form chose, as the document has it (``{}``: the form did not say, the
    cover stays as it is)."""
    if value is None or value == "":
        return {}
    if value == NO_COVER:
        return {"cover": None}
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise InvalidBody.at(["body", "cover"], "choose an image, or no cover")
    return {"cover": int(value)}
