"""API keys: a name, a scope, and the hash of a token shown once."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlmodel import Field, Relationship, SQLModel

from api.core.columns import UTCDateTime, string_enum, utcnow
from api.core.fields import JSON_INTEGER, MAX_ID
from api.people.models import User


class Scope(StrEnum):
    read = "read"
    write = "write"
    admin = "admin"

    def allows(self, needed: "Scope") -> bool:
        order = (Scope.read, Scope.write, Scope.admin)
        return order.index(self) >= order.index(needed)


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    # The token's public part, to find the row; the secret part is only kept hashed.
    prefix: str = Field(max_length=16, unique=True, index=True)
    token_hash: str = Field(max_length=64)
    scope: Scope = Field(sa_type=string_enum(Scope, name="scope", length=8))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The person it belongs to, loaded with it (one query finds both): the key never does
    # more than they may do now. None for a key made before people existed.
    user_id: int | None = Field(
        default=None, foreign_key="folio_user.id", index=True, ondelete="RESTRICT"
    )
    user: User | None = Relationship(sa_relationship_kwargs={"lazy": "joined"})


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = PydanticField(
        min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$"
    )
    scope: Scope
    user_id: Annotated[int, PydanticField(ge=1, le=MAX_ID), JSON_INTEGER] | None = PydanticField(
        None, description="Whose key it is (an admin may make one for anyone); default: yours."
    )
    expires_in_days: Annotated[int, PydanticField(ge=1, le=3650), JSON_INTEGER] | None = None


class KeyPublic(SQLModel):
    id: int
    name: str
    scope: Scope
    prefix: str = Field(description="The start of the token, to recognise it; not a secret.")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    user_id: int | None = Field(description="The person it belongs to; it never does more.")


class KeyCreated(KeyPublic):
    token: str = Field(description="The key itself. Shown once: only its hash is stored.")
