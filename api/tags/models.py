"""Tags: free labels on articles."""

from sqlmodel import Field

from api.db import Tracked
from api.slugs import SLUG_MAX
from api.workflow import Trashable


class Tag(Trashable, Tracked, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    name: str = Field(max_length=200)
