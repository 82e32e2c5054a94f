"""Webhook subscriptions, and each delivery of an event to one, with every attempt."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic import Field as PydanticField
from sqlalchemy import JSON, ForeignKey, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core import kinds
from api.core.columns import UTCDateTime, string_enum, utcnow
from api.core.fields import URL_CHAR
from api.events.models import EventId
from api.web.pagination import PageParams

CHANGES = ("created", "published", "updated", "unpublished", "deleted")
EVENT_TYPES = tuple(f"{kind}.{change}" for kind in kinds.names() for change in CHANGES)
TEST_EVENT = "webhook.test"  # a test delivery's type: no change, never in the event log
EventType = Annotated[
    str, StringConstraints(pattern=r"^(" + "|".join(EVENT_TYPES).replace(".", r"\.") + ")$")
]
TargetUrl = Annotated[
    str,
    StringConstraints(pattern=rf"^https?://[^\x00-\x20\x7f-\x9f/]+{URL_CHAR}*$", max_length=2_000),
]


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class Webhook(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2_000)
    events: list[str] = Field(sa_type=JSON)
    description: str = Field(default="", max_length=500)
    enabled: bool = True
    # The signing secret, encrypted with FOLIO_SECRET_KEY: never stored as it was given out.
    secret_encrypted: str = Field(sa_type=Text)
    failures_in_a_row: int = 0
    disabled_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    version: int = 1


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id", "resend"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(
        sa_column_args=[ForeignKey("webhook.id", ondelete="CASCADE")], index=True
    )
    event_id: int = Field(sa_type=EventId, sa_column_args=[ForeignKey("event.id")])
    resend: int = Field(default=0, description="0 for the first delivery, n for the n-th resend.")
    status: DeliveryStatus = Field(
        default=DeliveryStatus.pending,
        sa_type=string_enum(DeliveryStatus, name="delivery_status", length=16),
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    # A worker's lease: while it runs, no other worker takes the delivery; ``lease`` names the
    # claim, and an attempt is recorded only under the lease that made it.
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lease: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(
        sa_column_args=[ForeignKey("webhook_delivery.id", ondelete="CASCADE")], index=True
    )
    number: int
    started_at: datetime = Field(sa_type=UTCDateTime)
    duration_ms: int
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=1_000)


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: TargetUrl
    events: list[EventType] = PydanticField(min_length=1, max_length=len(EVENT_TYPES))
    description: str = PydanticField("", max_length=500)
    enabled: bool = True


class WebhookPublic(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None
    failures_in_a_row: int
    created_at: datetime
    updated_at: datetime
    version: int


class WebhookCreated(WebhookPublic):
    secret: str = PydanticField(description="whsec_…: verify signatures with it. Shown once.")


class WebhookTestResult(BaseModel):
    """What a webhook's receiver answered a test delivery (``webhook.test``), sent once."""

    delivered: bool = PydanticField(description="The receiver answered 2xx.")
    status_code: int | None = PydanticField(description="Its status code, when it answered.")
    error: str | None = PydanticField(description="What went wrong, when it did.")
    duration_ms: int


class AttemptPublic(BaseModel):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None


class DeliveryPublic(BaseModel):
    id: int
    event_id: int
    event_type: str
    status: DeliveryStatus
    attempts: list[AttemptPublic]
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveriesQuery(PageParams):
    limit: int = Field(50, ge=1, le=100, description="Deliveries per page, newest first.")
