"""An article's body as the studio's editor edits it: a ProseMirror document (the JSON of
Tiptap's schema, ``api/studio/editor/src/schema.js``), made from the Portable Text Folio
stores and turned back into it when the editor saves.

Written here because no library converts between the two: Portable Text's tools read and
write HTML or Markdown, and both lose what Folio keeps (keys, links to roles and articles,
its own blocks). The conversion is lossless both ways (``tests/articles/test_prosemirror.py``
checks it with generated bodies): what the document does not show is kept in its attributes:

- each block, list item, table row and cell keeps its ``_key`` (``key``); a span's key, the
  order of its marks, and its place among spans that look the same are a ``span`` mark;
- a list item is a Portable Text block with ``listItem`` and ``level``: lists are made of the
  runs of them, nested by level; a level skipped is an item marked ``filler``, dropped on the
  way back unless something was typed into it;
- a block quote is a block of style ``blockquote``: a ``blockquote`` holding one paragraph;
- a link's ``markDefs`` entry is the ``link`` mark (``href``, or ``roleId``/``articleId``);
  the entries' order, and those no span uses, are the text block's ``defs`` and ``unused``;
- ``\\n`` in a span is a hard break; a block whose spans hold no text keeps them (``empty``);
- the blocks the editor shows but does not edit inside (a callout, role definitions, a
  comparison, related articles) are a ``folioBlock`` holding the block as it is stored.

``from_doc`` reads what a browser sent: any shape is possible there, so everything it does
not expect is a 422 that names where it is, and sizes are bounded by the body's own limits."""

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from api.core.errors import InvalidBody

DECORATORS = {"strong": "bold", "em": "italic", "code": "code", "strike-through": "strike"}
_DECORATOR_OF = {mark: decorator for decorator, mark in DECORATORS.items()}
_OPAQUE = ("callout", "role_definitions", "comparison", "related")
_MAX_NODES = 200_000  # nodes in one document: far beyond what the body's limits allow
Json = dict[str, Any]


# --- Portable Text → ProseMirror --------------------------------------------------------------


def to_doc(body: list[Json], *, image_src: Callable[[int], str] | None = None) -> Json:
    """The editor's document of a stored body (a list of blocks as ``Article.body`` holds
    them). ``image_src`` gives the address to show an uploaded image at, by asset id."""
    content: list[Json] = []
    i = 0
    while i < len(body):
        block = body[i]
        if block.get("_type") == "block" and block.get("listItem"):
            end = i
            while (
                end < len(body) and body[end].get("_type") == "block" and body[end].get("listItem")
            ):
                end += 1
            content += _lists(body[i:end], 1)
            i = end
            continue
        content.append(_block(block, image_src))
        i += 1
    return {"type": "doc", "content": content or [{"type": "paragraph", "attrs": _TEXT_ATTRS}]}


_TEXT_ATTRS: Json = {"key": None, "defs": None, "unused": None, "empty": None}


def _block(block: Json, image_src: Callable[[int], str] | None) -> Json:
    kind = block.get("_type")
    key = block.get("_key")
    if kind == "block":
        style = block.get("style", "normal")
        paragraph = _textblock("paragraph", block, key=None if style == "blockquote" else key)
        if style == "blockquote":
            return {"type": "blockquote", "attrs": {"key": key}, "content": [paragraph]}
        if style != "normal":
            paragraph["type"] = "heading"
            paragraph["attrs"]["level"] = int(style[1])
        return paragraph
    if kind == "code":
        code: Json = {"type": "codeBlock", "attrs": {"key": key, "language": block.get("language")}}
        if block.get("code"):
            code["content"] = [{"type": "text", "text": block["code"]}]
        return code
    if kind == "break":
        return {"type": "horizontalRule", "attrs": {"key": key}}
    if kind == "image":
        asset = block.get("asset_id")
        shown = block.get("url") or (image_src(asset) if image_src and asset else None)
        return {
            "type": "image",
            "attrs": {
                "key": key,
                "assetId": asset,
                "url": block.get("url"),
                "src": shown,
                "alt": block.get("alt", ""),
                "caption": block.get("caption", ""),
                "credit": block.get("credit", ""),
            },
        }
    if kind == "table":
        rows = []
        for n, row in enumerate(block["rows"]):
            cell_type = "tableHeader" if n == 0 else "tableCell"
            cells: list[Json] = [
                {
                    "type": cell_type,
                    "attrs": {"key": cell.get("_key"), **_defs_attrs(cell, cell=True)},
                    "content": [{"type": "paragraph", "attrs": _TEXT_ATTRS, **_inline(cell)}],
                }
                for cell in row["cells"]
            ]
            rows.append({"type": "tableRow", "attrs": {"key": row.get("_key")}, "content": cells})
        attrs = {"key": key, "align": block.get("align") or []}
        return {"type": "table", "attrs": attrs, "content": rows}
    return {"type": "folioBlock", "attrs": {"key": key, "block": block}}


def _lists(items: list[Json], level: int) -> list[Json]:
    """The lists a run of list items makes, from ``level`` down: one list per run of items of
    one kind at that level, the items deeper nested in the item before them."""
    lists: list[Json] = []
    i = 0
    while i < len(items):
        kind = items[i]["listItem"]
        entries: list[Json] = []
        while i < len(items) and _level(items[i]) >= level:
            if _level(items[i]) == level and items[i]["listItem"] != kind:
                break
            if _level(items[i]) == level:
                entry, i = _item(items[i]), i + 1
            else:  # a level skipped: a filler item holds the deeper ones
                entry = {"type": "listItem", "attrs": {**_ITEM_ATTRS, "filler": True}}
                entry["content"] = [{"type": "paragraph", "attrs": _TEXT_ATTRS}]
            deeper = i
            while deeper < len(items) and _level(items[deeper]) > level:
                deeper += 1
            entry["content"] += _lists(items[i:deeper], level + 1)
            i = deeper
            entries.append(entry)
        lists.append(
            {
                "type": "bulletList" if kind == "bullet" else "orderedList",
                "content": entries,
            }
        )
    return lists


_ITEM_ATTRS: Json = {
    "key": None,
    "style": "normal",
    "checked": None,
    "level": False,
    "filler": False,
}


def _level(item: Json) -> int:
    return int(item.get("level") or 1)


def _item(block: Json) -> Json:
    attrs = {
        **_ITEM_ATTRS,
        "key": block.get("_key"),
        "style": block.get("style", "normal"),
        "checked": block.get("checked"),
        "level": block.get("level") is not None,  # given, or left to mean 1
    }
    return {"type": "listItem", "attrs": attrs, "content": [_textblock("paragraph", block)]}


def _textblock(node_type: str, block: Json, *, key: Any = None) -> Json:
    attrs = {**_TEXT_ATTRS, "key": key, **_defs_attrs(block)}
    return {"type": node_type, "attrs": attrs, **_inline(block)}


def _defs_attrs(block: Json, *, cell: bool = False) -> Json:
    defs = block.get("markDefs") or []
    used = {mark for span in block.get("children") or [] for mark in span.get("marks") or []}
    children = block.get("children") or []
    empty = None
    if not any(span.get("text") for span in children):
        empty = children if (children or cell) else None
    return {
        "defs": [d["_key"] for d in defs] or None,
        "unused": [d for d in defs if d["_key"] not in used] or None,
        "empty": empty,
    }


def _inline(block: Json) -> Json:
    defs = {d["_key"]: d for d in block.get("markDefs") or []}
    content: list[Json] = []
    for n, span in enumerate(block.get("children") or []):
        text = span.get("text", "")
        if not text:
            continue  # kept whole in ``empty`` when the block has no text at all
        given = span.get("marks") or []
        marks = [_pm_mark(mark, defs) for mark in given]
        marks.append({"type": "span", "attrs": {"key": span.get("_key"), "marks": given, "n": n}})
        for m, part in enumerate(text.split("\n")):
            if m:
                content.append({"type": "hardBreak", "marks": marks})
            if part:
                content.append({"type": "text", "text": part, "marks": marks})
    return {"content": content} if content else {}


def _pm_mark(mark: str, defs: dict[str, Json]) -> Json:
    if mark in DECORATORS:
        return {"type": DECORATORS[mark]}
    link = defs[mark]
    return {
        "type": "link",
        "attrs": {
            "key": link["_key"],
            "href": link.get("href"),
            "roleId": link.get("role_id"),
            "articleId": link.get("article_id"),
            "title": link.get("title"),
        },
    }


# --- ProseMirror → Portable Text --------------------------------------------------------------


def from_doc(doc: Any) -> list[Json]:
    """The blocks of an editor's document, as written (``ArticleInput.body`` validates them:
    a link's target, an image's alt text, the sizes). 422 for a document of another shape."""
    reader = _Reader()
    if not isinstance(doc, dict) or doc.get("type") != "doc":
        raise reader.wrong(["body"], "the editor's document is an object of type doc")
    blocks: list[Json] = []
    for path, node in reader.children(doc, ["body"]):
        blocks += reader.block(node, path)
    if blocks == [_NOTHING]:  # the one empty paragraph of an empty body
        return []
    return blocks


_NOTHING: Json = {
    "_type": "block",
    "_key": None,
    "style": "normal",
    "children": [{"_type": "span", "text": ""}],
    "markDefs": [],
}


class _Reader:
    def __init__(self) -> None:
        self.seen = 0

    def wrong(self, path: list[str | int], message: str) -> InvalidBody:
        return InvalidBody.at(path, message)

    def children(self, node: Json, path: list[str | int]) -> Iterator[tuple[list[str | int], Json]]:
        content = node.get("content", [])
        if not isinstance(content, list):
            raise self.wrong([*path, "content"], "content is a list of nodes")
        for n, child in enumerate(content):
            self.seen += 1
            if self.seen > _MAX_NODES:
                raise self.wrong(path, f"the document has more than {_MAX_NODES} nodes")
            if not isinstance(child, dict) or not isinstance(child.get("type"), str):
                raise self.wrong([*path, n], "a node is an object with a type")
            yield [*path, n], child

    @staticmethod
    def attrs(node: Json) -> Json:
        attrs = node.get("attrs")
        return attrs if isinstance(attrs, dict) else {}

    def block(self, node: Json, path: list[str | int]) -> list[Json]:
        kind, attrs = node["type"], self.attrs(node)
        if kind in ("paragraph", "heading"):
            style = "normal"
            if kind == "heading":
                level = attrs.get("level")
                if level not in (1, 2, 3, 4, 5, 6):
                    raise self.wrong([*path, "attrs", "level"], "a heading's level is 1 to 6")
                style = f"h{level}"
            return [self.text_block(node, path, style=style, key=attrs.get("key"))]
        if kind == "blockquote":
            quoted: list[Json] = []
            for n, (child_path, child) in enumerate(self.children(node, path)):
                if child["type"] == "paragraph":
                    key = attrs.get("key") if n == 0 else self.attrs(child).get("key")
                    quoted.append(self.text_block(child, child_path, style="blockquote", key=key))
                else:
                    quoted += self.block(child, child_path)
            return quoted
        if kind in ("bulletList", "orderedList"):
            return self.list_items(node, path, 1)
        if kind == "codeBlock":
            code = "".join(self.text_of(child, p) for p, child in self.children(node, path))
            language = attrs.get("language") or None
            block = {"_type": "code", "_key": attrs.get("key"), "code": code}
            return [{**block, "language": language} if language else block]
        if kind == "horizontalRule":
            return [{"_type": "break", "_key": attrs.get("key")}]
        if kind == "image":
            return [self.image(attrs)]
        if kind == "table":
            return [self.table(node, path)]
        if kind == "folioBlock":
            embedded = attrs.get("block")
            if not isinstance(embedded, dict) or embedded.get("_type") not in _OPAQUE:
                raise self.wrong([*path, "attrs", "block"], "an embedded block of Folio's")
            return [embedded]
        raise self.wrong([*path, "type"], f"no block of type {kind!r} in an article's body")

    def image(self, attrs: Json) -> Json:
        image: Json = {"_type": "image", "_key": attrs.get("key")}
        if attrs.get("assetId") is not None:
            image["asset_id"] = attrs["assetId"]
        else:
            image["url"] = attrs.get("url") or attrs.get("src")
        for name in ("alt", "caption", "credit"):
            image[name] = attrs.get(name) or ""
        return image

    def text_of(self, node: Json, path: list[str | int]) -> str:
        if node["type"] == "text" and isinstance(node.get("text"), str):
            return str(node["text"])
        if node["type"] == "hardBreak":
            return "\n"
        raise self.wrong([*path, "type"], "only text here")

    def list_items(self, node: Json, path: list[str | int], level: int) -> list[Json]:
        kind = "bullet" if node["type"] == "bulletList" else "number"
        items: list[Json] = []
        for item_path, item in self.children(node, path):
            if item["type"] != "listItem":
                raise self.wrong([*item_path, "type"], "a list holds list items")
            attrs = self.attrs(item)
            first, *rest = list(self.children(item, item_path)) or [(item_path, {})]
            filler = bool(attrs.get("filler"))
            if first[1].get("type") in ("paragraph", "heading"):
                typed = self.text_block(first[1], first[0], style="normal", key=attrs.get("key"))
                if not (filler and not any(s["text"] for s in typed["children"])):
                    typed["style"] = attrs.get("style") or "normal"
                    if first[1].get("type") == "heading":
                        typed["style"] = f"h{self.attrs(first[1]).get('level', 1)}"
                    typed["listItem"] = kind
                    if level > 1 or attrs.get("level"):
                        typed["level"] = level
                    if attrs.get("checked") is not None:
                        typed["checked"] = bool(attrs["checked"])
                    items.append(typed)
            elif first[1]:
                rest = [first, *rest]
            for child_path, child in rest:
                if child["type"] in ("bulletList", "orderedList"):
                    items += self.list_items(child, child_path, level + 1)
                else:
                    items += self.block(child, child_path)
        return items

    def table(self, node: Json, path: list[str | int]) -> Json:
        attrs = self.attrs(node)
        rows = []
        for row_path, row in self.children(node, path):
            if row["type"] != "tableRow":
                raise self.wrong([*row_path, "type"], "a table holds rows")
            cells = []
            for cell_path, cell in self.children(row, row_path):
                if cell["type"] not in ("tableCell", "tableHeader"):
                    raise self.wrong([*cell_path, "type"], "a row holds cells")
                cell_attrs = self.attrs(cell)
                paragraphs = [self.text_block(p, pp, style="normal", key=None)
                              for pp, p in self.children(cell, cell_path)]  # fmt: skip
                merged = _join(paragraphs, cell_attrs)
                cells.append({"_key": cell_attrs.get("key"), **merged})
            rows.append({"_key": self.attrs(row).get("key"), "cells": cells})
        align = attrs.get("align")
        table: Json = {"_type": "table", "_key": attrs.get("key"), "rows": rows}
        table["align"] = align if isinstance(align, list) else []
        return table

    def text_block(self, node: Json, path: list[str | int], *, style: str, key: Any) -> Json:
        """A paragraph or heading's text as a Portable Text block: runs of inline nodes with
        the same marks are one span; the links their marks name, its ``markDefs``."""
        if node["type"] not in ("paragraph", "heading"):
            raise self.wrong([*path, "type"], "a paragraph here")
        attrs = self.attrs(node)
        spans: list[Json] = []
        links: dict[str, Json] = {}
        last: Any = None
        seen: set[str] = set()
        for child_path, child in self.children(node, path):
            text = self.text_of(child, child_path)
            marks, span, found = self.marks(child, child_path)
            links.update(found)
            identity = (tuple(marks), repr(span))
            if spans and identity == last:
                spans[-1]["text"] += text
                continue
            last = identity
            span_key = span.get("key") if span else None
            if span is not None and repr(span) in seen:
                span_key = None  # a span split in two by the editor: the second part is new
            seen.add(repr(span))
            order = span.get("marks") if span else None
            if isinstance(order, list) and sorted(map(str, order)) == sorted(marks):
                marks = [str(m) for m in order]
            spans.append({"_type": "span", "_key": span_key, "text": text, "marks": marks})
        if not spans:
            empty = attrs.get("empty")
            spans = empty if isinstance(empty, list) else [{"_type": "span", "text": ""}]
        block: Json = {"_type": "block", "_key": key, "style": style, "children": spans}
        block["markDefs"] = _mark_defs(links, attrs)
        return block

    def marks(self, node: Json, path: list[str | int]) -> tuple[list[str], Json | None, Json]:
        """A text node's marks as Portable Text names them, its ``span`` mark's attributes,
        and the links it carries (by key)."""
        marks = node.get("marks", [])
        if not isinstance(marks, list):
            raise self.wrong([*path, "marks"], "marks are a list")
        names: list[str] = []
        span = None
        links: dict[str, Json] = {}
        for n, mark in enumerate(marks):
            kind = mark.get("type") if isinstance(mark, dict) else None
            attrs = self.attrs(mark) if isinstance(mark, dict) else {}
            if kind in _DECORATOR_OF:
                names.append(_DECORATOR_OF[kind])
            elif kind == "span":
                span = attrs
            elif kind == "link":
                link = _link_def(attrs)
                links[link["_key"]] = link
                names.append(link["_key"])
            else:
                raise self.wrong([*path, "marks", n], f"no mark {kind!r} in an article's body")
        return names, span, links


def _link_def(attrs: Json) -> Json:
    """A link mark's ``markDefs`` entry; a link the editor made without a key is named after
    its target, so two spans linking to the same place share it."""
    target = [attrs.get(name) for name in ("href", "roleId", "articleId", "title")]
    made = "l" + hashlib.sha256(repr(target).encode()).hexdigest()[:10]
    link: Json = {"_type": "link", "_key": attrs.get("key") or made}
    if attrs.get("roleId") is not None:
        link["role_id"] = attrs["roleId"]
    elif attrs.get("articleId") is not None:
        link["article_id"] = attrs["articleId"]
    else:
        link["href"] = attrs.get("href")
    if attrs.get("title") is not None:
        link["title"] = attrs["title"]
    return link


def _mark_defs(links: dict[str, Json], attrs: Json) -> list[Json]:
    """The links a block's spans use, in the order the block had them, with those it had
    that no span used (kept), then the new ones."""
    unused = {d["_key"]: d for d in attrs.get("unused") or [] if isinstance(d, dict)}
    order = [k for k in attrs.get("defs") or [] if isinstance(k, str)]
    defs = [links.get(k) or unused[k] for k in order if k in links or k in unused]
    return defs + [link for k, link in links.items() if k not in order]


def _join(paragraphs: list[Json], attrs: Json) -> Json:
    """A table cell's paragraphs as one cell: their spans, a line break between two."""
    spans: list[Json] = []
    links: list[Json] = []
    for n, paragraph in enumerate(paragraphs):
        texts = [s for s in paragraph["children"] if s["text"]]
        if n and texts:
            texts[0] = {**texts[0], "text": "\n" + texts[0]["text"]}
        spans += texts
        links += paragraph["markDefs"]
    if not spans:
        empty = attrs.get("empty")
        spans = empty if isinstance(empty, list) else []
    by_key = {link["_key"]: link for link in links}
    return {"children": spans, "markDefs": _mark_defs(by_key, attrs)}
