"""Read, modify, write: a document as GET gives it is accepted back by PUT (and POST).

A client that knows only the read schema changes a field and sends the whole document back.
So every write schema also takes what reading adds:

- read-only fields (``id``, ``version``, ``created_at``, ``url``…) are declared ``readOnly``
  and ignored, whatever they hold (``If-Match`` is what guards a write against a stale read),
  but for ``published_at``, which stands for ``publish_at`` when that is not sent;
- a related resource may come as the object reading shows (``{"id", "slug", "name", "url"}``)
  where a write names it by id or slug: its ``id`` (or, for tags, its ``slug``) is what counts.
"""

from typing import Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from api.core.fields import Id
from api.core.slugs import Slug


class Reference(BaseModel):
    """A related resource as a document shows it: its ``id`` is what a write keeps."""

    model_config = ConfigDict(extra="allow")

    id: Id
    slug: Slug | None = None


class SlugReference(BaseModel):
    """A related resource named by slug (a tag) as a document shows it: its ``slug`` counts."""

    model_config = ConfigDict(extra="allow")

    slug: Slug
    id: Id | None = None


def read_only(what: str = "") -> Any:
    """A field reading shows and writing ignores (declared, so that a document read can be
    sent back, and a generated client knows not to send it)."""
    return Field(
        None,
        exclude=True,
        json_schema_extra={"readOnly": True},
        description=f"Read-only{what}: sent back as read, it is ignored.",
    )


def _id_of(value: Any) -> Any:
    if isinstance(value, dict) and "id" in value:
        return value["id"]
    return value


def _slug_of(value: Any) -> Any:
    if isinstance(value, dict) and "slug" in value:
        return value["slug"]
    return value


# For ``Annotated[Id, ID_OR_OBJECT]`` and the like: the object reading shows is taken too.
ID_OR_OBJECT = BeforeValidator(_id_of, json_schema_input_type=Id | Reference)
ID_OR_SLUG_OR_OBJECT = BeforeValidator(_id_of, json_schema_input_type=Slug | Id | Reference)
SLUG_OR_OBJECT = BeforeValidator(_slug_of, json_schema_input_type=Slug | SlugReference)


class Writable(BaseModel):
    """The fields every resource shows and no write sets."""

    id: Any = read_only()
    version: Any = read_only(" (If-Match guards a write)")
    created_at: Any = read_only()
    updated_at: Any = read_only()
    published_at: Any = read_only(" (as publish_at when that is not sent)")
    url: Any = read_only()

    @model_validator(mode="before")
    @classmethod
    def _publication_as_read(cls, data: Any) -> Any:
        # A document read says when it was (or will be) published in ``published_at``; sent
        # back without ``publish_at``, that date is kept, not replaced by the time of the PUT.
        if (
            isinstance(data, dict)
            and "publish_at" in cls.model_fields
            and data.get("publish_at") is None
            and data.get("published_at") is not None
        ):
            data = {**data, "publish_at": data["published_at"]}
        return data
