"""Creating a resource at most once per ``Idempotency-Key``.

The record of the answer is written in the same transaction as what it answers. Its row is
inserted first, empty, to claim the key: a concurrent retry with the same key waits on that
row's unique index (PostgreSQL) or on the write lock (SQLite), then finds the record and
replays it.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from api import editing
from api.auth.models import ApiKey
from api.core.clock import clock
from api.core.errors import IdempotencyKeyReused
from api.idempotency.models import IdempotencyRecord

RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: bytes
    location: str | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\0".join([method.encode(), path.encode(), body])).hexdigest()


def _replay(record: IdempotencyRecord, print_: str) -> Answer:
    if record.fingerprint != print_:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for another request; use a new key for a new request."
        )
    return Answer(record.status_code, record.body, record.location)


def _find(session: Session, key: ApiKey, idempotency_key: str) -> IdempotencyRecord | None:
    return session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.api_key_id == key.id, IdempotencyRecord.key == idempotency_key
        )
    ).first()


def create_once(
    session: Session,
    *,
    key: ApiKey,
    idempotency_key: str | None,
    request_print: str,
    collection: str,
    create: Callable[[], Answer],
) -> Answer:
    """Runs ``create`` (which must not commit) and commits it with the record of its answer."""
    editing.begin(session)
    record = None
    if idempotency_key is not None:
        found = _find(session, key, idempotency_key)
        if found is not None:
            answer = _replay(found, request_print)
            session.rollback()
            return answer
        assert key.id is not None
        session.exec(
            delete(IdempotencyRecord).where(
                col(IdempotencyRecord.created_at) < clock.now() - RETENTION
            )
        )
        record = IdempotencyRecord(
            api_key_id=key.id,
            key=idempotency_key,
            fingerprint=request_print,
            status_code=0,
            body=b"",
            created_at=clock.now(),
        )
        session.add(record)
    try:
        session.flush()  # claims the key before any work is done
        answer = create()
        if record is not None:
            record.status_code, record.body, record.location = (
                answer.status_code,
                answer.body,
                answer.location,
            )
            session.add(record)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if idempotency_key is not None:
            found = _find(session, key, idempotency_key)
            if found is not None:  # a concurrent request with this key won
                return _replay(found, request_print)
        raise editing.integrity_conflict(exc, collection, "") from exc
    except BaseException:
        session.rollback()
        raise
    return answer
