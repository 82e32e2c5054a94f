"""Moving content between installs: NDJSON import (the export is ``api.transfer.export``;
Markdown files with YAML front matter, ``api.transfer.markdown``).

An export is a header line, then one JSON object per line: authors, tags, assets, roles,
comparisons (with subjects, rows and cells), articles (with their tags, roles, comparisons and
assets), translations, revisions and old slugs, each in id order, every column as stored.
Importing it into an empty database keeps every id, so exporting again gives the same file.
``merge`` instead upserts content by slug (assets by SHA-256) into a database that has some,
and maps the ids the content refers to.

An asset's record names its bytes by SHA-256; an archive (a tar, or a directory) holds the
NDJSON as ``content.ndjson`` and the bytes as ``assets/<sha256>``. Importing an asset whose
bytes are neither in the archive nor in the media store is refused.
"""

import hashlib
import re
import tarfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import orjson
from pydantic import ValidationError
from sqlalchemy import delete, func, text
from sqlmodel import Session, SQLModel, col, select

from api.articles.models import Article, ArticleComparison, ArticleRole, ArticleTag
from api.assets.models import ArticleAsset, Asset
from api.assets.storage import Storage, make_storage
from api.comparisons.models import Comparison, ComparisonCell, ComparisonRow, ComparisonSubject
from api.core import db, kinds
from api.core.config import get_settings
from api.core.errors import FolioError, ImportFailed, NotEmpty
from api.events import service as events
from api.history.models import Revision, SlugRedirect
from api.models import TABLES
from api.search import index as search_index
from api.translations import service as translations
from api.translations.models import Translation
from api.web.http import json_fault

FORMAT = "folio-export"


VERSION = 1


CONTENT_FILE = "content.ndjson"  # in an archive, beside assets/<sha256>


Blobs = Callable[[str], bytes | None]  # an archive's bytes by SHA-256


_SHA256 = re.compile(r"[0-9a-f]{64}")


# What an export holds, each after what it refers to: the labels, media, then the kinds with
# a workflow (a comparison's subjects are roles; an article refers to all of them).
CONTENT: list[tuple[str, type[SQLModel], str]] = [
    *((k.name, TABLES[k.collection], k.collection) for k in kinds.LABELS),
    ("asset", Asset, "assets"),
    *((k.name, TABLES[k.collection], k.collection) for k in kinds.referred_first(kinds.WORKFLOW)),
]


def import_archive(
    session: Session,
    archive: IO[bytes],
    *,
    merge: bool,
    source: str = "import",
    storage: Storage | None = None,
) -> dict[str, int]:
    """Loads a tar made by ``export_archive`` (gzipped or not). Only the two kinds of member
    it names are read, by name, into memory: nothing is extracted to a path the tar chooses."""
    settings = get_settings()
    try:
        tar = tarfile.open(fileobj=archive, mode="r:*")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ImportFailed(source, 1, f"not a tar archive: {exc}") from exc
    with tar:
        try:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ImportFailed(source, 1, f"a damaged tar archive: {exc}") from exc
        content = members.get(CONTENT_FILE)
        if content is None:
            raise ImportFailed(source, 1, f"the archive holds no {CONTENT_FILE}")
        if content.size > settings.max_import_bytes:
            raise ImportFailed(source, 1, f"{CONTENT_FILE} is larger than the largest import")

        def blobs(sha: str) -> bytes | None:
            member = members.get(f"assets/{sha}")
            if member is None:
                return None
            if member.size > settings.max_asset_bytes:
                raise ValueError(f"assets/{sha} is larger than the largest asset")
            handle = tar.extractfile(member)
            return handle.read() if handle is not None else None

        handle = tar.extractfile(content)
        assert handle is not None  # a file member
        lines = handle.read().decode("utf-8", errors="replace").splitlines()
        return import_lines(
            session,
            lines,
            merge=merge,
            source=f"{source}:{CONTENT_FILE}",
            blobs=blobs,
            storage=storage,
        )


def import_directory(
    session: Session, directory: Path, *, merge: bool, storage: Storage | None = None
) -> dict[str, int]:
    """Loads a directory made by ``export_directory``."""
    content = directory / CONTENT_FILE
    if not content.is_file():
        raise ImportFailed(directory.name, 1, f"the directory holds no {CONTENT_FILE}")

    def blobs(sha: str) -> bytes | None:  # sha is checked: 64 hexadecimal digits, no path
        path = directory / "assets" / sha
        return path.read_bytes() if path.is_file() else None

    with content.open(encoding="utf-8") as handle:
        return import_lines(
            session,
            handle,
            merge=merge,
            source=f"{directory.name}/{CONTENT_FILE}",
            blobs=blobs,
            storage=storage,
        )


def is_empty(session: Session) -> bool:
    return all(
        session.exec(select(func.count()).select_from(model)).one() == 0 for _, model, _ in CONTENT
    )


def import_lines(
    session: Session,
    lines: Iterable[str],
    *,
    merge: bool,
    source: str = "import",
    blobs: Blobs = lambda _sha: None,
    storage: Storage | None = None,
) -> dict[str, int]:
    """Loads an export in one transaction: all of it, or — on the first bad line — nothing.
    ``blobs`` gives the bytes of its assets (from an archive); they go to ``storage``."""
    store = storage if storage is not None else make_storage(get_settings())
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
        translated: list[Translation] = []
        for number, line in numbered:
            if not line.strip():
                continue
            record = _parse(source, number, line)
            kind = record.pop("type", None)
            done: tuple[str, Any] | None
            try:
                if kind == "asset":
                    done = _load_asset(session, record, ids, merge=merge, blobs=blobs, store=store)
                elif kind == "translation":
                    translated.append(_load_translation(session, record, ids, merge=merge))
                    done = ("translations", None)
                else:
                    done = _load(session, kind, record, ids, merge=merge)
            except (ValidationError, KeyError, TypeError, ValueError) as exc:
                raise ImportFailed(source, number, reason(exc)) from exc
            except FolioError as exc:
                raise ImportFailed(source, number, exc.detail) from exc
            if done is not None:
                counts[done[0]] += 1
                if done[0] not in ("assets", "translations"):  # those: below, or never
                    imported.append(done)
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
        for translation in translated:
            translations.imported(session, translation)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return dict(counts)


def _parse(source: str, number: int, line: str) -> dict[str, Any]:
    # Whatever the file came in (a body, an archive, a file on disk), the same rules as for
    # every JSON body: no NUL (no PostgreSQL text holds one), no key twice in an object.
    if "\\u0000" in line or "\x00" in line:
        raise ImportFailed(source, number, "text cannot contain the NUL character")
    fault = json_fault(line.encode())
    if fault is not None:
        raise ImportFailed(source, number, fault[0])
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:  # what Python's parser takes and JSON does not: NaN
        raise ImportFailed(source, number, f"not valid JSON: {exc}") from exc
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
        for name in ("subjects", "rows", "tag_ids", "role_ids", "comparison_ids", "asset_ids")
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


def _load_translation(
    session: Session, record: dict[str, Any], ids: dict[str, dict[int, int]], *, merge: bool
) -> Translation:
    """A translation, after the resource it translates; merged: onto that resource's
    translation into its locale, if it has one (its ids in this database's numbering)."""
    translated = kinds.names(kinds.TRANSLATABLE)
    if record.get("resource_type") not in translated:
        raise ValueError(f"resource_type: not one of {', '.join(translated)}")
    translations.translation_locale(str(record.get("locale", "")))
    if merge:
        kind = record["resource_type"]
        record["resource_id"] = _map(ids.get(kind, {}), record["resource_id"])
        if kind == "article":
            record["content"] = _remap_body(record.get("content", {}), ids)
        existing = session.exec(
            select(Translation).where(
                Translation.resource_type == kind,
                Translation.resource_id == record["resource_id"],
                Translation.locale == record["locale"],
            )
        ).first()
        record["id"] = existing.id if existing is not None else None
        row: Translation = _row(Translation, record)
        row = session.merge(row) if existing is not None else row
    else:
        row = _row(Translation, record)
    if session.get(TABLES[kinds.by_name(row.resource_type).collection], row.resource_id) is None:
        raise ValueError(f"no {row.resource_type} {row.resource_id} to translate")
    session.add(row)
    session.flush()
    return row


def _map(ids: dict[int, int], value: int) -> int:
    return ids.get(value, value)


# The fields of a body that hold the id of a role, an article, a comparison or an asset.
_BODY_IDS = {
    "role_id": "role",
    "article_id": "article",
    "comparison_id": "comparison",
    "asset_id": "asset",
}


def _remap(kind: str, record: dict[str, Any], ids: dict[str, dict[int, int]]) -> None:
    if record.get("cover_asset_id") is not None:
        record["cover_asset_id"] = _map(ids["asset"], record["cover_asset_id"])
    if kind != "article":
        return
    if record.get("author_id") is not None:
        record["author_id"] = _map(ids["author"], record["author_id"])
    record["body"] = _remap_body(record.get("body", []), ids)


def _remap_body(node: Any, ids: dict[str, dict[int, int]]) -> Any:
    """A body (any node of it) with the ids it refers to mapped to this database's."""
    if isinstance(node, list):
        return [_remap_body(child, ids) for child in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for name, value in node.items():
        if name in _BODY_IDS and isinstance(value, int):
            out[name] = _map(ids[_BODY_IDS[name]], value)
        elif name == "article_ids" and isinstance(value, list):
            out[name] = [_map(ids["article"], i) for i in value]
        else:
            out[name] = _remap_body(value, ids)
    return out


def _load_asset(
    session: Session,
    record: dict[str, Any],
    ids: dict[str, dict[int, int]],
    *,
    merge: bool,
    blobs: Blobs,
    store: Storage,
) -> tuple[str, Any]:
    """An asset's row, and its bytes: from the archive (checked against the SHA-256), or
    already in the media store. With ``merge``, an asset of the same bytes is that asset."""
    old_id = int(record["id"])
    asset = _row(Asset, record)
    if not _SHA256.fullmatch(asset.sha256):
        raise ValueError("sha256: 64 lowercase hexadecimal digits")
    data = blobs(asset.sha256)
    if data is not None:
        if hashlib.sha256(data).hexdigest() != asset.sha256:
            raise ValueError(f"the bytes of asset {old_id} do not match its sha256")
        store.put(session, asset.sha256, data)
    elif not store.has(session, asset.sha256):
        raise ValueError(
            f"the bytes of asset {old_id} ({asset.sha256}) are neither in the import nor in "
            "the media store: import an archive (folio export --out FILE.tar)"
        )
    if merge:
        existing = session.exec(select(Asset).where(Asset.sha256 == asset.sha256)).first()
        if existing is not None and existing.id is not None:
            ids["asset"][old_id] = existing.id
            return "assets", existing
        asset.id = None
    session.add(asset)
    session.flush()
    ids["asset"][old_id] = asset.id
    return "assets", asset


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
    session.execute(delete(ArticleAsset).where(col(ArticleAsset.article_id) == article_id))
    for asset_id in dict.fromkeys(_map(ids["asset"], i) for i in extra.get("asset_ids", [])):
        session.add(ArticleAsset(article_id=article_id, asset_id=asset_id))
    session.flush()


def _advance_sequences(session: Session) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move: move them past
    the largest id, so the next row created gets a fresh one. SQLite needs nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    tables = (
        "author", "tag", "asset", "role", "comparison", "comparison_row", "article", "translation"
    )  # fmt: skip
    for table in (*tables, "revision"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        )
