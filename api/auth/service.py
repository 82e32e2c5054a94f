"""API keys: creation (the token is returned once), lookup by token, revocation.

A token is ``folio_<prefix>_<secret>``; both parts are random. The row is found by the prefix
and the secret checked against a SHA-256 hash with a constant-time comparison. A fast hash is
the right one here: the secret has 256 bits of entropy, so there is nothing to brute-force.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.auth.models import ApiKey, KeyCreate, KeyCreated, KeyPublic, Scope
from api.core import db
from api.core.clock import clock
from api.core.errors import Conflict, Forbidden, KeyNotFound, Unauthorized
from api.web.pagination import Page, PageParams, Sortable, keyset_page, map_page

TOKEN_PREFIX = "folio_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def to_public(key: ApiKey) -> KeyPublic:
    return KeyPublic.model_validate(key)


def create_key(session: Session, data: KeyCreate) -> KeyCreated:
    db.begin_write(session)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    key = ApiKey(
        name=data.name,
        prefix=prefix,
        token_hash=_hash(secret),
        scope=data.scope,
        created_at=now,
        expires_at=now + timedelta(days=data.expires_in_days) if data.expires_in_days else None,
    )
    session.add(key)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"A key named {data.name!r} exists already.") from exc
    return KeyCreated.model_validate(key, update={"token": f"{TOKEN_PREFIX}{prefix}_{secret}"})


_BY_NAME = Sortable({"name": col(ApiKey.name)}, "name", col(ApiKey.id))


def list_keys(session: Session, params: PageParams) -> Page[KeyPublic]:
    """A page of the keys, by name."""
    page = keyset_page(session, select(ApiKey), sortable=_BY_NAME, params=params.list_params())
    return map_page(page, lambda rows: [to_public(k) for k in rows])


def all_keys(session: Session) -> list[KeyPublic]:
    """Every key, by name (for the command line, which shows them all)."""
    return [to_public(k) for k in session.exec(select(ApiKey).order_by(col(ApiKey.name)))]


def get_key_or_raise(session: Session, ref: str) -> ApiKey:
    condition = (
        col(ApiKey.id) == int(ref) if ref.isdigit() and len(ref) < 10 else col(ApiKey.name) == ref
    )
    key = session.exec(select(ApiKey).where(condition)).first()
    if key is None:
        raise KeyNotFound(f"No API key with id or name {ref!r}.")
    return key


def revoke_key(session: Session, ref: str) -> KeyPublic:
    db.begin_write(session)
    key = get_key_or_raise(session, ref)
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        session.add(key)
        session.commit()
    return to_public(key)


def authenticate(session: Session, token: str) -> ApiKey:
    """The live key a bearer token names, or ``Unauthorized``; never says which part was wrong."""
    invalid = Unauthorized("The API key is unknown, revoked or expired.")
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise invalid
    prefix, _, secret = token.removeprefix(TOKEN_PREFIX).partition("_")
    if not prefix or not secret or not prefix.isalnum():
        raise invalid
    key = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    expected = key.token_hash if key is not None else _hash("")
    if not hmac.compare_digest(expected, _hash(secret)) or key is None:
        raise invalid
    now = clock.now()
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        raise invalid
    return key


def require(key: ApiKey | None, scope: Scope) -> ApiKey:
    if key is None:
        raise Unauthorized(f"This needs an API key with the {scope} scope.", token_sent=False)
    if not key.scope.allows(scope):
        raise Forbidden(f"The key {key.name!r} has the {key.scope} scope; this needs {scope}.")
    return key
