"""Authors: the people who write articles."""

from sqlmodel import Field, SQLModel

from api.db import Tracked
from api.slugs import SLUG_MAX
from api.workflow import Trashable


class AuthorBase(SQLModel):
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    name: str = Field(max_length=200)


class Author(AuthorBase, Trashable, Tracked, table=True):
    id: int | None = Field(default=None, primary_key=True)
