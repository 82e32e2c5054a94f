"""A comparison built in the studio's grid in a real browser (Playwright driving Debian's
Chromium) against a live server on this suite's database: a role made, a comparison of two
roles, a row typed by keyboard (the arrow keys and Enter moving between cells), six rows
pasted as CSV (seen, then applied), saved and published, then translated into German beside
its source; the public API serves exactly that.
axe-core finds nothing on any page, and the CSP is never violated."""

from collections.abc import Iterator

import httpx2 as httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from tests.browser import Browser, accessible, browser
from tests.conftest import Database
from tests.helpers import make_person
from tests.studio.test_editor_browser import PASSWORD, sign_in

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


def test_an_editor_builds_a_comparison_in_the_grid(
    live_server: str, fresh_database: Database, chromium: Browser
) -> None:
    with Session(fresh_database.engine) as session:
        make_person(session, "editor", password=PASSWORD)
    page = chromium.page
    sign_in(page, live_server, "editor@example.org")
    # A role of its own first.
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Roles").click()
    page.get_by_role("link", name="New role").click()
    page.get_by_label("Name").fill("Head of AI")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Edit role")).to_be_visible()
    assert accessible(page) == []
    page.get_by_label("Definition").fill("Leads AI in one company.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.")).to_be_visible()
    # A comparison of it and the Fractional CAIO.
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Comparisons").click()
    page.get_by_role("link", name="New comparison").click()
    page.get_by_label("Title").fill("Head of AI or fractional CAIO")
    page.get_by_role("checkbox", name="Head of AI").check()
    page.get_by_role("checkbox", name="Fractional CAIO").check()
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
    expect(page.get_by_label("Scratch, Fractional CAIO")).to_be_focused()
    page.keyboard.type("typed here")
    page.keyboard.press("ArrowLeft")  # inside the text: the caret moves, not the focus
    expect(page.get_by_label("Scratch, Fractional CAIO")).to_be_focused()
    page.get_by_label("Scratch, Fractional CAIO").press("Enter")  # no row below: stays
    expect(page.get_by_label("Scratch, Fractional CAIO")).to_be_focused()
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
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.")).to_be_visible()
    comparison_id = int(page.url.split("/studio/comparisons/")[1].split("?")[0])
    public = httpx.get(f"{live_server}/v1/comparisons/{comparison_id}").json()
    assert [s["name"] for s in public["subjects"]] == ["Fractional CAIO", "Head of AI"]
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
    # Translated into German beside its source, and served in German.
    page.get_by_label("Locale").select_option("de")
    page.get_by_role("button", name="Add translation").click()
    expect(page.get_by_role("heading", name="Head of AI or fractional CAIO in de")).to_be_visible()
    expect(page.get_by_label("Title (source)")).to_have_value("Head of AI or fractional CAIO")
    assert accessible(page) == []
    page.get_by_label("Title", exact=True).fill("Leiter KI oder Teilzeit-CAIO")
    # The rows beside their source, cell by cell; one left empty shows the source's.
    page.get_by_label("Primary job in de").fill("Hauptaufgabe")
    page.get_by_label("Primary job, Fractional CAIO in de").fill("Besitzt die KI-Roadmap")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Created.")).to_be_visible()
    german = httpx.get(f"{live_server}/v1/comparisons/{comparison_id}?locale=de").json()
    assert german["title"] == "Leiter KI oder Teilzeit-CAIO"
    assert german["rows"][0]["dimension"] == "Hauptaufgabe"
    assert german["rows"][0]["cells"]["fractional-caio"]["text"] == "Besitzt die KI-Roadmap"
    assert german["rows"][0]["cells"]["head-of-ai"]["text"] == "Runs the workflows"
    assert chromium.violations == []
