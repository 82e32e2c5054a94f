"""Markdown in and out of Portable Text without loss, as properties (hypothesis).

Documents are generated in the body model, limited to what Markdown can say (a mark never
begins or ends with a space, a quote's first line all in bold is a callout's title…), written
as Markdown, read back, and compared after normalisation (spans with the same marks merged,
keys left out). The same documents written with other spellings (setext headings, ``*``
bullets, ``1)`` numbers) read back the same too, and written again stay as they are; their
HTML is safe.
"""

import re
from typing import Any

import nh3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from api.articles.blocks import (
    BreakBlock,
    CalloutBlock,
    CodeBlock,
    ImageBlock,
    TableBlock,
    TableCell,
    TextBlock,
)
from api.articles.markdown import PendingTable, Refused, blocks_markdown, to_blocks
from api.articles.render import sanitize_html

EXAMPLES = 30

# --- The model, limited to what Markdown can say ------------------------------------------------

WORD = st.text("abcdefghijklmnopqrstuvwxyzABC0123456789é", min_size=1, max_size=8)
PUNCTUATION = st.sampled_from(list("*_`[]\\#<>&|!~-+.()\"':;=$%{}/?@^"))
URLS = st.sampled_from(
    [
        "https://example.com/a",
        "https://example.com/path/to?q=1&r=2",
        "http://example.org/(x)",
        "mailto:ada@example.com",
        "/roles/x",
        "#section",
    ]
)
TITLES = st.one_of(st.none(), st.sampled_from(["A title", 'Say "hi"', "Back\\slash"]))
DECORATORS = ("strong", "em", "strike-through")


_JOINTS = st.one_of(
    st.just(" "),
    st.just("  "),
    PUNCTUATION.map(lambda p: f" {p} "),
    PUNCTUATION,
)
_JOINTS_OR_BREAKS = st.one_of(_JOINTS, st.just("\n"))


@st.composite
def phrase(draw: st.DrawFn, /, *, breaks: bool = False) -> str:
    """Words joined by spaces or punctuation: starts and ends with a word (so emphasis
    around it always opens and closes), with line breaks inside when ``breaks``."""
    joints = _JOINTS_OR_BREAKS if breaks else _JOINTS
    words = draw(st.lists(st.tuples(joints, WORD), max_size=4))
    return str(draw(WORD)) + "".join(joint + word for joint, word in words)


@st.composite
def spans(
    draw: st.DrawFn, /, *, breaks: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Spans and link annotations: plain words between marked runs."""
    children: list[dict[str, Any]] = []
    mark_defs: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 5))):
        if n:
            children.append({"text": draw(st.sampled_from([" ", " - ", ", ", " (", "; "]))})
        kind = draw(st.sampled_from(["plain", "decorated", "code", "link", "nested"]))
        if kind == "plain":
            children.append({"text": draw(phrase(breaks=breaks))})
        elif kind == "decorated":
            marks = draw(st.lists(st.sampled_from(DECORATORS), min_size=1, max_size=3, unique=True))
            children.append({"text": draw(phrase()), "marks": marks})
        elif kind == "code":
            code = draw(st.text("ab `*_[]\\<>&", min_size=1, max_size=10).filter(str.strip))
            children.append({"text": code, "marks": ["code"]})
        elif kind == "link":
            key = f"k{n}"
            link: dict[str, Any] = {"_key": key, "href": draw(URLS)}
            title = draw(TITLES)
            if title is not None:
                link["title"] = title
            mark_defs.append(link)
            extra = draw(st.lists(st.sampled_from(DECORATORS), max_size=1))
            children.append({"text": draw(phrase()), "marks": [key, *extra]})
        else:  # one mark over two spans, the second with one more: **a *b***
            outer, inner = draw(
                st.lists(st.sampled_from(DECORATORS), min_size=2, max_size=2, unique=True)
            )
            children.append({"text": draw(phrase()) + " ", "marks": [outer]})
            children.append({"text": draw(phrase()), "marks": [outer, inner]})
    return children, mark_defs


@st.composite
def text_block(draw: st.DrawFn, /, **fields: Any) -> TextBlock:
    heading = fields.get("style", "normal").startswith("h")
    children, mark_defs = draw(spans(breaks=not heading))
    return TextBlock.model_validate({**fields, "children": children, "markDefs": mark_defs})


@st.composite
def list_items(draw: st.DrawFn) -> list[TextBlock]:
    items = []
    level = 0  # the first item is at level 1; each next at most one deeper
    for _ in range(draw(st.integers(1, 6))):
        level = draw(st.integers(1, min(level + 1, 3)))
        kind = draw(st.sampled_from(["bullet", "number"]))
        fields: dict[str, Any] = {"listItem": kind, "level": level}
        if kind == "bullet" and draw(st.booleans()):
            fields["checked"] = draw(st.booleans())
        items.append(draw(text_block(**fields)))
    return items


def _all_strong(block: TextBlock) -> bool:
    return all("strong" in span.marks for span in block.children)


@st.composite
def callout(draw: st.DrawFn) -> CalloutBlock:
    title = draw(st.one_of(st.just(""), phrase()))
    content: list[Any] = draw(
        st.lists(
            st.one_of(
                text_block(),
                list_items().map(lambda items: items[0]),
                code_block(),
                image(),
                st.just(BreakBlock()),
            ),
            max_size=3,
        )
    )
    if not title and (
        all(isinstance(b, TextBlock) and not b.list_item for b in content)
        or (isinstance(content[0], TextBlock) and _all_strong(content[0]))
    ):
        content.append(BreakBlock())  # else it would read as a quote, or as a title
        content.insert(0, BreakBlock())
    return CalloutBlock(title=title, content=content)


def code_block() -> Any:
    line = st.text("abc xyz()=`~{};#*", max_size=20)
    return st.builds(
        lambda language, lines: CodeBlock(language=language, code="\n".join(lines)),
        st.one_of(st.none(), st.sampled_from(["python", "js", "c++", "shell"])),
        st.lists(line, max_size=4),
    )


def image() -> Any:
    return st.builds(
        lambda url, alt, caption: ImageBlock(url=url, alt=alt, caption=caption),
        st.sampled_from(["https://example.com/a.png", "https://cdn.example.org/i/b%20c(1).jpg"]),
        st.one_of(st.just(""), phrase()),
        st.one_of(st.just(""), st.sampled_from(["A caption", 'With "quotes"'])),
    )


@st.composite
def table(draw: st.DrawFn) -> PendingTable:
    width = draw(st.integers(1, 4))
    align = draw(
        st.lists(st.sampled_from([None, "left", "center", "right"]), min_size=width, max_size=width)
    )
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        cells = []
        for _ in range(width):
            children, mark_defs = draw(spans(breaks=False))
            cells.append(TableCell.model_validate({"children": children, "markDefs": mark_defs}))
        rows.append(cells)
    return PendingTable(1, align, rows)


@st.composite
def quote(draw: st.DrawFn) -> list[TextBlock]:
    blocks = draw(st.lists(text_block(style="blockquote"), min_size=1, max_size=3))
    if _all_strong(blocks[0]):
        blocks[0].children.insert(
            0, TextBlock.model_validate({"children": [{"text": "So "}]}).children[0]
        )
    return list(blocks)


@st.composite
def documents(draw: st.DrawFn) -> list[Any]:
    parts = draw(
        st.lists(
            st.one_of(
                text_block().map(lambda b: [b]),
                st.sampled_from([f"h{n}" for n in range(1, 7)])
                .flatmap(lambda style: text_block(style=style))
                .map(lambda b: [b]),
                list_items(),
                quote(),
                callout().map(lambda b: [b]),
                code_block().map(lambda b: [b]),
                image().map(lambda b: [b]),
                st.just([BreakBlock()]),
                table().map(lambda t: [t]),
            ),
            min_size=1,
            max_size=6,
        )
    )
    return [block for part in parts for block in part]


# --- Normalisation: what Markdown cannot tell apart ---------------------------------------------


def _spans(node: Any) -> list[tuple[str, tuple[str, ...], Any]]:
    links = {d.key: (d.href, d.title) for d in node.mark_defs}
    out: list[tuple[str, tuple[str, ...], Any]] = []
    for span in node.children:
        decorators = tuple(sorted(m for m in span.marks if m not in links))
        link = next((links[m] for m in span.marks if m in links), None)
        if not span.text:
            continue
        if out and out[-1][1:] == (decorators, link):
            out[-1] = (out[-1][0] + span.text, decorators, link)
        else:
            out.append((span.text, decorators, link))
    return out


def normal(blocks: list[Any]) -> list[Any]:
    out: list[Any] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            out.append(
                ("block", block.style, block.list_item, block.level, block.checked, _spans(block))
            )
        elif isinstance(block, PendingTable):
            out.append(("table", block.align, [[_spans(c) for c in row] for row in block.rows]))
        elif isinstance(block, CalloutBlock):
            out.append(("callout", block.title, normal(block.content)))
        elif isinstance(block, ImageBlock):
            out.append(("image", block.url, block.alt, block.caption))
        elif isinstance(block, CodeBlock):
            out.append(("code", block.language, block.code))
        else:
            out.append(("break",))
    return out


def as_markdown(blocks: list[Any]) -> str:
    """What the writer makes; a table as it writes tables."""

    def custom(block: Any) -> str | None:
        if isinstance(block, PendingTable):
            written = TableBlock.model_validate(
                {
                    "align": block.align,
                    "rows": [
                        {"cells": [c.model_dump(by_alias=True) for c in r]} for r in block.rows
                    ],
                }
            )
            return blocks_markdown([written])
        return None

    return blocks_markdown(blocks, custom)


def respelled(markdown: str) -> str:
    """The same document in other Markdown spellings, line by line."""
    out = []
    for line in markdown.split("\n"):
        heading = re.fullmatch(r"(#{1,2}) (.*)", line)
        if heading and "\\" not in heading.group(2):
            out.append(heading.group(2) + "\n" + ("=" if heading.group(1) == "#" else "-") * 3)
            continue
        line = re.sub(r"^(\s*)- ", lambda m: m.group(1) + "* ", line)
        line = re.sub(r"^(\s*)(\d+)\. ", lambda m: f"{m.group(1)}{m.group(2)}) ", line)
        out.append(line)
    return "\n".join(out)


# --- Properties ---------------------------------------------------------------------------------

_html = MarkdownIt("commonmark").enable(["table", "strikethrough"])
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@PROPERTY
@given(documents())
def test_markdown_written_from_a_body_reads_back_as_that_body(blocks: list[Any]) -> None:
    markdown = as_markdown(blocks)
    assert normal(to_blocks(markdown)) == normal(blocks), markdown


@PROPERTY
@given(documents())
def test_markdown_to_body_to_markdown_is_the_same_document(blocks: list[Any]) -> None:
    source = respelled(as_markdown(blocks))
    body = to_blocks(source)
    again = as_markdown(body)
    assert normal(to_blocks(again)) == normal(body), (source, again)
    assert as_markdown(to_blocks(again)) == again  # written once, it stays as it is


@PROPERTY
@given(documents())
def test_html_of_any_body_is_sanitized(blocks: list[Any]) -> None:
    from markdown_it import MarkdownIt

    html = sanitize_html(
        MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(as_markdown(blocks))
    )
    assert nh3.clean(html) == nh3.clean(nh3.clean(html))
    assert "<script" not in html
    assert not re.search(r"\son\w+=", html)
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    ("source", "line", "reason"),
    [
        ("a\n\n<div>x</div>", 3, "raw HTML"),
        ("a <b>b</b>", 1, "raw HTML"),
        ("x\n\n> > quoted twice", 3, "quote inside a quote"),
        ("Text ![inline](https://e.com/i.png) image", 1, "image inside a line"),
        ("- one\n\n  second paragraph", 3, "one paragraph"),
        ("See [^1].\n\n[^1]: A note.", 1, "footnote"),
        ("[a](ftp://example.com/x)", 1, "not kept"),
        ("[a](relative/path)", 1, "not kept"),
        ("![a](relative.png)", 1, "http(s) URL"),
        ("```{weird}\nx\n```", 1, "language"),
        ("> | a |\n> | - |\n> | b |", 1, "table inside a quote"),
    ],
)
def test_what_markdown_says_that_the_body_cannot_hold_is_refused(
    source: str, line: int, reason: str
) -> None:
    with pytest.raises(Refused) as refused:
        to_blocks(source)
    assert refused.value.line == line
    assert reason in refused.value.reason
