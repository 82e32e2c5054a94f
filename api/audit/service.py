"""Reading the audit trail (newest first, filtered) and pruning what is past keeping."""

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.audit.models import AuditActor, AuditEntry, AuditEvent, AuditObject, AuditQuery
from api.core import db
from api.core.clock import clock
from api.core.config import get_settings
from api.web.pagination import Page, Sortable, keyset_page, map_page

_NEWEST_FIRST = Sortable({"id": col(AuditEvent.id)}, "-id", col(AuditEvent.id))


def to_entry(event: AuditEvent) -> AuditEntry:
    return AuditEntry(
        id=event.id,  # type: ignore[arg-type]
        at=event.at,
        action=event.action,  # type: ignore[arg-type]
        actor=AuditActor(
            kind=event.actor,  # type: ignore[arg-type]
            user_id=event.user_id,
            user_email=event.user_email,
            key_name=event.key_name,
        ),
        object=AuditObject(type=event.object_type, id=event.object_id)
        if event.object_type is not None and event.object_id is not None
        else None,
        address=event.address,
        request_id=event.request_id,
        detail=event.detail,
    )


def list_entries(session: Session, query: AuditQuery) -> Page[AuditEntry]:
    statement = select(AuditEvent)
    for column, value in (
        (AuditEvent.action, query.action),
        (AuditEvent.actor, query.actor),
        (AuditEvent.user_id, query.user_id),
        (AuditEvent.key_name, query.key_name),
        (AuditEvent.object_type, query.object_type),
        (AuditEvent.object_id, query.object_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if query.since is not None:
        statement = statement.where(col(AuditEvent.at) >= query.since)
    if query.until is not None:
        statement = statement.where(col(AuditEvent.at) < query.until)
    page = keyset_page(session, statement, sortable=_NEWEST_FIRST, params=query.list_params())
    return map_page(page, lambda rows: [to_entry(e) for e in rows])


def prune(session: Session, now: datetime | None = None) -> int:
    """Deletes the events older than FOLIO_AUDIT_RETENTION_DAYS; how many it deleted. The
    worker calls it on every round: when nothing is that old (most rounds) it only reads, so
    it takes no writer's lock (one SQLite has)."""
    cutoff = (now or clock.now()) - timedelta(days=get_settings().audit_retention_days)
    old = col(AuditEvent.at) < cutoff
    if session.exec(select(AuditEvent.id).where(old).limit(1)).first() is None:
        session.rollback()  # ends the read
        return 0
    db.begin_write(session)
    result = session.exec(delete(AuditEvent).where(old))
    session.commit()
    return int(result.rowcount or 0)
