"""Content and time: when it last changed, and when it will next change by the clock alone."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, union_all
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.core import kinds, surrogates
from api.core.clock import clock
from api.core.columns import UTCDateTime
from api.core.surrogates import ContentChange, Reading
from api.core.workflow import Status
from api.events import service as events
from api.models import TABLES

# The tables of the kinds with a workflow: what the clock alone may publish.
_ALL: list[Any] = list(TABLES.values())
_WORKFLOW: list[Any] = [TABLES[collection] for collection in kinds.collections(kinds.WORKFLOW)]


def _next_publication(now: Any) -> Any:
    """The earliest time a scheduled article, role or comparison becomes public, if any."""
    parts = [
        sql_select(func.min(model.published_at).label("at")).where(
            col(model.status) == Status.scheduled,
            col(model.published_at) > now,
            col(model.deleted_at).is_(None),
        )
        for model in _WORKFLOW
    ]
    return sql_select(func.min(union_all(*parts).subquery().c.at)).scalar_subquery()


def _last_change(now: Any) -> Any:
    """When the public content last changed: the latest write to anything (deletions included:
    they bump ``updated_at``), or the latest scheduled publication that came due since."""
    parts: list[Any] = [sql_select(func.max(m.updated_at).label("at")) for m in _ALL]
    parts += [
        sql_select(func.max(model.published_at).label("at")).where(
            col(model.status) == Status.scheduled, col(model.published_at) <= now
        )
        for model in _WORKFLOW
    ]
    return sql_select(func.max(union_all(*parts).subquery().c.at)).scalar_subquery()


# Every process reads these after each content change (its watcher, ``read_changes``): built
# once, with the time as a parameter, they cost a cached compile and
# the database's work, not the building of a union of eight selects each time.
_NOW = bindparam("now", type_=UTCDateTime)
_STATE = sql_select(
    _next_publication(_NOW),
    _last_change(_NOW),
    sql_select(func.max(ContentChange.id)).scalar_subquery(),
)
_NEXT_PUBLICATION = sql_select(_next_publication(_NOW))


def next_publication(engine: Engine) -> datetime | None:
    now = clock.now()
    with engine.connect() as conn:
        return _aware(conn.execute(_NEXT_PUBLICATION, {"now": now}).scalar(), now)


def read_changes(engine: Engine, last: int | None, *, batch: int) -> Reading:
    """The ``Reading`` after change ``last``: two statements in one transaction."""
    now = clock.now()
    changes: list[tuple[int, list[str]]] | None = None
    with engine.connect() as conn:
        if last is not None:
            changes = surrogates.changes_since(conn, last, limit=batch)
            if len(changes) >= batch:  # too many to read: the watcher drops everything
                changes = None
        horizon, last_modified, latest = conn.execute(_STATE, {"now": now}).one()
        conn.commit()  # not the rollback closing sends: it would unprepare _STATE (``end_read``)
    if changes is not None:  # read on from the last change read, never from a newer one
        latest = changes[-1][0] if changes else last
    return Reading(changes, latest or 0, _aware(horizon, now), _aware(last_modified, now))


def _aware(value: datetime | str | None, now: datetime) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's MIN()/MAX() over a union loses the column type
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=now.tzinfo)


def announce_due(session: Session) -> int:
    """Marks scheduled items whose time has come as published, each with its
    ``*.published`` event, and commits; returns how many. Readers already see them as
    published: this is for those who follow events (``/v1/changes``, webhooks). Rows another
    process is announcing are skipped, so each is announced once."""

    now = clock.now()
    announced = 0
    for collection in kinds.collections(kinds.WORKFLOW):
        model: Any = TABLES[collection]
        due = session.exec(
            select(model)
            .where(
                col(model.status) == Status.scheduled,
                col(model.published_at) <= now,
                col(model.deleted_at).is_(None),
            )
            .with_for_update(skip_locked=True)
        ).all()
        for row in due:
            row.status = Status.published
            session.add(row)
            events.record(session, collection, row, "published")
            announced += 1
    session.commit()
    return announced
