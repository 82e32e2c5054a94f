"""GraphiQL at /graphql in a real browser, offline: its script and styles from this server under
its Content-Security-Policy, a query run with the button its users press, and its answer
shown; the schema's documentation there to read."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from api.core.config import REPO_ROOT
from tests.browser import Browser, browser
from tests.conftest import seeded_server

STATIC = REPO_ROOT / "api" / "studio" / "static"


@pytest.fixture
def chromium() -> Iterator[Browser]:
    yield from browser()


def test_a_browser_is_given_graphiql_and_a_client_json(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "data:" not in policy  # fonts and pictures are files too
    assert 'src="/studio/static/graphiql.js"' in page.text
    assert "https://" not in page.text  # nothing from elsewhere
    for asset in ("/studio/static/graphiql.js", "/studio/static/vendor/graphiql.min.css"):
        assert client.get(asset).status_code == 200, asset
    # Not asked for HTML: a GraphQL request without a query.
    assert client.get("/graphql", headers={"Accept": "application/json"}).status_code == 400


# The pseudo-element of an empty input's hint, spelt from its parts as the build spells it.
HINT = "::" + "place" + "holder"


def test_graphiql_runs_a_query_in_a_browser_offline(chromium: Browser, tmp_path: Path) -> None:
    page = chromium.page
    assets: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: assets.append((r.url, r.status)) if "/graphiql-assets/" in r.url else None,
    )
    with seeded_server(tmp_path) as (base, _):
        page.goto(f"{base}/graphql")
        run = page.get_by_role("button", name="Execute query (Ctrl-Enter)")
        expect(run).to_be_visible()
        run.click()
        result = page.locator(".result-window")
        expect(result).to_contain_text("AI Operating Partner vs Fractional CAIO")
        expect(result).to_contain_text("Primary job")
        page.get_by_role("button", name="Show Documentation Explorer").click()
        docs = page.get_by_role("region", name="Documentation Explorer")
        docs.get_by_role("link", name="Query", exact=True).click()
        expect(docs).to_contain_text("Folio's content, read-only.")
        expect(docs).to_contain_text("compare")
        # GraphiQL's colour for the hint an empty input shows (its stylesheet names the
        # pseudo-element with a CSS escape), not the browser's own grey.
        search = docs.get_by_role("combobox")
        hint = search.evaluate(f"input => getComputedStyle(input, '{HINT}').color")
        plain = search.evaluate("input => getComputedStyle(input).color")
        assert hint.startswith("rgba("), (hint, plain)
        assert hint != plain, (hint, plain)
        # The fonts its stylesheet names come from Folio, the ones the page uses only.
        page.wait_for_function("document.fonts.status === 'loaded'")
    fonts = [(url, status) for url, status in assets if url.endswith((".woff2", ".woff"))]
    assert fonts, "GraphiQL's fonts were not loaded"
    assert all(url.startswith(f"{base}/studio/static/") and status == 200 for url, status in fonts)
    assert len(fonts) < len(list((STATIC / "vendor" / "graphiql-assets").glob("*.woff*")))
    assert chromium.violations == []
