"""Renderings of a public article: the page layout as plain text, Markdown, and safe HTML.

Pure functions of ``ArticlePublic``: the routes render once per content version and the
response cache keeps the bytes.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from api.articles.blocks import (
    BlockPublic,
    BreakBlock,
    CalloutBlockPublic,
    CodeBlock,
    ComparisonBlockPublic,
    ImageBlockPublic,
    RelatedBlockPublic,
    RoleDefinitionsBlockPublic,
    TableBlockPublic,
    TextBlockPublic,
)
from api.articles.markdown import blocks_markdown
from api.articles.models import ArticlePublic
from api.assets.models import ImageAsset
from api.comparisons.render import cells_of, render_markdown_table
from api.core import markdown
from api.core.urls import site_url

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def _long_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


# --- Plain text: the page layout of the seed documents ------------------------------------------


def _text_blocks(blocks: Sequence[BlockPublic]) -> list[str]:
    """Each block as text; the items of one list on lines of one part."""
    parts: list[str] = []
    in_list = False
    for block in blocks:
        text = _text_block(block)
        listed = isinstance(block, TextBlockPublic) and block.list_item is not None
        if listed and in_list:
            parts[-1] += "\n" + text
        elif text:
            parts.append(text)
        in_list = listed
    return parts


def _text_block(block: BlockPublic) -> str:
    match block:
        case TextBlockPublic():
            return block.text()
        case RoleDefinitionsBlockPublic(items=items):
            return "\n\n".join(f"{item.term}\n\n{item.definition}" for item in items)
        case ComparisonBlockPublic(comparison=table):
            header = table.dimension_label + "".join(s.name for s in table.subjects)
            return "\n".join([header] + ["".join(cells) for cells in cells_of(table)])
        case CalloutBlockPublic(title=title, content=content):
            return "\n\n".join(p for p in [title, *_text_blocks(content)] if p)
        case RelatedBlockPublic(articles=articles):
            return "\n\n".join(article.title for article in articles)
        case ImageBlockPublic(alt=alt, caption=caption):
            return caption or alt
        case CodeBlock(code=code):
            return code
        case TableBlockPublic(rows=rows):
            return "\n".join("\t".join(cell.text() for cell in row.cells) for row in rows)
        case BreakBlock():
            return ""
    raise TypeError(f"unknown block {block!r}")


def render_text(article: ArticlePublic) -> str:
    """The article in its page layout; for a seed page, the seed document byte for byte."""
    header = article.kicker + article.category
    if article.reading_time_minutes is not None:
        header += f"{article.reading_time_minutes} min read"
    byline = (article.author.name if article.author else "") + (
        _long_date(article.published_at) if article.published_at else ""
    )
    parts = [header, article.title, byline, article.summary, *_text_blocks(article.body)]
    return "\n\n".join(part for part in parts if part)


# --- Markdown (GFM) -----------------------------------------------------------------------------


def folio_markdown(block: Any) -> str | None:
    """Folio's own types, as Markdown: what the Portable Text writer does not know."""
    match block:
        case RoleDefinitionsBlockPublic(items=items):
            return "\n\n".join(
                f"### {markdown.link(item.term, site_url('roles', item.role.slug))}\n\n"
                + markdown.escape(item.definition)
                for item in items
            )
        case ComparisonBlockPublic(comparison=table):
            return render_markdown_table(table)
        case RelatedBlockPublic(articles=articles):
            return "\n".join(
                f"- {markdown.link(a.title, site_url('articles', a.slug))}" for a in articles
            )
    return None


def render_markdown(article: ArticlePublic) -> str:
    meta = [article.kicker, article.category]
    if article.reading_time_minutes is not None:
        meta.append(f"{article.reading_time_minutes} min read")
    byline = [f"By {article.author.name}"] if article.author else []
    if article.published_at:
        byline.append(_long_date(article.published_at))
    parts = [
        "*" + markdown.escape(" · ".join(m for m in meta if m)) + "*",
        "# " + markdown.escape(article.title),
        markdown.escape(" · ".join(byline)),
        markdown.escape(article.summary),
        blocks_markdown(article.body, folio_markdown),
    ]
    return "\n\n".join(part for part in parts if part.strip("*")) + "\n"


# --- HTML ---------------------------------------------------------------------------------------

_ATTRIBUTES = {name: set(allowed) for name, allowed in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["img"] |= {"srcset", "sizes", "loading", "decoding", "title"}
_ATTRIBUTES["a"] |= {"title"}
for _cell in ("th", "td"):
    _ATTRIBUTES[_cell] |= {"style"}
_ATTRIBUTES["code"] = {"class"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        attributes=_ATTRIBUTES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """An image as markdown-it writes it, with what a browser lays it out by: its size, a
    ``srcset`` of renditions, lazy loading; for the images of this article's assets."""
    token = tokens[idx]
    asset: ImageAsset | None = env.get("images", {}).get(token.attrGet("src"))
    token.attrSet("loading", "lazy")
    if asset is not None:
        if asset.width and asset.height:
            token.attrSet("width", str(asset.width))
            token.attrSet("height", str(asset.height))
        if asset.srcset:
            token.attrSet("srcset", asset.srcset)
            token.attrSet("sizes", "(max-width: 960px) 100vw, 960px")
    return str(self.image(tokens, idx, options, env))


_markdown.add_render_rule("image", _image)


def render_html(article: ArticlePublic) -> str:
    """A sanitized HTML fragment, made from the Markdown so both always agree."""
    return _html(article, render_markdown(article))


def render_body_html(article: ArticlePublic) -> str:
    """The body alone as a sanitized HTML fragment: what a feed entry carries as its content,
    beside the title, author, date and summary it gives in fields of their own (a reader that
    got them twice would show the title twice)."""
    return _html(article, blocks_markdown(article.body, folio_markdown) + "\n")


def _html(article: ArticlePublic, text: str) -> str:
    images = {
        block.url: block.asset
        for block in _all_blocks(article.body)
        if isinstance(block, ImageBlockPublic) and block.asset is not None
    }
    return sanitize_html(_markdown.render(text, {"images": images}))


def _all_blocks(blocks: Sequence[Any]) -> list[Any]:
    found = []
    for block in blocks:
        found.append(block)
        if isinstance(block, CalloutBlockPublic):
            found.extend(_all_blocks(block.content))
    return found


RENDERERS: dict[str, tuple[str, Callable[[ArticlePublic], str]]] = {
    "txt": ("text/plain; charset=utf-8", render_text),
    "md": ("text/markdown; charset=utf-8", render_markdown),
    "html": ("text/html; charset=utf-8", render_html),
}
