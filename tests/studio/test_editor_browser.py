"""The article editor in a real browser (Playwright driving Debian's Chromium) against a live
server on this suite's database, found by role and accessible name as a screen reader finds
it: an editor's day and a contributor's; after each, the public API serves exactly what was
typed. axe-core finds nothing on any page, and the pages' CSP is never violated."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests.assets.images import png
from tests.browser import Browser, accessible, browser
from tests.conftest import Database
from tests.helpers import make_person

PASSWORD = "correct horse battery staple"
CAIO = "Fractional CAIO"


@pytest.fixture
def chromium() -> Iterator[Browser]:
    yield from browser()


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/studio")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Articles").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()


def new_article(page: Page, title: str) -> int:
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_role("button", name="Create draft", exact=True).click()
    expect(page.get_by_role("heading", name="Edit article")).to_be_visible()
    return int(page.url.split("/studio/articles/")[1].split("?")[0])


def drop(page: Page, target: str, files: list[tuple[str, bytes]]) -> None:
    """Drops ``files`` on the element ``target`` selects, as a person dragging them from
    their desktop would (a drop event carrying them)."""
    page.locator(target).evaluate(
        """(element, files) => {
          const transfer = new DataTransfer();
          for (const [name, bytes] of files) {
            transfer.items.add(new File([new Uint8Array(bytes)], name, {type: "image/png"}));
          }
          element.dispatchEvent(new DragEvent("dragover", {bubbles: true, dataTransfer: transfer}));
          element.dispatchEvent(new DragEvent("drop", {bubbles: true, dataTransfer: transfer}));
        }""",
        [[name, list(data)] for name, data in files],
    )


def saved(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Saved")).to_have_text("Saved")


def test_an_editors_day(live_server: str, fresh_database: Database, chromium: Browser) -> None:
    with Session(fresh_database.engine) as session:
        _, key = make_person(session, "editor", password=PASSWORD)
    page = chromium.page
    sign_in(page, live_server, "editor@example.org")
    expect(page.get_by_role("navigation", name="Studio").get_by_role("link")).to_have_count(7)
    assert accessible(page) == []
    page.get_by_role("searchbox", name="Search").fill("operating partner")
    expect(
        page.get_by_role("link", name="AI Operating Partner vs Fractional CAIO", exact=False)
    ).to_be_visible()
    # Two images dropped on the media library at once, each with its progress; one described.
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Media").click()
    expect(page.get_by_label("Upload")).to_be_visible()
    drop(page, "form[data-upload]", [("chart.png", png(64, 48)), ("photo.png", png(48, 64))])
    expect(page.get_by_text("Uploaded.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Alt text")).to_have_count(2)
    assert accessible(page) == []
    chart = page.get_by_role("listitem").filter(has_text="chart.png")
    chart.get_by_role("textbox", name="Alt text").fill("A red chart")
    chart.get_by_role("button", name="Save the alt text of chart.png").click()
    expect(page.get_by_text("Alt text saved.")).to_be_visible()
    asset_id = int(
        page.get_by_role("listitem").filter(has_text="chart.png").get_attribute("id").split("-")[1]  # type: ignore[union-attr]
    )
    page.get_by_role("link", name="Roles").click()
    expect(page.get_by_role("cell", name=CAIO)).to_be_visible()
    assert accessible(page) == []
    page.get_by_role("link", name="Articles").click()
    article_id = new_article(page, "A day of edits")
    body = page.get_by_role("textbox", name="Body")
    expect(body).to_be_visible()
    assert accessible(page) == []
    page.get_by_label("Summary", exact=True).fill("What an editor wrote today.")
    body.click()
    page.keyboard.type("Start with the ")
    page.keyboard.type(CAIO)
    page.keyboard.press("Shift+Home")  # select back to the line's start, then give back
    for _ in range(len("Start with the ")):  # "Start with the ": the role's name is selected
        page.keyboard.press("Shift+ArrowRight")
    page.get_by_role("button", name="Link", exact=True).click()
    page.get_by_role("searchbox", name="Or find a role or an article").fill("caio")
    page.get_by_role("radio", name=f"{CAIO} (role)").check()
    assert accessible(page) == []
    page.get_by_role("button", name="Add link", exact=True).click()
    body.click()
    page.keyboard.press("End")
    page.keyboard.type(" before anything ")
    page.keyboard.press("Control+b")
    page.keyboard.type("bold")
    page.keyboard.press("Control+b")
    # The preview beside the editor shows what is typed before anything is saved.
    preview = page.frame_locator("iframe[title=Preview]")
    expect(preview.get_by_text("before anything")).to_be_visible()
    expect(preview.locator("strong", has_text="bold")).to_be_visible()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Image", exact=True).click()
    page.get_by_role("searchbox", name="Find an image").fill("red")
    page.get_by_role("button", name="Insert A red chart", exact=True).click()
    saved(page)
    expect(preview.get_by_role("img", name="A red chart")).to_be_visible()
    # Ctrl+S saves at once, too.
    page.get_by_label("Title", exact=True).fill("A day of edits, saved")
    page.keyboard.press("Control+s")
    saved(page)
    # Scheduled a week ahead in the browser's time zone, then published now.
    ahead = (datetime.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    page.get_by_label("Publish at").fill(ahead.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_text("Scheduled.")).to_be_visible()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.")).to_be_visible()
    public = httpx.get(f"{live_server}/v1/articles/{article_id}").json()
    assert public["title"] == "A day of edits, saved"
    assert public["summary"] == "What an editor wrote today."
    first, image = public["body"][:2]
    spans = [(s["text"], s["marks"]) for s in first["children"]]
    (link,) = first["markDefs"]
    assert link["role"]["name"] == CAIO
    assert spans == [
        ("Start with the ", []),
        (CAIO, [link["_key"]]),
        (" before anything ", []),
        ("bold", ["strong"]),
    ]
    assert image["_type"] == "image"
    assert image["asset"]["id"] == asset_id
    assert image["alt"] == "A red chart"
    # An edit, then the history: compare the first revision with now, restore it.
    page.get_by_label("Title", exact=True).fill("Edited after publishing")
    saved(page)
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History of", exact=False)).to_be_visible()
    assert accessible(page) == []
    first_row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="1", exact=True))
    first_row.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("table").filter(has_text="Edited after publishing")).to_be_visible()
    assert accessible(page) == []
    first_row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="1", exact=True))
    first_row.get_by_role("button", name="Restore", exact=True).click()
    expect(page.get_by_text("Restored: that revision")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value("A day of edits")
    # Someone else saves the article open here (through the API): the page says so at once,
    # told by the studio's change stream (the browser's own EventSource); its own autosave
    # before that did not count as someone else's.
    notice = page.get_by_role("status").filter(has_text="Someone else saved this")
    expect(notice).to_be_hidden()
    page.get_by_label("Summary").fill("Mine, autosaved")
    saved(page)
    expect(notice).to_be_hidden()
    elsewhere = httpx.patch(
        f"{live_server}/v1/articles/{article_id}",
        json={"summary": "Theirs"},
        headers={**key, "Content-Type": "application/merge-patch+json"},
    )
    assert elsewhere.status_code == 200, elsewhere.text
    expect(notice).to_be_visible()
    expect(notice.get_by_role("link", name="Open the saved version")).to_be_visible()
    assert accessible(page) == []
    # A preview in a tab of its own shows each version as it is saved, wherever it was saved.
    tab = page.context.new_page()
    tab.goto(f"{live_server}/studio/articles/{article_id}/preview")
    expect(tab.get_by_role("article")).to_be_visible()
    expect(tab.get_by_text("Words from elsewhere.")).to_have_count(0)
    retold = httpx.patch(
        f"{live_server}/v1/articles/{article_id}",
        json={"body_markdown": "Words from elsewhere."},
        headers={**key, "Content-Type": "application/merge-patch+json"},
    )
    assert retold.status_code == 200, retold.text
    expect(tab.get_by_text("Words from elsewhere.")).to_be_visible()
    assert accessible(tab) == []
    tab.close()
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{live_server}/studio/articles/{article_id}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert chromium.violations == []


def test_a_contributors_day(live_server: str, fresh_database: Database, chromium: Browser) -> None:
    with Session(fresh_database.engine) as session:
        make_person(session, "contributor", password=PASSWORD)
    page = chromium.page
    sign_in(page, live_server, "contributor@example.org")
    article_id = new_article(page, "My own draft")
    page.get_by_role("textbox", name="Body").click()
    page.keyboard.type("Typed by a contributor.")
    saved(page)
    for name in ("Publish", "Unpublish", "Schedule", "Delete"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    assert accessible(page) == []
    # By keyboard alone: from the summary, Tab reaches the toolbar (its focus visible), then
    # on through the body to Save, which Enter presses.
    page.get_by_label("Summary", exact=True).focus()
    page.keyboard.press("Tab")  # the closed disclosure of the article's other fields
    expect(page.get_by_text("Kicker, category, author and tags")).to_be_focused()
    page.keyboard.press("Tab")  # the next: the cover and the fields for search engines
    expect(page.get_by_text("Cover, search engines and sharing")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Bold", exact=True)).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Save":
            break
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved.")).to_be_visible()
    # The same body as Markdown: typed there, autosaved, previewed, and back in the rich editor.
    page.get_by_role("button", name="Edit as Markdown", exact=True).click()
    expect(page.get_by_text("You are editing the body as Markdown.")).to_be_visible()
    body = page.get_by_role("textbox", name="Body")
    expect(body).to_have_value("Typed by a contributor.")
    assert accessible(page) == []
    body.press("End")
    body.press_sequentially("\n\nA **second** one, [linked](https://example.org/).")
    saved(page)
    preview = page.frame_locator("iframe[title=Preview]")
    expect(preview.get_by_role("link", name="linked")).to_have_attribute(
        "href", "https://example.org/"
    )
    page.get_by_role("button", name="Edit in the rich editor", exact=True).click()
    rich = page.get_by_role("textbox", name="Body")
    expect(rich.locator("strong")).to_have_text("second")
    # A publish forged with the page's own token: the server refuses it.
    forged = page.evaluate(
        """async () => {
          const form = new URLSearchParams(new FormData(document.getElementById("article-form")));
          form.set("action", "publish");
          const r = await fetch(location.pathname, {method: "POST", body: form,
                                headers: {Accept: "application/json"}});
          return [r.status, (await r.json()).detail];
        }"""
    )
    assert forged[0] == 403
    assert "author role" in forged[1]
    draft = httpx.get(f"{live_server}/v1/articles/{article_id}")
    assert draft.status_code == 404  # still a draft: not public
    with Session(fresh_database.engine) as session:
        _, key = make_person(session, "editor", password=PASSWORD)
    stored = httpx.get(f"{live_server}/v1/articles/{article_id}", headers=key).json()
    assert stored["status"] == "draft"
    assert stored["body"][0]["children"][0]["text"] == "Typed by a contributor."
    second = stored["body"][1]
    assert [(s["text"], s["marks"]) for s in second["children"]] == [
        ("A ", []),
        ("second", ["strong"]),
        (" one, ", []),
        ("linked", [second["markDefs"][0]["_key"]]),
        (".", []),
    ]
    assert second["markDefs"][0]["href"] == "https://example.org/"
    assert chromium.violations == []
