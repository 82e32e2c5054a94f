"""The Python client (clients/python, ``folio-client``): its generated parts are those of the
committed ``openapi.json`` and of its asynchronous source; built as a wheel it installs alone
in a fresh virtualenv, its example type-checks there under ``mypy --strict`` and runs against a
live server; and through the app itself it retries a 429 as ``Retry-After`` says, revalidates
with ETags, sends If-Match and Idempotency-Key, and raises problems as exceptions."""

import importlib.util
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from folio_client import (
    Folio,
    InvalidRequest,
    NotFound,
    PreconditionFailed,
    RateLimited,
    Retry,
)
from folio_client.models import ArticleInput
from sqlmodel import Session, func, select

from api.articles.models import Article
from api.core.config import REPO_ROOT, Settings
from api.main import create_app
from tests.conftest import Database, Keys
from tests.helpers import key_in, public_listings

CLIENT = REPO_ROOT / "clients" / "python"
BIN = Path(sys.executable).parent
COMPARISON = "ai-operating-partner-vs-fractional-caio"


def test_the_generated_parts_are_those_of_openapi_json_and_of_the_async_client(
    tmp_path: Path,
) -> None:
    spec = importlib.util.spec_from_file_location("generate", CLIENT / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(tmp_path)
    package = CLIENT / "src" / "folio_client"
    for part in ("models.py", "_sync/client.py"):
        assert (tmp_path / part).read_text() == (package / part).read_text(), (
            f"clients/python/src/folio_client/{part} is stale: run `make openapi`"
        )
    models = (package / "models.py").read_text()
    assert "class ArticlePublic(BaseModel):" in models
    assert (
        "def list(self, **filters: Filter) -> Iterator[Item]:"
        in (package / "_sync" / "client.py").read_text()
    )


def run(args: list[str | Path], cwd: Path, **env: str) -> str:
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a new virtualenv in which only the client's wheel is installed (with
    its pandas extra), as a user installs it: the wheel built from a copy of clients/python,
    the packages from the local cache (``make install-dev`` put them there)."""
    work = tmp_path_factory.mktemp("client")
    source = work / "source"
    shutil.copytree(
        CLIENT,
        source,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist"),
    )
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", work / "dist", source], work)  # fmt: skip
    (wheel,) = (work / "dist").glob("folio_client-*.whl")
    venv = work / "venv"
    run([BIN / "uv", "venv", "--quiet", "--python", sys.executable, venv], work)
    python = venv / "bin" / "python"
    run([BIN / "uv", "pip", "install", "--quiet", "--offline", "--python", python,
         f"folio-client[pandas] @ {wheel.as_uri()}"], work)  # fmt: skip
    return python


def test_the_wheel_installs_alone_and_the_example_is_strictly_typed(
    installed: Path, tmp_path: Path
) -> None:
    listed = run([BIN / "uv", "pip", "list", "--python", installed], tmp_path)
    names = {line.split()[0].lower() for line in listed.splitlines()[2:]}
    assert {"folio-client", "httpx2", "pydantic", "pandas"} <= names
    assert not names & {"fastapi", "sqlmodel", "folio"}, names  # the client alone
    example = tmp_path / "example.py"
    shutil.copy(CLIENT / "example.py", example)
    code = example.read_text()
    for loophole in ("cast(", "# type: ignore", "Any"):
        assert loophole not in code
    checked = run(
        [
            BIN / "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            installed,
            example,
        ],
        tmp_path,
    )
    assert checked.startswith("Success"), checked


def test_the_example_runs_against_a_live_server(
    installed: Path, live_server: str, fresh_database: Database, tmp_path: Path
) -> None:
    token = key_in(fresh_database.engine, "example", "write")
    before = public_listings(live_server)
    output = run(
        [installed, CLIENT / "example.py"], tmp_path, FOLIO_URL=live_server, FOLIO_KEY=token
    )
    lines = output.splitlines()
    assert [line[:2] for line in lines] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."], output
    assert "6 rows, first 'Primary job'" in lines[0]
    assert lines[1] == "2. 1 articles, newest first"
    assert "a stale If-Match is 412" in lines[2]
    assert lines[3] == "4. 6 dimensions side by side"
    assert lines[4].startswith("5. Article not found")
    assert "12 cells" in lines[5], lines[5]
    assert "a 6x2 table" in lines[5], lines[5]
    assert lines[6].startswith("7. async: AI Operating Partner vs Fractional CAIO")
    assert public_listings(live_server) == before  # it cleaned up after itself


@pytest.fixture
def answers(client: TestClient) -> list[httpx.Response]:
    """Every answer the app gives to ``client``, in order."""
    seen: list[httpx.Response] = []
    client.event_hooks = {"response": [seen.append]}
    return seen


def test_a_429_is_retried_when_retry_after_says(database: Database) -> None:
    limited = create_app(
        Settings(database_url=database.url, rate_limit_anonymous="2/second"),
        engine=database.engine,
    )
    # An address of its own: suites that run at once may share the counters.
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    with TestClient(limited, client=(address, 50000)) as http:
        statuses: list[int] = []
        http.event_hooks = {"response": [lambda response: statuses.append(response.status_code)]}
        folio = Folio(http=http, retry=Retry(attempts=5))
        started = time.monotonic()
        titles = [folio.comparisons.get(COMPARISON).title for _ in range(4)]
        waited = time.monotonic() - started
        assert titles == ["AI operating partner vs Fractional CAIO"] * 4
        assert 429 in statuses, statuses
        assert statuses[-1] == 200, statuses
        assert waited >= 0.5  # it waited as Retry-After said, not at once
        impatient = Folio(http=http, retry=Retry(attempts=0))
        with pytest.raises(RateLimited) as refused:  # without retries, the 429 is raised
            _read(impatient, times=3)
        assert refused.value.status == 429


def _read(folio: Folio, *, times: int) -> None:
    for _ in range(times):
        folio.comparisons.get(COMPARISON)


def test_a_read_again_is_revalidated_and_answered_from_what_was_kept(
    client: TestClient, answers: list[httpx.Response]
) -> None:
    folio = Folio(http=client, revalidate=10)
    first = folio.comparisons.get(COMPARISON)
    again = folio.comparisons.get(COMPARISON)
    assert again == first
    assert [answer.status_code for answer in answers] == [200, 304]
    assert answers[1].request.headers["If-None-Match"] == answers[0].headers["ETag"]


def test_writes_send_if_match_and_idempotency_key_and_problems_are_raised(
    client: TestClient, session: Session, keys: Keys, answers: list[httpx.Response]
) -> None:
    writer = Folio(http=client, key=keys.write)
    data = ArticleInput(title="Written by the client", body_markdown="Once.")
    created = writer.articles.create(data, idempotency_key="client-once")
    again = writer.articles.create(data, idempotency_key="client-once")  # a retry, say
    assert again.id == created.id
    titled = select(func.count()).select_from(Article).where(Article.title == data.title)
    assert session.exec(titled).one() == 1
    assert answers[0].request.headers["Idempotency-Key"] == "client-once"

    etag = writer.articles.etag(created.id)
    changed = writer.articles.update(created.id, {"summary": "Changed."})
    assert answers[-1].request.headers["If-Match"] == etag
    assert changed.summary == "Changed."
    with pytest.raises(PreconditionFailed) as stale:
        writer.articles.update(created.id, {"summary": "Lost."}, if_match=etag)
    assert stale.value.status == 412
    with pytest.raises(InvalidRequest) as invalid:
        writer.articles.create({"title": ""})
    assert invalid.value.status == 422
    assert [error.loc for error in invalid.value.errors] == [["body", "title"]]
    writer.articles.delete(created.id)
    with pytest.raises(NotFound) as gone:
        Folio(http=client).articles.get(created.slug)
    assert gone.value.title == "Article not found"
    assert session.exec(titled).one() == 1  # nothing more was written


def test_rows_become_dicts_cells_csv_and_a_dataframe(client: TestClient) -> None:
    folio = Folio(http=client)
    rows = folio.comparisons.rows(COMPARISON)
    table = rows.to_dicts()
    assert rows.roles == ["ai-operating-partner", "fractional-caio"]
    assert table[0] == {
        "dimension": "Primary job",
        "ai-operating-partner": "Drive portfolio-level value creation through AI workflows",
        "fractional-caio": "Set AI strategy, governance, roadmap, and executive alignment",
    }
    frame = rows.to_dataframe()
    assert frame.shape == (6, 2)
    assert frame.loc["Primary job", "fractional-caio"] == table[0]["fractional-caio"]
    cells = folio.comparisons.cells(COMPARISON)
    assert len(cells) == 12
    assert cells[1].role == "fractional-caio"
    assert folio.comparisons.csv(COMPARISON).splitlines()[0] == (
        "Dimension,AI operating partner,Fractional CAIO"
    )
    narrowed = folio.comparisons.rows(COMPARISON, q="governance")
    assert [row.dimension for row in narrowed] == ["Primary job", "Accountability"]
    side = folio.comparisons.versus("ai-operating-partner", "fractional-caio")
    assert [d.dimension for d in side.dimensions] == [row.dimension for row in rows]


def test_a_list_follows_next_links_to_the_end(client: TestClient, keys: Keys) -> None:
    writer = Folio(http=client, key=keys.write)
    for n in range(5):
        writer.articles.create({"title": f"Listed by the client {n}", "status": "published"})
    listed = [item.title for item in Folio(http=client).articles.list(limit=2)]
    assert len(set(listed)) == len(listed) == 6
    page = Folio(http=client).articles.page(limit=2, count=True)
    assert (len(page.items), page.total) == (2, 6)
    assert page.next is not None
