"""Every query and rule about assets: uploading (once per content), reading (what public
content shows is public; the rest needs a key), renditions, and removal (refused while
content uses the asset)."""

import hashlib
from collections.abc import Iterable

from sqlalchemy import exists, literal, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.articles.models import Article
from api.assets import images
from api.assets.models import (
    ASSET_SORTS,
    ArticleAsset,
    Asset,
    AssetListQuery,
    AssetPatch,
    AssetPublic,
    ImageAsset,
    RenditionQuery,
)
from api.assets.storage import Storage
from api.core import db, surrogates
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import AssetNotFound, InvalidBody, NoRenditions, StillReferenced
from api.core.urls import api_url
from api.core.workflow import readable
from api.people import rules
from api.people.models import UserRole
from api.roles.models import Role
from api.web.pagination import Page, Sortable, keyset_page, map_page

SORTABLE = Sortable.on(Asset, ASSET_SORTS, default="-created_at")


def file_url(asset_id: int) -> str:
    return api_url(f"/v1/assets/{asset_id}/file")


def to_public(asset: Asset) -> AssetPublic:
    assert asset.id is not None
    return AssetPublic.model_validate({**asset.model_dump(), "url": file_url(asset.id)})


def image_of(asset: Asset) -> ImageAsset:
    """How content shows an asset: its file, size, colour, and WebP renditions by width."""
    assert asset.id is not None
    url = file_url(asset.id)
    srcset = ""
    if asset.media_type in images.RASTER.values() and asset.width:
        widths = [w for w in images.SRCSET_WIDTHS if w < asset.width]
        entries = [f"{url}?w={w}&format=webp {w}w" for w in widths]
        srcset = ", ".join([*entries, f"{url}?format=webp {asset.width}w"])
    return ImageAsset.model_validate({**asset.model_dump(), "url": url, "srcset": srcset})


def images_by_id(session: Session, ids: Iterable[int]) -> dict[int, ImageAsset]:
    wanted = set(ids)
    if not wanted:
        return {}
    found = session.exec(select(Asset).where(col(Asset.id).in_(wanted))).all()
    return {asset.id: image_of(asset) for asset in found if asset.id is not None}


def existing_ids(session: Session, ids: Iterable[int]) -> set[int]:
    wanted = set(ids)
    if not wanted:
        return set()
    return {i for i in session.exec(select(Asset.id).where(col(Asset.id).in_(wanted))) if i}


def upload(
    session: Session,
    storage: Storage,
    data: bytes,
    *,
    alt: str,
    filename: str,
    key: rules.Caller = None,
) -> tuple[Asset, bool]:
    """The asset of these bytes: new, or the one already made of the same bytes (False).
    Authors, editors and admins upload; contributors do not."""
    rules.require_role(key, UserRole.author, "upload media")
    if not data:
        raise InvalidBody.at(["body"], "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    db.begin_write(session)
    existing = session.exec(select(Asset).where(Asset.sha256 == digest)).first()
    if existing is not None:
        session.commit()
        return existing, False
    try:
        sniffed = images.sniff(data, max_pixels=get_settings().max_image_pixels)
    except images.Refused as exc:
        raise InvalidBody.at(["body"], str(exc)) from exc
    storage.put(session, digest, data)
    now = clock.now()
    asset = Asset(
        sha256=digest,
        media_type=sniffed.media_type,
        size=len(data),
        width=sniffed.width,
        height=sniffed.height,
        color=sniffed.color,
        alt=alt,
        filename=filename,
        created_at=now,
        updated_at=now,
    )
    session.add(asset)
    try:
        session.commit()
    except IntegrityError:  # the same bytes, uploaded at the same moment by someone else
        session.rollback()
        return session.exec(select(Asset).where(Asset.sha256 == digest)).one(), False
    return asset, True


def _shown_publicly(asset_id: int) -> object:
    """Whether public content shows the asset: a public article (cover or body), or the
    cover of a public role. Only then may a reader without a key see it."""
    article = exists().where(
        col(ArticleAsset.asset_id) == asset_id,
        col(ArticleAsset.article_id) == Article.id,
        readable(Article, preview=False),
    )
    role = exists().where(col(Role.cover_asset_id) == asset_id, readable(Role, preview=False))
    return or_(article, role)


def _depend_on_users(session: Session, asset_id: int) -> None:
    """What a reader without a key sees of an asset depends on the content that shows it: an
    article unpublished (or a role's cover changed) can hide it, one published show it. The
    answer is tagged with every article and role that uses it, public or not."""
    users = session.execute(
        select(literal("article"), col(ArticleAsset.article_id))
        .where(col(ArticleAsset.asset_id) == asset_id)
        .union_all(
            select(literal("role"), col(Role.id)).where(col(Role.cover_asset_id) == asset_id)
        )
    ).all()
    surrogates.depend(session, *(f"{kind}:{ref}" for kind, ref in users))


def find_asset(session: Session, asset_id: int, *, preview: bool) -> Asset:
    statement = select(Asset).where(Asset.id == asset_id)
    if not preview:
        statement = statement.where(_shown_publicly(asset_id))  # type: ignore[arg-type]
        _depend_on_users(session, asset_id)
    asset = session.exec(statement).first()
    if asset is None:
        raise AssetNotFound(f"No asset {asset_id}.")
    return asset


def list_assets(session: Session, *, query: AssetListQuery) -> Page[AssetPublic]:
    page = keyset_page(session, select(Asset), sortable=SORTABLE, params=query)
    return map_page(page, lambda rows: [to_public(asset) for asset in rows])


def rendition(
    session: Session, storage: Storage, asset: Asset, query: RenditionQuery
) -> tuple[bytes, str, str]:
    """The file, or a rendition of it (made once, then kept): its bytes, media type, and a
    name that changes with them (for the ETag)."""
    original = storage.get(session, asset.sha256)
    if original is None:
        raise AssetNotFound(f"The file of asset {asset.id} is missing from the media store.")
    wanted = query.w or query.h or query.format or query.q
    if not wanted:
        return original, asset.media_type, asset.sha256
    if asset.media_type not in images.RASTER.values():
        raise NoRenditions("w", f"{asset.media_type} has no renditions: ask for the file")
    width, height = images.size_step(query.w), images.size_step(query.h)
    encoding = query.format or _encoding_of(asset.media_type)
    quality = images.quality_step(query.q)
    name = f"{asset.sha256}-{width or 0}x{height or 0}-{query.fit}-q{quality}.{encoding}"
    media_type = images.ENCODINGS[encoding][1]
    made = storage.get(session, name)
    if made is None:
        made = images.render(
            original,
            width=width,
            height=height,
            fit=query.fit,
            encoding=encoding,
            quality=quality,
            max_pixels=get_settings().max_image_pixels,
        )
        storage.put(session, name, made)
        session.commit()
    return made, media_type, name


def _encoding_of(media_type: str) -> str:
    return {"image/png": "png", "image/gif": "png", "image/avif": "avif"}.get(
        media_type, "webp" if media_type == "image/webp" else "jpeg"
    )


def update_asset(
    session: Session, asset_id: int, data: AssetPatch, *, key: rules.Caller = None
) -> Asset:
    rules.require_role(key, UserRole.author, "change media")
    db.begin_write(session)
    asset = find_asset(session, asset_id, preview=True)
    if data.alt is not None:
        asset.alt = data.alt
    if data.filename is not None:
        asset.filename = data.filename
    asset.version += 1
    asset.updated_at = clock.now()
    session.add(asset)
    session.commit()
    return asset


def users(session: Session, asset_id: int) -> list[str]:
    articles = session.exec(
        select(Article.slug)
        .join(ArticleAsset, col(ArticleAsset.article_id) == Article.id)
        .where(ArticleAsset.asset_id == asset_id)
    ).all()
    roles = session.exec(select(Role.slug).where(Role.cover_asset_id == asset_id)).all()
    return [f"articles/{s}" for s in articles] + [f"roles/{s}" for s in roles]


def users_of(session: Session, asset_ids: Iterable[int]) -> dict[int, list[str]]:
    """Who uses each of ``asset_ids`` (as ``users`` says it), in two queries whatever their
    number: what a page of the media library shows beside each asset."""
    wanted = list(asset_ids)
    found: dict[int, list[str]] = {asset_id: [] for asset_id in wanted}
    for asset_id, slug in session.exec(
        select(ArticleAsset.asset_id, Article.slug)
        .join(Article, col(ArticleAsset.article_id) == Article.id)
        .where(col(ArticleAsset.asset_id).in_(wanted))
        .order_by(col(Article.slug))
    ):
        found[asset_id].append(f"articles/{slug}")
    for role_asset, slug in session.exec(
        select(Role.cover_asset_id, Role.slug)
        .where(col(Role.cover_asset_id).in_(wanted))
        .order_by(col(Role.slug))
    ):
        if role_asset is not None:
            found[role_asset].append(f"roles/{slug}")
    return found


def delete_asset(
    session: Session, storage: Storage, asset_id: int, *, key: rules.Caller = None
) -> None:
    """Deletes an asset and its bytes for good; refused while content uses it. Editors and
    admins only."""
    rules.require_role(key, UserRole.editor, "delete media")
    db.begin_write(session)
    asset = find_asset(session, asset_id, preview=True)
    used = users(session, asset_id)
    if used:
        raise StillReferenced(f"Still used by {', '.join(used[:10])}: change those first.")
    session.delete(asset)
    storage.forget(session, asset.sha256)
    session.commit()
