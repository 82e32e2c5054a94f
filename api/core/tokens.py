"""Secret tokens of the form ``{kind}{prefix}_{secret}`` (API keys, preview links): both parts
random; the row is found by the prefix and the secret checked against a SHA-256 hash in
constant time, so no token is ever stored. A fast hash is the right one here: the secret has
256 bits of entropy, so there is nothing to brute-force."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, select

Row = TypeVar("Row")


@dataclass(frozen=True)
class Made:
    prefix: str  # kept in the row, to find it
    token_hash: str  # kept in the row, to check the secret
    token: str  # shown once


def make(kind: str) -> Made:
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return Made(prefix, hash_of(secret), f"{kind}{prefix}_{secret}")


def hash_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def find(session: Session, model: type[Row], kind: str, token: str) -> Row | None:
    """The row (with ``prefix`` and ``token_hash`` columns) whose token this is, or None;
    never says which part was wrong, and takes the same time either way."""
    if not token.startswith(kind) or len(token) > 200:
        return None
    prefix, _, secret = token.removeprefix(kind).partition("_")
    if not prefix or not secret or not prefix.isalnum():
        return None
    table: Any = model
    row = session.exec(select(model).where(table.prefix == prefix)).first()
    expected = row.token_hash if row is not None else hash_of("")  # type: ignore[attr-defined]
    if not hmac.compare_digest(expected, hash_of(secret)):
        return None
    return row


def revoke(session: Session, row: Any, now: Any) -> None:
    """Marks ``row`` (a key, a link) revoked at ``now`` and commits, once: a row revoked
    already keeps its time."""
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.commit()
