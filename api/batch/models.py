"""Batch writes: up to ``MAX_OPERATIONS`` creates, replacements, merge patches and deletions
of content, applied in one transaction."""

from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.core import kinds
from api.core.slugs import SLUG_MAX
from api.models import PUBLIC, TRANSLATION_PUBLIC

MAX_OPERATIONS = 100


# create: POST /v1/{collection}; replace: PUT, patch: PATCH (a JSON merge patch) and delete:
# DELETE (to the trash) of /v1/{collection}/{ref}.
Op = Literal["create", "replace", "patch", "delete"]
Collection = kinds.Collection
TRANSLATED = frozenset(kinds.collections(kinds.TRANSLATABLE))


class BatchOperation(BaseModel):
    """One write, as its own request would make it: the same body, the same If-Match."""

    model_config = ConfigDict(extra="forbid")

    op: Op
    collection: Collection
    ref: Annotated[str, Field(min_length=1, max_length=SLUG_MAX)] | None = Field(
        None,
        description="Id or slug of what `replace`, `patch` and `delete` change (a slug an"
        " earlier operation of the batch gave works too); not sent with `create`.",
    )
    body: dict[str, Any] | None = Field(
        None,
        description="What the collection's POST, PUT or PATCH takes; not sent with `delete`.",
    )
    if_match: Annotated[str, Field(min_length=1, max_length=512)] | None = Field(
        None, description="The ETag of the version changed: the operation's `If-Match`."
    )
    locale: Annotated[str, Field(min_length=1, max_length=35)] | None = Field(
        None,
        description="With a locale, the operation writes `ref`'s translation into it, as"
        " `/v1/{collection}/{ref}/translations/{locale}` would: `replace` writes it whole"
        " (made when missing: 201), `patch` merges into it, `delete` deletes it. Articles,"
        " roles and comparisons only; not with `create`.",
    )

    @model_validator(mode="after")
    def _fits_the_op(self) -> Self:
        if self.locale is not None and self.op == "create":
            raise ValueError("create takes no locale: create the resource, then replace its locale")
        if self.locale is not None and self.collection not in TRANSLATED:
            raise ValueError(f"{self.collection} have no translations")
        if self.op == "create":
            if self.ref is not None or self.if_match is not None:
                raise ValueError("create takes neither ref nor if_match")
        elif self.ref is None:
            raise ValueError(f"{self.op} needs ref")
        if self.op == "delete" and self.body is not None:
            raise ValueError("delete takes no body")
        if self.op != "delete" and self.body is None:
            raise ValueError(f"{self.op} needs a body")
        return self


class BatchInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operations: list[BatchOperation] = Field(min_length=1, max_length=MAX_OPERATIONS)


# Any kind's public shape, or a translation's (``api.models``), each once.
if TYPE_CHECKING:
    Shown = BaseModel
else:
    Shown = Union[tuple(dict.fromkeys([*PUBLIC.values(), *TRANSLATION_PUBLIC.values()]))]  # noqa: UP007


class BatchResult(BaseModel):
    """What one operation did, as its own request would have answered."""

    index: int = Field(description="Its position in `operations`.")
    op: Op
    collection: Collection
    status: int = Field(
        description="201 created, 200 replaced or patched, 204 moved to the trash (a"
        " translation: deleted)."
    )
    id: int = Field(description="The resource's id (a translation's too).")
    slug: str = Field(description="Its slug (a translation's own).")
    locale: str | None = Field(None, description="The translation's locale, when one was written.")
    etag: str | None = Field(
        description="The new version's ETag (for the next If-Match); null after a delete."
    )
    data: Shown | None = Field(
        description="The resource (or the translation) as it is now; null after a delete."
    )


class BatchResults(BaseModel):
    """Every operation applied, in order, in one transaction."""

    results: list[BatchResult]
