"""Purging the HTTP caches in front by surrogate key, after every change, never losing one.

Every committed write leaves a row in ``content_change`` with the surrogate keys it changed
(``api.core.surrogates``); responses name the keys they depend on in ``Surrogate-Key``. For
each cache in ``FOLIO_PURGE_URLS``, ``folio worker`` keeps a cursor (``purge_cursor``): the
changes after it are sent as one ``PURGE`` request naming their keys (``xkey-purge``, which
Varnish's xkey module reads, and ``Surrogate-Key``), and the cursor moves only once the cache
answered 2xx; a cache that is down is purged of everything it missed when it answers again.
Its row is locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) while a worker purges it, so two
workers never send the same purge. A change of ``*`` (or changes compacted away before they
were sent) purges everything.

Written here rather than taken from a library: no Python package speaks to Varnish's xkey, and
the protocol is one request with one header.
"""

import threading
from collections.abc import Iterable

import httpx2 as httpx
import structlog
from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.core import db
from api.core.bounds import UNAVAILABLE
from api.core.config import get_settings
from api.core.surrogates import ALL, ContentChange, changes_since
from api.purge.models import PurgeCursor

log = structlog.get_logger(__name__)

BATCH = 1000  # changes per purge request
# Keys per request, so that the header stays well under the 8 KB a cache accepts.
KEYS_PER_REQUEST = 200
TIMEOUT_SECONDS = 5.0


def run_once(engine: Engine, client: httpx.Client | None = None) -> int:
    """Sends each cache the keys changed since its cursor; how many requests were sent."""
    urls = get_settings().purge_urls
    if not urls:
        return 0
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT_SECONDS, trust_env=False)
    sent = 0
    try:
        for url in urls:
            with db.open_session(engine) as session:
                sent += _purge(session, url, client)
    finally:
        if own:
            client.close()
    return sent


def _purge(session: Session, url: str, client: httpx.Client) -> int:
    cursor = _cursor(session, url)
    if cursor is None:  # another worker is purging this cache now
        session.rollback()
        return 0
    changes = changes_since(session, cursor.last_change, limit=BATCH)
    if not changes:
        session.rollback()
        return 0
    keys: set[str] = set()
    for _, changed in changes:
        keys.update(changed)
    if _compacted(session, cursor.last_change):
        keys = {ALL}  # some changes are gone from the log: what they touched is unknown
    sent = 0
    for chunk in _chunks(sorted(keys)):
        try:
            answer = client.request(
                "PURGE", url, headers={"xkey-purge": chunk, "Surrogate-Key": chunk}
            )
        except httpx.HTTPError as exc:
            log.warning("purge_failed", url=url, error=f"{type(exc).__name__}: {exc}"[:300])
            session.rollback()
            return sent
        sent += 1
        if not 200 <= answer.status_code < 300:
            log.warning("purge_refused", url=url, status=answer.status_code)
            session.rollback()
            return sent
    cursor.last_change = changes[-1][0]
    session.add(cursor)
    session.commit()
    log.info("purged", url=url, changes=len(changes), keys=len(keys))
    return sent


def _cursor(session: Session, url: str) -> PurgeCursor | None:
    """The cache's cursor, locked for this transaction; None when another worker holds it.
    A cache seen for the first time starts at the newest change: it holds nothing older."""
    db.begin_write(session)
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = select(PurgeCursor).where(PurgeCursor.url == url)
    if postgres:
        statement = statement.with_for_update(skip_locked=True)
    cursor = session.exec(statement).first()
    if cursor is not None:
        return cursor
    if session.exec(select(PurgeCursor.url).where(PurgeCursor.url == url)).first() is not None:
        return None  # it exists: another worker holds it
    newest = session.exec(select(func.max(col(ContentChange.id)))).one()
    session.add(PurgeCursor(url=url, last_change=newest or 0))
    try:
        session.commit()
    except IntegrityError:  # another worker made it first
        session.rollback()
        return None
    db.begin_write(session)
    return session.exec(statement).first()


def _compacted(session: Session, last: int) -> bool:
    """Whether changes after ``last`` were compacted away before being sent: the oldest
    change left in the log is newer than the next one the cache needs."""
    oldest = session.exec(select(func.min(col(ContentChange.id)))).one()
    return oldest is not None and oldest > last + 1


def _chunks(keys: list[str]) -> Iterable[str]:
    for start in range(0, len(keys), KEYS_PER_REQUEST):
        yield " ".join(keys[start : start + KEYS_PER_REQUEST])


def lag(engine: Engine) -> list[tuple[str, str, float]]:
    """For ``/metrics`` (two statements): the content changes the caches in front have not
    been purged of yet, all caches together."""
    urls = get_settings().purge_urls
    if not urls:
        return []
    with Session(engine) as session:
        newest = session.exec(select(func.max(col(ContentChange.id)))).one() or 0
        cursors = dict(session.exec(select(PurgeCursor.url, PurgeCursor.last_change)).all())
    behind = sum(max(0, newest - cursors.get(url, newest)) for url in urls)
    return [
        (
            "folio_purge_pending_changes",
            "Content changes the HTTP caches in front have not been purged of yet.",
            float(behind),
        )
    ]


def run(engine: Engine, *, interval: float, stop: threading.Event) -> None:
    """Purges every ``interval`` seconds until ``stop`` is set (``folio worker``'s thread)."""
    with httpx.Client(timeout=TIMEOUT_SECONDS, trust_env=False) as client:
        while not stop.is_set():
            try:
                run_once(engine, client)
            except UNAVAILABLE as exc:  # within its bounds (api.core.bounds): wait, try again
                log.warning("purge_database_unavailable", error=str(exc).splitlines()[0][:300])
            except Exception:  # a worker outlives a bad round: log it, wait, go on
                log.exception("purge_round_failed")
            stop.wait(interval)
