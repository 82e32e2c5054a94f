"""History: a revision for every write, and the slugs a resource had before."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.columns import UTCDateTime, utcnow
from api.core.fields import MAX_ID


class Revision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("resource_type", "resource_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    resource_type: str = Field(max_length=20)
    resource_id: int
    number: int = Field(description="The resource's version this revision recorded.")
    action: str = Field(max_length=20)
    key_name: str | None = Field(default=None, max_length=100)
    # Who made it, as the audit trail names people (not a foreign key: history outlives them).
    user_id: int | None = None
    user_name: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    content: dict[str, Any] = Field(sa_type=JSON)


class SlugRedirect(SQLModel, table=True):
    """An old slug of a resource; it answers 301 and may not be taken by another resource."""

    __tablename__ = "slug_redirect"
    __table_args__ = (Index("ix_slug_redirect_resource", "resource_type", "resource_id"),)

    resource_type: str = Field(max_length=20, primary_key=True)
    slug: str = Field(max_length=120, primary_key=True)
    resource_id: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class RevisionSummary(SQLModel):
    number: int
    action: str
    key_name: str | None = Field(description="The API key that made it, if a key did.")
    user_id: int | None = Field(description="The person who made it (themselves or by a key).")
    user_name: str | None
    created_at: datetime
    url: str


class RevisionPublic(RevisionSummary):
    content: dict[str, Any] = Field(description="The whole editable content at that version.")


class FieldChange(SQLModel):
    field: str
    before: Any
    after: Any


class RevisionDiff(SQLModel):
    from_number: int
    to_number: int
    changes: list[FieldChange]
    patch: str = Field(description="A unified diff of the two contents as indented JSON.")


class DiffQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_: int = PydanticField(alias="from", ge=1, le=MAX_ID, description="The older revision.")
    to: int = PydanticField(ge=1, le=MAX_ID, description="The newer revision.")
