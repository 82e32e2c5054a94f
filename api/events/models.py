"""The event log: one row per change of public interest, written in the transaction that made
the change (a transactional outbox). ``/v1/changes`` reads it; webhook deliveries are made from
it in the same transaction.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer
from sqlmodel import Field, SQLModel

from api.core.columns import UTCDateTime, utcnow

# The ids must grow in commit order, so they are a plain auto-increment key: BIGINT on
# PostgreSQL, SQLite's INTEGER rowid.
EventId = BigInteger().with_variant(Integer(), "sqlite")


class Event(SQLModel, table=True):
    __table_args__ = (Index("ix_event_resource", "resource_type", "resource_id", "id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=EventId)
    type: str = Field(max_length=40, description="e.g. article.published")
    resource_type: str = Field(max_length=20)
    resource_id: int
    slug: str = Field(max_length=120)
    version: int
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # Whether the resource had been public at some time up to this event: only such
    # resources are shown to the public in /v1/changes (a tombstone for one never public
    # would name a draft).
    once_public: bool = Field(default=False)
    # The X-Request-ID of the request that made the change (None for one made by a command
    # or the worker); its webhook deliveries carry it.
    request_id: str | None = Field(default=None, max_length=128)
    # "" for the resource itself; the locale of the translation the change was to otherwise.
    locale: str = Field(default="", max_length=35, sa_column_kwargs={"server_default": ""})
