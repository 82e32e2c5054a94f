"""The README's API tour, run line by line: every shell block from "API tour" up to "Running
more than one node" (which ``make fleet-test`` runs), in order, in one bash session, against a
fresh server on this database.

The text runs as written: the server's address (``$FOLIO``, on a random port here) and the
webhook receiver's (``$RECEIVER``, which this test runs on loopback) come from the environment,
as the tour says. Lines that do not talk to the server are left out: ``make`` and ``npm`` (other
tests run those clients), and patterns with ``…`` to fill in. Every command must succeed
(``set -e``, ``pipefail``) and every request must answer below 400, except the refusals the
README shows, which must happen as shown."""

import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from api.core.config import REPO_ROOT
from tests.conftest import Database, running_server

# Dates here are computed from the clock: `make test-ahead` runs them years from now too.
pytestmark = pytest.mark.calendar

TOUR = ("## API tour", "## Running more than one node")
LEFT_OUT = re.compile(r"^\s*(make |npm |cd )|…|npm run")
# The refusals the tour shows: (method, the end of the URL, status).
REFUSALS = {
    ("GET", "/v1/articles/which-ai-leader-first", 404),  # a draft, without a key
    ("DELETE", "/v1/assets/1", 409),  # still used
    ("GET", "/v1/articles/nope", 404),
    ("GET", "/v1/articles?limit=abc", 422),
    ("GET", "/v1/articles?foo=1", 422),
    ("GET", "/v1/articles/1", 406),  # Accept: image/png
    ("GET", "/v1/articles", 406),  # Accept: text/csv
}
# Each request's method, status and URL, on stderr, whatever the command does with the body.
PRELUDE = """set -eo pipefail
curl() {
  local method=GET
  for arg in "$@"; do
    case "$prev" in -X) method="$arg" ;; esac
    case "$arg" in -I|-sI) method=HEAD ;; esac
    prev="$arg"
  done
  command curl -sS -w "%{stderr}REQUEST $method %{http_code} %{url_effective}\\n" "$@"
}
"""


def tour_script(readme: str) -> str:
    start, end = readme.index(TOUR[0]), readme.index(TOUR[1])
    blocks = re.findall(r"^```sh\n(.*?)^```", readme[start:end], flags=re.S | re.M)
    assert len(blocks) > 15
    lines = [line for block in blocks for line in block.splitlines() if not LEFT_OUT.search(line)]
    return "\n".join(lines) + "\n"


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        self.received.append(self.rfile.read(int(self.headers["content-length"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_the_readme_tour_runs_in_order_against_a_fresh_server(
    fresh_database: Database, tmp_path: Path, receiver: str
) -> None:
    env = {
        "FOLIO_WEBHOOK_ALLOW_PRIVATE": "true",
        "FOLIO_WEBHOOK_TIMEOUT_SECONDS": "5",
        "FOLIO_LOCALES": "en,de",  # as "Locales and translations" says
    }
    work = tmp_path / "work"
    work.mkdir()
    for shared in (".venv", "clients"):  # the tour runs from the repository's root
        (work / shared).symlink_to(REPO_ROOT / shared)
    _Receiver.received = []
    with running_server(fresh_database.url, tmp_path / "server.log", env) as base:
        script = tour_script((REPO_ROOT / "README.md").read_text())
        # Every command names the server by $FOLIO, which says where it is once (comments show
        # answers as `make run` gives them).
        commands = [line.split("#")[0] for line in script.splitlines()]
        assert [line for line in commands if ":8000" in line] == [commands[0]]
        done = subprocess.run(
            ["bash", "-c", PRELUDE + script],
            cwd=work,
            env={
                **os.environ,
                **env,
                "DATABASE_URL": fresh_database.url,
                "FOLIO": base,
                "RECEIVER": receiver,
            },
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    log = (tmp_path / "server.log").read_text()
    assert done.returncode == 0, f"{done.stderr[-6000:]}\n{done.stdout[-3000:]}\n{log[-2000:]}"
    requests = [
        (method, int(status), url.removeprefix(base))
        for method, status, url in re.findall(r"^REQUEST (\S+) (\d+) (\S+)$", done.stderr, re.M)
    ]
    assert len(requests) > 90
    refused = {(m, url, status) for m, status, url in requests if status >= 400}
    assert refused == REFUSALS, done.stderr[-3000:]
    # The webhook was delivered, then sent again.
    events = [json.loads(body) for body in _Receiver.received]
    assert [event["type"] for event in events] == ["article.published"] * 2
    assert events[0]["data"]["slug"] == "which-ai-leader-first"
    assert events[0]["data"]["url"] == f"{base}/v1/articles/which-ai-leader-first"
