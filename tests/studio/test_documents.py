"""The studio's editor of roles, comparisons, authors and tags through HTTP (TestClient) on
the test's database: forms derived from the registry of kinds, the workflow by role, the
ETag's conflict, history, trash and undo, and a comparison's grid (rows and roles added,
moved and removed, cells typed, notes kept). Every bad input is a page that says what is
wrong, never a 500, and the database as it was."""

import html
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.comparisons.models import Comparison
from api.people.models import User
from api.roles.models import Role
from tests.studio.test_article_pages import as_person, csrf_of, field, shows


def form_of(page: Any) -> dict[str, Any]:
    """The fields a browser would post from the editor's page (every input and text area,
    the grid's roles in order)."""
    text = page.text
    sent: dict[str, Any] = {}
    for tag in re.findall(r"<input[^>]*>", text):
        found = re.search(r' name="([^"]+)" value="([^"]*)"', tag)
        chosen = 'type="radio"' not in tag or " checked" in tag
        if found and chosen and found[1] != "subject":
            sent[found[1]] = found[2]
    for name, value in re.findall(
        r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', text
    ):
        sent[name] = html.unescape(value)
    sent = {k: html.unescape(v) if isinstance(v, str) else v for k, v in sent.items()}
    sent["subject"] = re.findall(r'<input type="hidden" name="subject" value="([^"]+)">', text)
    if not sent["subject"]:
        del sent["subject"]
    return sent


def grid_steps(client: TestClient, grid: str, page: Any, *actions: str) -> Any:
    """The grid's form at ``page`` posted with each of ``actions`` in turn (each on the page
    the last one drew), the last a save or a publish: its page, after the redirect."""
    *moves, last = actions
    for action in moves:
        page = client.post(grid, data=form_of(page) | {"action": action})
    saved = client.post(grid, data=form_of(page) | {"action": last}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:800]
    return client.get(saved.headers["location"])


def test_an_editor_makes_a_role_publishes_it_and_the_api_serves_it(
    client: TestClient, session: Session, editor: User
) -> None:
    listing = shows(
        client,
        "/studio/roles",
        'href="/studio/roles/new">New role</a>',
        'href="/studio/roles/2">Fractional CAIO</a>',
    )
    new = client.get("/studio/roles/new")
    made = client.post(
        "/studio/roles",
        data={"csrf": csrf_of(new), "name": "Head of AI"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text[:500]
    role_id = int(made.headers["location"].split("/")[3].split("?")[0])
    page = client.get(made.headers["location"])
    assert "Created." in page.text
    for label in ("Name", "Aliases", "Definition", "Slug"):
        assert f">{label}</label>" in page.text
    sent = form_of(page) | {
        "aliases": "AI lead\n\n  Chief AI officer  \n",
        "definition": "Leads AI <everywhere>.",
        "action": "publish",
    }
    published = client.post(f"/studio/roles/{role_id}", data=sent, follow_redirects=False)
    assert published.status_code == 303, published.text[:800]
    public = client.get("/v1/roles/head-of-ai").json()
    assert public["aliases"] == ["AI lead", "Chief AI officer"]
    assert public["definition"] == "Leads AI <everywhere>."
    assert public["status"] == "published"
    page = client.get(f"/studio/roles/{role_id}")
    assert "Leads AI &lt;everywhere&gt;." in page.text
    assert "<everywhere>" not in page.text
    # An old ETag: refused, nothing written, the person told.
    stale = client.post(
        f"/studio/roles/{role_id}", data=sent | {"definition": "Overwrite?", "action": "save"}
    )
    assert stale.status_code == 412
    assert "Someone else saved this role since you opened it." in stale.text
    # History: compare the first revision with now, restore it.
    history = client.get(f"/studio/roles/{role_id}/history", params={"from": 1, "to": 2})
    assert history.status_code == 200
    assert "Leads AI &lt;everywhere&gt;." in history.text
    restored = client.post(
        f"/studio/roles/{role_id}/history/1/restore",
        data={"csrf": csrf_of(history)},
        follow_redirects=False,
    )
    assert restored.status_code == 303
    session.expire_all()
    role = session.get(Role, role_id)
    assert role is not None
    assert (role.definition, role.version) == ("", 3)
    # Deleted, then undone from the list.
    page = client.get(f"/studio/roles/{role_id}")
    deleted = client.post(
        f"/studio/roles/{role_id}/delete",
        data={"csrf": csrf_of(page), "etag": field(page, "etag")},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    listing = shows(
        client,
        deleted.headers["location"],
        "Moved to the trash.",
        f'action="/studio/trash/roles/{role_id}/restore"',
    )
    back = client.post(
        f"/studio/trash/roles/{role_id}/restore",
        data={"csrf": csrf_of(listing)},
        follow_redirects=False,
    )
    assert back.status_code == 303
    assert client.get(back.headers["location"]).status_code == 200


def test_bad_input_is_shown_next_to_its_field_and_nothing_changes(
    client: TestClient, session: Session, editor: User
) -> None:
    page = client.get("/studio/roles/2")
    sent = form_of(page)
    for changed, where in (
        ({"name": ""}, "name"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "ai-operating-partner"}, "slug"),  # another role's
        ({"definition": "x" * 20_001}, "definition"),
        ({"aliases": "\n".join(f"a{n}" for n in range(21))}, "aliases"),
        ({"action": "explode"}, "form"),
        ({"action": "schedule", "publish_at": "not a date"}, "form"),
    ):
        answer = client.post("/studio/roles/2", data=sent | changed)
        assert 400 <= answer.status_code < 500, (changed, answer.status_code)
        if where == "form":
            assert re.search(r'role="alert" class="error">[^<]+<', answer.text), changed
        else:
            assert re.search(rf'id="{where}-error" class="error">[^<]+<', answer.text), changed
    new = client.post(
        "/studio/tags", data={"csrf": sent["csrf"], "name": ""}, follow_redirects=False
    )
    assert new.status_code == 422
    assert 'id="name-error"' in new.text
    assert client.get("/studio/roles/999999").status_code == 404
    assert client.get("/studio/roles/0").status_code == 422
    no_token = client.post("/studio/roles/2", data=sent | {"csrf": ""})
    assert no_token.status_code == 403
    session.expire_all()
    role = session.get(Role, 2)
    assert role is not None
    assert (role.name, role.version) == ("Fractional CAIO", 1)


def test_a_contributor_reads_a_role_and_a_forged_save_is_refused(
    client: TestClient, session: Session, contributor: User
) -> None:
    listing = client.get("/studio/roles")
    assert "New role" not in listing.text
    page = client.get("/studio/roles/2")
    assert '<fieldset class="plain" disabled>' in page.text
    assert ">Save</button>" not in page.text
    assert "an editor changes it" in page.text
    forged = client.post("/studio/roles/2", data=form_of(page) | {"name": "Mine now"})
    assert forged.status_code == 403
    assert "editor role" in forged.text
    session.expire_all()
    assert session.get(Role, 2).name == "Fractional CAIO"  # type: ignore[union-attr]


def test_a_comparison_is_built_in_its_grid(client: TestClient, session: Session) -> None:
    as_person(client, session, "editor")
    new = client.get("/studio/comparisons/new")
    assert "Roles compared" in new.text
    no_roles = client.post("/studio/comparisons", data={"csrf": csrf_of(new), "title": "Empty"})
    assert no_roles.status_code == 422
    assert 'id="subjects-error"' in no_roles.text
    made = client.post(
        "/studio/comparisons",
        data={"csrf": csrf_of(new), "title": "Two roles", "subjects": ["fractional-caio"]},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text[:500]
    comparison_id = int(made.headers["location"].split("/")[3].split("?")[0])
    page = client.get(f"/studio/comparisons/{comparison_id}")
    # A role and two rows, shown before they are saved.
    page = client.post(
        f"/studio/comparisons/{comparison_id}",
        data=form_of(page) | {"action": "add-role", "add_role": "ai-operating-partner"},
    )
    assert page.status_code == 200
    assert "Not saved yet" in page.text
    for _ in range(2):
        page = client.post(
            f"/studio/comparisons/{comparison_id}", data=form_of(page) | {"action": "add-row"}
        )
    assert 'name="row-1-dimension"' in page.text
    assert ">Row 2, AI operating partner</label>" in page.text
    session.expire_all()
    assert session.get(Comparison, comparison_id).version == 1  # type: ignore[union-attr]
    # An empty dimension cannot be saved: said next to the grid, nothing written.
    empty = client.post(f"/studio/comparisons/{comparison_id}", data=form_of(page))
    assert empty.status_code == 422
    assert re.search(r'id="rows-error" class="error">[^<]+<', empty.text)
    typed = form_of(page) | {
        "row-0-dimension": "Primary job",
        "row-0-cell-fractional-caio": "Set strategy",
        "row-0-cell-ai-operating-partner": "Run workflows",
        "row-1-dimension": "Buyer",
        "row-1-cell-fractional-caio": "A CEO",
        "action": "save",
    }
    saved = client.post(f"/studio/comparisons/{comparison_id}", data=typed, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:800]
    page = client.get(saved.headers["location"])
    assert ">Primary job, Fractional CAIO</label>" in page.text
    stored = client.get(f"/studio/comparisons/{comparison_id}")
    row_ids = [int(i) for i in re.findall(r'name="row-\d+-id" value="(\d+)"', stored.text)]
    assert len(row_ids) == 2
    # A note the grid does not show survives an edit of its cell's text.
    comparison = session.get(Comparison, comparison_id)
    assert comparison is not None
    # Reordered (the buyer first), a role moved left, then saved: the API serves that.
    grid = f"/studio/comparisons/{comparison_id}"
    page = grid_steps(client, grid, client.get(grid), "row-down:0", "role-left:1", "publish")
    public = client.get(f"/v1/comparisons/{comparison_id}").json()
    assert [s["slug"] for s in public["subjects"]] == ["ai-operating-partner", "fractional-caio"]
    assert [r["dimension"] for r in public["rows"]] == ["Buyer", "Primary job"]
    assert [r["id"] for r in public["rows"]] == row_ids[::-1]  # the rows kept their ids
    primary = public["rows"][1]["cells"]
    assert primary["fractional-caio"]["text"] == "Set strategy"
    assert primary["ai-operating-partner"]["text"] == "Run workflows"
    # A role removed from the grid takes its column with it.
    page = grid_steps(client, grid, client.get(grid), "remove-role:0", "save")
    public = client.get(f"/v1/comparisons/{comparison_id}").json()
    assert [s["slug"] for s in public["subjects"]] == ["fractional-caio"]
    # Bad grids: too many rows said, an unknown role refused; nothing written.
    version = session.exec(select(Comparison.version).where(Comparison.id == comparison_id)).one()
    for bad in ({"rows": "201"}, {"rows": "x"}, {"action": "add-role", "add_role": "nobody"}):
        answer = client.post(f"/studio/comparisons/{comparison_id}", data=form_of(page) | bad)
        assert answer.status_code == 422, bad
    session.expire_all()
    assert (
        session.exec(select(Comparison.version).where(Comparison.id == comparison_id)).one()
        == version
    )


def test_the_seed_comparison_keeps_its_notes_when_its_grid_is_saved(
    client: TestClient, editor: User
) -> None:
    before = client.get("/v1/comparisons/1").json()
    page = client.get("/studio/comparisons/1")
    assert ">Primary job, AI operating partner</label>" in page.text
    sent = form_of(page) | {"row-0-cell-fractional-caio": "Edited in the grid"}
    saved = client.post("/studio/comparisons/1", data=sent, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:800]
    after = client.get("/v1/comparisons/1").json()
    assert after["rows"][0]["cells"]["fractional-caio"]["text"] == "Edited in the grid"
    for old, new in zip(before["rows"], after["rows"], strict=True):
        assert old["id"] == new["id"]
        assert old["dimension"] == new["dimension"]
        for slug, cell in old["cells"].items():
            assert cell.get("note") == new["cells"][slug].get("note")
            assert cell.get("source_url") == new["cells"][slug].get("source_url")


def test_a_cells_note_and_source_are_written_in_its_rows_notes(
    client: TestClient, session: Session, editor: User
) -> None:
    page = shows(
        client,
        "/studio/comparisons/1",
        ">Note: Fractional CAIO on Primary job</label>",
        ">Source: Fractional CAIO on Primary job</label>",
    )
    sent = form_of(page) | {
        "row-0-note-fractional-caio": "  Seen in job posts of 2025  ",
        "row-0-source-fractional-caio": "https://example.com/survey",
        "row-1-note-ai-operating-partner": "",
    }
    saved = client.post("/studio/comparisons/1", data=sent, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:800]
    cell = client.get("/v1/comparisons/1").json()["rows"][0]["cells"]["fractional-caio"]
    assert cell["note"] == "Seen in job posts of 2025"
    assert cell["source_url"] == "https://example.com/survey"
    page = client.get("/studio/comparisons/1")
    assert "Seen in job posts of 2025</textarea>" in page.text
    assert re.search(r"<summary>Notes \(\d+\)<span", page.text)
    # Emptied, they are gone; a source that is no web address is refused, nothing written.
    version = session.exec(select(Comparison.version).where(Comparison.id == 1)).one()
    bad = form_of(page) | {"row-0-source-fractional-caio": "ftp://example.com/x"}
    refused = client.post("/studio/comparisons/1", data=bad)
    assert refused.status_code == 422
    assert "Primary job, Fractional CAIO: use a web address" in refused.text
    session.expire_all()
    assert session.exec(select(Comparison.version).where(Comparison.id == 1)).one() == version
    emptied = form_of(page) | {"row-0-note-fractional-caio": "", "row-0-source-fractional-caio": ""}
    client.post("/studio/comparisons/1", data=emptied)
    cell = client.get("/v1/comparisons/1").json()["rows"][0]["cells"]["fractional-caio"]
    assert cell.get("note") is None
    assert cell.get("source_url") is None


def test_a_row_and_a_role_dragged_elsewhere_move_there_unsaved(
    client: TestClient, editor: User
) -> None:
    page = shows(client, "/studio/comparisons/1", 'data-drag="row-to:5"', 'data-drag="role-to:1"')
    moved = client.post("/studio/comparisons/1", data=form_of(page) | {"action": "row-to:5:0"})
    assert "Not saved yet" in moved.text
    dimensions = re.findall(r'name="row-\d+-dimension" value="([^"]*)"', moved.text)
    assert dimensions[0] == "Best use case"
    assert dimensions[1] == "Primary job"
    moved = client.post("/studio/comparisons/1", data=form_of(moved) | {"action": "role-to:1:0"})
    subjects = re.findall(r'<input type="hidden" name="subject" value="([^"]+)">', moved.text)
    assert subjects == ["fractional-caio", "ai-operating-partner"]
    saved = client.post(
        "/studio/comparisons/1", data=form_of(moved) | {"action": "save"}, follow_redirects=False
    )
    assert saved.status_code == 303
    public = client.get("/v1/comparisons/1").json()
    assert public["rows"][0]["dimension"] == "Best use case"
    assert [s["slug"] for s in public["subjects"]] == ["fractional-caio", "ai-operating-partner"]
    # A place out of range or not a number (a forged form) changes nothing.
    page = client.get("/studio/comparisons/1")
    for forged in ("row-to:9:0", "row-to:0:99", "row-to:x:0", "role-to:0", "row-to:-1:0"):
        answer = client.post("/studio/comparisons/1", data=form_of(page) | {"action": forged})
        assert answer.status_code == 200, forged
        shown = re.findall(r'name="row-\d+-dimension" value="([^"]*)"', answer.text)
        assert shown[0] == "Best use case", forged


def test_the_grid_shows_the_table_as_readers_get_it(client: TestClient, session: Session) -> None:
    as_person(client, session, "author")
    page = client.get("/studio/comparisons/1")
    assert 'src="/studio/comparisons/1/embed"' in page.text
    framed = client.get("/studio/comparisons/1/embed")
    assert framed.status_code == 200
    assert "frame-ancestors 'self'" in framed.headers["content-security-policy"]
    assert framed.headers["cache-control"].startswith("no-store")
    assert '<th scope="row">Primary job</th>' in framed.text
    # A draft is shown here (what is saved), never on the public embed.
    client.get("/studio/sign-out")
    as_person(client, session, "editor")
    made = client.post(
        "/studio/comparisons",
        data={
            "csrf": csrf_of(client.get("/studio/comparisons/new")),
            "title": "Draft table",
            "subjects": ["fractional-caio"],
        },
        follow_redirects=False,
    )
    draft_id = int(made.headers["location"].split("/")[3].split("?")[0])
    assert client.get(f"/studio/comparisons/{draft_id}/embed").status_code == 200
    assert client.get(f"/v1/comparisons/{draft_id}/embed").status_code == 404
    assert client.get("/studio/comparisons/999999/embed").status_code == 404


def test_a_tag_and_an_author_are_made_renamed_and_deleted(client: TestClient, editor: User) -> None:
    for collection, noun in (("tags", "tag"), ("authors", "author")):
        new = client.get(f"/studio/{collection}/new")
        assert f"<h1>New {noun}</h1>" in new.text
        made = client.post(
            f"/studio/{collection}",
            data={"csrf": csrf_of(new), "name": f"A {noun}"},
            follow_redirects=False,
        )
        assert made.status_code == 303, made.text[:300]
        page = client.get(made.headers["location"])
        assert "Publish" not in page.text  # labels have no workflow
        renamed = client.post(
            made.headers["location"].split("?")[0],
            data=form_of(page) | {"name": f"The {noun}"},
            follow_redirects=False,
        )
        assert renamed.status_code == 303, renamed.text[:300]
        assert client.get(f"/v1/{collection}/a-{noun}").json()["name"] == f"The {noun}"
        published = client.post(
            made.headers["location"].split("?")[0], data=form_of(page) | {"action": "publish"}
        )
        assert published.status_code == 422
