"""Keeping the search index current: every write of an article, role or comparison refreshes
its document in the same transaction (``api.editing`` calls ``refresh``), so an edit is
findable, and a deletion gone, the moment it commits.

Each searchable kind's room registers how its rows read as text (``EXTRACTORS``, checked
complete at start-up); this module knows none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, column, false, func, literal, literal_column, table
from sqlmodel import Session, col, delete, select, update

from api.core import kinds, locales
from api.core.workflow import Status
from api.search import query as search_query
from api.search.models import FTS_TABLE, VECTOR_COLUMN, SearchDocument
from api.translations.models import Translation

Extract = Callable[[Session, Any], tuple[str, str]]  # (session, row) → (title, body text)
EXTRACTORS: kinds.Registry[Extract] = kinds.Registry("search extractor", kinds.SEARCHABLE)


def refresh(session: Session, collection: str, row: Any) -> None:
    """The document of ``row`` itself (in the default locale), and its translations' place
    in the trash with it. A kind that is not searchable has none."""
    kind = kinds.by_collection(collection)
    if not kind.searchable:
        return
    title, body = EXTRACTORS[kind.name](session, row)
    store(session, collection, row.id, locale="", slug=row.slug, title=title, body=body, row=row)
    for translation in session.exec(
        select(Translation).where(
            Translation.resource_type == kind.name,
            Translation.resource_id == row.id,
        )
    ).all():
        status, published_at = _both(row, translation)
        session.execute(
            update(SearchDocument)
            .where(
                col(SearchDocument.resource_type) == collection,
                col(SearchDocument.resource_id) == row.id,
                col(SearchDocument.locale) == translation.locale,
            )
            .values(status=status, published_at=published_at, deleted_at=row.deleted_at)
        )


def _both(resource: Any, translation: Any) -> tuple[Status, Any]:
    """The workflow of a translation's document: public when the translation and the
    resource both are (scheduled ones from the later of their times)."""
    shown = (Status.published, Status.scheduled)
    if resource.status in shown and translation.status in shown:
        times = [t for t in (resource.published_at, translation.published_at) if t is not None]
        return translation.status, max(times) if times else None
    return Status.draft, translation.published_at


def store(
    session: Session,
    collection: str,
    resource_id: int,
    *,
    locale: str,
    slug: str,
    title: str,
    body: str,
    row: Any,
    resource: Any = None,
) -> None:
    """Writes one document: of a resource (``locale`` "", ``row``) or of its translation
    into ``locale`` (``row``, of ``resource``), public when they are."""
    language = locales.language(locale or locales.default())
    document = session.exec(
        select(SearchDocument).where(
            SearchDocument.resource_type == collection,
            SearchDocument.resource_id == resource_id,
            SearchDocument.locale == locale,
        )
    ).first() or SearchDocument(
        resource_type=collection,
        resource_id=resource_id,
        locale=locale,
        slug=slug,
        title=title,
        body=body,
        updated_at=row.updated_at,
    )
    document.slug = slug
    document.title = title
    document.body = body
    document.language = language
    document.stems = (
        search_query.stem_text(f"{title}\n{body}", language)
        if session.get_bind().dialect.name == "sqlite"
        else ""
    )
    document.status, document.published_at = (
        _both(resource, row) if resource is not None else (row.status, row.published_at)
    )
    document.deleted_at = resource.deleted_at if resource is not None else row.deleted_at
    document.updated_at = row.updated_at
    session.add(document)
    session.flush()


def remove(
    session: Session, collection: str, resource_id: int, *, locale: str | None = None
) -> None:
    """Drops the documents of a resource (every locale's), or of one translation."""
    statement = delete(SearchDocument).where(
        col(SearchDocument.resource_type) == collection,
        col(SearchDocument.resource_id) == resource_id,
    )
    if locale is not None:
        statement = statement.where(col(SearchDocument.locale) == locale)
    session.execute(statement)


@dataclass(frozen=True)
class Match:
    """How to find documents matching a query, as SQL over ``SearchDocument``."""

    where: ColumnElement[bool]
    score: Any  # higher is more relevant
    snippet: Any  # body text around the matches, \x02 and \x03 around each
    joined: Callable[[Any], Any]  # adds what ``where`` needs to a statement


_NOTHING = Match(false(), literal(0.0), literal(""), lambda statement: statement)


def match(session: Session, text: str, *, locale: str | None = None) -> Match:
    """Documents in ``locale`` (the default's by default) matching ``text``, stemmed as that
    locale's language is."""
    terms = search_query.parse(text)
    stored = "" if locale is None or locale == locales.default() else locale
    language = locales.language(locale or locales.default())
    in_locale = col(SearchDocument.locale) == stored
    if session.get_bind().dialect.name == "postgresql":
        tsqueries = search_query.to_tsquery(terms)
        if tsqueries is None:
            return _NOTHING
        whole, wanted = tsqueries
        config: Any = literal_column(f"'{language}'")  # a name from api.core.locales.LANGUAGES
        query = func.to_tsquery(config, whole)
        words = func.to_tsquery(config, wanted)
        vector: Any = literal_column(f"search_document.{VECTOR_COLUMN}")
        return Match(
            and_(in_locale, func.numnode(words) > 0, vector.op("@@")(query)),
            func.ts_rank_cd(vector, query),
            func.ts_headline(
                config,
                col(SearchDocument.body),
                query,
                "StartSel=\x02, StopSel=\x03, MaxFragments=2, MinWords=6, MaxWords=24, "
                'FragmentDelimiter=" … "',
            ),
            lambda statement: statement,
        )
    stemmed = language not in search_query.FTS5_STEMS
    fts = search_query.to_fts5(
        search_query.stemmed(terms, language) if stemmed else terms,
        column="stems" if stemmed else None,
    )
    if fts is None:
        return _NOTHING
    index: Any = literal_column(FTS_TABLE)
    return Match(
        and_(in_locale, index.op("MATCH")(fts)),
        -func.bm25(index, 10.0, 1.0, 1.0),  # bm25 is lower for better matches
        func.snippet(index, 1, func.char(2), func.char(3), " … ", 24),
        # FTS5 is reached through its rowid, which is the document's id (external content).
        lambda statement: statement.join(_FTS, _FTS.c.rowid == SearchDocument.id),
    )


_FTS = table(FTS_TABLE, column("rowid"))


def narrowed(
    session: Session,
    statement: Any,
    collection: str,
    id_column: Any,
    text: str | None,
    *,
    locale: str | None,
) -> Any:
    """``statement`` narrowed to the rows of ``collection`` (by ``id_column``) whose document
    matches ``text`` (a list's ``?q=``); as it was when there is no text."""
    if text is None:
        return statement
    return statement.where(
        col(id_column).in_(matching_ids(session, collection, text, locale=locale))
    )


def matching_ids(session: Session, collection: str, text: str, *, locale: str | None = None) -> Any:
    """A subquery of the ids of ``collection`` whose document (in ``locale``) matches ``text``."""
    found = match(session, text, locale=locale)
    statement = select(SearchDocument.resource_id).where(
        SearchDocument.resource_type == collection, found.where
    )
    return found.joined(statement)
