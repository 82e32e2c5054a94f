"""The Python example (clients/python/example.py) runs its five steps against a live server."""

import os
import subprocess
import sys

from api.core.config import REPO_ROOT
from tests.conftest import Database
from tests.helpers import key_in, public_listings


def test_the_python_example_runs_against_a_live_server(
    live_server: str, fresh_database: Database
) -> None:
    token = key_in(fresh_database.engine, "example", "write")
    before = public_listings(live_server)
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "clients" / "python" / "example.py")],
        env={**os.environ, "FOLIO_URL": live_server, "FOLIO_KEY": token},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line[:2] for line in lines] == ["1.", "2.", "3.", "4.", "5."]
    assert "6 rows, first 'Primary job'" in lines[0]
    assert "a stale If-Match is 412" in lines[2]
    assert lines[4].startswith("5. Article not found")
    assert public_listings(live_server) == before  # it cleaned up after itself
