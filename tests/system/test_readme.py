"""The README's short tour and the API tour (``docs/api.md``), run line by line: every shell
block of both, in order, in one bash session, against a fresh server on this database
(``docs/fleet.md`` is what ``make fleet-test`` runs).

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

# Where the tours are: the README's from its heading to the next one, docs/api.md,
# docs/people.md and docs/graphql.md whole.
TOURS = (
    ("README.md", "## A short tour", "\n## "),
    ("docs/api.md", "", None),
    ("docs/people.md", "", None),
    ("docs/graphql.md", "", None),
)
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
    ("POST", "/v1/roles", 403),  # a contributor's key (docs/people.md)
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


def tour_script() -> str:
    blocks = []
    for name, heading, end in TOURS:
        text = (REPO_ROOT / name).read_text(encoding="utf-8")
        text = text[text.index(heading) :]
        text = text[: text.index(end, len(heading))] if end else text
        blocks += re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)
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
        script = tour_script()
        # Every command names the server by $FOLIO, which each tour sets once, first (comments
        # show answers as `make run` gives them).
        commands = [line.split("#")[0] for line in script.splitlines()]
        assert commands[0].startswith("FOLIO=${FOLIO:-http://127.0.0.1:8000}")
        assert {line.strip() for line in commands if ":8000" in line} == {commands[0].strip()}
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
    # The webhook was tested, then its event delivered, then sent again.
    events = [json.loads(body) for body in _Receiver.received]
    assert [event["type"] for event in events] == ["webhook.test"] + ["article.published"] * 2
    assert events[1]["data"]["slug"] == "which-ai-leader-first"
    assert events[1]["data"]["url"] == f"{base}/v1/articles/which-ai-leader-first"
