"""People: users who sign in, their editorial role, and the single-use links (invitations,
password resets) that let someone choose a password."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, StrictBool, StringConstraints
from pydantic import Field as PydanticField
from sqlalchemy import Index, func
from sqlmodel import Field, SQLModel

from api.core.columns import UTCDateTime, string_enum, utcnow
from api.core.fields import Id


class UserRole(StrEnum):
    """What a person may do, each role including the ones before it."""

    contributor = "contributor"  # writes its own drafts
    author = "author"  # and publishes its own articles, uploads media
    editor = "editor"  # all content: publish, schedule, delete, restore, labels, comparisons
    admin = "admin"  # and people, API keys, webhooks, purges, settings

    def at_least(self, needed: "UserRole") -> bool:
        order = list(UserRole)
        return order.index(self) >= order.index(needed)


class User(SQLModel, table=True):
    __tablename__ = "folio_user"
    # One account per address whatever its case: Ann@x.org and ann@x.org are one person.
    __table_args__ = (Index("uq_folio_user_email_lower", func.lower("email"), unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    role: UserRole = Field(sa_type=string_enum(UserRole, name="user_role", length=12))
    # argon2id (PHC string); None until the person has chosen a password (an invitation).
    password_hash: str | None = Field(default=None, max_length=200)
    # TOTP secret (encrypted with FOLIO_SECRET_KEY) once two-factor sign-in is set up.
    totp_secret: str | None = Field(default=None, max_length=300)
    author_id: int | None = Field(default=None, foreign_key="author.id", ondelete="SET NULL")
    disabled: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Raised on every change of role, password or disabled state: sessions made before end.
    generation: int = Field(default=1)


class UserToken(SQLModel, table=True):
    """A single-use link for a person: an invitation or a password reset (only its hash)."""

    __tablename__ = "user_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="folio_user.id", ondelete="CASCADE", index=True)
    purpose: str = Field(max_length=12)  # "invitation" or "reset"
    prefix: str = Field(max_length=16, unique=True, index=True)
    token_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


Email = Annotated[
    EmailStr,
    StringConstraints(max_length=254),
    PydanticField(description="Where the person is reached; unique whatever its case."),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    PydanticField(description="Shown in the audit trail, on revisions and in the studio."),
]
# Long enough for a passphrase, short enough that hashing it costs what hashing any does: a
# longer one is refused before it reaches argon2.
Password = Annotated[
    str,
    PydanticField(
        min_length=1,
        max_length=256,
        description="12 to 256 characters, any; refused when it is the email or a common one.",
    ),
]
AuthorId = Annotated[Id, PydanticField(description="The author whose byline they sign.")]


class UserCreate(BaseModel):
    """A person to invite: they choose their own password through the link the answer holds."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    name: Name
    role: UserRole
    author_id: AuthorId | None = None


class UserPatch(BaseModel):
    """What an admin changes of a person; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    role: UserRole | None = None
    disabled: StrictBool | None = None
    author_id: AuthorId | None = None


class UserPublic(SQLModel):
    id: int
    email: str
    name: str
    role: UserRole
    author_id: int | None
    disabled: bool
    two_factor: bool = Field(description="Whether the person signs in with a second factor.")
    created_at: datetime
    last_sign_in_at: datetime | None


class UserInvited(UserPublic):
    invitation_url: str = Field(
        description="A single-use link to choose a password; shown once, expires."
    )
    invitation_expires_at: datetime
    invitation_mailed: bool = Field(description="Whether it was mailed (FOLIO_SMTP_URL).")


class InvitationAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = PydanticField(min_length=1, max_length=200, description="From the link.")
    password: Password


class PasswordLink(SQLModel):
    url: str = Field(description="The single-use link; shown once.")
    expires_at: datetime
    mailed: bool = Field(description="Whether it was mailed to the person (FOLIO_SMTP_URL).")


class SessionsEnded(SQLModel):
    ended: int = Field(description="How many live sessions ended.")


class Me(SQLModel):
    user: UserPublic | None = Field(
        description="The person the caller acts for; null for a key made before people"
        " existed (the first admin claims it)."
    )
    key_name: str | None = Field(description="The API key of this call, if a key made it.")
    scope: str | None = Field(description="That key's scope.")
    may: list[str] = Field(description="What the caller may do now, by ability name.")


class UserSession(SQLModel, table=True):
    """A browser signed in to the studio: only the hash of its cookie's token is kept, so the
    table read by someone else signs nobody in. In the database, so every node knows it."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="folio_user.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    # The person's ``generation`` when it began: a new role or password ends it.
    generation: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime)  # the absolute limit
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    address: str | None = Field(default=None, max_length=64)
    user_agent: str = Field(default="", max_length=300)


class RecoveryCode(SQLModel, table=True):
    """A single-use code that stands in for the second factor (only its hash is kept)."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="folio_user.id", ondelete="CASCADE", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
