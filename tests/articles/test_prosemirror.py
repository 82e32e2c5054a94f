"""The studio's editor document and the stored body, both ways (``api.articles.prosemirror``):
every body Folio can store opens in the editor and comes back as it was; every document the
editor can make is a body that opens again as the same document; a document of another shape
is a 422 naming where, never a 500."""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from sqlmodel import Session

from api.articles.blocks import Block, with_keys
from api.articles.models import Article
from api.articles.prosemirror import from_doc, to_doc
from api.core.errors import InvalidBody
from tests.conftest import Database
from tests.helpers import ROLE_LINK, paragraph_doc

_blocks = TypeAdapter(list[Block])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def stored(body: Any) -> list[dict[str, Any]]:
    """A body as ``Article.body`` keeps it: validated, every node keyed, nulls left out."""
    return [
        b.model_dump(by_alias=True, exclude_none=True)
        for b in with_keys(_blocks.validate_python(body))
    ]


def reopened(body: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Opened in the editor, sent back by the browser as JSON, and stored."""
    return stored(from_doc(json.loads(json.dumps(to_doc(body)))))


# --- Bodies ----------------------------------------------------------------------------------

words = st.text(st.sampled_from("abc xyZ-é✓\n"), min_size=1, max_size=12)
keys = st.none() | st.from_regex(r"\A[a-z][a-z0-9]{0,5}\Z")
decorators = st.lists(st.sampled_from(["strong", "em", "code", "strike-through"]), unique=True)
link_targets = st.one_of(
    st.builds(lambda n: {"href": f"https://example.org/{n}"}, st.integers(0, 9)),
    st.builds(lambda n: {"role_id": n}, st.integers(1, 5)),
    st.builds(lambda n: {"article_id": n}, st.integers(1, 5)),
)


@st.composite
def spans_and_defs(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    defs = [
        {"_type": "link", "_key": f"k{n}", **target, **({"title": "t"} if n % 2 else {})}
        for n, target in enumerate(draw(st.lists(link_targets, max_size=3)))
    ]
    if draw(st.booleans()) and draw(st.booleans()):  # a block with no text
        return [{"text": "", "_key": draw(keys)}], defs
    children = []
    for _ in range(draw(st.integers(1, 4))):
        named, linked = draw(decorators), draw(st.booleans())
        if defs and linked:
            named.insert(draw(st.integers(0, len(named))), draw(st.sampled_from(defs))["_key"])
        children.append({"_type": "span", "_key": draw(keys), "text": draw(words), "marks": named})
    return children, defs


@st.composite
def text_blocks(draw: st.DrawFn, *, listed: bool) -> dict[str, Any]:
    children, defs = draw(spans_and_defs())
    block: dict[str, Any] = {"_type": "block", "_key": draw(keys), "children": children}
    block["markDefs"] = defs
    block["style"] = draw(st.sampled_from(["normal", "normal", "h2", "h3", "blockquote"]))
    if listed:
        block["listItem"] = draw(st.sampled_from(["bullet", "number"]))
        block["level"] = draw(st.none() | st.integers(1, 4))
        block["checked"] = draw(st.none() | st.booleans())
    return block


@st.composite
def tables(draw: st.DrawFn) -> dict[str, Any]:
    width = draw(st.integers(1, 3))
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        cells = []
        for _ in range(width):
            children, defs = draw(spans_and_defs())
            if children[0]["text"] == "" and draw(st.booleans()):
                children = []
            cells.append({"_key": draw(keys), "children": children, "markDefs": defs})
        rows.append({"_key": draw(keys), "cells": cells})
    align = draw(st.lists(st.sampled_from(["left", "center", "right", None]), max_size=width))
    return {"_type": "table", "_key": draw(keys), "rows": rows, "align": align}


other_blocks = st.one_of(
    st.builds(
        lambda k, code, lang: {"_type": "code", "_key": k, "code": code, "language": lang},
        keys,
        st.text(st.sampled_from("x =1\n\t"), max_size=20),
        st.none() | st.sampled_from(["python", "js"]),
    ),
    st.builds(lambda k: {"_type": "break", "_key": k}, keys),
    st.builds(
        lambda k, asset, alt: {"_type": "image", "_key": k, "asset_id": asset, "alt": alt},
        keys,
        st.integers(1, 9),
        words,
    ),
    st.builds(
        lambda k, alt: {
            "_type": "image",
            "_key": k,
            "url": "https://example.org/a.png",
            "alt": alt,
        },
        keys,
        words,
    ),
    st.builds(
        lambda k, n: {"_type": "comparison", "_key": k, "comparison_id": n}, keys, st.integers(1, 3)
    ),
    st.builds(
        lambda k: {
            "_type": "callout",
            "_key": k,
            "title": "Note",
            "content": [{"_type": "block", "children": [{"text": "inside"}]}],
        },
        keys,
    ),
    tables(),
)
bodies = st.lists(
    st.one_of(text_blocks(listed=False), text_blocks(listed=True), other_blocks), max_size=12
).map(stored)


@FAST
@given(bodies)
def test_every_body_opens_in_the_editor_and_saves_back_unchanged(
    body: list[dict[str, Any]],
) -> None:
    assert reopened(body) == body


def test_the_seed_article_opens_and_saves_back_unchanged(fresh_database: Database) -> None:
    with Session(fresh_database.engine) as session:
        article = session.get(Article, 1)
        assert article is not None
        body = list(article.body)
    assert {block["_type"] for block in body} >= {"block", "role_definitions", "comparison"}
    assert reopened(body) == body


# --- Documents the editor makes ---------------------------------------------------------------

marks = st.lists(
    st.sampled_from(
        [
            {"type": "bold"},
            {"type": "italic"},
            {"type": "code"},
            {"type": "strike"},
            {"type": "link", "attrs": {"href": "https://example.org/x"}},
            {"type": "link", "attrs": {"roleId": 2, "href": None}},
        ]
    ),
    unique_by=lambda m: json.dumps(m, sort_keys=True),
    max_size=3,
)
inline = st.lists(
    st.one_of(
        st.builds(
            lambda t, m: {"type": "text", "text": t, "marks": m},
            words.filter(lambda w: "\n" not in w),
            marks,
        ),
        st.just({"type": "hardBreak"}),
    ),
    max_size=4,
)


def paragraph(content: list[dict[str, Any]], kind: str = "paragraph") -> dict[str, Any]:
    node: dict[str, Any] = {"type": kind, "content": content}
    if kind == "heading":
        node["attrs"] = {"level": 2}
    return node


def listing(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    item = st.builds(
        lambda text, nested: {"type": "listItem", "content": [paragraph(text), *nested]},
        inline,
        st.lists(listing(depth - 1), max_size=1) if depth > 1 else st.just([]),
    )
    return st.builds(
        lambda kind, items: {"type": kind, "content": items},
        st.sampled_from(["bulletList", "orderedList"]),
        st.lists(item, min_size=1, max_size=3),
    )


editor_blocks = st.one_of(
    st.builds(paragraph, inline),
    st.builds(lambda c: paragraph(c, "heading"), inline),
    st.builds(lambda c: {"type": "blockquote", "content": [paragraph(c)]}, inline),
    st.builds(lambda t: {"type": "codeBlock", "content": [{"type": "text", "text": t}]}, words),
    st.just({"type": "horizontalRule"}),
    listing(3),
)
documents = st.lists(editor_blocks, min_size=1, max_size=8).map(
    lambda content: {"type": "doc", "content": content}
)


@FAST
@given(documents)
def test_what_the_editor_makes_is_a_body_that_opens_as_the_same_document(
    doc: dict[str, Any],
) -> None:
    body = stored(from_doc(doc))
    assert reopened(body) == body
    texts = [n["text"] for n in _walk(doc) if n.get("type") == "text"]
    written = json.dumps(body)
    for text in texts:  # nothing typed is lost
        assert json.dumps(text)[1:-1] in written


def _walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("content", []) for n in _walk(child))]


def test_a_link_and_bold_text_as_the_editor_sends_them() -> None:
    doc = paragraph_doc("Hire a ", ("CAIO", [ROLE_LINK]), (" first", [{"type": "bold"}]))
    (block,) = stored(from_doc(doc))
    (link,) = block["markDefs"]
    assert link["role_id"] == 2
    assert "href" not in link
    assert [(s["text"], s["marks"]) for s in block["children"]] == [
        ("Hire a ", []),
        ("CAIO", [link["_key"]]),
        (" first", ["strong"]),
    ]


def _doc(*content: Any) -> dict[str, Any]:
    return {"type": "doc", "content": list(content)}


UNDERLINED = {"type": "text", "text": "a", "marks": [{"type": "underline"}]}


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ([], ["body"]),
        ({"type": "doc", "content": "x"}, ["body", "content"]),
        (_doc({"type": "script"}), ["body", 0, "type"]),
        (_doc(7), ["body", 0]),
        (_doc({"type": "heading", "attrs": {"level": 9}}), ["body", 0, "attrs", "level"]),
        (_doc(paragraph([UNDERLINED])), ["body", 0, 0, "marks", 0]),
        (_doc({"type": "folioBlock", "attrs": {"block": {}}}), ["body", 0, "attrs", "block"]),
        (_doc({"type": "bulletList", "content": [paragraph([])]}), ["body", 0, 0, "type"]),
    ],
)
def test_a_document_of_another_shape_is_refused_where_it_is_wrong(
    doc: Any, where: list[Any]
) -> None:
    with pytest.raises(InvalidBody) as refused:
        from_doc(doc)
    assert (refused.value.errors or [{}])[0]["loc"] == [str(part) for part in where]
