"""Searching everything at once: articles, roles and comparisons (their rows and cells too)."""

import html

from sqlalchemy import Float
from sqlalchemy import select as sql_select
from sqlmodel import Session, col

from api.core import locales
from api.core.urls import resource_url
from api.core.workflow import readable
from api.search.index import match
from api.search.models import SearchDocument, SearchHit, SearchQuery
from api.web.pagination import ListParams, Page, Sortable, keyset_page, map_page


def _marked(snippet: str | None) -> str:
    """The snippet as safe HTML: its text escaped, its match markers turned into <mark>."""
    escaped = html.escape(snippet or "", quote=False)
    return escaped.replace("\x02", "<mark>").replace("\x03", "</mark>")


def search(session: Session, query: SearchQuery, *, preview: bool) -> Page[SearchHit]:
    locale = locales.parse_locale(query.locale) if query.locale is not None else locales.default()
    found = match(session, query.q, locale=locale)
    shown = readable(SearchDocument, preview=preview)
    statement = sql_select(
        col(SearchDocument.id).label("id"),
        col(SearchDocument.resource_type).label("type"),
        col(SearchDocument.resource_id).label("resource_id"),
        col(SearchDocument.slug).label("slug"),
        col(SearchDocument.title).label("title"),
        found.score.cast(Float).label("score"),
    ).where(found.where, shown)
    if query.type is not None:
        statement = statement.where(col(SearchDocument.resource_type) == query.type)
    ranked = found.joined(statement).subquery("ranked")
    page = keyset_page(
        session,
        sql_select(*ranked.c),
        sortable=Sortable(fields={"score": ranked.c.score}, default="-score", tie=ranked.c.id),
        params=ListParams(limit=query.limit, cursor=query.cursor),
    )
    # Snippets for the page only: making one costs more than ranking a match, and a common
    # word matches thousands of documents.
    snippets: dict[int, str] = {}
    if page.items:
        wanted = sql_select(col(SearchDocument.id), found.snippet).where(
            found.where, col(SearchDocument.id).in_([row.id for row in page.items])
        )
        snippets = dict(session.execute(found.joined(wanted)).all())
    return map_page(
        page,
        lambda rows: [
            SearchHit(
                type=row.type,
                locale=locale,
                id=row.resource_id,
                slug=row.slug,
                title=row.title,
                snippet=_marked(snippets.get(row.id)),
                score=round(float(row.score), 6),
                url=resource_url(row.type, row.slug),
            )
            for row in rows
        ],
    )
