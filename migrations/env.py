"""Alembic environment: the URL comes from Folio's settings (or a connection handed in)."""

from dataclasses import replace
from typing import Any

from alembic import context
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, DateTime

from api import models
from api.core.columns import UTCDateTime
from api.core.config import get_settings
from api.core.db import make_engine
from api.search.models import in_migrations

config = context.config
target_metadata = models.metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Revisions must not import Folio's code: render its column types as plain SQLAlchemy ones.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and type(obj).__module__.startswith("sqlmodel"):
        return "sa." + repr(obj.impl if hasattr(obj, "impl") else obj).replace(
            "AutoString", "String"
        )
    return False


def _compare_type(
    ctx: MigrationContext, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    if isinstance(metadata_type, UTCDateTime) and isinstance(inspected_type, DateTime):
        return False
    return None


def _drop_empty(context_: Any, revision: Any, directives: list[MigrationScript]) -> None:
    # Only for `alembic revision --autogenerate`: `alembic check` needs the (empty) script.
    if not getattr(config.cmd_opts, "autogenerate", False):
        return
    script = directives[0]
    if script.upgrade_ops is not None and script.upgrade_ops.is_empty():
        directives[:] = []


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=_compare_type,
        render_item=_render_item,
        process_revision_directives=_drop_empty,
        include_object=in_migrations,
    )


def _migrate(connection: Connection) -> None:
    """Runs the migrations on ``connection``. On SQLite, with foreign keys off, as SQLite's
    own procedure for schema changes has it: with them on, dropping a table deletes its rows
    first (a downgrade fails on a table others still refer to; batch mode, which copies a
    table to change it, would cascade deletes into the rows that refer to it). What the
    migrations leave is checked whole before it is committed."""
    sqlite = connection.dialect.name == "sqlite"
    raw = connection.connection.driver_connection if sqlite else None
    if raw is not None:
        raw.execute("PRAGMA foreign_keys=OFF")  # before BEGIN: inside a transaction, a no-op
    try:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
            if raw is not None:
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke references: {broken[:10]}")
    finally:
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    # DDL on a large table may take its time: no statement bound (a connection's still is).
    engine = make_engine(
        get_settings().database_url,
        bounds=replace(get_settings().db_bounds(), statement=None),
    )
    with engine.connect() as connection:
        _migrate(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit(
        "Folio runs migrations online only: set DATABASE_URL and run `folio db upgrade`"
    )
run_migrations_online()
