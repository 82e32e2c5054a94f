"""Persisted queries (the automatic persisted queries protocol): a query's text by the
SHA-256 of it, shared by every process and node, so that a GET names a query by its hash
and a cache in front keys its answer by a short URL."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from api.core.columns import UTCDateTime, utcnow


class PersistedQuery(SQLModel, table=True):
    __tablename__ = "persisted_query"

    sha256: str = Field(primary_key=True, min_length=64, max_length=64)
    query: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
