"""Exporting everything: one JSON line per record (NDJSON), each after what it refers to, as a
file, an archive with the assets' bytes, or a directory (``folio export``)."""

import io
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson
from sqlmodel import Session, SQLModel, col, select

from api.articles.models import Article, ArticleComparison, ArticleRole, ArticleTag
from api.assets.models import ArticleAsset, Asset
from api.assets.storage import Storage
from api.comparisons.models import Comparison, ComparisonCell, ComparisonRow, ComparisonSubject
from api.core.errors import FolioError
from api.history.models import Revision, SlugRedirect
from api.transfer.service import CONTENT, CONTENT_FILE, FORMAT, VERSION
from api.translations.models import Translation


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
    for translation in session.exec(select(Translation).order_by(col(Translation.id))):
        yield _dumps({"type": "translation", **_columns(translation)})
    for revision in session.exec(select(Revision).order_by(col(Revision.id))):
        yield _dumps({"type": "revision", **_columns(revision)})
    for redirect in session.exec(
        select(SlugRedirect).order_by(col(SlugRedirect.resource_type), col(SlugRedirect.slug))
    ):
        yield _dumps({"type": "slug_redirect", **_columns(redirect)})


def export_archive(session: Session, storage: Storage, out: IO[bytes]) -> None:
    """The export as a tar: ``content.ndjson``, then ``assets/<sha256>`` for every asset, in
    id order, with fixed times and owners: the same content always gives the same bytes."""
    with tempfile.TemporaryFile() as ndjson:
        for line in export_lines(session):
            ndjson.write(line.encode() + b"\n")
        size = ndjson.tell()
        ndjson.seek(0)
        with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            tar.addfile(_member(CONTENT_FILE, size), ndjson)
            for sha, data in _asset_bytes(session, storage):
                tar.addfile(_member(f"assets/{sha}", len(data)), io.BytesIO(data))


def export_directory(session: Session, storage: Storage, directory: Path) -> None:
    """The export as a directory: ``content.ndjson`` and ``assets/<sha256>``."""
    (directory / "assets").mkdir(parents=True, exist_ok=True)
    with (directory / CONTENT_FILE).open("w", encoding="utf-8") as handle:
        for line in export_lines(session):
            handle.write(line + "\n")
    for sha, data in _asset_bytes(session, storage):
        (directory / "assets" / sha).write_bytes(data)


def _asset_bytes(session: Session, storage: Storage) -> Iterator[tuple[str, bytes]]:
    for asset_id, sha in session.exec(select(Asset.id, Asset.sha256).order_by(col(Asset.id))):
        data = storage.get(session, sha)
        if data is None:
            raise FolioError(f"The bytes of asset {asset_id} are missing from the media store.")
        yield sha, data


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, 0
    return info


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

    assets = session.exec(
        select(ArticleAsset.asset_id)
        .where(ArticleAsset.article_id == article.id)
        .order_by(col(ArticleAsset.asset_id))
    )
    return {
        "tag_ids": linked(ArticleTag, ArticleTag.tag_id),
        "role_ids": linked(ArticleRole, ArticleRole.role_id),
        "comparison_ids": linked(ArticleComparison, ArticleComparison.comparison_id),
        "asset_ids": list(assets),
    }
