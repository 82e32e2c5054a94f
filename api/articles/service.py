"""Writing articles: the document a PATCH merges into, the rules of an article's fields and
links, the comparisons its tables make, and create, update, restore and delete through the
write frame. The room's reads are in ``queries`` and ``output``, re-exported here."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

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
    TableCell,
    TextBlock,
    with_keys,
)
from api.articles.models import (
    Article,
    ArticleComparison,
    ArticleInput,
    ArticleListItem,
    ArticleListQuery,
    ArticlePublic,
    ArticleRole,
    ArticleTag,
    SeoInput,
)
from api.articles.output import (
    COLLECTION,
    TRANSLATED,
    blocks_of,
    localize,
    seo_of,
    shown_in,
    to_public,
    to_public_many,
)
from api.articles.queries import (
    INCLUDABLE,
    SORTABLE,
    find_article,
    find_by_slug,
    find_by_title,
    get_article,
    list_articles,
)
from api.articles.tables import blocks_from_markdown, from_markdown, owned_comparisons
from api.assets import service as assets_service
from api.assets.models import ArticleAsset
from api.comparisons import service as comparisons_service
from api.comparisons.models import Comparison, ComparisonSubject
from api.core import db, kinds
from api.core.clock import clock
from api.core.errors import ArticleNotFound, InvalidBody, NotFound
from api.core.slugs import slugify
from api.core.workflow import Status, visible_now
from api.labels.models import Author, Tag
from api.labels.service import authors, tags
from api.people import rules
from api.roles import service as roles_service
from api.search import index as search_index
from api.translations import reading
from api.translations.models import ArticleTranslationInput, Translation

# An article's byline and tags, as this transaction last read or wrote them (by id): a PATCH
# reads them for the document it merges into, resolves the same slugs again, and reads them
# once more for its revision. Rows, so a label renamed meanwhile is seen by its new slug. Only
# ``_apply`` changes an article's tag links within a write (``folio import`` rewrites them
# too, in a transaction of its own that reads no document).
_LABELS = "folio.article_labels"
Labels = tuple[Author | None, list[Tag]]


def _labels(session: Session, article: Article) -> Labels:
    memo = db.transaction_memo(session, _LABELS)
    known: Labels | None = memo.get(article.id)
    if known is None or (known[0].id if known[0] else None) != article.author_id:
        author = session.get(Author, article.author_id) if article.author_id else None
        tags = session.exec(
            select(Tag)
            .join(ArticleTag, col(ArticleTag.tag_id) == Tag.id)
            .where(ArticleTag.article_id == article.id)
            .order_by(col(ArticleTag.position))
        ).all()
        known = memo[article.id] = (author, list(tags))
    return known


def _known_label(known: list[Any], ref: str | int) -> Any:
    """The label among ``known`` whose current slug is ``ref`` (not in the trash), if any; an
    id, or any other ref, is left to the label's finder."""
    if isinstance(ref, str) and not ref.isdigit():
        for label in known:
            if label.slug == ref and label.deleted_at is None:
                return label
    return None


def document(session: Session, article: Article) -> dict[str, Any]:
    """The article as an ``ArticleInput``: what PATCH merges into, what a revision keeps."""
    author, tags = _labels(session, article)
    return {
        "slug": article.slug,
        **kinds.ARTICLE.values(article),
        "author": author.slug if author is not None else None,
        "tags": [tag.slug for tag in tags],
        **editing.workflow_document(article),
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


def follow_article(session: Session, article: Article, *, key: rules.Caller) -> None:
    """Comparisons made from the article's tables follow it (flushed, not committed): with
    its status and date while its body has them, in the trash with it, or once its body no
    longer has them. So none is ever public while its article is not."""
    embedded = set(body.comparison_ids(blocks_of(article)))
    for comparison in owned_comparisons(session, article):
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


def _apply(session: Session, article: Article, data: ArticleInput, *, key: rules.Caller) -> None:
    seo = _set_seo(article, data.seo)  # against the article as it was read
    slug = data.slug or (article.slug if article.id is not None else slugify(data.title))
    # What an edit leaves as it was was checked when it was written: its own slug, its body.
    keeps_slug = article.id is not None and slug == article.slug
    if not keeps_slug:
        editing.slug_free(session, Article, COLLECTION, slug, article.id)
    # Labels the article has already are not looked up again.
    known = _labels(session, article) if article.id is not None else (None, [])
    author = (
        _known_label([known[0]] if known[0] else [], data.author)
        or _resolve_label(session, authors.find, data.author, ["author"])
        if data.author is not None
        else None
    )
    tag_rows = [
        _known_label(known[1], ref) or _resolve_label(session, tags.find, ref, ["tags", i])
        for i, ref in enumerate(data.tags)
    ]
    # The workflow first: the comparisons its Markdown tables make follow it.
    editing.apply_workflow(article, data.status, data.publish_at)
    made: list[Comparison] = []
    if data.body_markdown is not None:
        blocks, made = from_markdown(session, data.body_markdown, article, key=key)
    else:
        blocks = list(data.body)
    stored = [block.model_dump(by_alias=True, exclude_none=True) for block in with_keys(blocks)]
    same_body = article.id is not None and stored == article.body
    # What the links to assets and comparisons are made of: the body and the cover alone.
    same_refs = same_body and data.cover == article.cover_asset_id
    if data.body_markdown is None and not same_body:
        body.check(session, blocks)
    if data.cover is not None and not assets_service.existing_ids(session, [data.cover]):
        raise InvalidBody.at(["body", "cover"], f"no asset with id {data.cover}")
    if not keeps_slug:
        editing.claim_slug(session, COLLECTION, article, slug)
    kinds.ARTICLE.assign(article, data)
    # A new article without a byline takes its maker's (a person linked to an author).
    article.author_id = author.id if author is not None else None
    if author is None and article.id is None:
        article.author_id = rules.byline(key)
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
    # Links that follow from what the edit left as it was are as the last write made them and
    # are not read again; the roles' follow the comparisons' subjects too, so they always are.
    if not same_refs:
        assets = sorted(i for i in shown if i is not None)
        _link(session, article.id, ArticleAsset, "asset_id", assets)
        _link(session, article.id, ArticleComparison, "comparison_id", comparison_ids)
    _link(session, article.id, ArticleRole, "role_id", role_ids)
    if tag_ids != [tag.id for tag in known[1]]:
        _link(session, article.id, ArticleTag, "tag_id", tag_ids)
    session.flush()
    by_id = {tag.id: tag for tag in tag_rows}
    db.transaction_memo(session, _LABELS)[article.id] = (author, [by_id[i] for i in tag_ids])


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


KIND = editing.Kind(
    COLLECTION,
    find=lambda session, ref, lock: find_article(session, ref, preview=True, for_update=lock),
    public=to_public,
    document=document,
)


def _merged_into(document: dict[str, Any], patch: Any) -> dict[str, Any]:
    if isinstance(patch, dict) and "body_markdown" in patch:
        return {k: v for k, v in document.items() if k != "body"}  # Markdown replaces blocks
    return document


WRITES = editing.Writes(
    KIND,
    ArticleInput,
    Article,
    apply=lambda session, article, data, key: _apply(session, article, data, key=key),
    # The comparisons its tables made go to the trash with it.
    trashed=lambda session, article, key: follow_article(session, article, key=key),
    merged_into=_merged_into,
)
create_article, update_article, restore_article = WRITES.create, WRITES.update, WRITES.restore
delete_article = WRITES.delete


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


# Translations: what a translation keeps, and its search document.


def _article_content(
    session: Session, _article: Any, data: ArticleTranslationInput
) -> dict[str, Any]:
    blocks = (
        blocks_from_markdown(session, data.body_markdown)
        if data.body_markdown is not None
        else list(data.body)
    )
    body.check(session, blocks)
    return {
        **kinds.ARTICLE.values(data, translated=True),
        "meta_title": data.meta_title,
        "meta_description": data.meta_description,
        "body": [b.model_dump(by_alias=True, exclude_none=True) for b in with_keys(blocks)],
    }


def _article_shown(session: Session, content: dict[str, Any]) -> dict[str, Any]:
    blocks = body.parse(content.get("body", []))
    return {**content, "body": body.Resolver(session, [blocks], preview=True).body(blocks)}


def _article_search(session: Session, article: Any, translation: Translation) -> tuple[str, str]:
    copy = shown_in(article, translation)
    return _search_text(session, copy)


# Its translations: their input and public shapes, what one keeps, and its search document.
reading.TRANSLATABLE.register(
    kinds.ARTICLE,
    reading.Translatable(
        kinds.ARTICLE,
        ArticleTranslationInput,
        _article_content,
        _article_search,
        shown=_article_shown,
    ),
)


search_index.EXTRACTORS.register(kinds.ARTICLE, _search_text)


INCLUDED_AS = {name: name for name in INCLUDABLE}  # each include embeds the field it names
READS = editing.Reads(
    ArticlePublic, ArticleListItem, ArticleListQuery, get_article, list_articles, INCLUDED_AS
)
editing.ROOMS.register(kinds.ARTICLE, WRITES.room(READS, to_public_many, ArticleNotFound))

__all__ = [  # the room's reads, for those who call the service
    "COLLECTION",
    "INCLUDABLE",
    "KIND",
    "SORTABLE",
    "TRANSLATED",
    "blocks_from_markdown",
    "blocks_of",
    "create_article",
    "delete_article",
    "document",
    "find_article",
    "find_by_slug",
    "find_by_title",
    "follow_article",
    "get_article",
    "list_articles",
    "localize",
    "restore_article",
    "seo_of",
    "shown_in",
    "to_public",
    "to_public_many",
    "update_article",
]
