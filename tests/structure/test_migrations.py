"""Migrations: up, down and up again on an empty database, in agreement with the models."""

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session

from api import models
from api.cli import alembic_config
from api.core import kinds
from api.core.config import get_settings
from api.core.db import make_engine
from api.main import create_app
from api.people.models import RecoveryCode, UserSession
from api.purge import service as purge
from api.search.models import in_migrations
from api.webhooks.worker import run_once
from tests.conftest import Configure, Database, Keys, _new_database, make_token
from tests.structure.test_kinds import body_of
from tests.system.test_statements import base

# Every table the models declare: what the migrations must make, no more and no less.
TABLES = set(models.metadata.tables)


@pytest.fixture
def empty_url(tmp_path: Path, configure: Configure) -> Iterator[str]:
    url, drop = _new_database(tmp_path)
    configure(DATABASE_URL=url)
    yield url
    drop()


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    """An engine on ``url`` for one look, thrown away after (no connection stays open)."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    with _engine(url) as engine:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    # SQLite's FTS5 index is a virtual table with shadow tables of its own.
    return {name for name in names if not name.startswith("search_fts")}


def _current(url: str) -> set[str]:
    with _engine(url) as engine, engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def _diff(url: str) -> list[object]:
    options = {"compare_type": True, "render_as_batch": True, "include_object": in_migrations}
    with _engine(url) as engine, engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, models.metadata))


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


OLD_BODY: list[dict[str, Any]] = [
    {"type": "heading", "text": "Scope", "level": 3},
    {"type": "paragraph", "text": "Plain words."},
    {"type": "list", "ordered": True, "items": ["one", "two"]},
    {"type": "links", "text": "See the role.", "links": [{"text": "the role", "role_id": 7}]},
    {"type": "callout", "title": "Rule", "text": "First.\n\nSecond."},
    {"type": "comparison", "comparison_id": 3},
    {"type": "related", "article_ids": [5]},
]


def _insert_article(url: str, body: list[dict[str, object]]) -> None:
    """An article row as the revision before Portable Text wrote it: every required column
    filled by its type, the body in the old blocks."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            values: dict[str, object] = {"body": json.dumps(body)}
            for column in inspect(connection).get_columns("article"):
                name, kind = column["name"], str(column["type"]).upper()
                if name in values or column["nullable"] or name == "id":
                    continue
                if "INT" in kind:
                    values[name] = 1
                elif "BOOL" in kind:
                    values[name] = False
                elif "DATE" in kind or "TIME" in kind:
                    values[name] = datetime(2026, 1, 1, tzinfo=UTC)
                elif "JSON" in kind:
                    values[name] = "[]"
                else:
                    values[name] = "published" if name == "status" else "old-article"
            names = ", ".join(values)
            marks = ", ".join(f":{name}" for name in values)
            connection.execute(text(f"INSERT INTO article ({names}) VALUES ({marks})"), values)
    finally:
        engine.dispose()


def _body(url: str) -> list[dict[str, object]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT body FROM article")).scalar_one()
    finally:
        engine.dispose()
    return found if isinstance(found, list) else json.loads(found)


def test_bodies_move_to_portable_text_and_back(empty_url: str) -> None:
    config = alembic_config()
    command.upgrade(config, "3c5e9a1f7b20")
    _insert_article(empty_url, OLD_BODY)
    command.upgrade(config, "de3cc4642dbc")
    body = _body(empty_url)
    assert [(b["_type"], b.get("style"), b.get("listItem")) for b in body] == [
        ("block", "h3", None),
        ("block", "normal", None),
        ("block", "normal", "number"),
        ("block", "normal", "number"),
        ("block", "normal", None),
        ("callout", None, None),
        ("comparison", None, None),
        ("related", None, None),
    ]
    link = body[4]
    assert link["markDefs"] == [{"_type": "link", "_key": "l1", "role_id": 7}]
    assert [(s["text"], s["marks"]) for s in link["children"]] == [  # type: ignore[attr-defined]
        ("See ", []),
        ("the role", ["l1"]),
        (".", []),
    ]
    assert len({b["_key"] for b in body}) == len(body)
    command.downgrade(config, "3c5e9a1f7b20")
    assert _body(empty_url) == OLD_BODY  # back as it was written


def test_down_to_base_and_up_again_with_rows_in_every_table(
    fresh_database: Database, configure: Configure
) -> None:
    """`folio db downgrade base` on a database in use: the seed and one of everything (a tag,
    an asset, translations, a webhook with a delivery, a preview link, a trashed article, an
    idempotent write, stored representations), then each migration down, up and down again
    from the newest (each upgrade meets the rows the downgrades left: a column added NOT NULL
    without a default fails here), then down to nothing and up again."""
    configure(
        DATABASE_URL=fresh_database.url,
        FOLIO_LOCALES="en,de",
        FOLIO_WEBHOOK_ALLOW_PRIVATE="true",
        FOLIO_MEDIA_STORAGE="database",
        FOLIO_PURGE_URLS='["http://127.0.0.1:9/"]',  # nobody listens
    )
    keys = Keys(**{s: make_token(fresh_database, s) for s in ("read", "write", "admin")})
    app = create_app(get_settings(), engine=fresh_database.engine)
    with Session(fresh_database.engine) as session:
        app.state.sessions = lambda: nullcontext(session)  # one writer: SQLite has one
        with TestClient(app) as client:
            person = base(client, session, keys)["user"]  # a person, their invitation
            write = keys.auth("write")
            published = client.post(
                "/v1/articles",
                json={"title": "Announced", "status": "published"},
                headers={**keys.auth("write"), "Idempotency-Key": "once"},
            )
            assert published.status_code == 201, published.text
            renamed = client.patch(
                "/v1/articles/announced",
                json={"slug": "announced-again"},
                headers=keys.auth("write"),
            )
            assert renamed.status_code == 200, renamed.text  # the old slug redirects
            for kind in kinds.KINDS:  # one more of each kind, every field written
                made = client.post(f"/v1/{kind.collection}", json=body_of(kind), headers=write)
                assert made.status_code == 201, made.text
            client.get("/v1/articles/1")  # stored representations
            client.get("/v1/articles")
            query = "{ article(id: 1) { title } }"  # a persisted GraphQL query
            sha256 = hashlib.sha256(query.encode()).hexdigest()
            extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
            kept = client.post("/graphql", json={"query": query, "extensions": extensions})
            assert kept.status_code == 200, kept.text
        session.commit()
    with Session(fresh_database.engine) as session:  # a session and a recovery code
        later = datetime.now(UTC) + timedelta(days=1)
        session.add(
            UserSession(user_id=person, token_hash="0" * 64, generation=1, expires_at=later)
        )
        session.add(RecoveryCode(user_id=person, code_hash="0" * 64))
        session.commit()
    run_once(fresh_database.engine)  # a delivery attempt (to a port nobody listens on)
    purge.run_once(fresh_database.engine)  # the purger's cursor
    with fresh_database.engine.connect() as connection:
        empty = sorted(
            table
            for table in TABLES
            if connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar() == 0
        )
    assert empty == []
    config = alembic_config()
    # Each migration upgrades a database that holds rows (those its downgrade left): one step
    # down, up again, and down, from the newest to the first.
    steps = list(ScriptDirectory.from_config(config).walk_revisions())
    for step in steps[:-1]:
        command.downgrade(config, "-1")
        command.upgrade(config, "+1")
        assert step.revision in _current(fresh_database.url)
        command.downgrade(config, "-1")
        with fresh_database.engine.connect() as connection:
            articles = connection.execute(text('SELECT count(*) FROM "article"')).scalar()
        assert articles, f"no article left below {step.revision}"
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert _tables(fresh_database.url) == set()
    command.upgrade(config, "head")
    assert _tables(fresh_database.url) == TABLES
