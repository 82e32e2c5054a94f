"""An article's body: what it refers to, checking those references when it is written, and
resolving them when it is read (``api.articles.blocks`` has the blocks themselves)."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter
from sqlmodel import Session, col, select

from api.articles.blocks import (
    Block,
    BlockPublic,
    CalloutBlock,
    CalloutBlockPublic,
    CodeBlock,
    ComparisonBlock,
    ComparisonBlockPublic,
    ImageBlock,
    ImageBlockPublic,
    Link,
    LinkPublic,
    RelatedBlock,
    RelatedBlockPublic,
    RoleDefinition,
    RoleDefinitionPublic,
    RoleDefinitionsBlock,
    RoleDefinitionsBlockPublic,
    TableBlock,
    TableBlockPublic,
    TableCell,
    TableCellPublic,
    TableRowPublic,
    TextBlock,
    TextBlockPublic,
    holding,
)
from api.articles.models import Article
from api.assets import service as assets_service
from api.comparisons import service as comparisons_service
from api.comparisons.models import Comparison
from api.core import surrogates
from api.core.errors import InvalidBody
from api.core.urls import site_url
from api.core.workflow import not_trashed, readable
from api.roles import service as roles_service
from api.roles.models import Role
from api.translations import reading
from api.web.refs import ArticleRef

_blocks = TypeAdapter(list[Block])
Path = list[str | int]
# The lists a node holds other nodes in, by the name JSON gives them.
_NESTED = {
    "content": "content",
    "rows": "rows",
    "cells": "cells",
    "items": "items",
    "mark_defs": "markDefs",
}
_NESTED_FIELDS = tuple(_NESTED)


def parse(body: list[dict[str, Any]]) -> list[Block]:
    return _blocks.validate_python(body)


def walk(nodes: Sequence[Any], path: Path) -> Iterator[tuple[Path, Any]]:
    """Every node of a body, nested ones included, with where it is (``body``, 3, ``content``,
    0…): blocks, a callout's blocks, rows, cells, role definitions, link annotations."""
    for i, node in enumerate(nodes):
        here = [*path, i]
        yield here, node
        for attribute in holding(node.__class__, _NESTED_FIELDS):
            children = getattr(node, attribute)
            if children:
                yield from walk(children, [*here, _NESTED[attribute]])


@dataclass
class References:
    """The roles, comparisons, articles and assets a body refers to, each with where."""

    found: list[tuple[Path, str, int]] = field(default_factory=list)

    def ids(self, kind: str) -> set[int]:
        return {i for _, k, i in self.found if k == kind}


def references(blocks: Sequence[Block], path: Path | None = None) -> References:
    refs = References()
    for where, node in walk(blocks, path or []):
        match node:
            case Link(role_id=int() as role):
                refs.found.append(([*where, "role_id"], "role", role))
            case Link(article_id=int() as article):
                refs.found.append(([*where, "article_id"], "article", article))
            case RoleDefinition(role_id=int() as role):
                refs.found.append(([*where, "role_id"], "role", role))
            case ComparisonBlock(comparison_id=int() as comparison):
                refs.found.append(([*where, "comparison_id"], "comparison", comparison))
            case RelatedBlock(article_ids=articles):
                refs.found.extend(
                    ([*where, "article_ids", n], "article", a) for n, a in enumerate(articles)
                )
            case ImageBlock(asset_id=int() as asset):
                refs.found.append(([*where, "asset_id"], "asset", asset))
    return refs


def check(session: Session, blocks: Sequence[Block]) -> None:
    """422 naming the first reference to something that is not there (or is in the trash)."""
    refs = references(blocks, ["body", "body"])
    there = {
        "role": _existing(session, Role, refs.ids("role")),
        "comparison": _existing(session, Comparison, refs.ids("comparison")),
        "article": _existing(session, Article, refs.ids("article")),
        "asset": assets_service.existing_ids(session, refs.ids("asset")),
    }
    for where, kind, value in refs.found:
        if value not in there[kind]:
            raise InvalidBody.at(where, f"no {kind} with id {value}")


def _existing(session: Session, model: Any, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.exec(select(model.id).where(col(model.id).in_(ids), not_trashed(model))))


def comparison_ids(blocks: Sequence[Block]) -> list[int]:
    """The comparisons a body embeds, in order."""
    return [
        b.comparison_id
        for b in blocks
        if isinstance(b, ComparisonBlock) and b.comparison_id is not None
    ]


def linked_role_ids(blocks: Sequence[Block]) -> list[int]:
    """The roles a body defines or links to, in order of first mention (not counting the
    subjects of the comparisons it embeds)."""
    return [i for _, kind, i in references(blocks).found if kind == "role"]


class Resolver:
    """Resolves the references of many bodies at once, in a fixed number of queries, for a
    reader who may or may not preview (``readable``); what the reader may not see is left
    out: a definition of such a role and a comparison block drop out whole, a link keeps its
    words without its target, a related article is not listed."""

    def __init__(
        self,
        session: Session,
        bodies: Sequence[Sequence[Block]],
        *,
        preview: bool,
        locale: str | None = None,
    ):
        refs = references([block for body in bodies for block in body])
        # What a reader may not see yet still shapes the body once it is published.
        surrogates.depend(
            session,
            *(
                f"{kind}:{i}"
                for kind in ("role", "comparison", "article", "asset")
                for i in refs.ids(kind)
            ),
        )
        self.roles = roles_service.refs_by_id(
            session, refs.ids("role"), preview=preview, locale=locale
        )
        self.tables = comparisons_service.load_comparisons(
            session, refs.ids("comparison"), preview=preview, locale=locale
        )
        related = refs.ids("article")
        articles = (
            session.exec(
                select(Article).where(
                    col(Article.id).in_(related), readable(Article, preview=preview)
                )
            ).all()
            if related
            else []
        )
        shown = reading.as_shown(
            session, articles, "articles", locale, preview=preview, fields=["title"]
        )
        self.articles = {ref.id: ref for ref in map(ArticleRef.of, shown)}
        self.images = assets_service.images_by_id(session, refs.ids("asset"))

    def body(self, blocks: Sequence[Block]) -> list[BlockPublic]:
        return [public for public in map(self.block, blocks) if public is not None]

    def block(self, block: Any) -> Any:
        match block:
            case TextBlock():
                return TextBlockPublic.model_validate(self._text(block))
            case ImageBlock():
                return self.image(block)
            case TableBlock():
                rows = [
                    TableRowPublic(
                        key=row.key or "",
                        cells=[TableCellPublic.model_validate(self._text(c)) for c in row.cells],
                    )
                    for row in block.rows
                ]
                return TableBlockPublic(key=block.key or "", align=block.align, rows=rows)
            case CalloutBlock():
                content = [c for c in map(self.block, block.content) if c is not None]
                return CalloutBlockPublic(key=block.key or "", title=block.title, content=content)
            case RoleDefinitionsBlock():
                items = [
                    RoleDefinitionPublic(
                        key=item.key or "",
                        role=self.roles[item.role_id],
                        term=item.term,
                        definition=item.definition,
                    )
                    for item in block.items
                    if item.role_id in self.roles
                ]
                return (
                    RoleDefinitionsBlockPublic(key=block.key or "", items=items) if items else None
                )
            case ComparisonBlock():
                table = self.tables.get(block.comparison_id or 0)
                if table is None:
                    return None
                return ComparisonBlockPublic(key=block.key or "", comparison=table)
            case RelatedBlock():
                found = [self.articles[i] for i in block.article_ids if i in self.articles]
                return RelatedBlockPublic(key=block.key or "", articles=found)
            case CodeBlock():
                return block
        return block  # a break

    def image(self, block: ImageBlock) -> ImageBlockPublic:
        asset = self.images.get(block.asset_id) if block.asset_id is not None else None
        return ImageBlockPublic(
            key=block.key or "",
            url=asset.url if asset is not None else block.url or "",
            asset=asset,
            alt=block.alt or (asset.alt if asset is not None else ""),
            caption=block.caption,
            credit=block.credit,
        )

    def _text(self, node: TextBlock | TableCell) -> dict[str, Any]:
        """A text block or a cell as read: its links resolved, those it may not show gone
        (their words stay, unmarked)."""
        links = {}
        for link in node.mark_defs:
            public = self._link(link)
            if public is not None:
                links[link.key] = public
        gone = {d.key for d in node.mark_defs} - set(links)
        data = node.model_dump(by_alias=True, exclude={"mark_defs"})
        for span in data["children"]:
            span["marks"] = [m for m in span["marks"] if m not in gone]
        data["markDefs"] = [
            links[d.key].model_dump(by_alias=True) for d in node.mark_defs if d.key in links
        ]
        return data

    def _link(self, link: Link) -> LinkPublic | None:
        """A link as readers get it: to a role or an article, its page (None when the reader
        may not see it), else the URL it was given."""
        targets = (("role", link.role_id, self.roles), ("article", link.article_id, self.articles))
        for name, target_id, known in targets:
            if target_id is not None:
                target = known.get(target_id)
                if target is None:
                    return None
                href = site_url(f"{name}s", target.slug)
                return LinkPublic.model_validate(
                    {"key": link.key, "href": href, "title": link.title, name: target}
                )
        return LinkPublic(key=link.key, href=link.href or "", title=link.title)
