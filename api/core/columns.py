"""Portable columns: the naming convention of constraints, UTC datetimes, string enums and
the columns every resource table has."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints let Alembic alter and drop them on every dialect (SQLite batch mode needs
# names to recreate tables). Set before any table is imported.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every dialect.

    PostgreSQL keeps the offset; SQLite stores text without one, so values are normalised to UTC
    on the way in and marked UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Folio stores only timezone-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def string_enum(enum: type[StrEnum], *, name: str, length: int) -> SAEnum:
    """A StrEnum column stored as its values in a VARCHAR with a CHECK constraint: portable,
    and a new value needs no ALTER TYPE on PostgreSQL."""
    return SAEnum(
        enum,
        native_enum=False,
        create_constraint=True,
        length=length,
        name=name,
        values_callable=lambda members: [m.value for m in members],
    )


class Tracked(SQLModel):
    """Columns every resource table has: when it was made, last changed, and how often."""

    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    version: int = Field(default=1, nullable=False)
