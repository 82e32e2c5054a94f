"""Every query and rule about articles."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from pydantic import TypeAdapter
from sqlmodel import Session, col, select

from api.articles.models import (
    Article,
    ArticleComparison,
    ArticleListItem,
    ArticlePublic,
    ArticleRole,
    ArticleStatus,
    Block,
    BlockPublic,
    ComparisonBlock,
    ComparisonBlockPublic,
    LinkPublic,
    LinksBlock,
    LinksBlockPublic,
    RelatedBlock,
    RelatedBlockPublic,
    RoleDefinitionPublic,
    RoleDefinitionsBlock,
    RoleDefinitionsBlockPublic,
)
from api.authors.models import Author
from api.comparisons import service as comparisons_service
from api.comparisons.models import Comparison, ComparisonSubject
from api.errors import ArticleNotFound
from api.pagination import ListParams, Page, SortKey, keyset_page
from api.refs import ArticleRef, AuthorRef, ComparisonRef, RoleRef
from api.roles import service as roles_service
from api.roles.models import Role
from api.slugs import ref_filter
from api.urls import resource_url, site_url

ARTICLE_ORDER = (
    SortKey(col(Article.published_at), descending=True),
    SortKey(col(Article.id), descending=True),
)
_blocks = TypeAdapter(list[Block])


PUBLISHED = col(Article.status) == ArticleStatus.published


def get_article_or_raise(session: Session, ref: str) -> Article:
    condition = ref_filter(Article.id, Article.slug, ref)
    article = session.exec(select(Article).where(condition, PUBLISHED)).first()
    if article is None:
        raise ArticleNotFound(f"No published article with id or slug {ref!r}.")
    return article


def get_article(session: Session, ref: str) -> ArticlePublic:
    article = get_article_or_raise(session, ref)
    (public,) = _to_public(session, [article], with_body=True)
    assert isinstance(public, ArticlePublic)
    return public


def list_articles(session: Session, *, params: ListParams) -> Page[ArticleListItem]:
    page = keyset_page(
        session,
        select(Article).where(PUBLISHED),
        keys=ARTICLE_ORDER,
        sort="-published_at",
        params=params,
    )
    items = _to_public(session, page.items, with_body=False)
    return Page(items, page.limit, page.next_cursor, page.prev_cursor, page.total)


def blocks_of(article: Article) -> list[Block]:
    return _blocks.validate_python(article.body)


def _to_public(
    session: Session, articles: Sequence[Article], *, with_body: bool
) -> list[ArticleListItem]:
    """Public forms of many articles in a fixed number of queries, whatever their number."""
    ids = [a.id for a in articles if a.id is not None]
    if not ids:
        return []
    author_ids = {a.author_id for a in articles if a.author_id is not None}
    authors = (
        {
            author.id: AuthorRef.of(author)
            for author in session.exec(select(Author).where(col(Author.id).in_(author_ids))).all()
        }
        if author_ids
        else {}
    )
    roles: dict[int, list[RoleRef]] = defaultdict(list)
    for link, role in session.exec(
        select(ArticleRole, Role)
        .join(Role, col(Role.id) == ArticleRole.role_id)
        .where(col(ArticleRole.article_id).in_(ids))
        .order_by(col(ArticleRole.article_id), col(ArticleRole.position))
    ).all():
        roles[link.article_id].append(RoleRef.of(role))
    comparisons: dict[int, list[ComparisonRef]] = defaultdict(list)
    for embed, comparison in session.exec(
        select(ArticleComparison, Comparison)
        .join(Comparison, col(Comparison.id) == ArticleComparison.comparison_id)
        .where(col(ArticleComparison.article_id).in_(ids))
        .order_by(col(ArticleComparison.article_id), col(ArticleComparison.position))
    ).all():
        comparisons[embed.article_id].append(ComparisonRef.of(comparison))
    bodies = _resolve_bodies(session, articles) if with_body else {}
    model = ArticlePublic if with_body else ArticleListItem
    result: list[ArticleListItem] = []
    for article in articles:
        assert article.id is not None
        update: dict[str, object] = {
            "author": authors.get(article.author_id) if article.author_id else None,
            "roles": roles[article.id],
            "comparisons": comparisons[article.id],
            "url": resource_url("articles", article.slug),
        }
        if with_body:
            update["body"] = bodies[article.id]
        result.append(model.model_validate(article, update=update))
    return result


def _resolve_bodies(session: Session, articles: Sequence[Article]) -> dict[int, list[BlockPublic]]:
    """Stored blocks with their references (roles, comparisons, articles) resolved, in bulk."""
    parsed = {a.id: blocks_of(a) for a in articles if a.id is not None}
    role_ids: set[int] = set()
    comparison_ids: set[int] = set()
    article_ids: set[int] = set()
    for blocks in parsed.values():
        for block in blocks:
            if isinstance(block, RoleDefinitionsBlock):
                role_ids.update(item.role_id for item in block.items)
            elif isinstance(block, ComparisonBlock):
                comparison_ids.add(block.comparison_id)
            elif isinstance(block, LinksBlock):
                role_ids.update(link.role_id for link in block.links if link.role_id)
                article_ids.update(link.article_id for link in block.links if link.article_id)
            elif isinstance(block, RelatedBlock):
                article_ids.update(block.article_ids)
    role_refs = roles_service.refs_by_id(session, role_ids)
    tables = comparisons_service.load_comparisons(session, comparison_ids)
    related = (
        session.exec(select(Article).where(col(Article.id).in_(article_ids), PUBLISHED)).all()
        if article_ids
        else []
    )
    article_refs = {ref.id: ref for ref in map(ArticleRef.of, related)}

    def resolve(block: Block) -> BlockPublic | None:
        if isinstance(block, RoleDefinitionsBlock):
            return RoleDefinitionsBlockPublic(
                items=[
                    RoleDefinitionPublic(
                        role=role_refs[item.role_id], term=item.term, definition=item.definition
                    )
                    for item in block.items
                ]
            )
        if isinstance(block, ComparisonBlock):
            return ComparisonBlockPublic(comparison=tables[block.comparison_id])
        if isinstance(block, LinksBlock):
            links = []
            for link in block.links:
                if link.role_id is not None:
                    role = role_refs[link.role_id]
                    links.append(
                        LinkPublic(text=link.text, url=site_url("roles", role.slug), role=role)
                    )
                elif link.article_id is not None and link.article_id in article_refs:
                    article = article_refs[link.article_id]
                    links.append(
                        LinkPublic(
                            text=link.text, url=site_url("articles", article.slug), article=article
                        )
                    )
                elif link.href is not None:
                    links.append(LinkPublic(text=link.text, url=link.href))
            return LinksBlockPublic(text=block.text, links=links)
        if isinstance(block, RelatedBlock):
            return RelatedBlockPublic(
                articles=[article_refs[i] for i in block.article_ids if i in article_refs]
            )
        return block

    return {
        article_id: [r for r in (resolve(b) for b in blocks) if r is not None]
        for article_id, blocks in parsed.items()
    }


def _mentions(session: Session, blocks: Sequence[Block]) -> tuple[list[int], list[int]]:
    """Roles (in order of first mention) and comparisons (in order) that blocks refer to."""
    comparison_ids = [b.comparison_id for b in blocks if isinstance(b, ComparisonBlock)]
    subjects: dict[int, list[int]] = defaultdict(list)
    if comparison_ids:
        for subject in session.exec(
            select(ComparisonSubject)
            .where(col(ComparisonSubject.comparison_id).in_(comparison_ids))
            .order_by(col(ComparisonSubject.comparison_id), col(ComparisonSubject.position))
        ).all():
            subjects[subject.comparison_id].append(subject.role_id)
    role_ids: list[int] = []
    for block in blocks:
        if isinstance(block, RoleDefinitionsBlock):
            role_ids.extend(item.role_id for item in block.items)
        elif isinstance(block, ComparisonBlock):
            role_ids.extend(subjects[block.comparison_id])
        elif isinstance(block, LinksBlock):
            role_ids.extend(link.role_id for link in block.links if link.role_id is not None)
    return list(dict.fromkeys(role_ids)), list(dict.fromkeys(comparison_ids))


def create_article(
    session: Session,
    *,
    slug: str,
    title: str,
    kicker: str,
    category: str,
    reading_time_minutes: int | None,
    author: Author | None,
    status: ArticleStatus,
    published_at: datetime | None,
    summary: str,
    blocks: Sequence[Block],
) -> Article:
    """An article and the index of what it mentions (flushed, not committed)."""
    article = Article(
        slug=slug,
        title=title,
        kicker=kicker,
        category=category,
        reading_time_minutes=reading_time_minutes,
        author_id=author.id if author else None,
        status=status,
        published_at=published_at,
        summary=summary,
        body=[block.model_dump() for block in blocks],
    )
    session.add(article)
    session.flush()
    assert article.id is not None
    role_ids, comparison_ids = _mentions(session, blocks)
    for position, role_id in enumerate(role_ids):
        session.add(ArticleRole(article_id=article.id, role_id=role_id, position=position))
    for position, comparison_id in enumerate(comparison_ids):
        session.add(
            ArticleComparison(article_id=article.id, comparison_id=comparison_id, position=position)
        )
    session.flush()
    return article


def find_article(session: Session, slug: str) -> Article | None:
    return session.exec(select(Article).where(Article.slug == slug)).first()


def find_article_by_title(session: Session, title: str) -> Article | None:
    return session.exec(select(Article).where(Article.title == title)).first()
