"""Persisted queries by SHA-256, as Apollo's automatic persisted queries protocol has them: a
client sends ``extensions.persistedQuery.sha256Hash`` alone; unknown, it is told
``PERSISTED_QUERY_NOT_FOUND`` and sends the query with its hash once, which is kept (when it
is a valid query, and while fewer than ``FOLIO_GRAPHQL_MAX_PERSISTED`` are). From then on a
GET of the hash alone is a short URL that every cache can key."""

import hashlib
import re

import structlog
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.core import db
from api.core.config import get_settings
from api.graphql.models import PersistedQuery

log = structlog.get_logger(__name__)

SHA256 = re.compile(r"[0-9a-f]{64}")


def digest(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def find(session: Session, sha256: str) -> str | None:
    """The query kept under ``sha256``, if any (a column read: no surrogate key)."""
    return session.exec(select(PersistedQuery.query).where(PersistedQuery.sha256 == sha256)).first()


def keep(session: Session, sha256: str, query: str) -> None:
    """Keeps ``query`` under its hash (already checked), unless the store is full; commits."""
    db.begin_write(session)
    kept = session.exec(select(func.count()).select_from(PersistedQuery)).one()
    if kept >= get_settings().graphql_max_persisted:
        session.rollback()
        log.warning("graphql_persisted_full", kept=kept)
        return
    if find(session, sha256) is None:
        session.add(PersistedQuery(sha256=sha256, query=query))
    try:
        session.commit()
    except IntegrityError:  # another request kept it first
        session.rollback()
