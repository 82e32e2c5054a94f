"""The trash: what DELETE removed, listed together, to restore or purge for good."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import literal, union_all
from sqlalchemy import select as sql_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api import editing
from api.articles import body
from api.articles import service as articles_service
from api.articles.models import Article
from api.audit import record as audit
from api.comparisons.models import Comparison
from api.core import kinds
from api.core.errors import Conflict, NotFound, StillReferenced
from api.core.urls import resource_url
from api.history import service as history
from api.models import TABLES
from api.people import rules
from api.people.models import UserRole
from api.search import index as search_index
from api.translations import service as translations
from api.trash.models import TrashItem, TrashQuery
from api.web.pagination import Page, Sortable, keyset_page


def _trashed() -> Any:
    parts: list[Any] = [
        sql_select(
            literal(collection).label("type"),
            col(model.id).label("id"),  # type: ignore[attr-defined]
            col(model.slug).label("slug"),  # type: ignore[attr-defined]
            col(getattr(model, title)).label("title"),
            col(model.deleted_at).label("deleted_at"),  # type: ignore[attr-defined]
        ).where(col(model.deleted_at).is_not(None))  # type: ignore[attr-defined]
        for collection, model, title in (
            (kind.collection, TABLES[kind.collection], kind.label) for kind in kinds.KINDS
        )
    ]
    return union_all(*parts).subquery("trash")


def list_trash(session: Session, *, params: TrashQuery) -> Page[TrashItem]:
    trash = _trashed()
    statement = sql_select(*trash.c)
    if params.type is not None:
        statement = statement.where(trash.c.type == params.type)
    sortable = Sortable(
        fields={"deleted_at": trash.c.deleted_at, "type": trash.c.type},
        default="-deleted_at,type",
        tie=trash.c.id,
    )
    page = keyset_page(session, statement, sortable=sortable, params=params)
    items = [
        TrashItem(
            type=row.type,
            id=row.id,
            slug=row.slug,
            title=row.title,
            deleted_at=row.deleted_at,
            url=resource_url("trash", f"{row.type}/{row.id}"),
        )
        for row in page.items
    ]
    return Page(items, page.limit, page.next_cursor, page.prev_cursor)


def _find_trashed(session: Session, collection: str, item_id: int, *, for_update: bool) -> Any:
    model = TABLES[collection]
    statement = select(model).where(
        model.id == item_id,  # type: ignore[attr-defined]
        col(model.deleted_at).is_not(None),  # type: ignore[attr-defined]
    )
    row = editing.lock(session, statement) if for_update else session.exec(statement).first()
    if row is None:
        raise NotFound(f"No {collection[:-1]} {item_id} in the trash.")
    return row


def _item(collection: str, row: Any, deleted_at: datetime) -> TrashItem:
    title = kinds.by_collection(collection).label
    return TrashItem(
        type=collection,
        id=row.id,
        slug=row.slug,
        title=getattr(row, title),
        deleted_at=deleted_at,
        url=resource_url("trash", f"{collection}/{row.id}"),
    )


def get_trashed(session: Session, collection: str, item_id: int) -> TrashItem:
    row = _find_trashed(session, collection, item_id, for_update=False)
    return _item(collection, row, row.deleted_at)


def restore(session: Session, collection: str, item_id: int, *, key: rules.Caller) -> TrashItem:
    """Takes an item out of the trash as it was (a new revision): an article with the
    comparisons its tables made. Editors and admins only."""
    rules.require_role(key, UserRole.editor, "restore from the trash")
    deleted_at: Any = None

    def apply(row: Any) -> None:
        nonlocal deleted_at
        deleted_at = row.deleted_at
        if isinstance(row, Comparison) and row.owner_article_id is not None:
            _restore_owned(session, row)
        row.deleted_at = None
        if isinstance(row, Article):
            articles_service.follow_article(session, row, key=key)

    trashed = replace(
        editing.room(collection).kind,
        find=lambda s, _ref, lock: _find_trashed(s, collection, item_id, for_update=lock),
    )
    row = editing.change(
        session, trashed, str(item_id), if_match=None, key=key, action="restore", apply=apply
    )
    return _item(collection, row, deleted_at)


def _restore_owned(session: Session, comparison: Comparison) -> None:
    """A comparison made from an article's table comes back from the trash with its article;
    alone, only once the article no longer has it, and then as a comparison of its own."""
    owner = session.get(Article, comparison.owner_article_id)
    if owner is None:
        return
    if owner.deleted_at is not None:
        raise Conflict(
            f"This comparison comes from a table of articles/{owner.slug}, which is in the "
            "trash: restore the article and the comparison comes back with it."
        )
    if comparison.id in body.comparison_ids(articles_service.blocks_of(owner)):
        raise Conflict(f"articles/{owner.slug} has this comparison; it follows that article.")
    comparison.owner_article_id = None


def purge(session: Session, collection: str, item_id: int, *, key: rules.Caller = None) -> None:
    """Deletes for good, with its revisions and old slugs (an article, with the comparisons
    its tables made that went to the trash with it); refused while something refers to it."""
    editing.begin(session)
    row = _find_trashed(session, collection, item_id, for_update=True)
    audit.record(
        session,
        "purge",
        key=key,
        object_type=collection,
        object_id=item_id,
        detail={"slug": getattr(row, "slug", None)},
    )
    owned = (
        session.exec(
            select(Comparison).where(
                Comparison.owner_article_id == item_id, col(Comparison.deleted_at).is_not(None)
            )
        ).all()
        if isinstance(row, Article)
        else []
    )
    try:
        _forget(session, collection, row)
        session.flush()  # the article's embeddings go first: they hold its comparisons
        for comparison in owned:
            _forget(session, "comparisons", comparison)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise StillReferenced(
            f"Other content still refers to this {collection[:-1]}; change it first."
        ) from exc


def _forget(session: Session, collection: str, row: Any) -> None:
    translations.forget_all(session, collection, row.id)
    history.forget(session, collection, row.id)
    search_index.remove(session, collection, row.id)
    session.delete(row)
