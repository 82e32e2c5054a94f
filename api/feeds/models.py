"""What a feed can be narrowed to."""

from pydantic import BaseModel, ConfigDict, Field

from api.core.slugs import Slug


class FeedQuery(BaseModel):
    """What a feed can be narrowed to, like the article list."""

    model_config = ConfigDict(extra="forbid")

    tag: Slug | None = None
    category: str | None = Field(None, max_length=60)
    author: Slug | None = None
    role: Slug | None = Field(None, description="Articles that mention this role.")
    limit: int = Field(20, ge=1, le=100, description="Newest articles in the feed.")
