"""Preview links: each one shows one article (as it is now, draft or scheduled) to whoever has
its token, until it expires or is revoked. The token is shown once; only its hash is kept."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from api.core.columns import UTCDateTime, utcnow
from api.core.fields import JSON_INTEGER


class PreviewLink(SQLModel, table=True):
    __tablename__ = "preview_link"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    # The token's public part, to find the row; the secret part is only kept hashed.
    prefix: str = Field(max_length=16, unique=True, index=True)
    token_hash: str = Field(max_length=64)
    created_by: str | None = Field(default=None, max_length=100, description="The key's name.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The locale it shows (FOLIO_LOCALES); None for the article itself, in the default.
    locale: str | None = Field(default=None, max_length=35)


class PreviewLinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_seconds: (
        Annotated[int, PydanticField(ge=60, le=30 * 24 * 3600), JSON_INTEGER] | None
    ) = PydanticField(None, description="Lifetime; FOLIO_PREVIEW_TTL (an hour) when not sent.")
    locale: str | None = PydanticField(
        None,
        max_length=35,
        description="The locale it shows (its translation, drafts included): one of"
        " FOLIO_LOCALES; the default when not sent.",
    )


class PreviewLinkPublic(BaseModel):
    id: int
    article_id: int
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    locale: str | None


class PreviewLinkCreated(PreviewLinkPublic):
    token: str = PydanticField(description="Shown once: the `preview` query parameter.")
    url: str = PydanticField(description="The article's URL with the token: share this.")
