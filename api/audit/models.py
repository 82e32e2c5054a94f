"""The audit trail: who did what to which object, when, from where, in which request."""

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime
from pydantic import Field as PydanticField
from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from api.core.columns import UTCDateTime, utcnow
from api.core.fields import MAX_ID
from api.web.pagination import PageParams

# Every action the trail records (an event's ``action`` is one of them).
Action = Literal[
    "sign-in",
    "sign-in-failed",
    "sign-out",
    "session-ended",
    "user-created",
    "user-changed",
    "user-disabled",
    "role-changed",
    "password-changed",
    "two-factor-changed",
    "key-created",
    "key-revoked",
    "create",
    "publish",
    "unpublish",
    "schedule",
    "delete",
    "restore",
    "purge",
    "webhook-changed",
]
ACTIONS: tuple[str, ...] = Action.__args__  # type: ignore[attr-defined]
# Who acted: a person (in the studio, or through one of their keys), a key that belongs to
# nobody (made before people existed, until the first admin claims it), or the command line.
ActorKind = Literal["user", "key", "cli", "anonymous"]


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_user", "user_id", "id"),
        Index("ix_audit_event_object", "object_type", "object_id", "id"),
        Index("ix_audit_event_action", "action", "id"),
        Index("ix_audit_event_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    action: str = Field(max_length=24)
    actor: str = Field(max_length=10)  # an ActorKind
    # Not foreign keys: the trail outlives the people and keys it names.
    user_id: int | None = None
    user_email: str | None = Field(default=None, max_length=254)
    key_name: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=128)
    object_type: str | None = Field(default=None, max_length=20)
    object_id: str | None = Field(default=None, max_length=120)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class AuditActor(SQLModel):
    kind: ActorKind
    user_id: int | None = Field(description="The person, acting themselves or by their key.")
    user_email: str | None
    key_name: str | None = Field(description="The API key of the call, if one made it.")


class AuditObject(SQLModel):
    type: str = Field(description="`articles`, `users`, `keys`, `webhooks`, `sessions`, …")
    id: str


class AuditEntry(SQLModel):
    id: int
    at: datetime
    action: Action
    actor: AuditActor
    object: AuditObject | None
    address: str | None = Field(description="The client's address.")
    request_id: str | None = Field(description="The X-Request-ID of the call that did it.")
    detail: dict[str, Any] = Field(description="What changed (a role's before and after, …).")


class AuditQuery(PageParams):
    """Newest first; every filter narrows."""

    action: Action | None = PydanticField(None, description="One action.")
    actor: ActorKind | None = PydanticField(
        None, description="Who acted: `user`, `key` (one of nobody's), `cli` or `anonymous`."
    )
    user_id: int | None = PydanticField(None, ge=1, le=MAX_ID, description="One person's acts.")
    key_name: str | None = PydanticField(None, max_length=100, description="One key's acts.")
    object_type: str | None = PydanticField(None, max_length=20, description="`articles`, …")
    object_id: str | None = PydanticField(None, max_length=120, description="With object_type.")
    since: AwareDatetime | None = PydanticField(None, description="At or after (RFC 3339).")
    until: AwareDatetime | None = PydanticField(None, description="Before (RFC 3339).")
