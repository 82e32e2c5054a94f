"""Where asset bytes live, behind one small interface: a local directory
(``FOLIO_MEDIA_DIR``, the default), or the database (``FOLIO_MEDIA_STORAGE=database``), so that
several API nodes share assets with nothing but PostgreSQL.

Names are made by Folio (a SHA-256, then a rendition's parameters), never by a client.
"""

import os
import tempfile
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from api.assets.models import AssetBlob
from api.core.config import Settings


class Storage(Protocol):
    """Each call takes the session of the request: the database backend writes in its
    transaction (committed with the asset row); the local one writes files at once."""

    def put(self, session: Session, name: str, data: bytes) -> None:
        """Keeps ``data`` under ``name`` (writing the same name twice keeps one)."""

    def get(self, session: Session, name: str) -> bytes | None:
        """The bytes kept under ``name``, or None."""

    def has(self, session: Session, name: str) -> bool:
        """Whether bytes are kept under ``name`` (without reading them)."""

    def forget(self, session: Session, prefix: str) -> None:
        """Drops every name that starts with ``prefix``."""


class LocalStorage:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str) -> Path:
        return self.directory / name[:2] / name

    def put(self, session: Session, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            return
        # Written aside and moved into place: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)

    def get(self, session: Session, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None

    def has(self, session: Session, name: str) -> bool:
        return self._path(name).is_file()

    def forget(self, session: Session, prefix: str) -> None:
        folder = self.directory / prefix[:2]
        if folder.is_dir():
            for path in folder.glob(f"{prefix}*"):
                path.unlink(missing_ok=True)


class DatabaseStorage:
    def put(self, session: Session, name: str, data: bytes) -> None:
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(insert(AssetBlob).values(name=name, data=data).on_conflict_do_nothing())

    def get(self, session: Session, name: str) -> bytes | None:
        return session.exec(select(AssetBlob.data).where(AssetBlob.name == name)).first()

    def has(self, session: Session, name: str) -> bool:
        found = session.exec(select(AssetBlob.name).where(AssetBlob.name == name)).first()
        return found is not None

    def forget(self, session: Session, prefix: str) -> None:
        session.execute(delete(AssetBlob).where(col(AssetBlob.name).startswith(prefix)))


def make_storage(settings: Settings) -> Storage:
    if settings.media_storage == "database":
        return DatabaseStorage()
    return LocalStorage(settings.media_dir)
