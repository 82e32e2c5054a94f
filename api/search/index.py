"""Keeping the search index current: every write of an article, role or comparison refreshes
its document in the same transaction (``api.editing`` calls ``refresh``), so an edit is
findable, and a deletion gone, the moment it commits.

Domains register how their rows read as text (``EXTRACTORS``); this module knows none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, column, false, func, literal, literal_column, table
from sqlmodel import Session, col, select

from api.search import query as search_query
from api.search.models import FTS_TABLE, VECTOR_COLUMN, SearchDocument

# collection → (session, row) → (title, body text)
EXTRACTORS: dict[str, Callable[[Session, Any], tuple[str, str]]] = {}


def refresh(session: Session, collection: str, row: Any) -> None:
    extract = EXTRACTORS.get(collection)
    if extract is None:
        return
    title, body = extract(session, row)
    document = session.exec(
        select(SearchDocument).where(
            SearchDocument.resource_type == collection, SearchDocument.resource_id == row.id
        )
    ).first() or SearchDocument(
        resource_type=collection,
        resource_id=row.id,
        slug=row.slug,
        title=title,
        body=body,
        updated_at=row.updated_at,
    )
    document.slug = row.slug
    document.title = title
    document.body = body
    document.status = row.status
    document.published_at = row.published_at
    document.deleted_at = row.deleted_at
    document.updated_at = row.updated_at
    session.add(document)
    session.flush()


def remove(session: Session, collection: str, resource_id: int) -> None:
    document = session.exec(
        select(SearchDocument).where(
            SearchDocument.resource_type == collection,
            SearchDocument.resource_id == resource_id,
        )
    ).first()
    if document is not None:
        session.delete(document)
        session.flush()


@dataclass(frozen=True)
class Match:
    """How to find documents matching a query, as SQL over ``SearchDocument``."""

    where: ColumnElement[bool]
    score: Any  # higher is more relevant
    snippet: Any  # body text around the matches, \x02 and \x03 around each
    joined: Callable[[Any], Any]  # adds what ``where`` needs to a statement


_NOTHING = Match(false(), literal(0.0), literal(""), lambda statement: statement)


def match(session: Session, text: str) -> Match:
    terms = search_query.parse(text)
    if session.get_bind().dialect.name == "postgresql":
        tsqueries = search_query.to_tsquery(terms)
        if tsqueries is None:
            return _NOTHING
        whole, wanted = tsqueries
        query = func.to_tsquery(literal_column("'english'"), whole)
        words = func.to_tsquery(literal_column("'english'"), wanted)
        vector: Any = literal_column(f"search_document.{VECTOR_COLUMN}")
        return Match(
            and_(func.numnode(words) > 0, vector.op("@@")(query)),
            func.ts_rank_cd(vector, query),
            func.ts_headline(
                literal_column("'english'"),
                col(SearchDocument.body),
                query,
                "StartSel=\x02, StopSel=\x03, MaxFragments=2, MinWords=6, MaxWords=24, "
                'FragmentDelimiter=" … "',
            ),
            lambda statement: statement,
        )
    fts = search_query.to_fts5(terms)
    if fts is None:
        return _NOTHING
    index: Any = literal_column(FTS_TABLE)
    return Match(
        index.op("MATCH")(fts),
        -func.bm25(index, 10.0, 1.0),  # bm25 is lower for better matches
        func.snippet(index, 1, func.char(2), func.char(3), " … ", 24),
        # FTS5 is reached through its rowid, which is the document's id (external content).
        lambda statement: statement.join(_FTS, _FTS.c.rowid == SearchDocument.id),
    )


_FTS = table(FTS_TABLE, column("rowid"))


def matching_ids(session: Session, collection: str, text: str) -> Any:
    """A subquery of the ids of ``collection`` whose document matches ``text``."""
    found = match(session, text)
    statement = select(SearchDocument.resource_id).where(
        SearchDocument.resource_type == collection, found.where
    )
    return found.joined(statement)
