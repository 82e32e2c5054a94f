"""Surrogate keys: what a response depends on, what a write changed, and the log between them.

A key names one resource (``article:12``, ``role:3``) or a collection (``articles``: its
membership and order). Reads collect the keys of every row they load (``loaded_as_persistent``)
plus what services name with ``depend`` (a reference to a row the reader may not see yet, a
collection a list walks); the response carries them in ``Surrogate-Key``. Writes collect the
keys of every row they flush; just before the commit they are written to ``content_change``
(one row per transaction, in commit order on PostgreSQL: a table lock held only to commit), the
stored representations that depend on them are deleted in the same transaction, and on
PostgreSQL a NOTIFY wakes the other processes, which read the new ``content_change`` rows and
drop what they hold under those keys. After the commit, this process's hooks
(``after_content_commit``) get the keys at once, so a client reads its own writes.

The tables are listed here by name so that this layer knows no domain: a row of a table it
does not know, or a bulk UPDATE or DELETE of a content table, changes ``ALL``.
"""

import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    bindparam,
    delete,
    event,
    insert,
    text,
)
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.sql.expression import TableClause
from sqlmodel import Field, Session, SQLModel, col, select

from api.core import kinds
from api.core.columns import UTCDateTime, utcnow

ALL = "*"

# Resources: a row is ``{table}:{id}``, and its collection ``{table}s``: every kind, and media.
RESOURCES = frozenset({*kinds.names(), "asset"})
# Parts of a resource, each with its parent and what it points at: a row changes its parent,
# and a link names what it points at too, whose page lists what links to it (a role's articles
# and comparisons). A comparison's rows and cells point at nothing: the subjects already tie it
# to its roles, and a cell's text is nothing a role's own page shows.
PARTS: dict[str, tuple[str, str | None]] = {
    "article_role": ("article", "role"),
    "article_tag": ("article", "tag"),
    "article_comparison": ("article", "comparison"),
    "article_asset": ("article", "asset"),
    "comparison_subject": ("comparison", "role"),
    "comparison_row": ("comparison", None),
    "comparison_cell": ("comparison", None),
}
# A translation changes the resource it translates (``resource_type``, ``resource_id``).
TRANSLATION = "translation"
# The event log: /v1/changes depends on its collection.
LOGS = {"event": "events"}
# Written beside the content, never shown to anonymous readers, or this machinery itself.
IGNORED = frozenset(
    {
        "api_key",
        "idempotency_record",
        "webhook",
        "webhook_delivery",
        "webhook_attempt",
        "asset_blob",
        "revision",
        "slug_redirect",
        "search_document",
        "content_change",
        "representation",
        "representation_key",
        "purge_cursor",
        "preview_link",
        "persisted_query",  # GraphQL's queries by hash: text, not content
        "folio_user",  # people are never shown to readers (an author is, a label of its own)
        "user_token",
        "user_session",
        "recovery_code",
        "audit_event",
        "alembic_version",
    }
)

# The search index: one document per article, role or comparison, kept in step with it.
SEARCH_TABLES = frozenset({"search_document", "search_fts"})

# Content-change signalling on PostgreSQL: the NOTIFY channel every API process listens on.
CONTENT_CHANNEL = "folio_content"
_ORIGIN = {"id": uuid.uuid4().hex}
os.register_at_fork(after_in_child=lambda: _ORIGIN.update(id=uuid.uuid4().hex))


def origin() -> str:
    """This process's name in the notifications it sends, so it knows its own when they
    come back (its writes have reached its cache already)."""
    return _ORIGIN["id"]


class ContentChange(SQLModel, table=True):
    """One committed transaction that changed content, and the keys it changed."""

    __tablename__ = "content_change"

    id: int | None = Field(
        default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer(), "sqlite")
    )
    changed: list[str] = Field(default_factory=list, sa_type=JSON, description="The keys.")
    committed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class Representation(SQLModel, table=True):
    """A rendered public response, stored for every process and node: the bytes and the
    headers, valid until one of its keys changes (or until ``fresh_until``, when a scheduled
    publication may change it by the clock alone)."""

    __tablename__ = "representation"

    id: int | None = Field(
        default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer(), "sqlite")
    )
    __table_args__ = (
        UniqueConstraint("resource_type", "resource_id", "variant"),
        Index("ix_representation_resource_type_id", "resource_type", "id"),
    )

    resource_type: str = Field(
        sa_type=String(20), description="article, role or comparison; query for anything else"
    )
    resource_id: int = Field(description="the resource's id; 0 for a query")
    variant: str = Field(
        sa_type=String(1000),
        description="a resource's query string (format=…); a query's path, query and Accept",
    )
    status: int
    headers: list[list[str]] = Field(default_factory=list, sa_type=JSON)
    body: bytes = Field(sa_type=LargeBinary, description="zlib-compressed")
    fresh_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RepresentationKey(SQLModel, table=True):
    __tablename__ = "representation_key"

    key: str = Field(sa_type=String(60), primary_key=True)
    representation_id: int = Field(
        primary_key=True,
        foreign_key="representation.id",
        ondelete="CASCADE",
        sa_type=BigInteger().with_variant(Integer(), "sqlite"),
    )


# A drop deletes a representation's keys, and the foreign key is checked, by representation.
Index("ix_representation_key_representation_id", RepresentationKey.representation_id)  # type: ignore[arg-type]


def keys_of(row: Any, *, collections: bool) -> set[str]:
    """The keys a row stands for; with ``collections``, its collection's too (a write)."""
    table = getattr(getattr(row, "__table__", None), "name", None)
    if table is None or table in IGNORED:
        return set()
    if table in RESOURCES:
        found = {f"{table}:{row.id}"}
        if collections:
            found.add(f"{table}s")
        return found
    if table == TRANSLATION:
        found = {f"{row.resource_type}:{row.resource_id}"}
        if collections:
            found.add(f"{row.resource_type}s")
        return found
    if table in PARTS:
        parent, points_at = PARTS[table]
        found = {f"{parent}s"} if collections else set()
        for name in (parent, points_at):
            value = getattr(row, f"{name}_id", None) if name is not None else None
            if value is not None:
                found.add(f"{name}:{value}")
        return found
    if table in LOGS:
        return {LOGS[table]}
    return {ALL}


# --- Reads ------------------------------------------------------------------------------------

_READ = "folio_read_keys"


def track_reads(session: Session) -> set[str]:
    """Starts collecting what ``session`` reads, afresh; returns the set it fills."""
    keys: set[str] = set()
    session.info[_READ] = keys
    return keys


def depend(session: Session, *keys: str) -> None:
    """Names keys the response depends on beyond the rows it loaded: a row it refers to but
    may not show (a draft role), or a collection it walks (a list)."""
    read = session.info.get(_READ)
    if read is not None:
        read.update(keys)


def depend_on_tables(session: Session, tables: Iterable[Any]) -> None:
    """Names the collections a query over ``tables`` walks: a list shows whichever rows match,
    so a write to any of them may change it."""
    read = session.info.get(_READ)
    if read is None:
        return
    for found in tables:
        table = found
        while not isinstance(table, TableClause) and hasattr(table, "element"):
            table = table.element  # an alias of a table is that table
        if not isinstance(table, TableClause):
            continue  # a subquery: the tables inside it are among ``tables`` too
        name = table.name
        if name in SEARCH_TABLES:
            read.update(kinds.collections(kinds.SEARCHABLE))
            continue
        if name in IGNORED:
            continue
        if name in RESOURCES:
            read.add(f"{name}s")
        elif name == TRANSLATION:
            read.update(kinds.collections(kinds.TRANSLATABLE))
        elif name in PARTS:
            read.add(f"{PARTS[name][0]}s")
        elif name in LOGS:
            read.add(LOGS[name])
        else:
            read.add(ALL)


@event.listens_for(Session, "loaded_as_persistent")
def _loaded(session: Session, row: Any) -> None:
    read = session.info.get(_READ)
    if read is not None:
        read.update(keys_of(row, collections=False))


# --- Writes -----------------------------------------------------------------------------------

_WRITTEN = "folio_written_keys"
after_content_commit: list[Callable[[frozenset[str]], None]] = []


def _written(session: Any) -> set[str]:
    keys: set[str] | None = session.info.get(_WRITTEN)
    if keys is None:
        keys = session.info[_WRITTEN] = set()
    return keys


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    rows = [*session.new, *session.dirty, *session.deleted]
    if rows:
        written = _written(session)
        for row in rows:
            if row in session.dirty and not session.is_modified(row):
                continue
            written.update(keys_of(row, collections=True))


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in IGNORED:
        return
    if table in LOGS:
        _written(state.session).add(LOGS[table])
        return
    if table in PARTS:
        # A bulk change of a resource's parts comes with a write of the resource itself
        # (its version), which names it; the collection is named here.
        _written(session=state.session).add(f"{PARTS[table][0]}s")
        return
    _written(state.session).add(ALL)


def written(session: Session) -> frozenset[str]:
    """What the session's transaction has changed so far."""
    return frozenset(session.info.get(_WRITTEN, ()))


@event.listens_for(Session, "before_commit")
def _record(session: Session) -> None:
    # before_commit runs before the commit's own flush: flush now, so every row is counted.
    if session.new or session.dirty or session.deleted:
        session.flush()
    keys = session.info.get(_WRITTEN)
    if not keys:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Held until the commit: ids in commit order, and no stored representation is
        # written between this transaction's deletions and its commit (``store``).
        session.execute(text("LOCK TABLE content_change IN SHARE ROW EXCLUSIVE MODE"))
    session.execute(insert(ContentChange).values(changed=sorted(keys), committed_at=utcnow()))
    forget(session, keys)
    if postgres:
        session.execute(
            text("SELECT pg_notify(:channel, :origin)"),
            {"channel": CONTENT_CHANNEL, "origin": origin()},
        )


def forget(session: Session, keys: Iterable[str]) -> None:
    """Deletes the stored representations that depend on ``keys`` (all of them for ALL)."""
    keys = set(keys)
    if ALL in keys:
        session.execute(delete(RepresentationKey))
        session.execute(delete(Representation))
        return
    stale = select(RepresentationKey.representation_id).where(col(RepresentationKey.key).in_(keys))
    doomed = list(session.exec(stale).all())
    if doomed:
        session.execute(
            delete(RepresentationKey).where(col(RepresentationKey.representation_id).in_(doomed))
        )
        session.execute(delete(Representation).where(col(Representation.id).in_(doomed)))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    keys = session.info.pop(_WRITTEN, None)
    if keys:
        changed = frozenset(keys)
        for hook in after_content_commit:
            hook(changed)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


def compact(session: Session, *, keep: timedelta = timedelta(days=1)) -> None:
    """Deletes the content changes older than ``keep`` (a watcher further behind than that
    drops everything it holds anyway)."""
    session.execute(delete(ContentChange).where(col(ContentChange.committed_at) < utcnow() - keep))


# Built once: every watcher reads it after each write (``api.schedule.read_changes``).
_CHANGES_SINCE = (
    sql_select(col(ContentChange.id), col(ContentChange.changed))
    .where(col(ContentChange.id) > bindparam("last"))
    .order_by(col(ContentChange.id))
    .limit(bindparam("limit"))
)


def changes_since(
    db: Session | Connection, last: int, *, limit: int = 1000
) -> list[tuple[int, list[str]]]:
    """The content changes committed after ``last``, oldest first, at most ``limit``."""
    rows = db.execute(_CHANGES_SINCE, {"last": last, "limit": limit}).all()
    return [(int(i), list(k)) for i, k in rows if i is not None]


@dataclass(frozen=True, slots=True)
class Reading:
    """What a cache's watcher reads after a change, in one transaction: the content changes
    committed after the last it read (None when it must drop everything: it read none before,
    or too many came), the newest change's id, the next scheduled publication and when the
    content last changed."""

    changes: list[tuple[int, list[str]]] | None
    latest: int
    horizon: datetime | None
    last_modified: datetime | None
