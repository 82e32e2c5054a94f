"""Migrations: up, down and up again on an empty database, in agreement with the models."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from api import models
from api.cli import alembic_config
from api.core.config import get_settings
from api.core.db import make_engine
from api.search.models import in_migrations
from tests.conftest import _new_database

TABLES = {
    "api_key",
    "article",
    "article_tag",
    "article_comparison",
    "article_role",
    "author",
    "comparison",
    "comparison_cell",
    "comparison_row",
    "comparison_subject",
    "event",
    "idempotency_record",
    "revision",
    "role",
    "search_document",
    "slug_redirect",
    "tag",
    "webhook",
    "webhook_attempt",
    "webhook_delivery",
}


@pytest.fixture
def empty_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url, drop = _new_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    drop()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        # SQLite's FTS5 index is a virtual table with shadow tables of its own.
        return {name for name in names if not name.startswith("search_fts")}
    finally:
        engine.dispose()


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": in_migrations,
                },
            )
            return list(compare_metadata(context, models.metadata))
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(empty_url: str) -> None:
    config = alembic_config()
    command.upgrade(config, "head")
    assert _tables(empty_url) == TABLES
    command.downgrade(config, "base")
    assert _tables(empty_url) == set()
    command.upgrade(config, "head")
    assert _tables(empty_url) == TABLES


def test_models_and_migrations_agree(empty_url: str) -> None:
    command.upgrade(alembic_config(), "head")
    assert _diff(empty_url) == []
    command.check(alembic_config())  # raises when autogenerate would write a revision


def test_database_url_is_read_from_the_environment(empty_url: str) -> None:
    assert os.environ["DATABASE_URL"] == empty_url == get_settings().database_url
