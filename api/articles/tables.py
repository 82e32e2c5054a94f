"""Markdown into an article's body: links that name a role or an article become references,
images of uploaded assets become image blocks, and a table whose header names roles becomes a
comparison the article owns (kept in step with it on every write)."""

import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.articles import body
from api.articles.blocks import Block, ComparisonBlock, ImageBlock, TableBlock, TableCell, TextBlock
from api.articles.markdown import PendingTable, Refused, to_blocks
from api.articles.models import Article
from api.assets import service as assets_service
from api.comparisons import service as comparisons_service
from api.comparisons.models import Comparison, ComparisonInput, RowInput
from api.core.config import get_settings
from api.core.errors import InvalidBody
from api.core.slugs import slugify
from api.core.workflow import not_trashed
from api.people.rules import Caller
from api.roles import service as roles_service

# A link to a role's or an article's page, on the site or in the API: it names the resource.
_PAGE_HREF = re.compile(r"^(?:/v1)?/(roles|articles)/([a-z0-9-]+)/?$")


# An image of an uploaded asset, by its URL in this API.
_ASSET_HREF = re.compile(r"^/v1/assets/(\d{1,10})(?:/file)?(?:\?.*)?$")


def from_markdown(
    session: Session, markdown: str, article: Article, *, key: Caller
) -> tuple[list[Block], list[Comparison]]:
    """Blocks for a Markdown body, and the comparisons its tables made: a table whose header
    names roles is a comparison the article owns (its own from before are reused, in order,
    so ids and history carry over); another table stays a table."""
    reusable = iter(owned_comparisons(session, article))
    made: list[Comparison] = []

    def table(pending: PendingTable) -> Block:
        found = _table(session, pending, owner=article, reusable=reusable, key=key)
        if isinstance(found, Comparison):
            assert found.id is not None
            made.append(found)
            return ComparisonBlock(comparison_id=found.id)
        return found

    return blocks_from_markdown(session, markdown, table=table), made


def blocks_from_markdown(
    session: Session, markdown: str, *, table: Callable[[PendingTable], Block] | None = None
) -> list[Block]:
    """Blocks for Markdown: each table made by ``table`` (a plain table by default). Links to
    role or article pages become links to them, images of this API's assets refer to those
    assets."""
    try:
        pending = to_blocks(markdown)
    except Refused as refused:
        raise InvalidBody.in_markdown(refused.line, refused.reason) from None
    blocks: list[Block] = []
    for item in pending:
        if isinstance(item, PendingTable):
            blocks.append(table(item) if table is not None else _plain_table(item))
        else:
            blocks.append(item)
    for _, node in body.walk(blocks, []):
        if isinstance(node, TextBlock | TableCell):
            node.mark_defs = [_link_target(session, link) for link in node.mark_defs]
        elif isinstance(node, ImageBlock) and node.url is not None:
            asset = _ASSET_HREF.match(_within(node.url, get_settings().base_url))
            if asset is not None and int(asset.group(1)) in assets_service.existing_ids(
                session, [int(asset.group(1))]
            ):
                node.asset_id, node.url = int(asset.group(1)), None
    return blocks


def _plain_table(table: PendingTable) -> TableBlock:
    return TableBlock.model_validate(
        {
            "align": table.align,
            "rows": [{"cells": [c.model_dump(by_alias=True) for c in r]} for r in table.rows],
        }
    )


def _link_target(session: Session, link: Any) -> Any:
    """A link to a role's or an article's page on the site (``FOLIO_SITE_URL``, or a path
    from its root) or to its document in this API points at that role or article."""
    settings = get_settings()
    href = link.href or ""
    path = _within(href, settings.site_url) if settings.site_url else ""
    path = path or _within(href, settings.base_url)
    page = _PAGE_HREF.match(path)
    if page is None:
        return link
    kind, slug = page.groups()
    if kind == "roles":
        role = roles_service.resolve_role_name(session, slug)
        if role is not None and role.id is not None:
            return link.model_copy(update={"href": None, "role_id": role.id})
        return link
    found = session.exec(select(Article.id).where(Article.slug == slug, not_trashed(Article)))
    article_id = found.first()
    if article_id is not None:
        return link.model_copy(update={"href": None, "article_id": article_id})
    return link


def _within(url: str, root: str) -> str:
    """The path of ``url`` when it is under ``root`` or a path already; "" when elsewhere."""
    root = root.rstrip("/")
    if url.startswith(root + "/"):
        return url[len(root) :]
    return url if url.startswith("/") and not url.startswith("//") else ""


def owned_comparisons(session: Session, article: Article) -> list[Comparison]:
    """The comparisons the article's tables made, oldest first (those in the trash too)."""
    if article.id is None:
        return []
    return list(
        session.exec(
            select(Comparison)
            .where(Comparison.owner_article_id == article.id)
            .order_by(col(Comparison.id))
        )
    )


def _table(
    session: Session,
    table: PendingTable,
    *,
    owner: Article,
    reusable: Any,
    key: Caller,
) -> Comparison | TableBlock:
    """A Markdown table: a comparison when its header names roles, a table when it names
    none; naming some only is a 422 (a name mistyped, most likely)."""
    header, *rows = table.rows
    names = [cell.text().strip() for cell in header[1:]]
    roles = [roles_service.resolve_role_name(session, name) for name in names]
    if not any(roles):
        return _plain_table(table)
    for name, role in zip(names, roles, strict=True):
        if role is None:
            raise InvalidBody.in_markdown(
                table.line, f"the table header names {name!r}, which is no role"
            )
    subjects = [role for role in roles if role is not None]
    title = " vs ".join(role.name for role in subjects)
    reuse: Comparison | None = next(reusable, None)
    slug = reuse.slug if reuse is not None else slugify(title)
    taken = set(session.exec(select(Comparison.slug).where(col(Comparison.slug).startswith(slug))))
    n = 2
    while reuse is None and slug in taken:
        slug, n = f"{slugify(title)}-{n}", n + 1
    width = len(subjects)
    cells_of = [(row[0].text(), (row[1:] + [TableCell()] * width)[:width]) for row in rows]
    try:
        data = ComparisonInput(
            slug=slug,
            title=title,
            dimension_label=header[0].text().strip() or "Dimension",
            subjects=[role.slug for role in subjects],
            rows=[
                RowInput(
                    dimension=dimension,
                    cells={
                        role.slug: _comparison_cell(cell, table.line)
                        for role, cell in zip(subjects, cells, strict=True)
                        if cell.text()
                    },
                )
                for dimension, cells in cells_of
                if dimension.strip()
            ],
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        reason = f"the table does not fit a comparison ({field}: {error['msg']})"
        raise InvalidBody.in_markdown(table.line, reason) from None
    return comparisons_service.write_owned(session, reuse, data, owner=owner, key=key)


def _comparison_cell(cell: TableCell, line: int) -> dict[str, Any]:
    """A comparison's cell is text, with a source: a cell that is one link keeps it as its
    ``source_url``; other marks have no place in a comparison, and are refused."""
    marks = {m for span in cell.children for m in span.marks}
    links = [d for d in cell.mark_defs if d.href]
    if links and len(links) == 1 and all(span.marks == [links[0].key] for span in cell.children):
        return {"text": cell.text(), "source_url": links[0].href}
    if marks:
        raise InvalidBody.in_markdown(
            line, "a comparison cell is plain text (or one link, its source)"
        )
    return {"text": cell.text()}
