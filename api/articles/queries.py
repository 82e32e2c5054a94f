"""Finding articles: one by id or slug (drafts for previews and writers), and lists with
their filters, sorts, includes and keyset pages."""

from sqlalchemy import or_
from sqlmodel import Session, col, select

from api import editing
from api.articles.models import (
    DEFAULT_SORT,
    INCLUDES,
    SORTS,
    Article,
    ArticleComparison,
    ArticleListItem,
    ArticleListQuery,
    ArticleRole,
    ArticleTag,
)
from api.articles.output import COLLECTION, public_forms, to_public
from api.comparisons.models import Comparison
from api.core import locales
from api.core.errors import ArticleNotFound
from api.core.workflow import readable
from api.labels.models import Author, Tag
from api.roles.models import Role
from api.search import index as search_index
from api.web.filters import Link, by_links, workflow_filters
from api.web.pagination import Page, Sortable, keyset_page, map_page, parse_include

SORTABLE = Sortable.on(Article, SORTS, default=DEFAULT_SORT)


INCLUDABLE = frozenset(INCLUDES)


FINDER = editing.Reader(Article, COLLECTION, ArticleNotFound, render=to_public)
find_article = FINDER.find
get_article = FINDER.get


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
    links: dict[str, Link] = {
        "tag": (ArticleTag, ArticleTag.tag_id, Tag),
        "role": (ArticleRole, ArticleRole.role_id, Role),
        "comparison": (ArticleComparison, ArticleComparison.comparison_id, Comparison),
    }
    statement = by_links(
        statement,
        Article.id,
        "article_id",
        links,
        query,
        preview=preview,
        cover=Article.cover_asset_id,
    )
    minutes = col(Article.reading_time_minutes)
    if query.reading_time_minutes_min is not None:
        statement = statement.where(minutes >= query.reading_time_minutes_min)
    if query.reading_time_minutes_max is not None:
        statement = statement.where(minutes <= query.reading_time_minutes_max)
    statement = search_index.narrowed(
        session, statement, COLLECTION, Article.id, query.q, locale=locale
    )
    page = keyset_page(session, statement, sortable=SORTABLE, params=query, nulls=preview)
    include = parse_include(query.include, INCLUDABLE)
    return map_page(
        page,
        lambda rows: public_forms(
            session, rows, preview=preview, with_body=with_body, include=include, locale=locale
        ),
    )


def find_by_slug(session: Session, slug: str) -> Article | None:
    return session.exec(select(Article).where(Article.slug == slug)).first()


def find_by_title(session: Session, title: str) -> Article | None:
    return session.exec(select(Article).where(Article.title == title)).first()
