"""The editorial workflow shared by articles, roles and comparisons, and the trash.

``draft`` → ``scheduled`` (with ``publish_at``) → ``published`` → ``archived``; ``unpublish``
goes back to ``draft``. A scheduled item is public once its time has come, with no job to flip
it: visibility is decided when it is read, against the clock.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import Field, Session, SQLModel, col, select

from api.core.clock import clock
from api.core.columns import UTCDateTime, string_enum
from api.core.urls import resource_url


class Status(StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    published = "published"
    archived = "archived"


class Trashable(SQLModel):
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Workflow(Trashable):
    status: Status = Field(
        default=Status.draft,
        sa_type=string_enum(Status, name="status", length=16),
    )
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def visible(model: Any, now: datetime) -> ColumnElement[bool]:
    """Public: not trashed, and published or scheduled for a time that has come."""
    return and_(
        col(model.deleted_at).is_(None),
        col(model.status).in_([Status.published, Status.scheduled]),
        col(model.published_at) <= now,
    )


def not_trashed(model: Any) -> ColumnElement[bool]:
    return col(model.deleted_at).is_(None)


def readable(model: Any, *, preview: bool) -> ColumnElement[bool]:
    """What a reader may see of ``model``: the public rows; with a key (a preview), every row
    not in the trash. The one visibility rule, applied to whatever a response refers to."""
    return not_trashed(model) if preview else visible(model, clock.now())


def effective_status(status: Status, published_at: datetime | None, now: datetime) -> Status:
    """What a reader sees: a scheduled item whose time has come is published."""
    if status == Status.scheduled and published_at is not None and published_at <= now:
        return Status.published
    return status


def visible_now(status: Any, published_at: datetime | None, deleted_at: datetime | None) -> bool:
    """Whether a row with these values is public at this moment (``visible`` in Python).

    Rows without a workflow (authors, tags) pass None as status: public unless trashed."""
    if deleted_at is not None:
        return False
    if status is None:
        return True
    return (
        status in (Status.published, Status.scheduled)
        and published_at is not None
        and published_at <= clock.now()
    )


def shown_fields(collection: str, row: Any, now: datetime) -> dict[str, Any]:
    """What the public form of a row with a workflow derives from it: its URL, and its status
    as a reader sees it at ``now`` (a scheduled row whose time has come is published)."""
    return {
        "url": resource_url(collection, row.slug),
        "status": effective_status(row.status, row.published_at, now),
    }


def used_by(
    session: Session, table: Any, collection: str, link: Any, through: Any, where: Any
) -> list[str]:
    """``collection/slug`` of each row of ``table`` not in the trash whose ``link`` row (joined
    by ``through``, the link's column naming the row) meets ``where``: what still uses
    something, for a delete that is refused while anything does."""
    slugs = session.exec(
        select(table.slug).join(link, col(through) == table.id).where(where, not_trashed(table))
    ).all()
    return [f"{collection}/{slug}" for slug in slugs]
