"""People: accounts made by the command line or an admin's invitation, changed by an admin,
and the single-use links (invitation, password reset) by which someone chooses a password."""

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.audit import record as audit
from api.auth.models import ApiKey
from api.core import db, tokens
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import Conflict, InvalidBody, LinkNotValid, UserNotFound
from api.core.urls import api_url
from api.labels.models import Author
from api.people import mail, passwords, rules
from api.people.models import (
    Me,
    PasswordLink,
    User,
    UserCreate,
    UserInvited,
    UserPatch,
    UserPublic,
    UserRole,
    UserToken,
)
from api.people.rules import actor_of
from api.web.pagination import Page, PageParams, Sortable, keyset_page, map_page

LINK_PREFIX = "folio-link_"
INVITATION, RESET = "invitation", "reset"


def to_public(user: User) -> UserPublic:
    return UserPublic.model_validate(user, update={"two_factor": user.totp_secret is not None})


def normal_email(email: str) -> str:
    return email.strip()


def find_by_email(session: Session, email: str) -> User | None:
    """The account of ``email``, whatever its case (the unique index is on ``lower(email)``)."""
    wanted = normal_email(email).lower()
    return session.exec(select(User).where(func.lower(User.email) == wanted)).first()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UserNotFound(f"No user with id {user_id}.")
    return user


def find_user(session: Session, ref: str) -> User:
    """A user by id or email (the command line names people by their email)."""
    user = get_user(session, int(ref)) if ref.isdigit() and len(ref) < 10 else None
    user = user or find_by_email(session, ref)
    if user is None:
        raise UserNotFound(f"No user with id or email {ref!r}.")
    return user


def _check_author(session: Session, author_id: int | None) -> None:
    if author_id is not None and session.get(Author, author_id) is None:
        raise InvalidBody.at(["body", "author_id"], f"no author with id {author_id}")


def create_user(
    session: Session,
    data: UserCreate,
    *,
    password: str | None = None,
    by: rules.Caller = None,
) -> User:
    """A new account (flushed, not committed), with ``password`` if given (the command line
    asks for one) or none yet (an invitation follows). The first admin takes the keys that
    belonged to nobody."""
    if password is not None:
        passwords.checked(password, data.email)
    _check_author(session, data.author_id)
    email = normal_email(data.email)
    if find_by_email(session, email) is not None:
        raise Conflict(f"A user with the email {email!r} exists already.")
    now = clock.now()
    user = User(
        email=email,
        name=data.name,
        role=data.role,
        author_id=data.author_id,
        password_hash=passwords.make(password) if password is not None else None,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent maker took the email first
        session.rollback()
        raise Conflict(f"A user with the email {email!r} exists already.") from exc
    if user.role == UserRole.admin:
        for key in session.exec(select(ApiKey).where(col(ApiKey.user_id).is_(None))):
            key.user_id = user.id
            session.add(key)
    audit.record(
        session,
        "user-created",
        key=by,
        object_type="users",
        object_id=user.id,
        detail={"email": user.email, "role": str(user.role)},
    )
    return user


def _link(session: Session, user: User, purpose: str) -> PasswordLink:
    """A new single-use link for ``user`` (earlier unused ones of that purpose stop working)."""
    now = clock.now()
    for old in session.exec(
        select(UserToken).where(
            UserToken.user_id == user.id,
            UserToken.purpose == purpose,
            col(UserToken.used_at).is_(None),
            col(UserToken.revoked_at).is_(None),
        )
    ):
        old.revoked_at = now
        session.add(old)
    made = tokens.make(LINK_PREFIX)
    expires = now + timedelta(hours=get_settings().invitation_hours)
    session.add(
        UserToken(
            user_id=user.id,  # type: ignore[arg-type]
            purpose=purpose,
            prefix=made.prefix,
            token_hash=made.token_hash,
            created_at=now,
            expires_at=expires,
        )
    )
    url = api_url(f"/studio/{'welcome' if purpose == INVITATION else 'reset'}/{made.token}")
    return PasswordLink(url=url, expires_at=expires, mailed=False)


def _mailed(user: User, link: PasswordLink, purpose: str) -> PasswordLink:
    """``link`` mailed to ``user`` when a mail server is set (after the commit: a slow server
    holds no transaction)."""
    subject = "You are invited to Folio" if purpose == INVITATION else "Choose a new password"
    text = (
        f"Hello {user.name},\n\nOpen this link to choose your password (it works once, until"
        f" {link.expires_at:%Y-%m-%d %H:%M} UTC):\n{link.url}\n"
    )
    return link.model_copy(update={"mailed": mail.send(user.email, subject, text)})


def invite(session: Session, data: UserCreate, *, by: rules.Caller) -> UserInvited:
    """An account without a password and its invitation link (shown once)."""
    db.begin_write(session)
    user = create_user(session, data, by=by)
    link = _link(session, user, INVITATION)
    session.commit()
    link = _mailed(user, link, INVITATION)
    return UserInvited.model_validate(
        to_public(user),
        update={
            "invitation_url": link.url,
            "invitation_expires_at": link.expires_at,
            "invitation_mailed": link.mailed,
        },
    )


def reset_link(session: Session, user: User, *, by: rules.Caller) -> PasswordLink:
    """A single-use link by which ``user`` chooses a new password; their password keeps
    working until they do."""
    db.begin_write(session)
    if user.disabled:
        raise Conflict(f"{user.email} is disabled: enable them first.")
    link = _link(session, user, RESET)
    audit.record(
        session,
        "user-changed",
        key=by,
        object_type="users",
        object_id=user.id,
        detail={"password": "reset link made"},
    )
    session.commit()
    return _mailed(user, link, RESET)


def use_link(session: Session, token: str, password: str) -> User:
    """Sets the password of the person a link is for, once; the link is then used up, and
    every session they had ends (``generation``)."""
    db.begin_write(session)
    row = tokens.find(session, UserToken, LINK_PREFIX, token)
    now = clock.now()
    if (
        row is None
        or row.used_at is not None
        or row.revoked_at is not None
        or row.expires_at <= now
    ):
        raise LinkNotValid("The link is unknown, used, replaced or expired: ask for a new one.")
    user = get_user(session, row.user_id)
    if user.disabled:
        raise LinkNotValid("The link is unknown, used, replaced or expired: ask for a new one.")
    passwords.checked(password, user.email)
    row.used_at = now
    set_password(session, user, password, action="password-changed")
    session.add(row)
    session.commit()
    return user


def set_password(
    session: Session, user: User, password: str, *, action: str, by: rules.Caller = None
) -> None:
    """A new hash for ``user`` (rules checked by the caller); their sessions end."""
    user.password_hash = passwords.make(password)
    user.generation += 1
    user.updated_at = clock.now()
    session.add(user)
    audit.record(
        session, action, key=by, user=None if by else user, object_type="users", object_id=user.id
    )


def change_user(session: Session, user_id: int, data: UserPatch, *, by: rules.Caller) -> User:
    """An admin changes a person's name, role, author or disabled state; a change of role or
    state ends their sessions. The last enabled admin stays one."""
    db.begin_write(session)
    user = session.exec(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise UserNotFound(f"No user with id {user_id}.")
    changes = data.model_dump(exclude_unset=True)
    if "author_id" in changes:
        _check_author(session, data.author_id)
    for name in ("name", "role", "disabled"):
        if name in changes and changes[name] is None:
            raise InvalidBody.at(["body", name], "may not be null")
    demoted = "role" in changes and data.role != UserRole.admin
    if user.role == UserRole.admin and (demoted or data.disabled) and _admins(session) <= 1:
        raise Conflict("This is the last admin: make another admin first.")
    before = {name: _plain(getattr(user, name)) for name in changes}
    for name, value in changes.items():
        setattr(user, name, value)
    after = {name: _plain(getattr(user, name)) for name in changes}
    changed = {
        n: {"before": before[n], "after": after[n]} for n in changes if before[n] != after[n]
    }
    if not changed:
        return user
    if "role" in changed or "disabled" in changed:
        user.generation += 1
    user.updated_at = clock.now()
    session.add(user)
    action = "user-changed"
    if "disabled" in changed and user.disabled:
        action = "user-disabled"
    elif "role" in changed:
        action = "role-changed"
    audit.record(session, action, key=by, object_type="users", object_id=user.id, detail=changed)
    session.commit()
    return user


def _plain(value: object) -> object:
    return str(value) if isinstance(value, UserRole) else value


def _admins(session: Session) -> int:
    statement = select(func.count()).where(
        User.role == UserRole.admin, col(User.disabled).is_(False)
    )
    return int(session.exec(statement).one())


_BY_EMAIL = Sortable({"email": col(User.email)}, "email", col(User.id))


def list_users(session: Session, params: PageParams) -> Page[UserPublic]:
    page = keyset_page(session, select(User), sortable=_BY_EMAIL, params=params.list_params())
    return map_page(page, lambda rows: [to_public(u) for u in rows])


def all_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.email))))


def me(key: ApiKey) -> Me:
    """The caller of ``GET /v1/me``: their person (if the key has one), and what they may do."""
    actor = actor_of(key)
    user = to_public(actor.user) if actor.user is not None else None
    return Me(user=user, key_name=key.name, scope=str(key.scope), may=actor.may())
