"""Translations in the studio through HTTP (TestClient) on the test's database: the Locale
selector and "Add translation" on a document's editor, the translation edited beside its
source (read-only), published, and served by the API in that locale; an article's body as
Markdown when its source has a Markdown form; bad input said next to its field, nothing
written; a person who may not write reads it only."""

import html
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.people.models import User
from api.translations.models import Translation
from tests.conftest import Configure
from tests.studio.test_article_pages import csrf_of, editor_form, new_draft, shows


@pytest.fixture(autouse=True)
def german(configure: Configure) -> None:
    configure(FOLIO_LOCALES="en,de")


def test_a_role_is_translated_beside_its_source_and_served_in_german(
    client: TestClient, editor: User
) -> None:
    role_page = shows(
        client, "/studio/roles/2", '<label for="locale">Locale</label>', ">Add translation</button>"
    )
    chosen = client.get("/studio/roles/2/translations", params={"locale": "DE"},
                        follow_redirects=False)  # fmt: skip
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/studio/roles/2/translations/de"
    page = client.get(chosen.headers["location"])
    assert "<h1>Fractional CAIO in de</h1>" in page.text
    assert re.search(r'<textarea id="source-name" rows="1" readonly>Fractional CAIO</textarea>',
                     page.text)  # fmt: skip
    assert "a reader asking for de gets en" in page.text
    made = client.post(
        "/studio/roles/2/translations/de",
        data={"csrf": csrf_of(page), "name": "Fraktionaler CAIO", "aliases": "Teilzeit-CAIO",
              "definition": "Eine KI-Führungskraft in Teilzeit.", "action": "publish"},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303, made.text[:800]
    assert made.headers["location"].endswith("?done=created")
    public = client.get("/v1/roles/2", params={"locale": "de"}).json()
    assert public["name"] == "Fraktionaler CAIO"
    assert public["aliases"] == ["Teilzeit-CAIO"]
    assert public["locale"] == "de"
    role_page = client.get("/studio/roles/2")
    assert 'href="/studio/roles/2/translations/de">published</a>' in role_page.text
    # Edited again, with the ETag it was opened with; an old one is refused.
    page = client.get("/studio/roles/2/translations/de")
    etag = re.search(r'name="etag" value="([^"]+)"', page.text)
    assert etag
    sent = {
        "csrf": csrf_of(page),
        "etag": html.unescape(etag.group(1)),
        "name": "Fraktionaler KI-Chef",
        "definition": "Neu.",
        "action": "save",
    }
    saved = client.post("/studio/roles/2/translations/de", data=sent, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    assert client.get("/v1/roles/2", params={"locale": "de"}).json()["name"] == (
        "Fraktionaler KI-Chef"
    )
    stale = client.post("/studio/roles/2/translations/de", data=sent | {"name": "Alt"})
    assert stale.status_code == 412
    assert "Someone else saved this translation" in stale.text


def test_an_articles_body_is_translated_as_markdown_when_it_has_a_markdown_form(
    client: TestClient, editor: User
) -> None:
    article_id = new_draft(client, "Plain words")
    form = editor_form(client, article_id)
    client.post(
        f"/studio/articles/{article_id}",
        data={
            **form,
            "body_doc": "",
            "body_markdown": "Some **plain** words.",
            "action": "publish",
        },
    )
    page = client.get(f"/studio/articles/{article_id}/translations/de")
    assert re.search(r'<textarea id="source-body" rows="16" readonly>Some \*\*plain\*\* words.',
                     page.text)  # fmt: skip
    made = client.post(
        f"/studio/articles/{article_id}/translations/de",
        data={"csrf": csrf_of(page), "title": "Schlichte Worte",
              "body": "Einige **schlichte** Worte.", "action": "publish"},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303, made.text[:800]
    public = client.get(f"/v1/articles/{article_id}", params={"locale": "de"}).json()
    assert public["title"] == "Schlichte Worte"
    spans = [(s["text"], s["marks"]) for s in public["body"][0]["children"]]
    assert spans == [("Einige ", []), ("schlichte", ["strong"]), (" Worte.", [])]


def _first_text(node: dict[str, Any]) -> dict[str, Any] | None:
    if node.get("type") == "text":
        return node
    for child in node.get("content", []):
        if (found := _first_text(child)) is not None:
            return found
    return None


def test_a_body_markdown_cannot_hold_is_translated_in_the_rich_editor(
    client: TestClient, session: Session, editor: User
) -> None:
    """The seed's body (role definitions, an embedded comparison) has no Markdown form: its
    translation starts as the source's document, in the rich editor, the source drawn beside
    it as readers get it."""
    page = client.get("/studio/articles/1/translations/de")
    assert 'id="source-body-title">Body (source)</h3>' in page.text
    assert "<table>" in page.text.split('class="source-body"')[1].split("</section>")[0]
    assert "/studio/static/editor.js" in page.text
    assert 'aria-label="Formatting"' in page.text
    assert 'id="comparison-dialog"' in page.text
    found = re.search(r'name="body_doc" value="([^"]+)"', page.text)
    assert found
    doc = json.loads(html.unescape(found.group(1)))
    text = _first_text(doc)
    assert text is not None
    source_words = text["text"]
    text["text"] = "Übersetzt: " + source_words
    sent = {
        "csrf": csrf_of(page),
        "title": "Zwei Rollen im Vergleich",
        "kicker": "",  # every field, empty ones too, as a browser sends the form
        "summary": "",
        "meta_title": "Zwei Rollen, für Suchmaschinen",
        "meta_description": "",
        "body_doc": json.dumps(doc),
        "action": "publish",
    }
    made = client.post("/studio/articles/1/translations/de", data=sent, follow_redirects=False)
    assert made.status_code == 303, re.findall(r'class="error">[^<]*', made.text)
    english = client.get("/v1/articles/1").json()
    german = client.get("/v1/articles/1", params={"locale": "de"}).json()
    assert german["title"] == "Zwei Rollen im Vergleich"
    assert german["seo"]["meta_title"] == "Zwei Rollen, für Suchmaschinen"
    assert "Übersetzt: " + source_words in json.dumps(german["body"], ensure_ascii=False)
    kinds_of = [[b["_type"] for b in article["body"]] for article in (english, german)]
    assert kinds_of[0] == kinds_of[1]  # the comparison and definitions in their places
    # Opened again: the translation's own document, not the source's.
    again = client.get("/studio/articles/1/translations/de")
    assert "Übersetzt: " in html.unescape(again.text)
    # A document that cannot be read is said next to the body; nothing is written.
    version = session.exec(select(Translation.version)).one()
    broken = client.post(
        "/studio/articles/1/translations/de",
        data=sent | {"csrf": csrf_of(again), "body_doc": "{not json"},
    )
    assert broken.status_code == 422
    assert re.search(r'id="body-error" class="error">[^<]+<', broken.text)
    session.expire_all()
    assert session.exec(select(Translation.version)).one() == version


def test_a_comparisons_rows_are_translated_cell_by_cell(
    client: TestClient, session: Session, editor: User
) -> None:
    page = shows(
        client,
        "/studio/comparisons/1/translations/de",
        ">Primary job in de</label>",
        ">Primary job, Fractional CAIO in de</label>",
    )
    row_id = re.findall(r'name="row-(\d+)-dimension"', page.text)[0]
    english = client.get("/v1/comparisons/1").json()
    sent = {
        "csrf": csrf_of(page),
        "title": "Zwei Rollen",
        "rows": "6",
        f"row-{row_id}-dimension": "Hauptaufgabe",
        f"row-{row_id}-cell-fractional-caio": "Strategie setzen",
        "action": "publish",
    }
    made = client.post("/studio/comparisons/1/translations/de", data=sent, follow_redirects=False)
    assert made.status_code == 303, re.findall(r'class="error">[^<]*', made.text)
    german = client.get("/v1/comparisons/1", params={"locale": "de"}).json()
    first = german["rows"][0]
    assert first["dimension"] == "Hauptaufgabe"
    assert first["cells"]["fractional-caio"]["text"] == "Strategie setzen"
    # What was left empty shows the source's.
    source_cell = english["rows"][0]["cells"]["ai-operating-partner"]["text"]
    assert first["cells"]["ai-operating-partner"]["text"] == source_cell
    assert german["rows"][1]["dimension"] == english["rows"][1]["dimension"]
    page = client.get("/studio/comparisons/1/translations/de")
    assert 'value="Hauptaufgabe"' in page.text
    # Too long a dimension: refused, said above the rows, what was typed shown again.
    version = session.exec(select(Translation.version)).one()
    refused = client.post(
        "/studio/comparisons/1/translations/de",
        data=sent | {"csrf": csrf_of(page), f"row-{row_id}-dimension": "x" * 201},
    )
    assert refused.status_code == 422
    assert re.search(r'id="rows-error" class="error">[^<]+<', refused.text)
    assert "x" * 201 in refused.text
    session.expire_all()
    assert session.exec(select(Translation.version)).one() == version


def test_bad_translations_are_refused_and_nothing_is_written(
    client: TestClient, session: Session, editor: User
) -> None:
    page = client.get("/studio/roles/2/translations/de")
    token = csrf_of(page)
    for sent, where in (
        ({"name": ""}, "name"),
        ({"name": "Gut", "slug": "Not A Slug"}, "slug"),
        ({"name": "Gut", "action": "explode"}, "form"),
        ({"name": "Gut", "definition": "x" * 20_001}, "definition"),
    ):
        answer = client.post("/studio/roles/2/translations/de", data={"csrf": token, **sent})
        assert answer.status_code == 422, sent
        if where == "form":
            assert re.search(r'role="alert" class="error">[^<]+<', answer.text), sent
        else:
            assert re.search(rf'id="{where}-error" class="error">[^<]+<', answer.text), sent
    for locale in ("xx", "en"):  # not a locale here; the default is the role itself
        assert client.get(f"/studio/roles/2/translations/{locale}").status_code == 422
    assert client.get("/studio/roles/999999/translations/de").status_code == 404
    no_token = client.post("/studio/roles/2/translations/de", data={"name": "Gut"})
    assert no_token.status_code == 403
    assert session.exec(select(Translation)).all() == []


def test_a_contributor_reads_a_translation_and_a_forged_one_is_refused(
    client: TestClient, session: Session, contributor: User
) -> None:
    page = client.get("/studio/roles/2/translations/de")
    assert '<fieldset class="plain" disabled>' in page.text
    assert ">Add translation</button>" not in page.text.split("Translation into de")[1]
    forged = client.post(
        "/studio/roles/2/translations/de", data={"csrf": csrf_of(page), "name": "Meins"}
    )
    assert forged.status_code == 403
    assert session.exec(select(Translation)).all() == []
