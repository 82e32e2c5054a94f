"""An editor's day over the whole content model, in a real browser (Playwright driving
Debian's Chromium) against a live server on this suite's database, found by role and
accessible name as a screen reader finds it: an image uploaded and described; two roles made,
one given a cover found by a search; a comparison of them built in its grid (a row typed by
keyboard, the arrow keys and Enter moving between cells; six rows pasted as CSV, seen, then
applied; a row dragged to another place; a cell's note and source), its table framed as
readers get it; an article that embeds it; everything published; then the article (its body
in the rich editor, from the source's), a role and the comparison's rows translated into
German. The public API, the feeds and the embed serve exactly that. axe-core finds nothing on
any page, and the CSP is never violated."""

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

TITLE = "Head of AI or AI program lead"
CSV = "\n".join(
    [
        'Primary job,"Owns the AI roadmap, end to end",Runs the workflows',
        "Typical buyer,A CEO,A PE firm",
        'Accountability,Governance,"EBITDA, cycle time"',
        "Cadence,Monthly,Weekly",
        'Ownership,Advises,"Owns ""deployment"""',
        "Best use,One company,A portfolio",
        "",
    ]
)


@pytest.fixture
def chromium() -> Iterator[Browser]:
    yield from browser()


@pytest.fixture
def server_env() -> dict[str, str]:
    return {"FOLIO_LOCALES": "en,de"}


def test_an_editors_day_over_the_whole_content_model(
    live_server: str, fresh_database: Database, chromium: Browser
) -> None:
    with Session(fresh_database.engine) as session:
        _, key = make_person(session, "editor", password=PASSWORD)
    page = chromium.page
    nav = page.get_by_role("navigation", name="Studio")
    sign_in(page, live_server, "editor@example.org")
    # An image, described, for a role's cover.
    nav.get_by_role("link", name="Media").click()
    drop(page, "form[data-upload]", [("portrait.png", png(60, 60))])
    expect(page.get_by_text("Uploaded.")).to_be_visible()
    page.get_by_role("textbox", name="Alt text").fill("A portrait of a leader")
    page.get_by_role("button", name="Save the alt text of portrait.png").click()
    expect(page.get_by_text("Alt text saved.")).to_be_visible()
    # Two roles, the first with its cover found by a search in its editor.
    for name, definition in (
        ("Head of AI", "Leads AI in one company."),
        ("AI program lead", "Runs AI programs across a portfolio."),
    ):
        nav.get_by_role("link", name="Roles").click()
        page.get_by_role("link", name="New role").click()
        page.get_by_label("Name").fill(name)
        page.get_by_role("button", name="Create draft").click()
        expect(page.get_by_role("heading", name="Edit role")).to_be_visible()
        page.get_by_label("Definition").fill(definition)
        if name == "Head of AI":
            cover = page.get_by_role("group", name="Cover")
            expect(cover.get_by_role("radio", name="No cover")).to_be_checked()
            cover.get_by_role("searchbox", name="Find an image").fill("portrait")
            cover.get_by_role("radio", name="A portrait of a leader").check()
            assert accessible(page) == []
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.get_by_text("Published.")).to_be_visible()
    # The role open here, saved elsewhere (through the API): its editor says so at once.
    notice = page.get_by_role("status").filter(has_text="Someone else saved this")
    expect(notice).to_be_hidden()
    elsewhere = httpx.patch(
        f"{live_server}/v1/roles/ai-program-lead",
        json={"aliases": ["Portfolio AI lead"]},
        headers={**key, "Content-Type": "application/merge-patch+json"},
    )
    assert elsewhere.status_code == 200, elsewhere.text
    expect(notice).to_be_visible()
    assert accessible(page) == []
    head = httpx.get(f"{live_server}/v1/roles/head-of-ai").json()
    assert head["cover"]["alt"] == "A portrait of a leader"
    # A comparison of the two, built in its grid.
    nav.get_by_role("link", name="Comparisons").click()
    page.get_by_role("link", name="New comparison").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("checkbox", name="Head of AI").check()
    page.get_by_role("checkbox", name="AI program lead").check()
    assert accessible(page) == []
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Edit comparison")).to_be_visible()
    page.get_by_role("button", name="Add row").click()
    expect(page.get_by_text("Not saved yet")).to_be_visible()
    assert accessible(page) == []
    # Typed by keyboard: Enter and the arrow keys move as in a spreadsheet.
    dimension = page.get_by_label("Dimension of row 1")
    dimension.fill("Scratch")
    dimension.press("ArrowRight")  # the caret at the end: on to the next cell
    expect(page.get_by_label("Scratch, AI program lead")).to_be_focused()
    page.keyboard.type("typed here")
    page.keyboard.press("ArrowLeft")  # inside the text: the caret moves, not the focus
    expect(page.get_by_label("Scratch, AI program lead")).to_be_focused()
    page.get_by_label("Scratch, AI program lead").press("Enter")  # no row below: stays
    expect(page.get_by_label("Scratch, AI program lead")).to_be_focused()
    # Six rows pasted as CSV from the first cell: seen first, then applied.
    dimension.focus()
    dimension.evaluate(
        """(field, text) => {
          const data = new DataTransfer();
          data.setData("text/plain", text);
          field.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                           cancelable: true}));
        }""",
        CSV,
    )
    dialog = page.get_by_role("dialog", name="Paste into the grid")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("18 cells, 5 new rows.")).to_be_visible()
    assert accessible(page) == []
    dialog.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status").filter(has_text="Pasted")).to_be_visible()
    expect(page.get_by_label("Best use, Head of AI")).to_have_value("A portfolio")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    # The last row dragged by its handle to the top (a window tall enough to hold both), then
    # back by keyboard (its button).
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.locator("[data-drag='row-to:5']").drag_to(page.locator("[data-drop-row='0'] th"))
    expect(page.get_by_text("Not saved yet")).to_be_visible()
    expect(page.get_by_label("Dimension of row 1")).to_have_value("Best use")
    page.get_by_role("button", name="Move Best use down").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Dimension of row 1")).to_have_value("Primary job")
    page.get_by_role("button", name="Move Best use down").click()
    page.get_by_role("button", name="Move Best use down").click()
    page.get_by_role("button", name="Move Best use down").click()
    page.get_by_role("button", name="Move Best use down").click()
    expect(page.get_by_label("Dimension of row 6")).to_have_value("Best use")
    # A note and its source on a cell; the table as readers get it, under the grid.
    page.locator("summary", has_text="of Primary job").click()
    page.get_by_label("Note: AI program lead on Primary job").fill("Counted in 40 job posts")
    page.get_by_label("Source: AI program lead on Primary job").fill("https://example.com/posts")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.")).to_be_visible()
    embed = page.frame_locator("iframe[title='The comparison as readers get it']")
    expect(embed.get_by_role("rowheader", name="Best use")).to_be_visible()
    assert accessible(page) == []
    comparison_id = int(page.url.split("/studio/comparisons/")[1].split("?")[0])
    public = httpx.get(f"{live_server}/v1/comparisons/{comparison_id}").json()
    assert [s["name"] for s in public["subjects"]] == ["AI program lead", "Head of AI"]
    rows = [
        [row["dimension"], *(row["cells"][s["slug"]]["text"] for s in public["subjects"])]
        for row in public["rows"]
    ]
    assert rows == [
        ["Primary job", "Owns the AI roadmap, end to end", "Runs the workflows"],
        ["Typical buyer", "A CEO", "A PE firm"],
        ["Accountability", "Governance", "EBITDA, cycle time"],
        ["Cadence", "Monthly", "Weekly"],
        ["Ownership", "Advises", 'Owns "deployment"'],
        ["Best use", "One company", "A portfolio"],
    ]
    cell = public["rows"][0]["cells"]["ai-program-lead"]
    assert cell["note"] == "Counted in 40 job posts"
    assert cell["source_url"] == "https://example.com/posts"
    # The comparison's rows in German, beside their source; one left empty shows the source's.
    page.get_by_label("Locale").select_option("de")
    page.get_by_role("button", name="Add translation").click()
    expect(page.get_by_role("heading", name=f"{TITLE} in de")).to_be_visible()
    expect(page.get_by_label("Title (source)")).to_have_value(TITLE)
    assert accessible(page) == []
    page.get_by_label("Title", exact=True).fill("Leiter KI oder KI-Programmleiter")
    page.get_by_label("Primary job in de").fill("Hauptaufgabe")
    page.get_by_label("Primary job, AI program lead in de").fill("Besitzt die KI-Roadmap")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Created.")).to_be_visible()
    german = httpx.get(f"{live_server}/v1/comparisons/{comparison_id}?locale=de").json()
    assert german["title"] == "Leiter KI oder KI-Programmleiter"
    assert german["rows"][0]["dimension"] == "Hauptaufgabe"
    assert german["rows"][0]["cells"]["ai-program-lead"]["text"] == "Besitzt die KI-Roadmap"
    assert german["rows"][0]["cells"]["head-of-ai"]["text"] == "Runs the workflows"
    # An article embedding the comparison, published.
    nav.get_by_role("link", name="Articles").click()
    article_id = new_article(page, "Which comes first")
    body = page.get_by_role("textbox", name="Body")
    body.click()
    page.keyboard.type("Compare the two roles first.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Comparison", exact=True).click()
    page.get_by_role("searchbox", name="Find a comparison").fill("program lead")
    page.get_by_role("button", name=TITLE).click()
    saved(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.")).to_be_visible()
    article = httpx.get(f"{live_server}/v1/articles/{article_id}").json()
    assert [b["_type"] for b in article["body"]][:2] == ["block", "comparison"]
    # The article in German: its body in the rich editor, from the source's.
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
    # A role in German.
    page.goto(f"{live_server}/studio/roles/{head['id']}/translations/de")
    expect(page.get_by_label("Name (source)")).to_have_value("Head of AI")
    page.get_by_label("Name", exact=True).fill("KI-Leitung")
    page.get_by_label("Definition", exact=True).fill("Leitet KI in einem Unternehmen.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Created.")).to_be_visible()
    role = httpx.get(f"{live_server}/v1/roles/head-of-ai?locale=de").json()
    assert role["name"] == "KI-Leitung"
    # The feeds and the embed serve what the editor did.
    feed = httpx.get(f"{live_server}/v1/feeds/articles.json").json()
    entry = next(i for i in feed["items"] if i["title"] == "Which comes first")
    assert "Owns the AI roadmap, end to end" in entry["content_html"]  # the table, drawn
    german_feed = httpx.get(f"{live_server}/v1/feeds/articles.json?locale=de").json()
    assert "Was zuerst kommt" in [i["title"] for i in german_feed["items"]]
    shown = httpx.get(f"{live_server}/v1/comparisons/{comparison_id}/embed").text
    assert '<th scope="row">Primary job</th>' in shown
    assert "Owns &quot;deployment&quot;" in shown
    assert chromium.violations == []
