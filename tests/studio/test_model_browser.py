"""An editor's day over the whole model, in a real browser (Playwright driving Debian's
Chromium) against a live server on this suite's database, found by role and accessible name:
an image uploaded and described, a role's cover chosen from a search, a cell's note and source
written in the seed comparison's grid (its table framed as readers get it), an article that
embeds that comparison, published, then the article and the role translated into German (the
article's body in the rich editor, from its source's); the public API, the feeds and the
embed serve exactly that. axe-core finds nothing on any page, and the CSP is never violated."""

from collections.abc import Iterator

import httpx2 as httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from tests.assets.images import png
from tests.browser import Browser, accessible, browser
from tests.conftest import Database
from tests.helpers import make_person
from tests.studio.test_editor_browser import PASSWORD, drop, new_article, saved, sign_in

CAIO = "Fractional CAIO"
TABLE = "AI operating partner vs Fractional CAIO"


@pytest.fixture
def chromium() -> Iterator[Browser]:
    yield from browser()


@pytest.fixture
def server_env() -> dict[str, str]:
    return {"FOLIO_LOCALES": "en,de"}


def test_an_editors_day_over_roles_comparisons_articles_and_translations(
    live_server: str, fresh_database: Database, chromium: Browser
) -> None:
    with Session(fresh_database.engine) as session:
        make_person(session, "editor", password=PASSWORD)
    page = chromium.page
    nav = page.get_by_role("navigation", name="Studio")
    sign_in(page, live_server, "editor@example.org")
    # An image, described, for the role's cover.
    nav.get_by_role("link", name="Media").click()
    drop(page, "form[data-upload]", [("portrait.png", png(60, 60))])
    expect(page.get_by_text("Uploaded.")).to_be_visible()
    page.get_by_role("textbox", name="Alt text").fill("A portrait of a CAIO")
    page.get_by_role("button", name="Save the alt text of portrait.png").click()
    expect(page.get_by_text("Alt text saved.")).to_be_visible()
    # The role's cover, found by a search in its editor.
    nav.get_by_role("link", name="Roles").click()
    page.get_by_role("link", name=CAIO, exact=True).click()
    expect(page.get_by_role("heading", name="Edit role")).to_be_visible()
    cover = page.get_by_role("group", name="Cover")
    expect(cover.get_by_role("radio", name="No cover")).to_be_checked()
    cover.get_by_role("searchbox", name="Find an image").fill("portrait")
    cover.get_by_role("radio", name="A portrait of a CAIO").check()
    assert accessible(page) == []
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    role = httpx.get(f"{live_server}/v1/roles/fractional-caio").json()
    assert role["cover"]["alt"] == "A portrait of a CAIO"
    # A note and its source on a cell of the seed comparison; its table as readers get it.
    nav.get_by_role("link", name="Comparisons").click()
    page.get_by_role("link", name=TABLE).click()
    expect(page.get_by_role("heading", name="Edit comparison")).to_be_visible()
    page.locator("summary", has_text="of Primary job").click()
    page.get_by_label(f"Note: {CAIO} on Primary job").fill("Counted in 40 job posts")
    page.get_by_label(f"Source: {CAIO} on Primary job").fill("https://example.com/posts")
    embed = page.frame_locator("iframe[title='The comparison as readers get it']")
    expect(embed.get_by_role("rowheader", name="Primary job")).to_be_visible()
    assert accessible(page) == []
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    table = httpx.get(f"{live_server}/v1/comparisons/1").json()
    cell = table["rows"][0]["cells"]["fractional-caio"]
    assert cell["note"] == "Counted in 40 job posts"
    assert cell["source_url"] == "https://example.com/posts"
    # An article embedding the comparison, published.
    nav.get_by_role("link", name="Articles").click()
    article_id = new_article(page, "Which comes first")
    body = page.get_by_role("textbox", name="Body")
    body.click()
    page.keyboard.type("Compare the two roles first.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Comparison", exact=True).click()
    page.get_by_role("searchbox", name="Find a comparison").fill("operating")
    page.get_by_role("button", name=TABLE).click()
    saved(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.")).to_be_visible()
    article = httpx.get(f"{live_server}/v1/articles/{article_id}").json()
    assert [b["_type"] for b in article["body"]][:2] == ["block", "comparison"]
    # In German: the article (its body in the rich editor, from the source's) ...
    page.get_by_label("Locale").select_option("de")
    page.get_by_role("button", name="Add translation").click()
    expect(page.get_by_role("heading", name="Which comes first in de")).to_be_visible()
    expect(page.get_by_role("region", name="Body (source)")).to_contain_text("Primary job")
    german_body = page.get_by_role("textbox", name="Body")
    expect(german_body).to_contain_text("Compare the two roles first.")
    assert accessible(page) == []
    page.get_by_label("Title", exact=True).fill("Was zuerst kommt")
    german_body.get_by_text("Compare the two roles first.").click()
    page.keyboard.press("End")
    for _ in range(len("Compare the two roles first.")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.type("Vergleiche zuerst die beiden Rollen.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Created.")).to_be_visible()
    german = httpx.get(f"{live_server}/v1/articles/{article_id}?locale=de").json()
    assert german["title"] == "Was zuerst kommt"
    assert german["body"][0]["children"][0]["text"] == "Vergleiche zuerst die beiden Rollen."
    assert german["body"][1]["_type"] == "comparison"
    # ... and the role.
    page.goto(f"{live_server}/studio/roles/{role['id']}/translations/de")
    expect(page.get_by_label("Name (source)")).to_have_value(CAIO)
    page.get_by_label("Name", exact=True).fill("Teilzeit-CAIO")
    page.get_by_label("Definition", exact=True).fill("Eine KI-Führungskraft in Teilzeit.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Created.")).to_be_visible()
    assert httpx.get(f"{live_server}/v1/roles/fractional-caio?locale=de").json()["name"] == (
        "Teilzeit-CAIO"
    )
    # The feeds and the embed serve what the editor did.
    feed = httpx.get(f"{live_server}/v1/feeds/articles.json").json()
    entry = next(i for i in feed["items"] if i["title"] == "Which comes first")
    assert "Primary job" in entry["content_html"]  # the embedded table, drawn
    german_feed = httpx.get(f"{live_server}/v1/feeds/articles.json?locale=de").json()
    assert "Was zuerst kommt" in [i["title"] for i in german_feed["items"]]
    shown = httpx.get(f"{live_server}/v1/comparisons/1/embed").text
    assert '<th scope="row">Primary job</th>' in shown
    oembed = httpx.get(
        f"{live_server}/v1/oembed", params={"url": f"{live_server}/v1/comparisons/1"}
    ).json()
    assert oembed["type"] == "rich"
    assert chromium.violations == []
