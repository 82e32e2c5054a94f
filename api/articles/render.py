"""Renderings of a public article: the page layout as plain text, Markdown, and safe HTML.

Pure functions of ``ArticlePublic``: the routes render once per content version and the
response cache keeps the bytes.
"""

from collections.abc import Callable
from datetime import datetime

import nh3
from markdown_it import MarkdownIt

from api.articles.models import (
    ArticlePublic,
    BlockPublic,
    CalloutBlock,
    ComparisonBlockPublic,
    HeadingBlock,
    LinksBlockPublic,
    ListBlock,
    ParagraphBlock,
    RelatedBlockPublic,
    RoleDefinitionsBlockPublic,
)
from api.comparisons.render import cells_of, render_markdown_table
from api.core import markdown
from api.core.urls import site_url

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _long_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


# --- Plain text: the page layout of the seed documents ------------------------------------------


def _text_block(block: BlockPublic) -> str:
    match block:
        case HeadingBlock(text=text) | ParagraphBlock(text=text) | LinksBlockPublic(text=text):
            return text
        case RoleDefinitionsBlockPublic(items=items):
            return "\n\n".join(f"{item.term}\n\n{item.definition}" for item in items)
        case ComparisonBlockPublic(comparison=table):
            header = table.dimension_label + "".join(s.name for s in table.subjects)
            return "\n".join([header] + ["".join(cells) for cells in cells_of(table)])
        case CalloutBlock(title=title, text=text):
            return f"{title}\n\n{text}" if title else text
        case ListBlock(items=items):
            return "\n".join(items)
        case RelatedBlockPublic(articles=articles):
            return "\n\n".join(article.title for article in articles)
    raise TypeError(f"unknown block {block!r}")


def render_text(article: ArticlePublic) -> str:
    """The article in its page layout; for a seed page, the seed document byte for byte."""
    header = article.kicker + article.category
    if article.reading_time_minutes is not None:
        header += f"{article.reading_time_minutes} min read"
    byline = (article.author.name if article.author else "") + (
        _long_date(article.published_at) if article.published_at else ""
    )
    parts = [header, article.title, byline, article.summary]
    parts.extend(_text_block(block) for block in article.body)
    return "\n\n".join(part for part in parts if part)


# --- Markdown (GFM) -----------------------------------------------------------------------------


def _with_links(text: str, spans: list[tuple[str, str]]) -> str:
    """Text with each (span, url) linked at its first occurrence after the previous link."""
    out, position = [], 0
    for span, url in spans:
        found = text.find(span, position)
        if found < 0:
            continue
        out.append(markdown.escape(text[position:found]))
        out.append(markdown.link(span, url))
        position = found + len(span)
    out.append(markdown.escape(text[position:]))
    return "".join(out)


def _md_block(block: BlockPublic) -> str:
    match block:
        case HeadingBlock(text=text, level=level):
            return "#" * level + " " + markdown.escape(text)
        case ParagraphBlock(text=text):
            return markdown.escape(text)
        case RoleDefinitionsBlockPublic(items=items):
            return "\n\n".join(
                f"### {markdown.link(item.term, site_url('roles', item.role.slug))}\n\n"
                + markdown.escape(item.definition)
                for item in items
            )
        case ComparisonBlockPublic(comparison=table):
            return render_markdown_table(table)
        case CalloutBlock(title=title, text=text):
            quoted = "\n>\n".join(f"> {markdown.escape(p)}" for p in text.split("\n\n"))
            return f"> **{markdown.escape(title)}**\n>\n{quoted}" if title else quoted
        case ListBlock(ordered=ordered, items=items):
            return "\n".join(
                f"{f'{i}.' if ordered else '-'} {markdown.escape(item)}"
                for i, item in enumerate(items, start=1)
            )
        case LinksBlockPublic(text=text, links=links):
            return _with_links(text, [(link.text, link.url) for link in links])
        case RelatedBlockPublic(articles=articles):
            return "\n".join(
                f"- {markdown.link(a.title, site_url('articles', a.slug))}" for a in articles
            )
    raise TypeError(f"unknown block {block!r}")


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
    ]
    parts.extend(_md_block(block) for block in article.body)
    return "\n\n".join(part for part in parts if part.strip("*")) + "\n"


# --- HTML ---------------------------------------------------------------------------------------


def sanitize_html(html: str) -> str:
    return nh3.clean(html, link_rel="noopener noreferrer")


def render_html(article: ArticlePublic) -> str:
    """A sanitized HTML fragment, made from the Markdown so both always agree."""
    return sanitize_html(_markdown.render(render_markdown(article)))


RENDERERS: dict[str, tuple[str, Callable[[ArticlePublic], str]]] = {
    "txt": ("text/plain; charset=utf-8", render_text),
    "md": ("text/markdown; charset=utf-8", render_markdown),
    "html": ("text/html; charset=utf-8", render_html),
}
