"""Markdown (CommonMark and GFM) in and out of Portable Text, without loss.

``to_blocks`` reads Markdown with markdown-it-py into Portable Text: headings, paragraphs,
emphasis, strong, code spans, strikethrough, links with titles, hard breaks, images (a line of
their own), ordered, bullet, nested and task lists, block quotes (a first line in bold makes a
callout's title), fenced and indented code with its language, thematic breaks, tables. A
table comes out as a ``PendingTable``: the service decides whether it is a comparison (its
header names roles) or a plain table. What the model cannot hold — raw HTML, an image inside a
line of text, a list item of several paragraphs, a quote in a quote — is refused with
``Refused`` naming it and its line, never dropped.

``blocks_markdown`` writes the blocks back. Markdown from ``to_blocks`` written back and read
again gives the same blocks (``tests/articles/test_markdown.py`` checks it on generated
documents), so Markdown → body → Markdown keeps the document, up to Markdown's own
equivalences (``*`` or ``_``, setext or ATX headings, list numbering, tight or loose lists).

The reading is markdown-it-py's; the writing is hand-written, because no maintained library
writes Portable Text as Markdown.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin
from pydantic import ValidationError

from api.articles.blocks import (
    SAFE_HREF,
    BreakBlock,
    CalloutBlock,
    CodeBlock,
    ImageBlock,
    TableCell,
    TextBlock,
)
from api.core import markdown
from api.core.urls import api_url

# Footnotes are parsed only to be refused by name: without the plugin, a footnote would read
# as a link to a reference definition, and change in silence.
_parser = (
    MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(footnote_plugin)
)
_NAMES = {"footnote_ref": "a footnote", "footnote_block": "a footnote"}
_DECORATOR_OF = {"strong": "strong", "em": "em", "s": "strike-through"}
_TASK = re.compile(r"^\[([ xX])\] ")
_ALIGN = re.compile(r"text-align:(left|center|right)")


class Refused(Exception):
    """Markdown the model cannot hold: what it is, and on which line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class PendingTable:
    """A GFM table, for the service to make a comparison or a plain table of."""

    line: int
    align: list[str | None]
    rows: list[list[TableCell]]  # the header first


Pending = TextBlock | ImageBlock | CodeBlock | BreakBlock | CalloutBlock | PendingTable


# --- Markdown in --------------------------------------------------------------------------------


def to_blocks(source: str) -> list[Pending]:
    """The blocks ``source`` says, in order; raises ``Refused``."""
    root = SyntaxTreeNode(_parser.parse(source))
    return _blocks(root.children, quoted=False)


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 1


def _blocks(nodes: Iterable[SyntaxTreeNode], *, quoted: bool) -> list[Pending]:
    out: list[Pending] = []
    for node in nodes:
        try:
            _block(node, out, quoted=quoted)
        except ValidationError as exc:  # a length or a value past the model's bounds
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise Refused(_line(node), f"{where}: {error['msg']}") from None
    return out


def _block(node: SyntaxTreeNode, out: list[Pending], *, quoted: bool) -> None:
    line = _line(node)
    kind = node.type
    if kind == "heading":
        out.append(_text(node.children[0].children, line, style=node.tag))
    elif kind == "paragraph":
        out.append(_paragraph(node, line))
    elif kind in ("bullet_list", "ordered_list"):
        out.extend(_list(node, level=1))
    elif kind == "blockquote":
        if quoted:
            raise Refused(line, "a quote inside a quote is not kept")
        out.extend(_quote(node))
    elif kind in ("fence", "code_block"):
        language = (node.info or "").strip().split(" ")[0] or None
        out.append(CodeBlock(language=language, code=node.content.removesuffix("\n")))
    elif kind == "hr":
        out.append(BreakBlock())
    elif kind == "table":
        if quoted:
            raise Refused(line, "a table inside a quote is not kept")
        out.append(_table(node, line))
    elif kind == "html_block":
        raise Refused(line, "raw HTML is not kept: write it as Markdown")
    else:
        raise Refused(line, f"{_NAMES.get(kind, kind.replace('_', ' '))} is not kept")


def _paragraph(node: SyntaxTreeNode, line: int) -> TextBlock | ImageBlock:
    inline = node.children[0]
    parts = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
    if len(parts) == 1 and parts[0].type == "image":
        image = parts[0]
        src = str(image.attrs.get("src", ""))
        if src.startswith("/v1/assets/"):
            src = api_url(src)  # an uploaded asset, by its path in this API
        if not re.match(r"^https?://", src):
            raise Refused(line, f"the image {src!r} is not kept: give an http(s) URL")
        return ImageBlock(
            url=src,
            alt=_plain(image.children),
            caption=str(image.attrs.get("title") or ""),
        )
    return _text(inline.children, line)


def _plain(nodes: Iterable[SyntaxTreeNode]) -> str:
    """The text of inline nodes without their markup (an image's alt text)."""
    return "".join(
        n.content if n.type in ("text", "code_inline") else _plain(n.children) for n in nodes
    )


def _text(nodes: Sequence[SyntaxTreeNode], line: int, **fields: Any) -> TextBlock:
    children, mark_defs = _spans(nodes, line)
    return TextBlock.model_validate({**fields, "children": children, "markDefs": mark_defs})


def _spans(
    nodes: Sequence[SyntaxTreeNode], line: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """An inline run as Portable Text spans (adjacent ones with the same marks merged) and the
    link annotations they refer to."""
    spans: list[dict[str, Any]] = []
    mark_defs: list[dict[str, Any]] = []

    def add(text: str, marks: list[str]) -> None:
        if spans and spans[-1]["marks"] == marks:
            spans[-1]["text"] += text
        elif text:
            spans.append({"text": text, "marks": list(marks)})

    def walk(nodes: Iterable[SyntaxTreeNode], marks: list[str]) -> None:
        for node in nodes:
            kind = node.type
            if kind == "text":
                add(node.content, marks)
            elif kind == "code_inline":
                add(node.content, [*marks, "code"])
            elif kind == "softbreak":
                add(" ", marks)
            elif kind == "hardbreak":
                add("\n", marks)
            elif kind in _DECORATOR_OF:
                walk(node.children, [*marks, _DECORATOR_OF[kind]])
            elif kind == "link":
                key = f"l{len(mark_defs) + 1}"
                href = str(node.attrs.get("href", ""))
                if not re.match(SAFE_HREF, href):
                    raise Refused(
                        line,
                        f"the link to {href!r} is not kept: link to http(s), mailto:, "
                        "a #fragment or a path from /",
                    )
                link = {"_key": key, "href": href}
                if node.attrs.get("title"):
                    link["title"] = str(node.attrs["title"])
                mark_defs.append(link)
                walk(node.children, [*marks, key])
            elif kind == "image":
                raise Refused(line, "an image inside a line of text: give it a line of its own")
            elif kind == "html_inline":
                raise Refused(line, "raw HTML is not kept: write it as Markdown")
            else:
                raise Refused(line, f"{_NAMES.get(kind, kind.replace('_', ' '))} is not kept")

    walk(nodes, [])
    return spans or [{"text": "", "marks": []}], mark_defs


def _list(node: SyntaxTreeNode, *, level: int) -> list[TextBlock]:
    kind = "number" if node.type == "ordered_list" else "bullet"
    out: list[TextBlock] = []
    for item in node.children:
        line = _line(item)
        parts = list(item.children)
        nodes = parts.pop(0).children[0].children if parts and parts[0].type == "paragraph" else []
        children, mark_defs = _spans(nodes, line)
        fields: dict[str, Any] = {"listItem": kind, "level": level}
        task = _TASK.match(children[0]["text"]) if kind == "bullet" else None
        if task is not None:
            fields["checked"] = task.group(1) != " "
            children[0]["text"] = children[0]["text"][task.end() :]
        out.append(
            TextBlock.model_validate({**fields, "children": children, "markDefs": mark_defs})
        )
        for part in parts:
            if part.type not in ("bullet_list", "ordered_list"):
                raise Refused(_line(part), "a list item holds one paragraph (and lists): not more")
            out.extend(_list(part, level=level + 1))
    return out


def _quote(node: SyntaxTreeNode) -> list[Pending]:
    """A quote of paragraphs only is blocks in the ``blockquote`` style; one whose first line
    is all bold is a callout with that title; any other is a callout without one."""
    parts = list(node.children)
    title = ""
    if parts and parts[0].type == "paragraph":
        inline = parts[0].children[0]
        children = [c for c in inline.children if not (c.type == "text" and not c.content)]
        if children and children[0].type == "strong":
            rest = children[1:]
            if not rest or rest[0].type in ("softbreak", "hardbreak"):
                title = _plain(children[0].children)
                parts.pop(0)
                if rest[1:]:  # "> **Decision**" then "> Ship it." on the next line
                    tail = _text(rest[1:], _line(node))
                    return [CalloutBlock(title=title, content=[tail, *_inner(parts)])]
                return [CalloutBlock(title=title, content=_inner(parts))]
    if parts and all(p.type == "paragraph" for p in parts):
        blocks: list[Pending] = []
        for part in parts:
            block = _paragraph(part, _line(part))
            if not isinstance(block, TextBlock):
                return [CalloutBlock(title="", content=_inner(list(node.children)))]
            block.style = "blockquote"
            blocks.append(block)
        return blocks
    return [CalloutBlock(title=title, content=_inner(parts))]


def _inner(parts: list[SyntaxTreeNode]) -> list[Any]:
    return [b for b in _blocks(parts, quoted=True) if not isinstance(b, PendingTable)]


def _table(node: SyntaxTreeNode, line: int) -> PendingTable:
    rows: list[list[TableCell]] = []
    align: list[str | None] = []
    for section in node.children:  # thead, tbody
        for tr in section.children:
            cells = []
            for cell in tr.children:
                if section.type == "thead":
                    found = _ALIGN.search(str(cell.attrs.get("style", "")))
                    align.append(found.group(1) if found else None)
                nodes = cell.children[0].children if cell.children else []
                children, mark_defs = _spans(nodes, line)
                cells.append(
                    TableCell.model_validate({"children": children, "markDefs": mark_defs})
                )
            rows.append(cells)
    return PendingTable(line, align, rows)


# --- Markdown out -------------------------------------------------------------------------------


def blocks_markdown(
    blocks: Sequence[Any], custom: Callable[[Any], str | None] = lambda _block: None
) -> str:
    """Blocks (as read: links resolved) as Markdown; ``custom`` writes the types this module
    does not know (role definitions, comparisons, related articles)."""
    parts: list[str] = []
    run: list[Any] = []  # consecutive list items or quoted blocks: written together

    def flush() -> None:
        if run:
            parts.append(_list_markdown(run) if run[0].list_item else _quoted_markdown(run))
            run.clear()

    for block in blocks:
        if getattr(block, "type", None) == "block" and (
            block.list_item or block.style == "blockquote"
        ):
            if run and bool(run[0].list_item) != bool(block.list_item):
                flush()
            run.append(block)
            continue
        flush()
        written = custom(block)
        parts.append(written if written is not None else _block_markdown(block))
    flush()
    return "\n\n".join(part for part in parts if part)


def _block_markdown(block: Any) -> str:
    match block.type:
        case "block":
            text = inline_markdown(block.children, block.mark_defs)
            if block.style.startswith("h"):
                return "#" * int(block.style[1]) + " " + text
            return text
        case "image":
            title = f' "{_title(block.caption)}"' if block.caption else ""
            return f"![{markdown.escape(block.alt)}]({_url(block.url)}{title})"
        case "code":
            fence = "`" * max(3, _longest_run(block.code, "`") + 1)
            return f"{fence}{block.language or ''}\n{block.code}\n{fence}"
        case "break":
            return "---"
        case "table":
            return _table_markdown(block)
        case "callout":
            inner = blocks_markdown(block.content)
            head = f"**{markdown.escape(block.title)}**" if block.title else ""
            body = "\n\n".join(p for p in (head, inner) if p)
            return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))
    raise TypeError(f"no Markdown for {block.type!r}")


def _quoted_markdown(blocks: list[Any]) -> str:
    body = "\n\n".join(inline_markdown(b.children, b.mark_defs) for b in blocks)
    return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))


def _list_markdown(items: list[Any]) -> str:
    lines = []
    indents: list[int] = [0]  # where the text of each open level starts
    counters: dict[int, int] = {}
    kinds: dict[int, str] = {}  # the kind of list open at each level
    for item in items:
        level = item.level or 1
        del indents[level:]
        while len(indents) < level:
            indents.append(indents[-1] + 2)
        for deeper in [k for k in kinds if k > level]:
            kinds.pop(deeper)
            counters.pop(deeper, None)
        if kinds.get(level, item.list_item) != item.list_item:
            counters.pop(level, None)
            lines.append("")  # another kind of list at this level: a list of its own
        kinds[level] = item.list_item
        if item.list_item == "number":
            counters[level] = counters.get(level, 0) + 1
            marker = f"{counters[level]}. "
        else:
            marker = "- "
        task = "" if item.checked is None else ("[x] " if item.checked else "[ ] ")
        text = inline_markdown(item.children, item.mark_defs)
        pad = " " * indents[level - 1]
        text = text.replace("\n", "\n" + pad + " " * len(marker))
        lines.append(f"{pad}{marker}{task}{text}")
        if len(indents) == level:
            indents.append(indents[level - 1] + len(marker))
        else:
            indents[level] = indents[level - 1] + len(marker)
    return "\n".join(lines)


def _table_markdown(table: Any) -> str:
    width = max(len(row.cells) for row in table.rows)
    align = (list(table.align) + [None] * width)[:width]
    rule = {None: "---", "left": ":---", "center": ":---:", "right": "---:"}
    rows = [
        [inline_markdown(c.children, c.mark_defs).replace("\n", " ") or " " for c in row.cells]
        + [" "] * (width - len(row.cells))
        for row in table.rows
    ]
    lines = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join(rule[a] for a in align) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    return "\n".join(lines)


_WRAP = {"strong": "**", "em": "*", "strike-through": "~~"}
_OUTER_FIRST = {"strong": 0, "em": 1, "strike-through": 2}  # links are outermost of all


def inline_markdown(spans: Sequence[Any], mark_defs: Sequence[Any]) -> str:
    """Spans as Markdown: decorators as ``**``, ``*``, ``~~`` and code spans, links as
    ``[text](href "title")``, line breaks as ``\\``. A mark over several spans is written
    once around them all, so ``**a *b***`` reads back as the same two spans."""
    links = {d.key: d for d in mark_defs}
    return _marked(list(spans), frozenset(), links)


def _marked(spans: list[Any], opened: frozenset[str], links: dict[str, Any]) -> str:
    out: list[str] = []
    i = 0
    while i < len(spans):
        pending = [m for m in spans[i].marks if m not in opened and (m in links or m in _WRAP)]
        if not pending:
            out.append(_span_markdown(spans[i]))
            i += 1
            continue

        # The mark that lasts longest from here opens first (a link before the others).
        reach = {m: _reach(spans, i, m) for m in pending}
        mark = max(pending, key=lambda m: (reach[m], m in links, -_OUTER_FIRST.get(m, 0)))
        end = reach[mark]
        inner = _marked(spans[i:end], opened | {mark}, links)
        out.append(_wrapped(inner, mark, links))
        i = end
    return "".join(out)


def _reach(spans: list[Any], start: int, mark: str) -> int:
    """Where the run of spans from ``start`` that all carry ``mark`` ends."""
    end = start
    while end < len(spans) and mark in spans[end].marks:
        end += 1
    return end


def _wrapped(inner: str, mark: str, links: dict[str, Any]) -> str:
    if mark in links:
        link = links[mark]
        title = f' "{_title(link.title)}"' if link.title else ""
        return f"[{inner}]({_url(link.href)}{title})"
    # Emphasis cannot begin or end with a space: spaces at the edges stay outside it.
    core = inner.strip(" ")
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip(" "))]
    trail = inner[len(inner.rstrip(" ")) :]
    return f"{lead}{_WRAP[mark]}{core}{_WRAP[mark]}{trail}"


def _span_markdown(span: Any) -> str:
    text = span.text
    if "code" in span.marks:
        fence = "`" * (_longest_run(text, "`") + 1)
        pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
        return f"{fence}{pad}{text}{pad}{fence}" if text else ""
    return markdown.escape(text).replace("\n", "\\\n")


def _longest_run(text: str, char: str) -> int:
    return max((len(m) for m in re.findall(re.escape(char) + "+", text)), default=0)


def _url(url: str) -> str:
    return markdown.url(url)


def _title(title: str) -> str:
    return title.replace("\\", "\\\\").replace('"', '\\"')
