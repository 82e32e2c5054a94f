"""An article as readers get it: its public form (one or many, in a few queries), in a
locale, with what it links to, and its SEO fields."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from api.articles import body
from api.articles.blocks import Block
from api.articles.models import (
    Article,
    ArticleComparison,
    ArticleListItem,
    ArticlePublic,
    ArticleRole,
    ArticleTag,
    Seo,
)
from api.assets import service as assets_service
from api.comparisons import service as comparisons_service
from api.comparisons.models import Comparison
from api.core import kinds, locales
from api.core.clock import clock
from api.core.urls import card_url, site_url
from api.core.workflow import not_trashed, readable, shown_fields
from api.labels.models import Author, Tag
from api.labels.service import authors, tags
from api.roles import service as roles_service
from api.roles.models import Role
from api.translations import reading
from api.translations.models import Translation
from api.translations.reading import Localized
from api.web.refs import AuthorRef, ComparisonRef, RoleRef, TagRef

COLLECTION = kinds.ARTICLE.collection


def to_public(
    session: Session,
    article: Article,
    *,
    preview: bool = True,
    include: frozenset[str] = frozenset(),
    locale: str | None = None,
) -> ArticlePublic:
    """The article as a reader sees it (its writers, by default: ``preview``), in ``locale``
    (its own when None)."""
    (public,) = public_forms(
        session, [article], preview=preview, with_body=True, include=include, locale=locale
    )
    assert isinstance(public, ArticlePublic)
    return public


def blocks_of(article: Article) -> list[Block]:
    return body.parse(article.body)


def to_public_many(
    session: Session, articles: Sequence[Article], *, preview: bool, locale: str | None = None
) -> list[ArticlePublic]:
    """Public forms, bodies included, of many articles in a fixed number of queries (in
    ``locale`` along its fallback chain: the default's when None)."""
    return [
        a
        for a in public_forms(session, articles, preview=preview, with_body=True, locale=locale)
        if isinstance(a, ArticlePublic)
    ]


def public_forms(
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
            "author": authors_by_id.get(article.author_id) if article.author_id else None,
            "tags": [tag_form(tag) for tag in tags_by_article[article.id]],
            "roles": role_forms.get(article.id, []),
            "comparisons": comparisons.get(article.id, []),
            **shown_fields(COLLECTION, article, now),
            **localized[article.id].fields(),
        }
        if with_body:
            update["body"] = resolver.body(parsed[article.id])
        result.append(model.model_validate(article, update=update))
    return result


# What a translation of an article says, in place of the article's own.
TRANSLATED = (*kinds.ARTICLE.field_names(translated=True), "meta_title", "meta_description", "body")


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
