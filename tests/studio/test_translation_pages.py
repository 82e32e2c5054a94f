"""Translations in the studio through HTTP (TestClient) on the test's database: the Locale
selector and "Add translation" on a document's editor, the translation edited beside its
source (read-only), published, and served by the API in that locale; an article's body as
Markdown when its source has a Markdown form; bad input said next to its field, nothing
written; a person who may not write reads it only."""

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.translations.models import Translation
from tests.conftest import Configure
from tests.studio.test_article_pages import as_person, csrf_of, editor_form, new_draft


@pytest.fixture(autouse=True)
def german(configure: Configure) -> None:
    configure(FOLIO_LOCALES="en,de")


def test_a_role_is_translated_beside_its_source_and_served_in_german(
    client: TestClient, session: Session
) -> None:
    as_person(client, session, "editor")
    editor = client.get("/studio/roles/2")
    assert '<label for="locale">Locale</label>' in editor.text
    assert ">Add translation</button>" in editor.text
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
    editor = client.get("/studio/roles/2")
    assert 'href="/studio/roles/2/translations/de">published</a>' in editor.text
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
    client: TestClient, session: Session
) -> None:
    as_person(client, session, "editor")
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
    # The seed's body has no Markdown form: its translation edits the words around it only.
    seed = client.get("/studio/articles/1/translations/de")
    assert 'id="source-body"' not in seed.text
    assert 'id="title"' in seed.text


def test_bad_translations_are_refused_and_nothing_is_written(
    client: TestClient, session: Session
) -> None:
    as_person(client, session, "editor")
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
    client: TestClient, session: Session
) -> None:
    as_person(client, session, "contributor")
    page = client.get("/studio/roles/2/translations/de")
    assert '<fieldset class="plain" disabled>' in page.text
    assert ">Add translation</button>" not in page.text.split("Translation into de")[1]
    forged = client.post(
        "/studio/roles/2/translations/de", data={"csrf": csrf_of(page), "name": "Meins"}
    )
    assert forged.status_code == 403
    assert session.exec(select(Translation)).all() == []
