"""Makes the PostgreSQL database the suite runs on ready: ``python -m tests.prepare_database URL``.

Creates the database when the server answers but does not have it, and says in one line what
is wrong (and how to fix it) when the server does not answer, instead of a traceback.
"""

import contextlib
import os
import sys
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import make_url


def prepare(url: str) -> str | None:
    """None when the database at ``url`` is ready; else what is wrong."""
    target = make_url(url)
    conninfo = target.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        psycopg.connect(conninfo, connect_timeout=5).close()
        _drop_leftovers(target)
        return None
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            host = f"{target.host or 'localhost'}:{target.port or 5432}"
            return (
                f"PostgreSQL is not reachable at {host} ({_last_line(exc)}):"
                " start it (pg_ctlcluster --skip-systemctl-redirect 15 main start)"
                " or set PG_TEST_URL"
            )
    if not target.database:
        return f"{url} names no database"
    maintenance = target.set(drivername="postgresql", database="postgres")
    try:
        with psycopg.connect(
            maintenance.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.database)))
    except psycopg.Error as exc:
        return f"cannot create the database {target.database!r}: {str(exc).strip()}"
    print(f"created the database {target.database!r}")
    return None


def _drop_leftovers(target: Any) -> None:
    """Databases the suite copied or made as templates, left by a run that was killed: those
    whose run (the pid in their name) is gone are dropped."""
    maintenance = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(
        maintenance.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
    ) as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'folio\\_test\\_%'"
            " OR datname LIKE 'folio\\_template\\_%'"
        ).fetchall()
        for (name,) in names:
            pid = name.split("_")[2]
            if pid.isdigit() and _running(int(pid)):
                continue
            with contextlib.suppress(psycopg.Error):  # in use after all
                conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _last_line(exc: Exception) -> str:
    return str(exc).strip().split("\n")[-1].strip()


if __name__ == "__main__":
    problem = prepare(sys.argv[1])
    if problem is not None:
        sys.exit(f"!! {problem}")
