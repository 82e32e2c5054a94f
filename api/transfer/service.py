"""Moving content between installs: NDJSON export and import (Markdown files with YAML front
matter: ``api.transfer.markdown``).

An export is a header line, then one JSON object per line: authors, tags, roles, comparisons
(with subjects, rows and cells), articles (with their tags, roles and comparisons), revisions
and old slugs, each in id order, every column as stored. Importing it into an empty database
keeps every id, so exporting again gives the same file. ``merge`` instead upserts content by
slug into a database that has some, and maps the ids the content refers to.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy import delete, func, text
from sqlmodel import Session, SQLModel, col, select

from api.articles.models import Article, ArticleComparison, ArticleRole, ArticleTag
from api.comparisons.models import Comparison, ComparisonCell, ComparisonRow, ComparisonSubject
from api.core import db
from api.core.errors import FolioError, ImportFailed, NotEmpty
from api.events import service as events
from api.history.models import Revision, SlugRedirect
from api.labels.models import Author, Tag
from api.roles.models import Role
from api.search import index as search_index

FORMAT = "folio-export"
VERSION = 1
CONTENT: list[tuple[str, type[SQLModel], str]] = [
    ("author", Author, "authors"),
    ("tag", Tag, "tags"),
    ("role", Role, "roles"),
    ("comparison", Comparison, "comparisons"),
    ("article", Article, "articles"),
]


def _dumps(data: dict[str, Any]) -> str:
    # Sorted keys: the same content always gives the same bytes, whatever loaded it.
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


def _columns(row: SQLModel) -> dict[str, Any]:
    return row.model_dump(mode="json")


def export_lines(session: Session) -> Iterator[str]:
    """The whole content of the database, one JSON object per line."""
    yield _dumps({"format": FORMAT, "version": VERSION})
    for kind, model, _ in CONTENT:
        for row in session.exec(select(model).order_by(col(model.id))):  # type: ignore[attr-defined]
            record = {"type": kind, **_columns(row)}
            if isinstance(row, Comparison):
                record.update(_comparison_parts(session, row))
            elif isinstance(row, Article):
                record.update(_article_links(session, row))
            yield _dumps(record)
    for revision in session.exec(select(Revision).order_by(col(Revision.id))):
        yield _dumps({"type": "revision", **_columns(revision)})
    for redirect in session.exec(
        select(SlugRedirect).order_by(col(SlugRedirect.resource_type), col(SlugRedirect.slug))
    ):
        yield _dumps({"type": "slug_redirect", **_columns(redirect)})


def _comparison_parts(session: Session, comparison: Comparison) -> dict[str, Any]:
    subjects = session.exec(
        select(ComparisonSubject.role_id)
        .where(ComparisonSubject.comparison_id == comparison.id)
        .order_by(col(ComparisonSubject.position))
    ).all()
    order = {role_id: i for i, role_id in enumerate(subjects)}
    rows = []
    for row in session.exec(
        select(ComparisonRow)
        .where(ComparisonRow.comparison_id == comparison.id)
        .order_by(col(ComparisonRow.position), col(ComparisonRow.id))
    ):
        cells = session.exec(select(ComparisonCell).where(ComparisonCell.row_id == row.id)).all()
        rows.append(
            {
                "id": row.id,
                "position": row.position,
                "dimension": row.dimension,
                "cells": [
                    {
                        "role_id": c.role_id,
                        "text": c.text,
                        "note": c.note,
                        "source_url": c.source_url,
                    }
                    for c in sorted(cells, key=lambda c: order.get(c.role_id, 0))
                ],
            }
        )
    return {"subjects": list(subjects), "rows": rows}


def _article_links(session: Session, article: Article) -> dict[str, Any]:
    def linked(table: Any, column: Any) -> list[int]:
        return list(
            session.exec(
                select(column).where(table.article_id == article.id).order_by(col(table.position))
            )
        )

    return {
        "tag_ids": linked(ArticleTag, ArticleTag.tag_id),
        "role_ids": linked(ArticleRole, ArticleRole.role_id),
        "comparison_ids": linked(ArticleComparison, ArticleComparison.comparison_id),
    }


def is_empty(session: Session) -> bool:
    return all(
        session.exec(select(func.count()).select_from(model)).one() == 0 for _, model, _ in CONTENT
    )


def import_lines(
    session: Session, lines: Iterable[str], *, merge: bool, source: str = "import"
) -> dict[str, int]:
    """Loads an export in one transaction: all of it, or — on the first bad line — nothing."""
    db.begin_write(session)
    if not merge and not is_empty(session):
        raise NotEmpty("The database holds content already: import into an empty one, or merge.")
    counts: Counter[str] = Counter()
    ids: dict[str, dict[int, int]] = {kind: {} for kind, _, _ in CONTENT}
    ids["owner"] = {}  # comparison id → the id its owner article had in the file
    try:
        numbered = iter(enumerate(lines, start=1))
        header_line = next(numbered, None)
        if header_line is None:
            raise ImportFailed(source, 1, "the file is empty")
        header = _parse(source, *header_line)
        if header.get("format") != FORMAT or header.get("version") != VERSION:
            raise ImportFailed(source, 1, f"not a {FORMAT} file of version {VERSION}")
        imported: list[tuple[str, Any]] = []
        for number, line in numbered:
            if not line.strip():
                continue
            record = _parse(source, number, line)
            kind = record.pop("type", None)
            try:
                done = _load(session, kind, record, ids, merge=merge)
            except (ValidationError, KeyError, TypeError, ValueError) as exc:
                raise ImportFailed(source, number, reason(exc)) from exc
            except FolioError as exc:
                raise ImportFailed(source, number, exc.detail) from exc
            if done is not None:
                imported.append(done)
                counts[done[0]] += 1
        for comparison_id, owner in ids.pop("owner").items():
            comparison = session.get(Comparison, comparison_id)
            assert comparison is not None
            comparison.owner_article_id = _map(ids["article"], owner)
        session.flush()
        _advance_sequences(session)
        for collection, row in imported:
            search_index.refresh(session, collection, row)
            events.record(
                session, collection, row, "published" if events.is_visible(row) else "created"
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return dict(counts)


def _parse(source: str, number: int, line: str) -> dict[str, Any]:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise ImportFailed(source, number, f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ImportFailed(source, number, "each line is a JSON object")
    return data


def reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    if isinstance(exc, KeyError):
        return f"missing field {exc}"
    return str(exc)


def _row(model: type[SQLModel], record: dict[str, Any]) -> Any:
    fields = set(model.model_fields)
    unknown = set(record) - fields
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}")
    return model.model_validate(record)


def _load(
    session: Session,
    kind: Any,
    record: dict[str, Any],
    ids: dict[str, dict[int, int]],
    *,
    merge: bool,
) -> tuple[str, Any] | None:
    """Writes one record; returns (collection, row) for content, None for history."""
    if kind == "revision":
        if not merge:
            session.add(_row(Revision, record))
        return None
    if kind == "slug_redirect":
        if not merge:
            session.add(_row(SlugRedirect, record))
        return None
    found = next(((m, c) for k, m, c in CONTENT if k == kind), None)
    if found is None:
        raise ValueError(f"unknown type {kind!r}")
    model, collection = found
    extra: dict[str, Any] = {
        name: record.pop(name)
        for name in ("subjects", "rows", "tag_ids", "role_ids", "comparison_ids")
        if name in record
    }
    # Comparisons come before the articles that own them: their owner is set once those are.
    owner = record.pop("owner_article_id", None) if kind == "comparison" else None
    old_id = record["id"]
    row: Any
    if merge:
        _remap(kind, record, ids)
        existing: Any = session.exec(
            select(model).where(model.slug == record["slug"])  # type: ignore[attr-defined]
        ).first()
        record["id"] = existing.id if existing is not None else None
        row = _row(model, record)
        row = session.merge(row) if existing is not None else row
    else:
        row = _row(model, record)
    session.add(row)
    session.flush()
    ids[kind][old_id] = row.id
    if kind == "comparison":
        _load_comparison(session, row, extra, ids, merge=merge)
        if owner is not None:
            ids["owner"][row.id] = owner
    elif kind == "article":
        _load_article_links(session, row, extra, ids)
    return collection, row


def _map(ids: dict[int, int], value: int) -> int:
    return ids.get(value, value)


def _remap(kind: str, record: dict[str, Any], ids: dict[str, dict[int, int]]) -> None:
    if kind != "article":
        return
    if record.get("author_id") is not None:
        record["author_id"] = _map(ids["author"], record["author_id"])
    body = []
    for block in record.get("body", []):
        block = dict(block)
        if block.get("type") == "comparison":
            block["comparison_id"] = _map(ids["comparison"], block["comparison_id"])
        elif block.get("type") == "role_definitions":
            block["items"] = [
                {**i, "role_id": _map(ids["role"], i["role_id"])} for i in block["items"]
            ]
        elif block.get("type") == "links":
            block["links"] = [
                {
                    **link,
                    **(
                        {"role_id": _map(ids["role"], link["role_id"])}
                        if link.get("role_id")
                        else {}
                    ),
                    **(
                        {"article_id": _map(ids["article"], link["article_id"])}
                        if link.get("article_id")
                        else {}
                    ),
                }
                for link in block["links"]
            ]
        elif block.get("type") == "related":
            block["article_ids"] = [_map(ids["article"], i) for i in block["article_ids"]]
        body.append(block)
    record["body"] = body


def _load_comparison(
    session: Session,
    comparison: Comparison,
    extra: dict[str, Any],
    ids: dict[str, dict[int, int]],
    *,
    merge: bool,
) -> None:
    comparison_id = comparison.id
    assert comparison_id is not None
    for table in (ComparisonCell, ComparisonRow, ComparisonSubject):
        session.execute(delete(table).where(col(table.comparison_id) == comparison_id))
    for position, role_id in enumerate(extra.get("subjects", [])):
        session.add(
            ComparisonSubject(
                comparison_id=comparison_id, role_id=_map(ids["role"], role_id), position=position
            )
        )
    session.flush()
    for row_data in extra.get("rows", []):
        row = ComparisonRow(
            id=None if merge else row_data["id"],
            comparison_id=comparison_id,
            position=row_data["position"],
            dimension=row_data["dimension"],
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        for cell in row_data["cells"]:
            session.add(
                ComparisonCell(
                    row_id=row.id,
                    role_id=_map(ids["role"], cell["role_id"]),
                    comparison_id=comparison_id,
                    text=cell["text"],
                    note=cell.get("note"),
                    source_url=cell.get("source_url"),
                )
            )
    session.flush()


def _load_article_links(
    session: Session, article: Article, extra: dict[str, Any], ids: dict[str, dict[int, int]]
) -> None:
    article_id = article.id
    assert article_id is not None
    for table, column, kind, name in (
        (ArticleTag, "tag_id", "tag", "tag_ids"),
        (ArticleRole, "role_id", "role", "role_ids"),
        (ArticleComparison, "comparison_id", "comparison", "comparison_ids"),
    ):
        session.execute(delete(table).where(col(table.article_id) == article_id))
        for position, value in enumerate(extra.get(name, [])):
            session.add(
                table(article_id=article_id, position=position, **{column: _map(ids[kind], value)})
            )
    session.flush()


def _advance_sequences(session: Session) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move: move them past
    the largest id, so the next row created gets a fresh one. SQLite needs nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("author", "tag", "role", "comparison", "comparison_row", "article", "revision"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        )


# --- Markdown with YAML front matter ---------------------------------------------------------
