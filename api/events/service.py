"""Recording events with the writes that cause them, in commit order.

``record`` is called by ``api.editing`` for every write. On PostgreSQL the writing transaction
first takes a lock on the event table that only event writers contend for, held until it
commits: ids are then handed out in commit order, so a reader that has seen id N will never
later find a smaller one appear (the guarantee ``/v1/changes`` tokens rest on). SQLite writers
are serialized anyway.
"""

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, exists, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from api.core import db, surrogates
from api.core.clock import clock
from api.core.config import get_settings
from api.core.logs import REQUEST_ID
from api.core.workflow import Status, visible_now
from api.events.models import Event
from api.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

_LOCKED = "folio_event_lock"


def kind(collection: str) -> str:
    return collection.removesuffix("s")


def _lock(session: Session) -> None:
    if session.info.get(_LOCKED):
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE event IN SHARE ROW EXCLUSIVE MODE"))
    session.info[_LOCKED] = True


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_rollback")
def _forget_lock(session: Session) -> None:
    session.info.pop(_LOCKED, None)


def is_visible(row: Any) -> bool:
    return visible_now(
        getattr(row, "status", None), getattr(row, "published_at", None), row.deleted_at
    )


def record(
    session: Session,
    collection: str,
    row: Any,
    change: str,
    *,
    was_public: bool = False,
    locale: str = "",
) -> Event:
    """Adds the event ``{kind}.{change}`` for ``row`` (flushed, not committed);
    ``was_public``: whether it was public before this change; ``locale``: the translation it
    was to ("" for the resource itself; ``row`` then stands for the translation, with the
    resource's id)."""
    _lock(session)
    once_public = (
        was_public
        or is_visible(row)
        or session.exec(
            select(Event.id).where(
                Event.resource_type == collection,
                Event.resource_id == row.id,
                Event.locale == locale,
                col(Event.once_public).is_(True),
            )
        ).first()
        is not None
    )
    event = Event(
        type=f"{kind(collection)}.{change}",
        resource_type=collection,
        resource_id=row.id,
        slug=row.slug,
        version=row.version,
        occurred_at=clock.now(),
        data={
            "id": row.id,
            "slug": row.slug,
            "version": row.version,
            "status": str(getattr(row, "status", Status.published)),
            **({"locale": locale} if locale else {}),
        },
        once_public=once_public,
        request_id=REQUEST_ID.get(),
        locale=locale,
    )
    session.add(event)
    session.flush()
    _fan_out(session, event)
    return event


def _fan_out(session: Session, event: Event) -> None:
    """A pending delivery for every enabled webhook that wants ``event``, in the transaction
    that records it: a change that rolls back is never announced, one that commits always is."""
    for webhook in session.exec(select(Webhook).where(col(Webhook.enabled).is_(True))):
        if event.type in webhook.events:
            assert webhook.id is not None
            assert event.id is not None
            session.add(
                WebhookDelivery(
                    webhook_id=webhook.id, event_id=event.id, next_attempt_at=event.occurred_at
                )
            )


def change_of(action: str, before: bool, after: bool) -> str:
    if action == "delete":
        return "deleted"
    if after and not before:
        return "published"
    if before and not after:
        return "unpublished"
    return "updated"


def compact(session: Session) -> int:
    """Deletes events older than FOLIO_EVENT_RETENTION_DAYS that a newer event of the same
    resource supersedes, with their finished deliveries, and commits; returns how many went.

    The latest event of every resource is kept, so the log grows with the content, not with
    its edits; and no changes token ever expires: whoever asks for changes since a token still
    gets every resource changed since, with its current form (or tombstone)."""
    cutoff = clock.now() - timedelta(days=get_settings().event_retention_days)
    db.begin_write(session)
    newer = aliased(Event)
    superseded = select(Event.id).where(
        col(Event.occurred_at) < cutoff,
        exists().where(
            col(newer.resource_type) == col(Event.resource_type),
            col(newer.resource_id) == col(Event.resource_id),
            col(newer.id) > Event.id,
        ),
        col(Event.id).not_in(
            select(WebhookDelivery.event_id).where(WebhookDelivery.status == "pending")
        ),
    )
    expired = list(session.exec(superseded))
    if expired:
        finished = select(WebhookDelivery.id).where(col(WebhookDelivery.event_id).in_(expired))
        session.execute(delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(finished)))
        session.execute(delete(WebhookDelivery).where(col(WebhookDelivery.event_id).in_(expired)))
        session.execute(delete(Event).where(col(Event.id).in_(expired)))
    surrogates.compact(session)
    session.commit()
    return len(expired)
