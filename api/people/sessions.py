"""Signing in to the studio: a password (and a second factor when the person has one) makes a
session, a random token in a cookie of which only the hash is kept, in the database so every
node knows it. A session ends at sign-out, when it is unused for FOLIO_SESSION_IDLE_MINUTES,
FOLIO_SESSION_HOURS after it began, or when the person's role, password or state changes
(their ``generation``); a person sees their sessions and ends any, an admin ends them all.

Sign-in attempts are counted per account and per client address before any hash is computed
(``api.web.ratelimit``, in Redis when it is configured); an unknown email costs the same work
as a wrong password and gets the same answer."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import update
from sqlmodel import Session, col, select

from api.audit import record as audit
from api.core import db, sealed
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import Forbidden, Unauthorized
from api.people import passwords, rules
from api.people.models import RecoveryCode, User, UserRole, UserSession
from api.people.service import find_by_email

# How often a session's last use is written: a page a second must not be a write a second.
TOUCH_EVERY = timedelta(minutes=1)
WRONG = "The email or the password is wrong."
RECOVERY_CODES = 10


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Started:
    token: str  # for the cookie; only its hash is kept
    session: UserSession


def check_password(session: Session, email: str, password: str) -> User:
    """The person whose email and password these are, or ``Unauthorized`` with the same words
    and the same work for an unknown email, a wrong password and a disabled account. A hash
    made with older parameters is replaced."""
    user = find_by_email(session, email) if len(email) <= 254 else None
    good = passwords.verify(user.password_hash if user is not None else None, password)
    if user is None or not good or user.disabled or len(password) > passwords.MAX_LENGTH:
        db.begin_write(session)  # many at once (a burst of guesses) wait their turn on SQLite
        audit.record(
            session,
            "sign-in-failed",
            object_type="users" if user is not None else None,
            object_id=user.id if user is not None else None,
            detail={"email": email[:254]},
        )
        session.commit()
        raise Unauthorized(WRONG, token_sent=False)
    if user.password_hash is not None and passwords.outdated(user.password_hash):
        db.begin_write(session)
        user.password_hash = passwords.make(password)
        session.add(user)
    return user


def needs_second_factor(user: User) -> bool:
    return user.totp_secret is not None


def check_second_factor(session: Session, user: User, code: str) -> bool:
    """A current TOTP code (this step or the one either side), or an unused recovery code
    (used up by this)."""
    code = code.strip().replace(" ", "").replace("-", "")
    secret = sealed.unseal(user.totp_secret) if user.totp_secret else None
    if secret is not None and code.isdigit() and len(code) == 6:
        return pyotp.TOTP(secret).verify(code, for_time=clock.now(), valid_window=1)
    if len(code) != 12:
        return False
    db.begin_write(session)
    # Used up in the statement that finds it: two sign-ins sending the same code at once
    # cannot both have it.
    used = session.exec(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user.id,
            col(RecoveryCode.code_hash) == _hash(code.lower()),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=clock.now())
    )
    return bool(used.rowcount == 1)


def start(session: Session, user: User, *, address: str | None, user_agent: str) -> Started:
    """A new session for ``user`` (who passed every check), committed, with its audit event."""
    db.begin_write(session)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    settings = get_settings()
    row = UserSession(
        user_id=user.id,  # type: ignore[arg-type]
        token_hash=_hash(token),
        generation=user.generation,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
        address=address,
        user_agent=user_agent[:300],
    )
    user.last_sign_in_at = now
    session.add_all([row, user])
    session.flush()
    audit.record(session, "sign-in", user=user, object_type="sessions", object_id=row.id)
    session.commit()
    return Started(token, row)


def _idle() -> timedelta:
    """How long a session may go unused."""
    return timedelta(minutes=get_settings().session_idle_minutes)


def current(session: Session, token: str | None) -> tuple[UserSession, User] | None:
    """The live session a cookie's token names, and its person; touched at most once a
    ``TOUCH_EVERY``. None for anything else: unknown, ended, idle too long, past its limit,
    made before the person's last change, or a disabled person's."""
    if not token or len(token) > 100:
        return None
    found = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
        .where(UserSession.token_hash == _hash(token))
    ).first()
    if found is None:
        return None
    row, user = found
    now = clock.now()
    if (
        row.ended_at is not None
        or row.expires_at <= now
        or row.last_seen_at + _idle() <= now
        or row.generation != user.generation
        or user.disabled
    ):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        db.begin_write(session)  # a page's requests at once touch it together
        session.exec(
            update(UserSession).where(col(UserSession.id) == row.id).values(last_seen_at=now)
        )
        session.commit()
        row.last_seen_at = now
    return row, user


def sessions_of(session: Session, user: User) -> list[UserSession]:
    """The person's live sessions, newest first."""
    now = clock.now()
    rows = session.exec(
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            col(UserSession.ended_at).is_(None),
            col(UserSession.expires_at) > now,
            col(UserSession.last_seen_at) > now - _idle(),
            UserSession.generation == user.generation,
        )
        .order_by(col(UserSession.id).desc())
        .limit(100)
    )
    return list(rows)


def end(session: Session, user: User, session_id: int, *, action: str = "session-ended") -> bool:
    """Ends one of ``user``'s sessions (theirs only); whether there was one to end."""
    db.begin_write(session)
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return False
    row.ended_at = clock.now()
    session.add(row)
    audit.record(session, action, user=user, object_type="sessions", object_id=row.id)
    session.commit()
    return True


def end_all(session: Session, user: User, *, by: rules.Caller = None) -> int:
    """Ends every session of ``user`` (an admin's act); how many were live."""
    db.begin_write(session)
    live = sessions_of(session, user)
    now = clock.now()
    for row in live:
        row.ended_at = now
        session.add(row)
    audit.record(
        session,
        "session-ended",
        key=by,
        object_type="users",
        object_id=user.id,
        detail={"sessions": len(live)},
    )
    session.commit()
    return len(live)


def two_factor_required(user: User) -> bool:
    """Whether ``user`` must set up a second factor before doing anything else."""
    return (
        get_settings().two_factor_required
        and user.role.at_least(UserRole.editor)
        and user.totp_secret is None
    )


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Folio")


def enable_two_factor(session: Session, user: User, secret: str, code: str) -> list[str]:
    """Turns two-factor sign-in on once ``code`` proves the authenticator has ``secret``: the
    secret kept encrypted, and new recovery codes (returned once, kept hashed). The person's
    other sessions end."""
    if not pyotp.TOTP(secret).verify(code.strip(), for_time=clock.now(), valid_window=1):
        raise Forbidden("That code is not the authenticator's current one; try the next.")
    db.begin_write(session)
    user.totp_secret = sealed.seal(secret)
    user.generation += 1
    user.updated_at = clock.now()
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = [secrets.token_hex(6) for _ in range(RECOVERY_CODES)]
    session.add_all(
        [RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes]  # type: ignore[arg-type]
    )
    session.add(user)
    audit.record(
        session,
        "two-factor-changed",
        user=user,
        object_type="users",
        object_id=user.id,
        detail={"two_factor": True},
    )
    session.commit()
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    return len(
        session.exec(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None)
            )
        ).all()
    )


def expires_at(row: UserSession) -> datetime:
    """When the session ends if nothing else ends it first: idle, or its absolute limit."""
    return min(row.last_seen_at + _idle(), row.expires_at)
