"""API keys: creation (the token is returned once), lookup by token, revocation.

A token is ``folio_<prefix>_<secret>`` (``api.core.tokens``: found by the prefix, the secret
checked against its hash in constant time).
"""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.audit import record as audit
from api.auth.models import ApiKey, KeyCreate, KeyCreated, KeyPublic, Scope
from api.core import db, tokens
from api.core.clock import clock
from api.core.errors import Conflict, Forbidden, InvalidBody, KeyNotFound, Unauthorized
from api.people import rules
from api.people.models import User, UserRole
from api.web.pagination import Page, PageParams, Sortable, keyset_page, map_page

TOKEN_PREFIX = "folio_"


def to_public(key: ApiKey) -> KeyPublic:
    return KeyPublic.model_validate(key)


def create_key(session: Session, data: KeyCreate, *, by: rules.Caller = None) -> KeyCreated:
    """A key for ``data.user_id``, else for whoever makes it (``by``'s person), else, from the
    command line, for the first admin (or nobody until there is one). A key's scope may not
    be more than its person's role allows."""
    db.begin_write(session)
    user = _owner(session, data.user_id if data.user_id is not None else _person_id(by))
    if user is not None and data.scope == Scope.admin and user.role != UserRole.admin:
        raise InvalidBody.at(["body", "scope"], f"{user.email} is not an admin")
    if user is not None and user.disabled:
        raise InvalidBody.at(["body", "user_id"], f"{user.email} is disabled")
    if session.exec(select(ApiKey.id).where(ApiKey.name == data.name)).first() is not None:
        raise Conflict(f"A key named {data.name!r} exists already.")
    made = tokens.make(TOKEN_PREFIX)
    now = clock.now()
    key = ApiKey(
        name=data.name,
        prefix=made.prefix,
        token_hash=made.token_hash,
        scope=data.scope,
        created_at=now,
        expires_at=now + timedelta(days=data.expires_in_days) if data.expires_in_days else None,
        user_id=user.id if user is not None else None,
    )
    session.add(key)
    try:
        session.flush()
        audit.record(
            session,
            "key-created",
            key=by,
            object_type="keys",
            object_id=key.id,
            detail={"name": key.name, "scope": str(key.scope), "user_id": key.user_id},
        )
        session.commit()
    except IntegrityError as exc:  # a concurrent maker took the name first
        session.rollback()
        raise Conflict(f"A key named {data.name!r} exists already.") from exc
    return KeyCreated.model_validate(key, update={"token": made.token})


def _person_id(key: rules.Caller) -> int | None:
    person = rules.person_of(key)
    return person.id if person is not None else None


def _owner(session: Session, user_id: int | None) -> User | None:
    """The person a new key belongs to: ``user_id``'s, else the first admin."""
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None:
            raise InvalidBody.at(["body", "user_id"], f"no user with id {user_id}")
        return user
    return first_admin(session)


def first_admin(session: Session) -> User | None:
    statement = select(User).where(User.role == UserRole.admin, col(User.disabled).is_(False))
    return session.exec(statement.order_by(col(User.id))).first()


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


def revoke_key(session: Session, ref: str, *, by: rules.Caller = None) -> KeyPublic:
    db.begin_write(session)
    key = get_key_or_raise(session, ref)
    if key.revoked_at is None:
        audit.record(
            session,
            "key-revoked",
            key=by,
            object_type="keys",
            object_id=key.id,
            detail={"name": key.name},
        )
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
    if key.user is not None and key.user.disabled:  # a disabled person's keys stop working
        raise invalid
    return key


def require(key: ApiKey | None, scope: Scope) -> ApiKey:
    if key is None:
        raise Unauthorized(f"This needs an API key with the {scope} scope.", token_sent=False)
    if not key.scope.allows(scope):
        raise Forbidden(f"The key {key.name!r} has the {key.scope} scope; this needs {scope}.")
    user = key.user
    if scope == Scope.admin and user is not None and user.role != UserRole.admin:
        # The key was made when its person was an admin; they are not any more.
        raise Forbidden(f"The key {key.name!r} belongs to {user.email}, who is not an admin now.")
    return key
