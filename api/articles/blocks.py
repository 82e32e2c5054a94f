"""An article's body as Portable Text (portabletext.org): the format frontends already render
with ``@portabletext/react``, ``@portabletext/to-html``, Vue, Svelte or Astro.

Text is in ``block``s — a ``style`` (``normal``, ``h1``…``h6``, ``blockquote``), list items
(``listItem``: ``bullet`` or ``number``, with ``level``; ``checked`` for a task), and
``children`` spans whose ``marks`` are decorators (``strong``, ``em``, ``code``,
``strike-through``) or keys of the block's ``markDefs``: ``link`` annotations. Folio's own
blocks are custom types: ``image``, ``code``, ``break``, ``table``, ``callout``,
``role_definitions``, ``comparison`` and ``related``.

Two forms of each: as written and stored, where links and blocks refer to roles,
comparisons, articles and assets by id; and as read (``…Public``), where those references are
resolved, and what a reader may not see is left out.
"""

import functools
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from api.assets.models import ImageAsset
from api.comparisons.models import ComparisonPublic
from api.core.fields import URL_CHAR, Id, WebUrl
from api.core.readback import Reference
from api.web.refs import ArticleRef, RoleRef

# Never javascript: or data:; and a path is one on this site: "//host" and "/\\host" are other
# hosts to a browser (protocol-relative), so a path's second character is neither.
SAFE_HREF = rf"^(?:(?:https?://|mailto:|#){URL_CHAR}*|/(?:[^/\\\x00-\x20\x7f-\x9f]{URL_CHAR}*)?)$"
DECORATORS = ("strong", "em", "code", "strike-through")
STYLES = ("normal", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote")

Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Href = Annotated[str, StringConstraints(pattern=SAFE_HREF, max_length=2_000)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(max_length=300)]


class Node(BaseModel):
    """A Portable Text object: ``_type`` and ``_key`` in JSON, ``type`` and ``key`` here."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


def _type_required(schema: dict[str, Any]) -> None:
    # ``_type`` has a default (code writes Span(text=…)), but an object in a request must
    # name its type: the discriminator reads it.
    if "_type" in schema.get("properties", {}) and "_type" not in schema.get("required", []):
        schema["required"] = ["_type", *schema.get("required", [])]


class Typed(Node):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        serialize_by_alias=True,
        json_schema_extra=_type_required,
    )


class Span(Typed):
    type: Literal["span"] = Field("span", alias="_type")
    key: Key | None = Field(None, alias="_key")
    text: Text
    marks: list[Key] = Field(default_factory=list, max_length=20)


# --- Links ------------------------------------------------------------------------------------


_AS_READ = "As a document shows it (its id is {}): accepted back."


def _targets_as_ids(data: Any, names: tuple[str, ...], *, drop: str | None = None) -> Any:
    """A block as read names what it refers to by object (``role``): as written, by id
    (``role_id``). The object's id wins where the id is not given; ``drop`` is the field
    reading makes from that object (a link's ``href``)."""
    if not isinstance(data, dict):
        return data
    for name in names:
        target = data.get(name)
        if isinstance(target, dict) and "id" in target and data.get(f"{name}_id") is None:
            data = {**data, f"{name}_id": target["id"]}
            if drop is not None:
                data.pop(drop, None)
    return data


class Link(Typed):
    """A ``link`` annotation as written: to a URL, a role or an article (exactly one)."""

    type: Literal["link"] = Field("link", alias="_type")
    key: Key = Field(alias="_key")
    href: Href | None = None
    role_id: Id | None = None
    article_id: Id | None = None
    title: ShortText | None = None
    role: Reference | None = Field(None, exclude=True, description=_AS_READ.format("role_id"))
    article: Reference | None = Field(None, exclude=True, description=_AS_READ.format("article_id"))

    @model_validator(mode="before")
    @classmethod
    def _as_read(cls, data: Any) -> Any:
        return _targets_as_ids(data, ("role", "article"), drop="href")

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if sum(t is not None for t in (self.href, self.role_id, self.article_id)) != 1:
            raise ValueError("a link has exactly one of href, role_id, article_id")
        return self


class LinkPublic(Typed):
    """A ``link`` annotation as read: ``href`` always (the page on the site for a role or an
    article), with the role or the article it names."""

    type: Literal["link"] = Field("link", alias="_type")
    key: str = Field(alias="_key")
    href: str
    title: str | None = None
    role: RoleRef | None = None
    article: ArticleRef | None = None


# --- Text blocks -------------------------------------------------------------------------------


class _Text(Typed):
    type: Literal["block"] = Field("block", alias="_type")
    key: Key | None = Field(None, alias="_key")
    style: Literal["normal", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"] = "normal"
    list_item: Literal["bullet", "number"] | None = Field(None, alias="listItem")
    level: int | None = Field(None, ge=1, le=8, description="Nesting of a list item, from 1.")
    checked: bool | None = Field(None, description="A task list item: done or not.")
    children: list[Span] = Field(min_length=1, max_length=1_000)

    def text(self) -> str:
        return "".join(span.text for span in self.children)


def _check_marks(block: Any) -> None:
    known = set(DECORATORS) | {d.key for d in block.mark_defs}
    for span in block.children:
        for mark in span.marks:
            if mark not in known:
                raise ValueError(f"mark {mark!r} is neither a decorator nor a markDefs key")


class TextBlock(_Text):
    """A block of text as written."""

    mark_defs: list[Link] = Field(default_factory=list, alias="markDefs", max_length=100)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_marks(self)
        if (self.level is not None or self.checked is not None) and self.list_item is None:
            raise ValueError("level and checked are for list items (listItem)")
        return self


class TextBlockPublic(_Text):
    mark_defs: list[LinkPublic] = Field(default_factory=list, alias="markDefs")


# --- Custom types ------------------------------------------------------------------------------


class ImageBlock(Typed):
    """An image: an uploaded asset (``asset_id``) or one on the web (``url``)."""

    type: Literal["image"] = Field("image", alias="_type")
    key: Key | None = Field(None, alias="_key")
    asset_id: Id | None = None
    url: WebUrl | None = None
    alt: str = Field("", max_length=500)
    caption: str = Field("", max_length=1_000)
    credit: str = Field("", max_length=300)
    asset: Reference | None = Field(None, exclude=True, description=_AS_READ.format("asset_id"))

    @model_validator(mode="before")
    @classmethod
    def _as_read(cls, data: Any) -> Any:
        return _targets_as_ids(data, ("asset",), drop="url")

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.asset_id is None) == (self.url is None):
            raise ValueError("an image has exactly one of asset_id, url")
        return self


class ImageBlockPublic(Typed):
    type: Literal["image"] = Field("image", alias="_type")
    key: str = Field(alias="_key")
    url: str = Field(description="The image: the asset's file, or the URL it was given.")
    asset: ImageAsset | None
    alt: str
    caption: str
    credit: str


class CodeBlock(Typed):
    type: Literal["code"] = Field("code", alias="_type")
    key: Key | None = Field(None, alias="_key")
    language: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_+.#-]{1,40}$")] | None = None
    code: Annotated[str, StringConstraints(max_length=100_000)]


class BreakBlock(Typed):
    """A thematic break (``---`` in Markdown)."""

    type: Literal["break"] = Field("break", alias="_type")
    key: Key | None = Field(None, alias="_key")


class _Cell(Node):
    key: Key | None = Field(None, alias="_key")
    children: list[Span] = Field(default_factory=list, max_length=200)

    def text(self) -> str:
        return "".join(span.text for span in self.children)


class TableCell(_Cell):
    mark_defs: list[Link] = Field(default_factory=list, alias="markDefs", max_length=20)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_marks(self)
        return self


class TableCellPublic(_Cell):
    mark_defs: list[LinkPublic] = Field(default_factory=list, alias="markDefs")


class TableRow(Node):
    key: Key | None = Field(None, alias="_key")
    cells: list[TableCell] = Field(min_length=1, max_length=30)


class TableRowPublic(Node):
    key: str = Field(alias="_key")
    cells: list[TableCellPublic]


Align = Literal["left", "center", "right"] | None


class TableBlock(Typed):
    """A table that compares no roles (one that does is a comparison); the first row is its
    header."""

    type: Literal["table"] = Field("table", alias="_type")
    key: Key | None = Field(None, alias="_key")
    align: list[Align] = Field(default_factory=list, max_length=30)
    rows: list[TableRow] = Field(min_length=1, max_length=500)


class TableBlockPublic(Typed):
    type: Literal["table"] = Field("table", alias="_type")
    key: str = Field(alias="_key")
    align: list[Align]
    rows: list[TableRowPublic]


Inner = Annotated[
    TextBlock | ImageBlock | CodeBlock | BreakBlock | TableBlock, Field(discriminator="type")
]
InnerPublic = Annotated[
    TextBlockPublic | ImageBlockPublic | CodeBlock | BreakBlock | TableBlockPublic,
    Field(discriminator="type"),
]


class CalloutBlock(Typed):
    """A block set apart (a blockquote in Markdown): a ``title`` and its own blocks."""

    type: Literal["callout"] = Field("callout", alias="_type")
    key: Key | None = Field(None, alias="_key")
    title: ShortText = ""
    content: list[Inner] = Field(default_factory=list, max_length=200)


class CalloutBlockPublic(Typed):
    type: Literal["callout"] = Field("callout", alias="_type")
    key: str = Field(alias="_key")
    title: str
    content: list[InnerPublic]


class NamesOne(BaseModel):
    """A node that names one document (``target``) by ``<target>_id``, or by ``<target>`` as
    a reader got it (read as the id); with neither it is refused, saying ``unnamed``."""

    target: ClassVar[str]
    unnamed: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _as_read(cls, data: Any) -> Any:
        return _targets_as_ids(data, (cls.target,))

    @model_validator(mode="after")
    def _named(self) -> Self:
        if getattr(self, f"{self.target}_id") is None:
            raise ValueError(self.unnamed)
        return self


class RoleDefinition(Node, NamesOne):
    key: Key | None = Field(None, alias="_key")
    role_id: Id | None = Field(None, description="The role (or ``role``, as read).")
    term: ShortText
    definition: Text
    role: Reference | None = Field(None, exclude=True, description=_AS_READ.format("role_id"))

    target: ClassVar[str] = "role"
    unnamed: ClassVar[str] = "a definition names its role: role_id"


class RoleDefinitionsBlock(Typed):
    type: Literal["role_definitions"] = Field("role_definitions", alias="_type")
    key: Key | None = Field(None, alias="_key")
    items: list[RoleDefinition] = Field(min_length=1, max_length=50)


class RoleDefinitionPublic(Node):
    key: str = Field(alias="_key")
    role: RoleRef
    term: str
    definition: str


class RoleDefinitionsBlockPublic(Typed):
    type: Literal["role_definitions"] = Field("role_definitions", alias="_type")
    key: str = Field(alias="_key")
    items: list[RoleDefinitionPublic]


class ComparisonBlock(Typed, NamesOne):
    type: Literal["comparison"] = Field("comparison", alias="_type")
    key: Key | None = Field(None, alias="_key")
    comparison_id: Id | None = Field(None, description="The comparison (or ``comparison``).")
    comparison: Reference | None = Field(
        None, exclude=True, description=_AS_READ.format("comparison_id")
    )

    target: ClassVar[str] = "comparison"
    unnamed: ClassVar[str] = "a comparison block names its comparison: comparison_id"


class ComparisonBlockPublic(Typed):
    type: Literal["comparison"] = Field("comparison", alias="_type")
    key: str = Field(alias="_key")
    comparison: ComparisonPublic


class RelatedBlock(Typed):
    type: Literal["related"] = Field("related", alias="_type")
    key: Key | None = Field(None, alias="_key")
    article_ids: list[Id] = Field(default_factory=list, max_length=50)
    articles: list[Reference] | None = Field(
        None, exclude=True, max_length=50, description=_AS_READ.format("article_ids")
    )

    @model_validator(mode="before")
    @classmethod
    def _as_read(cls, data: Any) -> Any:
        if isinstance(data, dict) and "article_ids" not in data:
            shown = data.get("articles")
            if isinstance(shown, list) and all(isinstance(a, dict) and "id" in a for a in shown):
                data = {**data, "article_ids": [a["id"] for a in shown]}
        return data


class RelatedBlockPublic(Typed):
    type: Literal["related"] = Field("related", alias="_type")
    key: str = Field(alias="_key")
    articles: list[ArticleRef]


Block = Annotated[
    TextBlock
    | ImageBlock
    | CodeBlock
    | BreakBlock
    | TableBlock
    | CalloutBlock
    | RoleDefinitionsBlock
    | ComparisonBlock
    | RelatedBlock,
    Field(discriminator="type"),
]
BlockPublic = Annotated[
    TextBlockPublic
    | ImageBlockPublic
    | CodeBlock
    | BreakBlock
    | TableBlockPublic
    | CalloutBlockPublic
    | RoleDefinitionsBlockPublic
    | ComparisonBlockPublic
    | RelatedBlockPublic,
    Field(discriminator="type"),
]


# --- Building blocks ---------------------------------------------------------------------------


def text_block(text: str, *, style: str = "normal") -> TextBlock:
    """A block of plain text."""
    return TextBlock.model_validate({"style": style, "children": [{"text": text}]})


def linked_block(text: str, links: list[tuple[str, dict[str, Any]]]) -> TextBlock:
    """A block of ``text`` whose spans ``links`` (each ``(span text, link target)``, in order
    of appearance) are links: ``{"role_id": 1}``, ``{"href": "…"}``."""
    children: list[dict[str, Any]] = []
    mark_defs = []
    position = 0
    for n, (span, target) in enumerate(links, start=1):
        found = text.find(span, position)
        if found < 0:
            raise ValueError(f"{span!r} is not in {text!r} after position {position}")
        if found > position:
            children.append({"text": text[position:found]})
        mark_defs.append({"_key": f"l{n}", **target})
        children.append({"text": span, "marks": [f"l{n}"]})
        position = found + len(span)
    if position < len(text) or not children:
        children.append({"text": text[position:]})
    return TextBlock.model_validate({"children": children, "markDefs": mark_defs})


@functools.cache
def holding(cls: type, names: tuple[str, ...]) -> tuple[str, ...]:
    """Which of ``names`` a node of class ``cls`` has as fields (all of them for a class that
    is not a model). Asked of the class once: ``getattr(node, name, None)`` on a model that
    lacks the field goes through pydantic's ``__getattr__`` and an AttributeError, the larger
    part of walking a body."""
    if not issubclass(cls, BaseModel):
        return names
    return tuple(name for name in names if name in cls.model_fields)


_CHILDREN = ("children", "items", "rows", "cells", "content")


def with_keys(blocks: list[Any]) -> list[Any]:
    """Every block, span, item, row and cell with a ``_key``: those given are kept, the others
    named after their place (``b3``, ``b3s1``…), so the same body always gets the same keys."""

    def keyed(node: Any, fallback: str) -> None:
        if (
            isinstance(node, BaseModel)
            and "key" in type(node).model_fields
            and getattr(node, "key", None) is None
        ):
            setattr(node, "key", fallback)  # noqa: B010 (a field of some Node subclasses)
        for name in holding(node.__class__, _CHILDREN):
            for i, child in enumerate(getattr(node, name) or []):
                keyed(child, f"{fallback}{name[0]}{i}")

    for i, block in enumerate(blocks):
        keyed(block, f"b{i}")
    return blocks
