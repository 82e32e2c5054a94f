"""Markdown (GFM) in, blocks out: how an article body written in Markdown is stored.

Parsed with markdown-it-py. Inline emphasis is not kept (blocks hold plain text); links are,
as ``links`` blocks. A table becomes a ``PendingTable`` that the service turns into a
comparison once it has resolved the role names of its header.
"""

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from api.articles.models import (
    CalloutBlock,
    HeadingBlock,
    ListBlock,
    ParagraphBlock,
)

_parser = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass
class PendingLink:
    text: str
    href: str


@dataclass
class PendingLinks:
    text: str
    links: list[PendingLink]


@dataclass
class PendingTable:
    label: str
    subjects: list[str]
    rows: list[tuple[str, list[str]]]
    line: int


MarkdownBlock = (
    HeadingBlock | ParagraphBlock | ListBlock | CalloutBlock | PendingLinks | PendingTable
)


@dataclass
class _Inline:
    text: str = ""
    links: list[PendingLink] = field(default_factory=list)


def _inline(token: Token) -> _Inline:
    out = _Inline()
    href: str | None = None
    start = 0
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.text += child.content
        elif child.type in ("softbreak", "hardbreak"):
            out.text += "\n" if child.type == "hardbreak" else " "
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            start = len(out.text)
        elif child.type == "link_close" and href is not None:
            out.links.append(PendingLink(out.text[start:], href))
            href = None
        elif child.type == "image":
            out.text += child.content
    return out


def _paragraph(inline: _Inline) -> ParagraphBlock | PendingLinks:
    links = [link for link in inline.links if link.text]
    return PendingLinks(inline.text, links) if links else ParagraphBlock(text=inline.text)


def to_blocks(markdown: str) -> list[MarkdownBlock]:
    tokens = _parser.parse(markdown)
    blocks: list[MarkdownBlock] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            level = min(max(int(token.tag[1]), 1), 4)
            blocks.append(HeadingBlock(text=_inline(tokens[i + 1]).text, level=level))
            i += 3
        elif token.type == "paragraph_open":
            blocks.append(_paragraph(_inline(tokens[i + 1])))
            i += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            close = token.type.replace("_open", "_close")
            items, depth, j = [], 0, i
            while True:
                t = tokens[j]
                if t.type == token.type:
                    depth += 1
                elif t.type == close:
                    depth -= 1
                    if depth == 0:
                        break
                elif t.type == "inline" and depth == 1:
                    items.append(_inline(t).text)
                j += 1
            blocks.append(ListBlock(ordered=token.type.startswith("ordered"), items=items))
            i = j + 1
        elif token.type == "blockquote_open":
            j, parts = i + 1, []
            while tokens[j].type != "blockquote_close" or tokens[j].level != token.level:
                if tokens[j].type == "inline":
                    parts.append(tokens[j])
                j += 1
            blocks.append(_callout(parts))
            i = j + 1
        elif token.type == "table_open":
            j, rows, current = i + 1, [], []
            while tokens[j].type != "table_close":
                if tokens[j].type == "inline":
                    current.append(_inline(tokens[j]).text.strip())
                elif tokens[j].type == "tr_close":
                    rows.append(current)
                    current = []
                j += 1
            header, *body = rows
            line = (token.map[0] + 1) if token.map else 1
            blocks.append(PendingTable(header[0], header[1:], [(r[0], r[1:]) for r in body], line))
            i = j + 1
        elif token.type in ("fence", "code_block"):
            blocks.append(ParagraphBlock(text=token.content.rstrip("\n")))
            i += 1
        else:
            i += 1
    return blocks


def _callout(parts: list[Token]) -> CalloutBlock:
    """A blockquote; a first paragraph that is all bold is its title ("> **Use this rule**")."""
    if not parts:
        return CalloutBlock(title="", text="")
    children = [
        c
        for c in parts[0].children or []
        if c.type != "softbreak" and not (c.type == "text" and not c.content.strip())
    ]
    bold_title = (
        len(children) >= 3
        and children[0].type == "strong_open"
        and children[-1].type == "strong_close"
    )
    if bold_title and len(parts) > 1:
        title = _inline(parts[0]).text
        return CalloutBlock(title=title, text="\n\n".join(_inline(p).text for p in parts[1:]))
    return CalloutBlock(title="", text="\n\n".join(_inline(p).text for p in parts))
