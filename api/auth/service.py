"""API keys: creation (the token is returned once), lookup by token, revocation.

A token is ``folio_<prefix>_<secret>`` (``api.core.tokens``: found by the prefix, the secret
checked against its hash in constant time).
"""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.auth.models import ApiKey, KeyCreate, KeyCreated, KeyPublic, Scope
from api.core import db, tokens
from api.core.clock import clock
from api.core.errors import Conflict, Forbidden, KeyNotFound, Unauthorized
from api.web.pagination import Page, PageParams, Sortable, keyset_page, map_page

TOKEN_PREFIX = "folio_"


def to_public(key: ApiKey) -> KeyPublic:
    return KeyPublic.model_validate(key)


def create_key(session: Session, data: KeyCreate) -> KeyCreated:
    db.begin_write(session)
    made = tokens.make(TOKEN_PREFIX)
    now = clock.now()
    key = ApiKey(
        name=data.name,
        prefix=made.prefix,
        token_hash=made.token_hash,
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
    return KeyCreated.model_validate(key, update={"token": made.token})


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
    tokens.revoke(session, key, clock.now())
    return to_public(key)


def authenticate(session: Session, token: str) -> ApiKey:
    """The live key a bearer token names, or ``Unauthorized``; never says which part was wrong."""
    invalid = Unauthorized("The API key is unknown, revoked or expired.")
    key = tokens.find(session, ApiKey, TOKEN_PREFIX, token)
    if key is None:
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
