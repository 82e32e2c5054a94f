"""``make test`` gets its PostgreSQL database ready: created when missing, one clear line when
the server is down."""

import os
import uuid

import psycopg
from sqlalchemy import make_url

from tests.prepare_database import prepare

# The server ``make test`` uses (both suites run while it is up).
SERVER = os.environ.get("PG_TEST_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def test_a_missing_database_is_created() -> None:
    name = f"folio_prepare_{uuid.uuid4().hex[:10]}"
    url = make_url(SERVER).set(database=name)
    try:
        assert prepare(url.render_as_string(hide_password=False)) is None
        assert prepare(url.render_as_string(hide_password=False)) is None  # there now: as is
    finally:
        admin = make_url(SERVER).set(drivername="postgresql", database="postgres")
        with psycopg.connect(admin.render_as_string(False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_server_that_does_not_answer_is_one_line_with_the_fix() -> None:
    problem = prepare("postgresql+psycopg://postgres@127.0.0.1:1/test")
    assert problem is not None
    assert problem.startswith("PostgreSQL is not reachable at 127.0.0.1:1")
    assert "pg_ctlcluster" in problem
    assert "\n" not in problem
