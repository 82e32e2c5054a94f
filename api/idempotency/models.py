"""Idempotency keys: the first answer to a POST, kept so a retry gets it again."""

from datetime import datetime

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.columns import UTCDateTime, utcnow


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", ondelete="CASCADE")
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64, description="SHA-256 of method, path and body.")
    status_code: int
    location: str | None = Field(default=None, max_length=2_000)
    body: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True
    )
