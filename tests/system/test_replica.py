"""A read replica (FOLIO_READ_DATABASE_URL): a real streaming replica, made with pg_basebackup
from a primary cluster of this test's own (PostgreSQL 15's programs, run as the postgres user).
The replica answers anonymous reads; a client never reads older content than it wrote; when
the replica is down, the primary answers.

The clusters are the test's own whatever DATABASE_URL says, so this runs alike in both suites:
replicas are PostgreSQL's (SQLite has none)."""

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest
from sqlmodel import Session

from api.core.db import make_engine
from api.seed import load_seeds
from tests.conftest import SEED, Database, free_port, make_token, migrate, running_server

BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class Replicated:
    primary: str
    replica: str
    folder: Path

    def stop_replica(self) -> None:
        _as_postgres("pg_ctl", "-D", str(self.folder / "replica"), "-m", "immediate", "stop")


def _as_postgres(program: str, *args: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(BIN / program), *args],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def replicated() -> Iterator[Replicated]:
    folder = Path(tempfile.mkdtemp(prefix="folio-replica-"))
    shutil.chown(folder, "postgres")
    primary, replica = folder / "primary", folder / "replica"
    ports = free_port(), free_port()
    _as_postgres("initdb", "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync")
    with (primary / "postgresql.conf").open("a") as settings:
        settings.write(f"port = {ports[0]}\nlisten_addresses = '127.0.0.1'\n")
        settings.write(f"unix_socket_directories = '{folder}'\nfsync = off\n")
    with (primary / "pg_hba.conf").open("a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")
    started = []
    try:
        _as_postgres("pg_ctl", "-D", str(primary), "-l", str(folder / "primary.log"), "-w", "start")
        started.append(primary)
        _as_postgres(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        conf = (replica / "postgresql.conf").read_text()
        # A replica a quarter of a second behind, as one under load is: what it has not replayed
        # yet must never be what a reader gets.
        (replica / "postgresql.conf").write_text(
            conf.replace(f"port = {ports[0]}", f"port = {ports[1]}")
            + "recovery_min_apply_delay = '250ms'\n"
        )
        _as_postgres("pg_ctl", "-D", str(replica), "-l", str(folder / "replica.log"), "-w", "start")
        started.append(replica)
        url = "postgresql+psycopg://postgres@127.0.0.1:{}/folio"
        with psycopg.connect(f"host=127.0.0.1 port={ports[0]} user=postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE folio")
        migrate(url.format(ports[0]))  # in this process: a start of the CLI costs seconds
        engine = make_engine(url.format(ports[0]))
        with Session(engine) as session:
            load_seeds(session, SEED.parent)
        engine.dispose()
        yield Replicated(url.format(ports[0]), url.format(ports[1]), folder)
    finally:
        for cluster in reversed(started):
            subprocess.run(
                ["runuser", "-u", "postgres", "--", str(BIN / "pg_ctl"), "-D", str(cluster),
                 "-m", "immediate", "stop"],
                capture_output=True,
                check=False,
            )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def _count(base: str, name: str) -> float:
    time.sleep(1.2)  # each worker writes its counts every second
    text = httpx.get(f"{base}/metrics").text
    found = re.search(rf"^{name}_total (\S+)$", text, re.MULTILINE)
    assert found, name
    return float(found.group(1))


def _key(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        return make_token(Database(database_url, engine), "write", "editor")
    finally:
        engine.dispose()


def test_the_replica_answers_reads_and_never_shows_a_writer_older_content(
    replicated: Replicated, tmp_path: Path
) -> None:
    env = {"FOLIO_READ_DATABASE_URL": replicated.replica}
    with running_server(replicated.primary, tmp_path / "server.log", env) as base:
        close = {"Connection": "close"}
        for limit in range(1, 21):  # twenty different answers, each rendered once
            assert httpx.get(f"{base}/v1/articles?limit={limit}", headers=close).status_code == 200
        assert _count(base, "folio_replica_reads") >= 15

        editor = {"Authorization": f"Bearer {_key(replicated.primary)}", **close}
        for n in range(5):  # read right after each write: never the version before
            title = f"Edited {n}"
            changed = httpx.patch(
                f"{base}/v1/articles/1",
                json={"title": title},
                headers={**editor, "Content-Type": "application/merge-patch+json"},
            )
            assert changed.status_code == 200, changed.text
            assert httpx.get(f"{base}/v1/articles/1", headers=close).json()["title"] == title

        replicated.stop_replica()
        declined = _count(base, "folio_replica_declined")
        for limit in range(21, 41):  # the primary answers
            answer = httpx.get(f"{base}/v1/articles?limit={limit}", headers=close)
            assert answer.status_code == 200
        assert _count(base, "folio_replica_declined") > declined
