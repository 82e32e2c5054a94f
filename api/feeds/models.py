"""What a feed can be narrowed to."""

from pydantic import BaseModel, ConfigDict, Field

from api.articles.models import Categories
from api.core.slugs import Slugs
from api.web.filters import LOCALE_QUERY


class FeedQuery(BaseModel):
    """What a feed can be narrowed to, like the article list."""

    model_config = ConfigDict(extra="forbid")

    tag: Slugs | None = Field(None, description="Tags' slugs, comma-separated: any of them.")
    category: Categories | None = Field(None, description="Categories, comma-separated.")
    author: Slugs | None = Field(None, description="Authors' slugs, comma-separated.")
    role: Slugs | None = Field(None, description="Articles that mention any of these roles.")
    limit: int = Field(20, ge=1, le=100, description="Newest articles in the feed.")
    locale: str | None = LOCALE_QUERY
