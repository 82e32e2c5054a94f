"""Every query and rule about articles."""

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, delete, select

from api import editing
from api.articles.markdown import PendingLinks, PendingTable, to_blocks
from api.articles.models import (
    DEFAULT_SORT,
    INCLUDES,
    SAFE_HREF,
    SORTS,
    Article,
    ArticleComparison,
    ArticleInput,
    ArticleListItem,
    ArticleListQuery,
    ArticlePublic,
    ArticleRole,
    ArticleTag,
    Block,
    BlockPublic,
    CalloutBlock,
    ComparisonBlock,
    ComparisonBlockPublic,
    HeadingBlock,
    Link,
    LinkPublic,
    LinksBlock,
    LinksBlockPublic,
    ListBlock,
    ParagraphBlock,
    RelatedBlock,
    RelatedBlockPublic,
    RoleDefinitionPublic,
    RoleDefinitionsBlock,
    RoleDefinitionsBlockPublic,
    Seo,
)
from api.auth.models import ApiKey
from api.comparisons import service as comparisons_service
from api.comparisons.models import (
    Comparison,
    ComparisonInput,
    ComparisonSubject,
    RowInput,
)
from api.core.clock import clock
from api.core.errors import ArticleNotFound, InvalidBody, NotFound, Unauthorized
from api.core.slugs import slugify
from api.core.urls import resource_url, site_url
from api.core.workflow import Status, effective_status, not_trashed, readable, visible
from api.labels.models import Author, Tag
from api.labels.service import authors, tags
from api.roles import service as roles_service
from api.roles.models import Role
from api.search import index as search_index
from api.web.pagination import Page, Sortable, keyset_page, map_page, parse_include
from api.web.refs import ArticleRef, AuthorRef, ComparisonRef, RoleRef, TagRef

COLLECTION = "articles"
SORTABLE = Sortable.on(Article, SORTS, default=DEFAULT_SORT)
INCLUDABLE = frozenset(INCLUDES)
_blocks = TypeAdapter(list[Block])
# A link to a role page, on the site or in the API: its last path segments name the role.
_ROLE_HREF = re.compile(r"/roles/([a-z0-9-]+)/?$")


def find_article(session: Session, ref: str, *, preview: bool, for_update: bool = False) -> Article:
    return editing.find(
        session,
        Article,
        COLLECTION,
        ref,
        preview=preview,
        missing=ArticleNotFound,
        for_update=for_update,
    )


def get_article(
    session: Session, ref: str, *, preview: bool = False, include: frozenset[str] = frozenset()
) -> ArticlePublic:
    article = find_article(session, ref, preview=preview)
    return to_public(session, article, preview=preview, include=include)


def to_public(
    session: Session,
    article: Article,
    *,
    preview: bool = True,
    include: frozenset[str] = frozenset(),
) -> ArticlePublic:
    """The article as a reader sees it (its writers, by default: ``preview``)."""
    (public,) = _to_public(session, [article], preview=preview, with_body=True, include=include)
    assert isinstance(public, ArticlePublic)
    return public


def list_articles(
    session: Session, *, query: ArticleListQuery, preview: bool, with_body: bool = False
) -> Page[ArticleListItem]:
    """Articles matching every filter of ``query``, a page at a time."""
    if query.status is not None and not preview:
        raise Unauthorized("Filtering by status needs an API key.", token_sent=False)
    now = clock.now()
    statement = select(Article).where(readable(Article, preview=preview))
    if query.status is not None:
        if query.status == Status.published:
            statement = statement.where(visible(Article, now))
        elif query.status == Status.scheduled:
            statement = statement.where(
                col(Article.status) == Status.scheduled, col(Article.published_at) > now
            )
        else:
            statement = statement.where(col(Article.status) == query.status)
    if query.author is not None:
        statement = statement.where(
            col(Article.author_id).in_(select(Author.id).where(Author.slug == query.author))
        )
    if query.category is not None:
        statement = statement.where(col(Article.category) == query.category)
    for link, column, model, slug in (
        (ArticleTag, ArticleTag.tag_id, Tag, query.tag),
        (ArticleRole, ArticleRole.role_id, Role, query.role),
        (ArticleComparison, ArticleComparison.comparison_id, Comparison, query.comparison),
    ):
        if slug is not None:
            shown = not_trashed(model) if model is Tag else readable(model, preview=preview)
            linked = (
                select(link.article_id)
                .join(model, col(model.id) == column)
                .where(model.slug == slug, shown)
            )
            statement = statement.where(col(Article.id).in_(linked))
    if query.published_after is not None:
        statement = statement.where(col(Article.published_at) >= query.published_after)
    if query.published_before is not None:
        statement = statement.where(col(Article.published_at) < query.published_before)
    if query.updated_since is not None:
        statement = statement.where(col(Article.updated_at) >= query.updated_since)
    if query.q is not None:
        statement = statement.where(
            col(Article.id).in_(search_index.matching_ids(session, COLLECTION, query.q))
        )
    page = keyset_page(session, statement, sortable=SORTABLE, params=query, nulls=preview)
    include = parse_include(query.include, INCLUDABLE)
    return map_page(
        page,
        lambda rows: _to_public(
            session, rows, preview=preview, with_body=with_body, include=include
        ),
    )


def blocks_of(article: Article) -> list[Block]:
    return _blocks.validate_python(article.body)


def comparison_blocks(article: Article) -> list[ComparisonBlock]:
    return [block for block in blocks_of(article) if isinstance(block, ComparisonBlock)]


def to_public_many(
    session: Session, articles: Sequence[Article], *, preview: bool
) -> list[ArticlePublic]:
    """Public forms, bodies included, of many articles in a fixed number of queries."""
    return [
        a
        for a in _to_public(session, articles, preview=preview, with_body=True)
        if isinstance(a, ArticlePublic)
    ]


def _to_public(
    session: Session,
    articles: Sequence[Article],
    *,
    preview: bool,
    with_body: bool,
    include: frozenset[str] = frozenset(),
) -> list[ArticleListItem]:
    """Public forms of many articles in a fixed number of queries, whatever their number and
    whatever ``include`` embeds whole. What they refer to and the reader may not see (a draft
    role, a comparison in the trash) is left out (``readable``)."""
    ids = [a.id for a in articles if a.id is not None]
    if not ids:
        return []
    author_ids = {a.author_id for a in articles if a.author_id is not None}
    author_form = authors.to_public if "author" in include else AuthorRef.of
    authors_by_id = (
        {
            author.id: author_form(author)
            for author in session.exec(select(Author).where(col(Author.id).in_(author_ids)))
        }
        if author_ids
        else {}
    )
    role_form = roles_service.to_list_item if "roles" in include else RoleRef.of
    tag_form = tags.to_public if "tags" in include else TagRef.of
    roles = _linked(session, ArticleRole, Role, ids, readable(Role, preview=preview))
    comparisons = _linked(
        session, ArticleComparison, Comparison, ids, readable(Comparison, preview=preview)
    )
    if "comparisons" in include:
        tables = comparisons_service.load_comparisons(
            session,
            {c.id for found in comparisons.values() for c in found if c.id is not None},
            preview=preview,
        )
        comparisons = {k: [tables[c.id] for c in v] for k, v in comparisons.items()}
    else:
        comparisons = {k: [ComparisonRef.of(c) for c in v] for k, v in comparisons.items()}
    tags_by_article = _linked(session, ArticleTag, Tag, ids, not_trashed(Tag))
    bodies = _resolve_bodies(session, articles, preview=preview) if with_body else {}
    model = ArticlePublic if with_body else ArticleListItem
    now = clock.now()
    result: list[ArticleListItem] = []
    for article in articles:
        assert article.id is not None
        update: dict[str, object] = {
            "seo": seo_of(article),
            "status": effective_status(article.status, article.published_at, now),
            "author": authors_by_id.get(article.author_id) if article.author_id else None,
            "tags": [tag_form(tag) for tag in tags_by_article[article.id]],
            "roles": [role_form(role) for role in roles[article.id]],
            "comparisons": comparisons.get(article.id, []),
            "url": resource_url(COLLECTION, article.slug),
        }
        if with_body:
            update["body"] = bodies[article.id]
        result.append(model.model_validate(article, update=update))
    return result


def _linked(
    session: Session, link: Any, target: Any, ids: list[int], shown: ColumnElement[bool]
) -> dict[int, list[Any]]:
    """Each article's rows of ``target`` through the ``link`` table, in their order: the
    roles it mentions, the comparisons it embeds, its tags."""
    target_id = getattr(link, f"{target.__tablename__}_id")
    linked: dict[int, list[Any]] = defaultdict(list)
    for row, item in session.exec(
        select(link, target)
        .join(target, col(target.id) == target_id)
        .where(col(link.article_id).in_(ids), shown)
        .order_by(col(link.article_id), col(link.position))
    ).all():
        linked[row.article_id].append(item)
    return linked


def seo_of(article: Article) -> Seo:
    return Seo(
        meta_title=article.meta_title or article.title,
        meta_description=article.meta_description or article.summary,
        canonical_url=article.canonical_url or site_url(COLLECTION, article.slug),
        image=article.image_url,
    )


def _referenced(blocks: Sequence[Block]) -> tuple[set[int], set[int], set[int]]:
    """The role, comparison and article ids that blocks refer to."""
    role_ids: set[int] = set()
    comparison_ids: set[int] = set()
    article_ids: set[int] = set()
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
    return role_ids, comparison_ids, article_ids


def _resolve_bodies(
    session: Session, articles: Sequence[Article], *, preview: bool
) -> dict[int, list[BlockPublic]]:
    """Stored blocks with their references (roles, comparisons, articles) resolved, in bulk.

    A reference to what the reader may not see is left out: a definition of such a role and
    a comparison block drop out whole, a link keeps its text without its target, a related
    article is not listed."""
    parsed = {a.id: blocks_of(a) for a in articles if a.id is not None}
    role_ids, comparison_ids, article_ids = _referenced(
        [block for blocks in parsed.values() for block in blocks]
    )
    role_refs = roles_service.refs_by_id(session, role_ids, preview=preview)
    tables = comparisons_service.load_comparisons(session, comparison_ids, preview=preview)
    related = (
        session.exec(
            select(Article).where(
                col(Article.id).in_(article_ids), readable(Article, preview=preview)
            )
        ).all()
        if article_ids
        else []
    )
    article_refs = {ref.id: ref for ref in map(ArticleRef.of, related)}

    def resolve(block: Block) -> BlockPublic | None:
        if isinstance(block, RoleDefinitionsBlock):
            items = [
                RoleDefinitionPublic(
                    role=role_refs[item.role_id], term=item.term, definition=item.definition
                )
                for item in block.items
                if item.role_id in role_refs
            ]
            return RoleDefinitionsBlockPublic(items=items) if items else None
        if isinstance(block, ComparisonBlock):
            table = tables.get(block.comparison_id)
            return ComparisonBlockPublic(comparison=table) if table is not None else None
        if isinstance(block, LinksBlock):
            links = []
            for link in block.links:
                if link.role_id is not None and link.role_id in role_refs:
                    role = role_refs[link.role_id]
                    links.append(
                        LinkPublic(text=link.text, url=site_url("roles", role.slug), role=role)
                    )
                elif link.article_id is not None and link.article_id in article_refs:
                    article = article_refs[link.article_id]
                    links.append(
                        LinkPublic(
                            text=link.text,
                            url=site_url("articles", article.slug),
                            article=article,
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
        article_id: [public for public in map(resolve, blocks) if public is not None]
        for article_id, blocks in parsed.items()
    }


# --- Writes ---------------------------------------------------------------------------------


def document(session: Session, article: Article) -> dict[str, Any]:
    """The article as an ``ArticleInput``: what PATCH merges into, what a revision keeps."""
    author = session.get(Author, article.author_id) if article.author_id else None
    tag_slugs = session.exec(
        select(Tag.slug)
        .join(ArticleTag, col(ArticleTag.tag_id) == Tag.id)
        .where(ArticleTag.article_id == article.id)
        .order_by(col(ArticleTag.position))
    ).all()
    return {
        "slug": article.slug,
        "title": article.title,
        "kicker": article.kicker,
        "category": article.category,
        "reading_time_minutes": article.reading_time_minutes,
        "author": author.slug if author is not None else None,
        "tags": list(tag_slugs),
        **editing.workflow_document(article),
        "summary": article.summary,
        "seo": {
            name: value
            for name, value in (
                ("meta_title", article.meta_title),
                ("meta_description", article.meta_description),
                ("canonical_url", article.canonical_url),
                ("image", article.image_url),
            )
            if value is not None
        },
        "body": list(article.body),
    }


def _check_references(session: Session, blocks: Sequence[Block]) -> None:
    role_ids, comparison_ids, article_ids = _referenced(blocks)
    found = {
        "role_id": set(
            session.exec(select(Role.id).where(col(Role.id).in_(role_ids), not_trashed(Role)))
        ),
        "comparison_id": set(
            session.exec(
                select(Comparison.id).where(
                    col(Comparison.id).in_(comparison_ids), not_trashed(Comparison)
                )
            )
        ),
        "article_id": set(
            session.exec(
                select(Article.id).where(col(Article.id).in_(article_ids), not_trashed(Article))
            )
        ),
    }
    for i, block in enumerate(blocks):
        for name, value in _block_refs(block):
            if value not in found[name]:
                kind = name.removesuffix("_id")
                raise InvalidBody.at(["body", "body", i, name], f"no {kind} with id {value}")


def _block_refs(block: Block) -> list[tuple[str, int]]:
    if isinstance(block, RoleDefinitionsBlock):
        return [("role_id", item.role_id) for item in block.items]
    if isinstance(block, ComparisonBlock):
        return [("comparison_id", block.comparison_id)]
    if isinstance(block, LinksBlock):
        return [
            (name, value)
            for link in block.links
            for name, value in (("role_id", link.role_id), ("article_id", link.article_id))
            if value is not None
        ]
    if isinstance(block, RelatedBlock):
        return [("article_id", i) for i in block.article_ids]
    return []


def _from_markdown(
    session: Session, markdown: str, article: Article, *, key: ApiKey | None
) -> tuple[list[Block], list[Comparison]]:
    """Blocks for a Markdown body, and the comparisons its tables made: each table whose
    header names roles is a comparison the article owns (its own from before are reused,
    in order, so ids and history carry over)."""
    reusable = iter(_owned(session, article))
    blocks: list[Block] = []
    made: list[Comparison] = []
    for pending in to_blocks(markdown):
        if isinstance(pending, PendingTable):
            comparison = _table_to_comparison(
                session, pending, owner=article, reuse=next(reusable, None), key=key
            )
            assert comparison.id is not None
            made.append(comparison)
            blocks.append(ComparisonBlock(comparison_id=comparison.id))
        elif isinstance(pending, PendingLinks):
            links = []
            for link in pending.links:
                role_slug = _ROLE_HREF.search(link.href)
                role = (
                    roles_service.resolve_role_name(session, role_slug.group(1))
                    if role_slug
                    else None
                )
                if role is not None and role.id is not None:
                    links.append(Link(text=link.text, role_id=role.id))
                elif re.match(SAFE_HREF, link.href):
                    links.append(Link(text=link.text, href=link.href))
            blocks.append(LinksBlock(text=pending.text, links=links))
        else:
            blocks.append(pending)
    return blocks, made


def _owned(session: Session, article: Article) -> list[Comparison]:
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


def _table_to_comparison(
    session: Session,
    table: PendingTable,
    *,
    owner: Article,
    reuse: Comparison | None,
    key: ApiKey | None,
) -> Comparison:
    where = ["body", "body_markdown"]
    roles = []
    for name in table.subjects:
        role = roles_service.resolve_role_name(session, name)
        if role is None:
            raise InvalidBody.at(
                where, f"line {table.line}: the table header names {name!r}, which is no role"
            )
        roles.append(role)
    title = " vs ".join(role.name for role in roles)
    slug = reuse.slug if reuse is not None else slugify(title)
    taken = set(session.exec(select(Comparison.slug).where(col(Comparison.slug).startswith(slug))))
    n = 2
    while reuse is None and slug in taken:
        slug, n = f"{slugify(title)}-{n}", n + 1
    width = len(roles)
    try:
        data = ComparisonInput(
            slug=slug,
            title=title,
            dimension_label=table.label or "Dimension",
            subjects=[role.slug for role in roles],
            rows=[
                RowInput(
                    dimension=dimension,
                    cells={
                        role.slug: text
                        for role, text in zip(roles, (cells + [""] * width)[:width], strict=True)
                        if text
                    },
                )
                for dimension, cells in table.rows
                if dimension.strip()
            ],
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise InvalidBody.at(
            where,
            f"line {table.line}: the table does not fit a comparison ({field}: {error['msg']})",
        ) from None
    return comparisons_service.write_owned(session, reuse, data, owner=owner, key=key)


def follow_article(session: Session, article: Article, *, key: ApiKey | None) -> None:
    """Comparisons made from the article's tables follow it (flushed, not committed): with
    its status and date while its body has them, in the trash with it, or once its body no
    longer has them. So none is ever public while its article is not."""
    embedded = {block.comparison_id for block in comparison_blocks(article)}
    for comparison in _owned(session, article):
        before = (comparison.status, comparison.published_at, comparison.deleted_at)
        after: tuple[Status, datetime | None, datetime | None]
        if article.deleted_at is None and comparison.id in embedded:
            after = (article.status, article.published_at, None)
        else:
            after = (*before[:2], before[2] or clock.now())
        if after == before:
            continue
        action = "follow_article"
        if before[2] is None and after[2] is not None:
            action = "delete"
        elif before[2] is not None and after[2] is None:
            action = "restore"
        comparison.status, comparison.published_at, comparison.deleted_at = after
        editing.record_revision(
            session, comparison, comparisons_service.KIND, action=action, key=key
        )


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


def _resolve_label(session: Session, finder: Any, ref: str | int, loc: list[str | int]) -> Any:
    try:
        return finder(session, str(ref))
    except NotFound:
        raise InvalidBody.at(["body", *loc], f"no such {loc[0]}: {ref!r}") from None


def _apply(session: Session, article: Article, data: ArticleInput, *, key: ApiKey | None) -> None:
    slug = data.slug or (article.slug if article.id is not None else slugify(data.title))
    editing.slug_free(session, Article, COLLECTION, slug, article.id)
    author = (
        _resolve_label(session, authors.find, data.author, ["author"])
        if data.author is not None
        else None
    )
    tag_rows = [
        _resolve_label(session, tags.find, ref, ["tags", i]) for i, ref in enumerate(data.tags)
    ]
    # The workflow first: the comparisons its Markdown tables make follow it.
    editing.apply_workflow(article, data.status, data.publish_at)
    made: list[Comparison] = []
    if data.body_markdown is not None:
        blocks, made = _from_markdown(session, data.body_markdown, article, key=key)
    else:
        blocks = list(data.body)
        _check_references(session, blocks)
    editing.claim_slug(session, COLLECTION, article, slug)
    article.title = data.title
    article.kicker = data.kicker
    article.category = data.category
    article.reading_time_minutes = data.reading_time_minutes
    article.author_id = author.id if author is not None else None
    article.summary = data.summary
    article.meta_title = data.seo.meta_title
    article.meta_description = data.seo.meta_description
    article.canonical_url = data.seo.canonical_url
    article.image_url = data.seo.image
    article.body = [block.model_dump() for block in blocks]
    session.add(article)
    session.flush()
    assert article.id is not None
    for comparison in made:
        comparison.owner_article_id = article.id
        session.add(comparison)
    follow_article(session, article, key=key)
    role_ids, comparison_ids = _mentions(session, blocks)
    for table in (ArticleRole, ArticleComparison, ArticleTag):
        session.exec(delete(table).where(col(table.article_id) == article.id))
    for position, role_id in enumerate(role_ids):
        session.add(ArticleRole(article_id=article.id, role_id=role_id, position=position))
    for position, comparison_id in enumerate(comparison_ids):
        session.add(
            ArticleComparison(article_id=article.id, comparison_id=comparison_id, position=position)
        )
    for position, tag in enumerate(dict.fromkeys(t.id for t in tag_rows)):
        session.add(ArticleTag(article_id=article.id, tag_id=tag, position=position))
    session.flush()


def create_article(session: Session, data: ArticleInput, *, key: ApiKey | None) -> Article:
    """A new article with its first revision, flushed in the caller's transaction."""
    now = clock.now()
    article = Article(slug="", title=data.title, created_at=now, updated_at=now)
    _apply(session, article, data, key=key)
    editing.record_created(session, article, KIND, key)
    return article


KIND = editing.Kind(
    COLLECTION,
    find=lambda session, ref, lock: find_article(session, ref, preview=True, for_update=lock),
    public=to_public,
    document=document,
)


def update_article(
    session: Session,
    ref: str,
    *,
    data: ArticleInput | None = None,
    patch: Any = None,
    key: ApiKey | None,
    if_match: str | None,
    action: str = "update",
) -> Article:
    """PUT (``data``) or PATCH (``patch``, a JSON merge patch) under an optional If-Match."""

    def apply(article: Article) -> None:
        nonlocal data
        if data is None:
            current = document(session, article)
            if isinstance(patch, dict) and "body_markdown" in patch:
                current.pop("body")  # a Markdown body replaces the blocks
            data = editing.patched(ArticleInput, current, patch)
        _apply(session, article, data, key=key)

    return editing.change(
        session, KIND, ref, if_match=if_match, key=key, action=action, apply=apply
    )


def restore_article(
    session: Session, ref: str, number: int, *, key: ApiKey | None, if_match: str | None
) -> Article:
    """Makes revision ``number`` current again, as a new revision."""
    data = KIND.revision(session, ref, number, ArticleInput)
    return update_article(session, ref, data=data, key=key, if_match=if_match, action="restore")


def delete_article(session: Session, ref: str, *, key: ApiKey | None, if_match: str | None) -> None:
    """Moves the article to the trash, and the comparisons its tables made with it."""
    editing.trash(
        session,
        KIND,
        ref,
        if_match=if_match,
        key=key,
        used_by=lambda _article: [],
        then=lambda article: follow_article(session, article, key=key),
    )


def find_by_slug(session: Session, slug: str) -> Article | None:
    return session.exec(select(Article).where(Article.slug == slug)).first()


def find_by_title(session: Session, title: str) -> Article | None:
    return session.exec(select(Article).where(Article.title == title)).first()


def _search_text(session: Session, article: Article) -> tuple[str, str]:
    """What search reads of an article: its title, and its summary and words in order; as
    a public reader would see it (no definition of a role that is not public)."""
    blocks = blocks_of(article)
    public_roles = roles_service.visible_ids(session, _referenced(blocks)[0])
    parts = [article.kicker, article.category, article.summary]
    for block in blocks:
        if isinstance(block, RoleDefinitionsBlock):
            parts.extend(
                f"{item.term}: {item.definition}"
                for item in block.items
                if item.role_id in public_roles
            )
        elif isinstance(block, ListBlock):
            parts.extend(block.items)
        elif isinstance(block, CalloutBlock):
            parts.extend([block.title, block.text])
        elif isinstance(block, HeadingBlock | ParagraphBlock | LinksBlock):
            parts.append(block.text)
    return article.title, "\n".join(p for p in parts if p)


search_index.EXTRACTORS[COLLECTION] = _search_text
