"""Recording events with the writes that cause them, in commit order.

``record`` is called by ``api.editing`` for every write. On PostgreSQL the writing transaction
first takes a lock on the event table that only event writers contend for, held until it
commits: ids are then handed out in commit order, so a reader that has seen id N will never
later find a smaller one appear (the guarantee ``/v1/changes`` tokens rest on). SQLite writers
are serialized anyway.
"""

from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import inspect, text
from sqlmodel import Session, col, select

from api.clock import clock
from api.events.models import Event
from api.webhooks.models import Webhook, WebhookDelivery
from api.workflow import Status, visible_now

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


def was_visible(row: Any) -> bool:
    """Whether ``row`` was public before its pending (unflushed) changes."""
    state = inspect(row)
    if state.transient or state.pending:
        return False

    def before(name: str) -> Any:
        if not hasattr(row, name):
            return None
        history = state.attrs[name].history
        return history.deleted[0] if history.deleted else getattr(row, name)

    return visible_now(before("status"), before("published_at"), before("deleted_at"))


def is_visible(row: Any) -> bool:
    return visible_now(
        getattr(row, "status", None), getattr(row, "published_at", None), row.deleted_at
    )


def record(session: Session, collection: str, row: Any, change: str) -> Event:
    """Adds the event ``{kind}.{change}`` for ``row`` (flushed, not committed)."""
    _lock(session)
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
        },
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
