"""/docs and /redoc work offline: every script, style and icon they load comes from Folio, and
a real browser with no route to the internet draws every operation."""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import seeded_server
from tests.helpers import chromium


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_load_nothing_from_elsewhere(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    loaded = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', response.text)
    loaded += re.findall(r"url:\s*'([^']+)'", response.text)  # Swagger UI's document
    assert loaded
    assert not [url for url in loaded if re.match(r"(?:https?:)?//", url)], loaded
    assert "fonts.googleapis" not in response.text
    scripts = [url for url in loaded if url.endswith(".js")]
    assert scripts
    for url in loaded:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url
    for url in scripts:
        assert client.get(url).headers["content-type"].startswith("text/javascript")


def test_docs_assets_are_cached_and_unknown_ones_are_404(client: TestClient) -> None:
    first = client.get("/docs/assets/swagger-ui.css")
    assert first.headers["content-type"] == "text/css; charset=utf-8"
    assert "max-age" in first.headers["cache-control"]
    again = client.get(
        "/docs/assets/swagger-ui.css", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    for name in ("nope.js", "..%2Fconsts.py", "core.py"):
        missing = client.get(f"/docs/assets/{name}")
        assert missing.status_code == 404, name
        assert missing.headers["content-type"] == "application/problem+json"


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for both browsers: they only read."""
    with seeded_server(tmp_path_factory.mktemp("docs")) as (base, _):
        yield base


def test_swagger_ui_draws_every_operation_in_a_browser_offline(
    docs_server: str, tmp_path: Path
) -> None:
    live_server = docs_server
    document = httpx.get(f"{live_server}/openapi.json", timeout=60).json()
    dom = chromium(f"{live_server}/docs", tmp_path / "profile", "--dump-dom")
    drawn = set(re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', dom))
    assert drawn == set(document["paths"])
    assert "Folio" in dom
    assert "Authorize" in dom


def test_redoc_draws_every_operation_in_a_browser_offline(docs_server: str, tmp_path: Path) -> None:
    live_server = docs_server
    document = httpx.get(f"{live_server}/openapi.json", timeout=60).json()
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    dom = chromium(f"{live_server}/redoc", tmp_path / "profile", "--dump-dom")
    drawn = set(re.findall(r'id="(?:tag/[^/"]+/)?operation/([^"]+)"', dom))
    assert operations <= drawn, sorted(operations - drawn)[:10]
