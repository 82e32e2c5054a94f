"""Made to be shared: social cards, oEmbed and the embeddable comparison, sitemaps, robots.txt
and llms.txt, each showing only what is public and cached like every public answer."""

import io
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from PIL import Image

from api.core.config import REPO_ROOT
from api.sharing import embed, service
from tests.conftest import Configure, Keys
from tests.examples import CARDS
from tests.helpers import published_german_role

HERE = Path(__file__).parent
# The schema sitemaps.org publishes for a urlset (2008-03-26), as the npm package ``sitemap``
# ships it, pinned by tests/js/package-lock.json and installed by ``make install``. No package
# ships the index's schema: siteindex.xsd beside this file is written from the protocol.
SCHEMAS = {
    "sitemap.xsd": Path(sys.prefix) / "js" / "node_modules" / "sitemap" / "schema" / "sitemap.xsd",
    "siteindex.xsd": HERE / "siteindex.xsd",
}
SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"
TABLE = "ai-operating-partner-vs-fractional-caio"
BASE = "http://127.0.0.1:8000"


def _draft(client: TestClient, keys: Keys, title: str = "Not yet") -> dict[str, Any]:
    made = client.post("/v1/articles", json={"title": title}, headers=keys.auth("write"))
    assert made.status_code == 201
    return dict(made.json())


@pytest.mark.parametrize("path", ["/v1/articles/1/card.png", f"/v1/comparisons/{TABLE}/card.png"])
def test_a_card_is_a_1200_by_630_png_cached_by_its_etag(client: TestClient, path: str) -> None:
    card = client.get(path)
    assert card.status_code == 200
    assert card.headers["content-type"] == "image/png"
    assert "public" in card.headers["cache-control"]
    image = Image.open(io.BytesIO(card.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    # Drawn, not blank: ink of several shades.
    assert len(image.convert("L").getcolors(maxcolors=1 << 16) or []) > 20
    assert card.headers["etag"].startswith('"')  # strong
    again = client.get(path, headers={"If-None-Match": card.headers["etag"]})
    assert again.status_code == 304
    assert client.get(path).content == card.content  # the same content, the same bytes


def test_a_card_changes_with_the_title_and_drafts_have_none(client: TestClient, keys: Keys) -> None:
    before = client.get("/v1/articles/1/card.png").content
    table = client.get(f"/v1/comparisons/{TABLE}/card.png").content
    write = {**keys.auth("write"), "Content-Type": "application/merge-patch+json"}
    assert client.patch("/v1/articles/1", json={"title": "A new title"}, headers=write).is_success
    assert client.patch(f"/v1/comparisons/{TABLE}", json={"title": "Another"}, headers=write)
    assert client.get("/v1/articles/1/card.png").content != before
    assert client.get(f"/v1/comparisons/{TABLE}/card.png").content != table
    draft = _draft(client, keys)
    assert client.get(f"/v1/articles/{draft['id']}/card.png").status_code == 404
    assert client.get("/v1/articles/nope/card.png").status_code == 404
    assert client.get("/v1/articles/1/card.png?size=big").status_code == 422


def test_the_card_is_the_image_when_there_is_no_cover(client: TestClient) -> None:
    seo = client.get("/v1/articles/1").json()["seo"]
    assert seo["image"].endswith("/v1/articles/1/card.png")
    jsonld = client.get("/v1/articles/1/jsonld").json()
    assert jsonld["image"] == {
        "@type": "ImageObject", "url": seo["image"], "width": 1200, "height": 630,
    }  # fmt: skip


def test_oembed_embeds_a_comparison_and_links_an_article(client: TestClient) -> None:
    rich = client.get("/v1/oembed", params={"url": f"{BASE}/v1/comparisons/{TABLE}"})
    assert rich.status_code == 200, rich.text
    data = rich.json()
    assert (data["version"], data["type"]) == ("1.0", "rich")
    assert data["width"] == 640
    assert f'src="{BASE}/v1/comparisons/{TABLE}/embed"' in data["html"]
    assert data["html"].startswith("<iframe ")
    assert data["thumbnail_url"].endswith("/card.png")
    narrow = client.get(
        "/v1/oembed", params={"url": f"{BASE}/v1/comparisons/{TABLE}", "maxwidth": 400}
    ).json()
    assert narrow["width"] == 400
    assert narrow["thumbnail_width"] == 400
    link = client.get("/v1/oembed", params={"url": f"{BASE}/v1/articles/{SEED}"}).json()
    assert link["type"] == "link"
    assert link["title"].startswith("AI Operating Partner vs Fractional CAIO")
    assert link["author_name"]
    by_id = client.get("/v1/oembed", params={"url": f"{BASE}/v1/articles/1"})
    assert by_id.json()["title"] == link["title"]
    # The article's HTML says where its oEmbed is.
    page = client.get("/v1/articles/1?format=html").text
    assert 'type="application/json+oembed"' in page
    assert quote(f"{BASE}/v1/articles/{SEED}", safe="") in page


def test_oembed_knows_the_site_urls_too(client: TestClient, configure: Configure) -> None:
    configure(FOLIO_SITE_URL="https://example.org/blog")
    found = client.get(
        "/v1/oembed", params={"url": f"https://example.org/blog/comparisons/{TABLE}"}
    )
    assert found.status_code == 200
    assert found.json()["provider_url"] == "https://example.org/blog"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"url": "https://elsewhere.example/v1/comparisons/x"}, 404),
        ({"url": f"{BASE}/v1/comparisons/no-such-table"}, 404),
        ({"url": f"{BASE}/v1/roles/fractional-caio"}, 404),
        ({"url": f"{BASE}/v1/articles/1/revisions"}, 404),
        ({"url": "not a url"}, 404),
        ({"url": f"{BASE}/v1/articles/1", "format": "xml"}, 501),
        ({"url": f"{BASE}/v1/articles/1", "format": "yaml"}, 422),
        ({"url": f"{BASE}/v1/articles/1", "maxwidth": 0}, 422),
        ({}, 422),
    ],
)
def test_oembed_refuses_what_it_cannot_embed(
    client: TestClient, params: dict[str, Any], status: int
) -> None:
    answer = client.get("/v1/oembed", params=params)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def test_oembed_of_a_draft_is_404(client: TestClient, keys: Keys) -> None:
    draft = _draft(client, keys)
    url = f"{BASE}/v1/articles/{draft['slug']}"
    assert client.get("/v1/oembed", params={"url": url}).status_code == 404


def test_the_embed_page_is_an_accessible_self_contained_table(
    client: TestClient, configure: Configure
) -> None:
    page = client.get(f"/v1/comparisons/{TABLE}/embed")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    html = page.text
    assert "<script" not in html
    assert "http" not in html.split("<body>")[0]  # nothing loaded from anywhere
    assert "<caption>AI operating partner vs Fractional CAIO</caption>" in html
    assert html.count('<th scope="row">') == 6
    assert '<th scope="col"><a href="' in html
    assert '/v1/roles/fractional-caio" target="_top"' in html
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert f"style-src 'sha256-{embed.STYLE_HASH}'" in policy
    assert policy.endswith("frame-ancestors *")
    configure(FOLIO_EMBED_ORIGINS='["https://example.org"]')
    narrowed = client.get(f"/v1/comparisons/{TABLE}/embed?locale=en")
    assert narrowed.headers["content-security-policy"].endswith(
        "frame-ancestors https://example.org"
    )
    assert client.get("/v1/comparisons/nope/embed").status_code == 404


def _valid(xml: bytes, schema: str) -> bool:
    checker = etree.XMLSchema(etree.parse(str(SCHEMAS[schema])))
    document = etree.fromstring(xml)
    valid = checker.validate(document)
    assert valid, checker.error_log
    return bool(valid)


def test_the_sitemap_lists_what_is_published_and_validates(client: TestClient, keys: Keys) -> None:
    draft = _draft(client, keys)
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    assert _valid(answer.content, "sitemap.xsd")
    text = answer.text
    assert f"<loc>{BASE}/v1/articles/{SEED}</loc>" in text
    assert f"<loc>{BASE}/v1/roles/fractional-caio</loc>" in text
    assert f"<loc>{BASE}/v1/comparisons/{TABLE}</loc>" in text
    assert draft["slug"] not in text
    assert text.count("<lastmod>") == text.count("<url>") == 4
    published = client.patch(
        f"/v1/articles/{draft['id']}", json={"status": "published"}, headers=keys.auth("write")
    )
    assert published.status_code == 200
    assert draft["slug"] in client.get("/sitemap.xml").text  # the cache let it go
    robots = client.get("/robots.txt")
    assert robots.headers["content-type"] == "text/plain; charset=utf-8"
    assert f"Sitemap: {BASE}/sitemap.xml" in robots.text


def test_the_sitemap_lists_each_published_translation_at_its_own_url(
    client: TestClient, keys: Keys, configure: Configure
) -> None:
    configure(FOLIO_LOCALES="en,de")
    write = keys.auth("write")
    published_german_role(client, write, "Ein KI-Chef auf Zeit.")
    draft = client.put(
        "/v1/articles/1/translations/de", json={"title": "Noch nicht"}, headers=write
    )
    assert draft.status_code == 201, draft.text
    answer = client.get("/sitemap.xml")
    assert _valid(answer.content, "sitemap.xsd")
    locs = [
        loc.text
        for loc in etree.fromstring(answer.content).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    ]
    # The role's own page, then its German one; the German draft of the article is not there.
    roles = [loc for loc in locs if "/v1/roles/" in loc]
    assert roles[-2:] == [f"{BASE}/v1/roles/fractional-caio", f"{BASE}/v1/roles/teilzeit-caio"]
    assert len(locs) == 5
    stamps = etree.fromstring(answer.content).iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod"
    )
    assert all(stamp.text.endswith("+00:00") for stamp in stamps)  # W3C: a time has its zone
    assert draft.json()["slug"] not in answer.text
    published = client.patch(
        "/v1/articles/1/translations/de", json={"status": "published"}, headers=write
    )
    assert published.status_code == 200
    assert draft.json()["slug"] in client.get("/sitemap.xml").text  # the cache let it go


def test_past_the_limit_the_sitemap_is_an_index_of_files(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "SITEMAP_MAX_URLS", 1)
    index = client.get("/sitemap.xml")
    assert _valid(index.content, "siteindex.xsd")
    files = etree.fromstring(index.content).findall(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemap/"
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
    )
    assert [f.text.removeprefix(BASE) for f in files] == [
        "/sitemaps/articles-1.xml", "/sitemaps/roles-1.xml", "/sitemaps/roles-2.xml",
        "/sitemaps/comparisons-1.xml",
    ]  # fmt: skip
    second = client.get("/sitemaps/roles-2.xml")
    assert _valid(second.content, "sitemap.xsd")
    assert second.text.count("<url>") == 1
    assert client.get("/sitemaps/roles-3.xml").status_code == 404
    assert client.get("/sitemaps/keys-1.xml").status_code == 422
    assert client.get("/sitemaps/roles-0.xml").status_code == 422


def test_llms_txt_links_every_published_article_and_comparison_as_markdown(
    client: TestClient, keys: Keys
) -> None:
    draft = _draft(client, keys, "A secret draft")
    llms = client.get("/llms.txt")
    assert llms.status_code == 200
    assert llms.headers["content-type"] == "text/plain; charset=utf-8"
    text = llms.text
    assert text.startswith("# Folio\n")
    assert f"({BASE}/v1/articles/{SEED}?format=md)" in text
    assert f"({BASE}/v1/comparisons/{TABLE}?format=md): AI operating partner vs" in text
    assert "A secret draft" not in text
    full = client.get("/llms-full.txt").text
    assert "| Primary job |" in full
    assert client.get("/v1/articles/1?format=md").text.strip()[:200] in full
    assert draft["slug"] not in full
    assert client.get(f"/v1/articles/{SEED}?format=md").status_code == 200
    assert client.get(f"/v1/comparisons/{TABLE}?format=md").status_code == 200
    assert client.get("/llms.txt?full=1").status_code == 422


def test_the_cards_in_the_docs_are_the_seeds(client: TestClient) -> None:
    """`make openapi` draws them again when this fails."""
    for name, path in CARDS.items():
        assert client.get(path).content == (REPO_ROOT / "docs" / name).read_bytes(), name
