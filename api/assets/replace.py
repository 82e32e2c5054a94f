"""Replacing an asset's file: new bytes take the old file's place in every article (its cover,
the images of its body) and every role (its cover) that shows it.

An asset's file is served for a year as immutable (its URL names one content for ever), so
the bytes behind an asset are never changed in place: the new file is a new asset (with the
old one's alt text), and each article and role that showed the old one is changed to show
the new one, through its room, as any edit is: a revision by the person who replaced it, the
caches of exactly those documents dropped, their webhooks. The old file stays in the library,
used by nothing, until someone deletes it. Editors and admins replace, since the change
reaches content of every owner."""

from typing import Any

from sqlmodel import Session, col, select

from api import editing
from api.assets import images
from api.assets import service as assets
from api.assets.models import ArticleAsset, Asset, AssetPatch
from api.assets.storage import Storage
from api.core.config import get_settings
from api.core.errors import InvalidBody
from api.people import rules
from api.people.models import UserRole
from api.roles.models import Role


def replace_asset(
    session: Session,
    storage: Storage,
    asset_id: int,
    data: bytes,
    *,
    filename: str,
    key: rules.Caller,
) -> tuple[Asset, list[str]]:
    """The asset made of ``data`` (new, or the one already made of those bytes), and the
    documents (``articles/slug``, ``roles/slug``) now showing it instead of ``asset_id``."""
    rules.require_role(key, UserRole.editor, "replace a file that content shows")
    old = assets.find_asset(session, asset_id, preview=True)
    if old.media_type.startswith("image/") and not _an_image(data):
        raise InvalidBody.at(["body", "file"], "An image can only be replaced by an image.")
    new, _ = assets.upload(session, storage, data, alt=old.alt, filename=filename, key=key)
    assert old.id is not None
    assert new.id is not None
    if new.id == old.id:
        return new, []
    if not new.alt and old.alt:
        assets.update_asset(session, new.id, AssetPatch(alt=old.alt), key=key)
    moved = []
    article_ids = session.exec(
        select(ArticleAsset.article_id).where(ArticleAsset.asset_id == old.id)
    ).all()
    swap = _swapper(old.id, new.id)
    for article_id in sorted(article_ids):
        row = editing.room("articles").update(
            session, str(article_id), edit=swap, key=key, if_match=None
        )
        moved.append(f"articles/{row.slug}")
    role_ids = session.exec(select(Role.id).where(col(Role.cover_asset_id) == old.id)).all()
    for role_id in sorted(i for i in role_ids if i is not None):
        row = editing.room("roles").update(
            session, str(role_id), patch={"cover": new.id}, key=key, if_match=None
        )
        moved.append(f"roles/{row.slug}")
    return new, moved


def _an_image(data: bytes) -> bool:
    try:
        sniffed = images.sniff(data, max_pixels=get_settings().max_image_pixels)
    except images.Refused:
        return True  # not an image either: the upload says why it refuses it
    return sniffed.media_type.startswith("image/")


def _swapper(old: int, new: int) -> Any:
    """A document's edit: every ``asset_id`` and ``cover`` that is ``old`` made ``new``."""

    def swapped(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                name: new if name in ("asset_id", "cover") and value == old else swapped(value)
                for name, value in node.items()
            }
        if isinstance(node, list):
            return [swapped(item) for item in node]
        return node

    return swapped
