"""Every query and rule about articles."""

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from api import editing
from api.articles import body
from api.articles.blocks import (
    Block,
    CalloutBlock,
    CodeBlock,
    ComparisonBlock,
    ImageBlock,
    RoleDefinition,
    TableBlock,
    TableCell,
    TextBlock,
    with_keys,
)
from api.articles.markdown import PendingTable, Refused, to_blocks
from api.articles.models import (
    DEFAULT_SORT,
    INCLUDES,
    SORTS,
    Article,
    ArticleComparison,
    ArticleInput,
    ArticleListItem,
    ArticleListQuery,
    ArticlePublic,
    ArticleRole,
    ArticleTag,
    Seo,
    SeoInput,
)
from api.assets import service as assets_service
from api.assets.models import ArticleAsset
from api.auth.models import ApiKey
from api.comparisons import service as comparisons_service
from api.comparisons.models import (
    Comparison,
    ComparisonInput,
    ComparisonSubject,
    RowInput,
)
from api.core import locales
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import ArticleNotFound, InvalidBody, NotFound
from api.core.slugs import slugify
from api.core.urls import card_url, resource_url, site_url
from api.core.workflow import Status, effective_status, not_trashed, readable, visible_now
from api.labels.models import Author, Tag
from api.labels.service import authors, tags
from api.roles import service as roles_service
from api.roles.models import Role
from api.search import index as search_index
from api.translations import reading
from api.translations.models import Translation
from api.translations.reading import Localized
from api.web.filters import linked, workflow_filters
from api.web.pagination import Page, Sortable, keyset_page, map_page, parse_include
from api.web.refs import AuthorRef, ComparisonRef, RoleRef, TagRef

COLLECTION = "articles"
SORTABLE = Sortable.on(Article, SORTS, default=DEFAULT_SORT)
INCLUDABLE = frozenset(INCLUDES)
# A link to a role's or an article's page, on the site or in the API: it names the resource.
_PAGE_HREF = re.compile(r"^(?:/v1)?/(roles|articles)/([a-z0-9-]+)/?$")
# An image of an uploaded asset, by its URL in this API.
_ASSET_HREF = re.compile(r"^/v1/assets/(\d{1,10})(?:/file)?(?:\?.*)?$")


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
    session: Session,
    ref: str,
    *,
    preview: bool = False,
    include: frozenset[str] = frozenset(),
    locale: str | None = None,
    accept_language: str | None = None,
) -> ArticlePublic:
    """The article ``ref`` names, in the locale ``?locale=`` asks for, else the one its slug
    is in (a translation's), else the best of ``Accept-Language``."""
    article, shown = reading.found_in(
        session,
        Article,
        COLLECTION,
        ref,
        preview=preview,
        asked=locale,
        accept_language=accept_language,
        own=lambda: find_article(session, ref, preview=preview),
        missing=ArticleNotFound,
    )
    (public,) = _to_public(
        session,
        [article],
        preview=preview,
        with_body=True,
        include=include,
        locale=shown,
    )
    assert isinstance(public, ArticlePublic)
    return public


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
    session: Session,
    *,
    query: ArticleListQuery,
    preview: bool,
    with_body: bool = False,
    accept_language: str | None = None,
) -> Page[ArticleListItem]:
    """Articles matching every filter of ``query``, a page at a time, in the locale asked
    for (``?locale=``, else ``Accept-Language``)."""
    locale = locales.negotiate(query.locale, accept_language)
    statement = workflow_filters(
        select(Article).where(readable(Article, preview=preview)), Article, query, preview=preview
    )
    for slugs, keep in ((query.author, True), (query.not_author, False)):
        if slugs is not None:
            authors = select(Author.id).where(col(Author.slug).in_(slugs.split(",")))
            by = col(Article.author_id).in_(authors)
            # An article without an author is by none of them.
            statement = statement.where(by if keep else or_(~by, col(Article.author_id).is_(None)))
    for categories, keep in ((query.category, True), (query.not_category, False)):
        if categories is not None:
            among = col(Article.category).in_(categories.split(","))
            statement = statement.where(among if keep else ~among)
    tagged = (ArticleTag, ArticleTag.tag_id, Tag)
    mentioned = (ArticleRole, ArticleRole.role_id, Role)
    embedded = (ArticleComparison, ArticleComparison.comparison_id, Comparison)
    for (link, column, model), slugs, keep in (
        (tagged, query.tag, True),
        (mentioned, query.role, True),
        (embedded, query.comparison, True),
        (tagged, query.not_tag, False),
        (mentioned, query.not_role, False),
        (embedded, query.not_comparison, False),
    ):
        if slugs is not None:
            shown = not_trashed(model) if model is Tag else readable(model, preview=preview)
            exists = linked(Article.id, col(link.article_id), column, model, slugs, shown)
            statement = statement.where(exists if keep else ~exists)
    if query.has_cover is not None:
        cover = col(Article.cover_asset_id)
        statement = statement.where(cover.is_not(None) if query.has_cover else cover.is_(None))
    minutes = col(Article.reading_time_minutes)
    if query.reading_time_minutes_min is not None:
        statement = statement.where(minutes >= query.reading_time_minutes_min)
    if query.reading_time_minutes_max is not None:
        statement = statement.where(minutes <= query.reading_time_minutes_max)
    if query.q is not None:
        matching = search_index.matching_ids(session, COLLECTION, query.q, locale=locale)
        statement = statement.where(col(Article.id).in_(matching))
    page = keyset_page(session, statement, sortable=SORTABLE, params=query, nulls=preview)
    include = parse_include(query.include, INCLUDABLE)
    return map_page(
        page,
        lambda rows: _to_public(
            session, rows, preview=preview, with_body=with_body, include=include, locale=locale
        ),
    )


def blocks_of(article: Article) -> list[Block]:
    return body.parse(article.body)


def to_public_many(
    session: Session, articles: Sequence[Article], *, preview: bool, locale: str | None = None
) -> list[ArticlePublic]:
    """Public forms, bodies included, of many articles in a fixed number of queries (in
    ``locale`` along its fallback chain: the default's when None)."""
    return [
        a
        for a in _to_public(session, articles, preview=preview, with_body=True, locale=locale)
        if isinstance(a, ArticlePublic)
    ]


def _to_public(
    session: Session,
    articles: Sequence[Article],
    *,
    preview: bool,
    with_body: bool,
    include: frozenset[str] = frozenset(),
    locale: str | None = None,
) -> list[ArticleListItem]:
    """Public forms of many articles in a fixed number of queries, whatever their number and
    whatever ``include`` embeds whole, in ``locale`` (the default's) or along its fallback
    chain. What they refer to and the reader may not see (a draft role, a comparison in the
    trash) is left out (``readable``)."""
    articles, localized = localize(session, articles, locale or locales.default(), preview=preview)
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
    tag_form = tags.to_public if "tags" in include else TagRef.of
    roles = _linked(session, ArticleRole, Role, ids, readable(Role, preview=preview))
    if "roles" in include:
        mentioned = {role.id: role for found in roles.values() for role in found}
        items = roles_service.list_items(
            session, list(mentioned.values()), preview=preview, locale=locale
        )
        whole = dict(zip(mentioned, items, strict=True))
        role_forms = {k: [whole[role.id] for role in v] for k, v in roles.items()}
    else:  # references name each role as the locale shows it
        role_forms = reading.refs_as_shown(
            session, roles, "roles", RoleRef, locale, preview=preview, fields=["name"]
        )
    comparisons = _linked(
        session, ArticleComparison, Comparison, ids, readable(Comparison, preview=preview)
    )
    if "comparisons" in include:
        tables = comparisons_service.load_comparisons(
            session,
            {c.id for found in comparisons.values() for c in found if c.id is not None},
            preview=preview,
            locale=locale,
        )
        comparisons = {k: [tables[c.id] for c in v] for k, v in comparisons.items()}
    else:
        comparisons = reading.refs_as_shown(
            session,
            comparisons,
            comparisons_service.COLLECTION,
            ComparisonRef,
            locale,
            preview=preview,
            fields=["title"],
        )
    tags_by_article = _linked(session, ArticleTag, Tag, ids, not_trashed(Tag))
    parsed = {a.id: blocks_of(a) for a in articles if a.id is not None} if with_body else {}
    resolver = body.Resolver(session, list(parsed.values()), preview=preview, locale=locale)
    covers = assets_service.images_by_id(
        session, {a.cover_asset_id for a in articles if a.cover_asset_id is not None}
    )
    model = ArticlePublic if with_body else ArticleListItem
    now = clock.now()
    result: list[ArticleListItem] = []
    for article in articles:
        assert article.id is not None
        cover = covers.get(article.cover_asset_id) if article.cover_asset_id else None
        update: dict[str, object] = {
            "seo": seo_of(article, cover.url if cover else None, localized[article.id].locale),
            "cover": cover,
            "status": effective_status(article.status, article.published_at, now),
            "author": authors_by_id.get(article.author_id) if article.author_id else None,
            "tags": [tag_form(tag) for tag in tags_by_article[article.id]],
            "roles": role_forms.get(article.id, []),
            "comparisons": comparisons.get(article.id, []),
            "url": resource_url(COLLECTION, article.slug),
            **localized[article.id].fields(),
        }
        if with_body:
            update["body"] = resolver.body(parsed[article.id])
        result.append(model.model_validate(article, update=update))
    return result


# What a translation of an article says, in place of the article's own.
TRANSLATED = ("title", "kicker", "summary", "meta_title", "meta_description", "body")


def localize(
    session: Session, articles: Sequence[Article], locale: str, *, preview: bool
) -> tuple[list[Article], dict[int, Localized]]:
    return reading.localize(session, articles, COLLECTION, locale, preview=preview, apply=shown_in)


def shown_in(article: Article, translation: Translation) -> Article:
    """``article`` in ``translation``'s words, slug and workflow (a copy, never written)."""
    copy: Article = reading.translated_copy(article, translation, TRANSLATED)
    return copy


def _linked(
    session: Session, link: Any, target: Any, ids: list[int], shown: ColumnElement[bool]
) -> dict[int, list[Any]]:
    """Each article's rows of ``target`` through the ``link`` table, in their order: the
    roles it mentions, the comparisons it embeds, its tags."""
    target_id = getattr(link, f"{target.__tablename__}_id")
    linked: dict[int, list[Any]] = defaultdict(list)
    # An outer join: the links to what the reader may not see load too, so the response
    # names them (a draft role, once published, changes the article).
    for row, item in session.exec(
        select(link, target)
        .outerjoin(target, and_(col(target.id) == target_id, shown))
        .where(col(link.article_id).in_(ids))
        .order_by(col(link.article_id), col(link.position))
    ).all():
        if item is not None:
            linked[row.article_id].append(item)
    return linked


def seo_of(article: Article, cover: str | None = None, locale: str | None = None) -> Seo:
    """What search engines and link previews are told: each field set, or made from the
    article (its image: the cover, else its social card)."""
    card = card_url(COLLECTION, article.id or 0, None if locale == locales.default() else locale)
    return Seo(
        meta_title=article.meta_title or article.title,
        meta_description=article.meta_description or article.summary,
        canonical_url=article.canonical_url or site_url(COLLECTION, article.slug),
        image=article.image_url or cover or card,
    )


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
        "cover": article.cover_asset_id,
        "body": list(article.body),
    }


def _from_markdown(
    session: Session, markdown: str, article: Article, *, key: ApiKey | None
) -> tuple[list[Block], list[Comparison]]:
    """Blocks for a Markdown body, and the comparisons its tables made: a table whose header
    names roles is a comparison the article owns (its own from before are reused, in order,
    so ids and history carry over); another table stays a table."""
    reusable = iter(_owned(session, article))
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


def _table(
    session: Session,
    table: PendingTable,
    *,
    owner: Article,
    reusable: Any,
    key: ApiKey | None,
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


def follow_article(session: Session, article: Article, *, key: ApiKey | None) -> None:
    """Comparisons made from the article's tables follow it (flushed, not committed): with
    its status and date while its body has them, in the trash with it, or once its body no
    longer has them. So none is ever public while its article is not."""
    embedded = set(body.comparison_ids(blocks_of(article)))
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
            session,
            comparison,
            comparisons_service.KIND,
            action=action,
            key=key,
            was_public=visible_now(*before),
        )


def _mentions(session: Session, blocks: Sequence[Block]) -> tuple[list[int], list[int]]:
    """Roles (in order of first mention: defined, compared, linked) and comparisons (in
    order) that blocks refer to."""
    comparison_ids = body.comparison_ids(blocks)
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
        if isinstance(block, ComparisonBlock):
            role_ids.extend(subjects[block.comparison_id or 0])
        else:
            role_ids.extend(body.linked_role_ids([block]))
    return list(dict.fromkeys(role_ids)), list(dict.fromkeys(comparison_ids))


def _resolve_label(session: Session, finder: Any, ref: str | int, loc: list[str | int]) -> Any:
    try:
        return finder(session, str(ref))
    except NotFound:
        raise InvalidBody.at(["body", *loc], f"no such {loc[0]}: {ref!r}") from None


def _set_seo(article: Article, seo: SeoInput) -> SeoInput:
    """What ``seo`` sets: a value that is what reading shows by default now (the title for
    ``meta_title``, the summary, the page, the cover) is a document read and sent back, not a
    choice, and stays unset, so it follows the title, summary, slug or cover as they change."""
    if article.id is None:
        return seo
    cover = assets_service.file_url(article.cover_asset_id) if article.cover_asset_id else None
    shown = seo_of(article, cover)
    return SeoInput(
        meta_title=None
        if article.meta_title is None and seo.meta_title == shown.meta_title
        else seo.meta_title,
        meta_description=None
        if article.meta_description is None and seo.meta_description == shown.meta_description
        else seo.meta_description,
        canonical_url=None
        if article.canonical_url is None and seo.canonical_url == shown.canonical_url
        else seo.canonical_url,
        image=None if article.image_url is None and seo.image == shown.image else seo.image,
    )


def _apply(session: Session, article: Article, data: ArticleInput, *, key: ApiKey | None) -> None:
    seo = _set_seo(article, data.seo)  # against the article as it was read
    slug = data.slug or (article.slug if article.id is not None else slugify(data.title))
    # What an edit leaves as it was was checked when it was written: its own slug, its body.
    keeps_slug = article.id is not None and slug == article.slug
    if not keeps_slug:
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
    stored = [block.model_dump(by_alias=True, exclude_none=True) for block in with_keys(blocks)]
    if data.body_markdown is None and (article.id is None or stored != article.body):
        body.check(session, blocks)
    if data.cover is not None and not assets_service.existing_ids(session, [data.cover]):
        raise InvalidBody.at(["body", "cover"], f"no asset with id {data.cover}")
    if not keeps_slug:
        editing.claim_slug(session, COLLECTION, article, slug)
    article.title = data.title
    article.kicker = data.kicker
    article.category = data.category
    article.reading_time_minutes = data.reading_time_minutes
    article.author_id = author.id if author is not None else None
    article.summary = data.summary
    article.meta_title = seo.meta_title
    article.meta_description = seo.meta_description
    article.canonical_url = seo.canonical_url
    article.image_url = seo.image
    article.cover_asset_id = data.cover
    article.body = stored
    session.add(article)
    session.flush()
    assert article.id is not None
    for comparison in made:
        comparison.owner_article_id = article.id
        session.add(comparison)
    follow_article(session, article, key=key)
    role_ids, comparison_ids = _mentions(session, blocks)
    shown = {data.cover} | body.references(blocks).ids("asset")
    tag_ids = [i for i in dict.fromkeys(t.id for t in tag_rows) if i is not None]
    _link(session, article.id, ArticleAsset, "asset_id", sorted(i for i in shown if i is not None))
    _link(session, article.id, ArticleRole, "role_id", role_ids)
    _link(session, article.id, ArticleComparison, "comparison_id", comparison_ids)
    _link(session, article.id, ArticleTag, "tag_id", tag_ids)
    session.flush()


LinkRow = TypeVar("LinkRow", ArticleAsset, ArticleRole, ArticleComparison, ArticleTag)


def _link(
    session: Session, article_id: int, table: type[LinkRow], column: str, wanted: list[int]
) -> None:
    """Makes the article's links in ``table`` the ``wanted`` ids, in that order, touching only
    the rows that change: a link written again would name what it points at as changed (a
    role, say), and so every other article that shows that role."""
    rows = session.exec(select(table).where(col(table.article_id) == article_id)).all()
    have = {getattr(row, column): row for row in rows}
    for other, existing in have.items():
        if other not in wanted:
            session.delete(existing)
    for position, other in enumerate(dict.fromkeys(wanted)):
        row = have.get(other)
        if row is None:
            row = table(article_id=article_id, **{column: other})
        elif isinstance(row, ArticleAsset) or row.position == position:
            continue  # as it was
        if not isinstance(row, ArticleAsset):  # an asset has no order
            row.position = position
        session.add(row)


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


def delete_article(
    session: Session, ref: str, *, key: ApiKey | None, if_match: str | None
) -> Article:
    """Moves the article to the trash, and the comparisons its tables made with it."""
    return editing.trash(
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
    public_roles = roles_service.visible_ids(session, body.references(blocks).ids("role"))
    parts = [article.kicker, article.category, article.summary]
    for _, node in body.walk(blocks, []):
        if isinstance(node, TextBlock | TableCell):
            parts.append(node.text())
        elif isinstance(node, CalloutBlock):
            parts.append(node.title)
        elif isinstance(node, ImageBlock):
            parts.extend([node.alt, node.caption])
        elif isinstance(node, CodeBlock):
            parts.append(node.code)
        elif isinstance(node, RoleDefinition) and node.role_id in public_roles:
            parts.append(f"{node.term}: {node.definition}")
    return article.title, "\n".join(p for p in parts if p)


search_index.EXTRACTORS[COLLECTION] = _search_text
