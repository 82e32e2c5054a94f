"""At scale: 100,000 articles (with roles, comparisons and tags). 5,000 of them are walked by
cursor while another thread inserts among them, each seen exactly once and in order; every
filter of the list, alone and combined, stays on indexes (EXPLAIN)."""

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, insert, text
from sqlmodel import Session, col, select

from api.articles.models import Article, ArticleComparison, ArticleRole, ArticleTag
from api.comparisons.models import Comparison
from api.core.config import get_settings
from api.core.db import make_engine
from api.core.workflow import Status
from api.labels.models import Author, Tag
from api.main import create_app
from api.roles.models import Role
from api.seed import load_seeds
from tests.conftest import SEED, Database, _new_database, migrate, settings_for

ARTICLES = 100_000
WALKED = 5_000  # the oldest ones, walked by cursor
START = datetime(2020, 1, 1, tzinfo=UTC)
WALK_END = START + timedelta(hours=WALKED)


def _articles(first: int, count: int, *, every: timedelta, author_id: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "slug": f"scale-{n}",
            "title": f"Scale article {n}",
            "kicker": "",
            "category": ("Guide", "Comparison", "Note")[n % 3],
            "reading_time_minutes": n % 15 + 1,
            "summary": "",
            "body": [],
            "status": Status.published,
            "published_at": START + every * n,
            "author_id": author_id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n in range(first, first + count)
    ]


def _bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Inserts ``rows``: with COPY on PostgreSQL (ten times faster than INSERTs for 100,000
    rows), in one executemany of the table's INSERT on SQLite (the ORM's bulk insert looks at
    each row again: twice the time)."""
    if session.get_bind().dialect.name != "postgresql":
        session.connection().execute(insert(model.__table__), rows)
        return
    columns = list(rows[0])
    raw: Any = session.connection().connection.dbapi_connection
    names = ", ".join(columns)
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {model.__tablename__} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [json.dumps(v) if isinstance(v, list | dict) else v for v in row.values()]
            )


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[int]]]:
    """A database of its own with 100,000 generated articles (bulk inserted: a test of paging,
    not of the write path), linked to roles, comparisons and tags."""
    url, drop = _new_database(tmp_path_factory.mktemp("scale"))
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(drop)
        migrate(url)
        # A bulk load, as `folio import` makes one: no bound on a statement (the COPY of
        # 100,000 rows checks each one's references, seconds on a busy machine).
        engine = make_engine(url, bounds=replace(get_settings().db_bounds(), statement=None))
        cleanup.callback(engine.dispose)
        yield Database(url, engine), _load(engine)


def _load(engine: Engine) -> list[int]:
    """The generated articles and their links; the ids the walk goes over."""
    with Session(engine) as session:
        load_seeds(session, SEED.parent)
        author = session.exec(select(Author)).one()
        tag = Tag(slug="scale", name="Scale")
        session.add(tag)
        session.flush()
        roles = session.exec(select(Role.id)).all()
        comparison = session.exec(select(Comparison.id)).one()
        assert author.id is not None
        assert tag.id is not None
        _bulk(
            session, Article, _articles(0, ARTICLES, every=timedelta(hours=1), author_id=author.id)
        )
        ids = [
            i
            for i in session.exec(select(Article.id).where(col(Article.slug).startswith("scale-")))
            if i is not None
        ]
        _bulk(
            session,
            ArticleRole,
            [{"article_id": i, "role_id": roles[i % 2], "position": 0} for i in ids],
        )
        _bulk(
            session,
            ArticleComparison,
            [{"article_id": i, "comparison_id": comparison, "position": 0} for i in ids[::10]],
        )
        _bulk(
            session,
            ArticleTag,
            [{"article_id": i, "tag_id": tag.id, "position": 0} for i in ids[::7]],
        )
        session.commit()
        if engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
        walked = select(Article.id).where(col(Article.published_at) < WALK_END)
        return [i for i in session.exec(walked) if i is not None]


def test_walking_every_article_by_cursor_while_another_thread_inserts(
    big: tuple[Database, list[int]],
) -> None:
    database, every_id = big
    stop = threading.Event()
    inserted: list[int] = []

    def writer() -> None:
        # New articles land everywhere in the order: before, inside and after the walk.
        with Session(database.engine) as session:
            author_id = session.exec(select(Author.id)).first()
            assert author_id is not None
            batch = 0
            while not stop.is_set() and batch < 40:
                rows = _articles(ARTICLES + batch * 5, 5, every=timedelta(0), author_id=author_id)
                for n, row in enumerate(rows):
                    row["slug"] = f"late-{row['slug']}"
                    # Anywhere in the walked range: ahead of the cursor and behind it.
                    minutes = (batch * 5 + n) * 7919 % (WALKED * 60)
                    row["published_at"] = START + timedelta(minutes=minutes)
                session.execute(insert(Article), rows)
                session.commit()
                inserted.extend(range(5))
                batch += 1
                stop.wait(0.02)

    client = TestClient(create_app(settings_for(database.url), engine=database.engine))
    thread = threading.Thread(target=writer)
    thread.start()
    seen: list[tuple[str, int]] = []
    url: str | None = f"/v1/articles?limit=100&published_before={WALK_END:%Y-%m-%dT%H:%M:%SZ}"
    pages = 0
    try:
        while url and pages < 1_000:
            page = client.get(url).json()
            seen.extend((a["published_at"], a["id"]) for a in page["data"])
            url = page["links"]["next"]
            pages += 1
    finally:
        stop.set()
        thread.join(timeout=30)
    assert inserted, "the writer never ran alongside the walk"
    ids = [i for _, i in seen]
    assert len(ids) == len(set(ids)), "an article was returned twice"
    assert set(every_id) <= set(ids), "an article that existed all along was skipped"
    assert seen == sorted(seen, reverse=True)


LIST_QUERIES = [
    "/v1/articles",
    "/v1/articles?author=kyle-rasmussen",
    "/v1/articles?tag=scale",
    "/v1/articles?role=fractional-caio",
    "/v1/articles?comparison=ai-operating-partner-vs-fractional-caio",
    "/v1/articles?category=Guide",
    "/v1/articles?published_after=2020-06-01T00:00:00Z&published_before=2020-07-01T00:00:00Z",
    "/v1/articles?sort=-updated_at",
    "/v1/articles?sort=title",
    "/v1/articles?updated_since=2020-01-01T00:00:00Z&sort=updated_at",
    # Several values, negations, ranges, and combinations of them.
    "/v1/articles?tag=scale,none-such&role=ai-operating-partner,fractional-caio",
    "/v1/articles?not_tag=scale",
    "/v1/articles?not_role=fractional-caio&not_comparison=ai-operating-partner-vs-fractional-caio",
    "/v1/articles?not_author=kyle-rasmussen",
    "/v1/articles?category=Guide,Note&not_category=Comparison",
    "/v1/articles?has_cover=false",
    "/v1/articles?has_cover=true",  # none has one
    "/v1/articles?reading_time_minutes_min=2&reading_time_minutes_max=9",
    "/v1/articles?reading_time_minutes_min=15",  # one in fifteen
    "/v1/articles?created_after=2020-01-01T00:00:00Z&created_before=2999-01-01T00:00:00Z",
    "/v1/articles?author=kyle-rasmussen&tag=scale&role=fractional-caio"
    "&published_after=2020-03-01T00:00:00Z&sort=-published_at",
    "/v1/articles?not_tag=scale&category=Note&has_cover=false&sort=title",
    "/v1/articles?comparison=ai-operating-partner-vs-fractional-caio&sort=-updated_at"
    "&updated_before=2999-01-01T00:00:00Z",
]


@pytest.mark.parametrize("url", LIST_QUERIES)
def test_list_queries_never_scan_the_whole_article_table(
    big: tuple[Database, list[int]], url: str
) -> None:
    database, _ = big
    client = TestClient(create_app(settings_for(database.url), engine=database.engine))
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if "FROM article" in statement and "ORDER BY" in statement:
            captured.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    statement, parameters = captured[0]
    with database.engine.connect() as connection:
        if database.engine.dialect.name == "postgresql":
            plan = "\n".join(
                row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            )
            assert "Seq Scan on article " not in plan + " ", plan
        else:
            plan = "\n".join(
                str(row[-1])
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            scans = [line for line in plan.splitlines() if line.strip().startswith("SCAN article")]
            assert all("USING" in line for line in scans), plan
