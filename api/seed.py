"""Loads the seed documents (``seeds/*.txt``, in the page layout) as published articles.

Loading is idempotent: a page whose article slug is already taken is skipped. Everything is
written in one transaction, so a page that does not parse leaves the database untouched.
"""

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from api.articles import service as articles_service
from api.articles.blocks import (
    Block,
    CalloutBlock,
    ComparisonBlock,
    RelatedBlock,
    RoleDefinition,
    RoleDefinitionsBlock,
    linked_block,
    text_block,
)
from api.articles.models import Article, ArticleInput
from api.articles.page import (
    PCallout,
    PDefinitions,
    PHeading,
    PLinks,
    PParagraph,
    PRelated,
    PTable,
    parse_page,
)
from api.comparisons import service as comparisons_service
from api.comparisons.models import Comparison, ComparisonInput, RowInput
from api.core.errors import SeedError
from api.core.slugs import slugify
from api.core.workflow import Status
from api.labels.service import authors
from api.roles import service as roles_service
from api.roles.models import Role

# What a seed page says of its article, by the article's own field names.
SEED_FIELDS = ("title", "kicker", "category", "reading_time_minutes", "summary")


def load_page(session: Session, text: str, *, source: str) -> Article | None:
    """Adds one page as an article (flushed, not committed); None when it is already there."""
    page = parse_page(text, source=source)
    slug = slugify(page.title)
    if articles_service.find_by_slug(session, slug) is not None:
        return None
    published_at = datetime.combine(page.published_on, time(), tzinfo=UTC)
    author = authors.ensure(session, name=page.author)
    roles: dict[str, Role] = {}
    blocks: list[Block] = []
    for parsed in page.blocks:
        match parsed:
            case PHeading(text=text_):
                blocks.append(text_block(text_, style="h2"))
            case PParagraph(text=text_):
                blocks.append(text_block(text_))
            case PDefinitions(items=items):
                definitions = []
                for name, definition in items:
                    role = roles_service.ensure_role(
                        session, name=name, definition=definition, published_at=published_at
                    )
                    assert role.id is not None
                    roles[name] = role
                    definitions.append(
                        RoleDefinition(role_id=role.id, term=name, definition=definition)
                    )
                blocks.append(RoleDefinitionsBlock(items=definitions))
            case PTable(label=label, subjects=names, rows=rows):
                blocks.append(
                    _comparison(session, label, [roles[n] for n in names], rows, published_at)
                )
            case PCallout(title=title, text=text_):
                paragraphs = [text_block(p) for p in text_.split("\n\n")]
                blocks.append(CalloutBlock(title=title, content=paragraphs))
            case PLinks(text=text_, names=names, line=line):
                links: list[tuple[str, dict[str, Any]]] = []
                for name in names:
                    named = roles_service.resolve_role_name(session, name)
                    if named is None or named.id is None:
                        raise SeedError(source, line, f"{name!r} names no role")
                    roles_service.add_alias(session, named, name[:1].upper() + name[1:])
                    links.append((name, {"role_id": named.id}))
                blocks.append(linked_block(text_, links))
            case PRelated(titles=titles):
                related = []
                for line, title in titles:
                    found = articles_service.find_by_title(session, title)
                    if found is None or found.id is None:
                        raise SeedError(source, line, f"no article titled {title!r}")
                    related.append(found.id)
                blocks.append(RelatedBlock(article_ids=related))
    return articles_service.create_article(
        session,
        ArticleInput.model_validate(
            {
                **{f: getattr(page, f) for f in SEED_FIELDS},
                "slug": slug,
                "author": author.slug,
                "status": Status.published,
                "publish_at": published_at,
                "body": blocks,
            }
        ),
        key=None,
    )


def _comparison(
    session: Session,
    label: str,
    subjects: list[Role],
    rows: list[tuple[str, list[str]]],
    published_at: datetime,
) -> ComparisonBlock:
    """The page's table as a comparison, reused when another page already made it."""
    title = " vs ".join(role.name for role in subjects)
    comparison = session.exec(select(Comparison).where(Comparison.slug == slugify(title))).first()
    if comparison is None:
        comparison = comparisons_service.create_comparison(
            session,
            ComparisonInput(
                slug=slugify(title),
                title=title,
                dimension_label=label,
                subjects=[role.slug for role in subjects],
                rows=[
                    RowInput(
                        dimension=dimension,
                        cells={role.slug: cell for role, cell in zip(subjects, cells, strict=True)},
                    )
                    for dimension, cells in rows
                ],
                status=Status.published,
                publish_at=published_at,
            ),
            key=None,
        )
    assert comparison.id is not None
    return ComparisonBlock(comparison_id=comparison.id)


def load_seeds(session: Session, directory: Path) -> list[Article]:
    """Loads every ``*.txt`` page of ``directory`` in name order and commits once."""
    loaded = []
    try:
        for path in sorted(directory.glob("*.txt")):
            article = load_page(session, path.read_text(encoding="utf-8"), source=path.name)
            if article is not None:
                loaded.append(article)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return loaded
