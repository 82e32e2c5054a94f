"""The trash: what DELETE removed, listed together, to restore or purge for good."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import literal, union_all
from sqlalchemy import select as sql_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from api import editing
from api.articles import service as articles_service
from api.articles.models import Article
from api.auth.models import ApiKey
from api.authors.models import Author
from api.authors.service import authors
from api.comparisons import service as comparisons_service
from api.comparisons.models import Comparison
from api.errors import NotFound, StillReferenced
from api.history import service as history
from api.pagination import ListParams, Page, Sortable, keyset_page
from api.roles import service as roles_service
from api.roles.models import Role
from api.search import index as search_index
from api.tags.models import Tag
from api.tags.service import tags
from api.urls import resource_url

Document = Callable[[Session, Any], dict[str, Any]]
TRASHABLE: dict[str, tuple[type[SQLModel], str, Document]] = {
    "articles": (Article, "title", articles_service.document),
    "comparisons": (Comparison, "title", comparisons_service.document),
    "roles": (Role, "name", lambda _session, row: roles_service.document(row)),
    "authors": (Author, "name", lambda _session, row: authors.document(row)),
    "tags": (Tag, "name", lambda _session, row: tags.document(row)),
}


class TrashQuery(ListParams):
    model_config = ConfigDict(extra="forbid")

    type: str | None = Field(
        None, pattern="^(articles|comparisons|roles|authors|tags)$", description="One kind only."
    )
    fields: str | None = Field(None, max_length=500, description="Only these fields (and id).")


class TrashItem(BaseModel):
    type: str
    id: int
    slug: str
    title: str
    deleted_at: datetime
    url: str


def _trashed() -> Any:
    parts: list[Any] = [
        sql_select(
            literal(collection).label("type"),
            col(model.id).label("id"),  # type: ignore[attr-defined]
            col(model.slug).label("slug"),  # type: ignore[attr-defined]
            col(getattr(model, title)).label("title"),
            col(model.deleted_at).label("deleted_at"),  # type: ignore[attr-defined]
        ).where(col(model.deleted_at).is_not(None))  # type: ignore[attr-defined]
        for collection, (model, title, _) in TRASHABLE.items()
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
    model, _, _ = TRASHABLE[collection]
    statement = select(model).where(
        model.id == item_id,  # type: ignore[attr-defined]
        col(model.deleted_at).is_not(None),  # type: ignore[attr-defined]
    )
    row = editing.lock(session, statement) if for_update else session.exec(statement).first()
    if row is None:
        raise NotFound(f"No {collection[:-1]} {item_id} in the trash.")
    return row


def _item(collection: str, row: Any, deleted_at: datetime) -> TrashItem:
    title = TRASHABLE[collection][1]
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


def restore(session: Session, collection: str, item_id: int, *, key: ApiKey) -> TrashItem:
    editing.begin(session)
    row = _find_trashed(session, collection, item_id, for_update=True)
    document = TRASHABLE[collection][2]
    deleted_at = row.deleted_at
    row.deleted_at = None
    editing.commit_revision(
        session,
        row,
        collection=collection,
        action="restore",
        document=document(session, row),
        key=key,
    )
    return _item(collection, row, deleted_at)


def purge(session: Session, collection: str, item_id: int) -> None:
    """Deletes for good, with its revisions and old slugs; refused while something refers
    to it."""
    editing.begin(session)
    row = _find_trashed(session, collection, item_id, for_update=True)
    history.forget(session, collection, item_id)
    search_index.remove(session, collection, item_id)
    session.delete(row)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise StillReferenced(
            f"Other content still refers to this {collection[:-1]}; change it first."
        ) from exc
