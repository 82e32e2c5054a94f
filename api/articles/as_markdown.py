"""A stored body as Markdown and back: the studio's Markdown mode, which edits the same body
as text.

The mode is offered only for a body that makes the trip unchanged (its keys aside: Markdown
has none, so the blocks read back get new ones). Role definitions, an embedded comparison,
related articles or an image's caption have no Markdown that reads back as them, so a body
holding one is edited in the rich editor, and ``lost`` says which of them stands in the way.
A table read from Markdown stays a plain table here (unlike ``body_markdown`` sent to the API,
where a table whose header names roles becomes a comparison): switching modes never makes a
comparison nobody asked for."""

from typing import Any

from sqlmodel import Session

from api.articles import body
from api.articles.blocks import with_keys
from api.articles.markdown import blocks_markdown
from api.articles.render import folio_markdown
from api.articles.tables import blocks_from_markdown

Json = dict[str, Any]
# What a writer calls the blocks Markdown may not hold.
NAMES = {
    "role_definitions": "role definitions",
    "comparison": "an embedded comparison",
    "related": "related articles",
    "callout": "a callout",
    "image": "an image's caption or credit",
    "table": "a table's formatting",
    "code": "a code block's language",
}


def to_markdown(session: Session, stored: list[Json]) -> str:
    """The body as Markdown (links to roles and articles, images of assets, as URLs that read
    back as them)."""
    blocks = body.parse(stored)
    shown = body.Resolver(session, [blocks], preview=True).body(blocks)
    return blocks_markdown(shown, folio_markdown)


def from_markdown(session: Session, text: str) -> list[Json]:
    """The body Markdown describes, as stored (refused with the line Markdown goes wrong at)."""
    blocks = with_keys(blocks_from_markdown(session, text))
    return [block.model_dump(by_alias=True, exclude_none=True) for block in blocks]


def lost(session: Session, stored: list[Json]) -> list[str]:
    """What of the body Markdown would lose, in a writer's words: empty when the body makes
    the trip to Markdown and back unchanged."""
    try:
        back = from_markdown(session, to_markdown(session, stored))
    except Exception:
        back = []
    if _shape(back) == _shape(stored):
        return []
    kept = {_shape(block) for block in back}
    names = [
        NAMES.get(b.get("_type", ""), "some formatting") for b in stored if _shape(b) not in kept
    ]
    return list(dict.fromkeys(names)) or ["some formatting"]


def _shape(node: Any, links: dict[str, str] | None = None) -> Any:
    """``node`` without its keys, its text as ``_text_shape`` (hashable, to compare and to
    find in a set)."""
    links = links or {}
    if isinstance(node, dict):
        if "markDefs" in node:
            links = {d.get("_key", ""): f"#{i}" for i, d in enumerate(node["markDefs"])}
        items = []
        for name, value in sorted(node.items()):
            if name == "_key":
                continue
            if name == "children" and all(c.get("_type") == "span" for c in value):
                items.append((name, _text_shape(value, links)))
                continue
            items.append((name, _shape(value, links)))
        return tuple(items)
    if isinstance(node, list):
        return tuple(_shape(item, links) for item in node)
    return node


def _text_shape(spans: list[Json], links: dict[str, str]) -> tuple[str, tuple[Any, ...]]:
    """Spans as their text and the marks of each of its letters, links named by their place
    among the link definitions: how the text is cut into spans, and whether a space beside
    emphasis is emphasized too (Markdown cannot say), make no difference."""
    text = "".join(str(span.get("text", "")) for span in spans)
    marks = tuple(
        tuple(sorted(links.get(mark, mark) for mark in span.get("marks", [])))
        for span in spans
        for letter in str(span.get("text", ""))
        if not letter.isspace()
    )
    return text, marks
