"""Locales: with FOLIO_LOCALES=en,de,fr,de-CH the seed stays article 1 in English, unchanged;
its German translation is written, previewed by link, published on its own date, found by a
German search for a stemmed word, read by ``?locale=`` or Accept-Language along the fallback
chain, under its own slug (old ones redirect), with its own revisions and events."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.core.clock import Clock
from api.events.models import Event
from api.translations.models import Translation
from tests.conftest import Configure, Keys
from tests.helpers import linking, published_german_role

SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"
GERMAN = {
    "title": "KI-Betriebspartner oder Fractional CAIO: Welche Rolle brauchen Sie?",
    "kicker": "Vergleich",
    "summary": "Zwei Rollen, zwei Aufgaben.",
    "body_markdown": "Beide Rollen verfolgen **Strategien** für KI.\n\n"
    "Die Entscheidung ist einfach.",
}


@pytest.fixture(autouse=True)
def locales(configure: Configure) -> None:
    configure(FOLIO_LOCALES="en,de,fr,de-CH")


def _german(client: TestClient, keys: Keys, **fields: Any) -> Any:
    answer = client.put(
        "/v1/articles/1/translations/de", json={**GERMAN, **fields}, headers=keys.auth("write")
    )
    assert answer.status_code in (200, 201), answer.text
    return answer


def test_the_seed_is_unchanged_and_says_its_locale(client: TestClient) -> None:
    seed = client.get("/v1/articles/1")
    assert seed.status_code == 200
    document = seed.json()
    assert document["slug"] == SEED
    assert document["locale"] == "en"
    assert document["fallback"] is False
    assert document["translations"] == []
    assert seed.headers["content-language"] == "en"
    assert "Accept-Language" in seed.headers["vary"]
    # Asked in French, which it has not: the English, saying so.
    french = client.get("/v1/articles/1?locale=fr")
    assert french.json()["locale"] == "en"
    assert french.json()["fallback"] is True
    assert french.json()["title"] == document["title"]
    for shown, own in zip(french.json()["body"], document["body"], strict=True):
        if shown["_type"] == "comparison":  # it says so too
            assert shown["comparison"]["fallback"] is True
            assert shown["comparison"]["rows"] == own["comparison"]["rows"]
        else:
            assert shown == own


@pytest.mark.calendar  # dates from the clock: make test-ahead runs it years ahead
def test_a_german_translation_is_written_previewed_published_and_found(
    client: TestClient, keys: Keys, session: Session, frozen_clock: Clock
) -> None:
    english = client.get("/v1/articles/1").json()
    made = _german(client, keys)
    assert made.status_code == 201
    draft = made.json()
    assert draft["locale"] == "de"
    assert draft["status"] == "draft"
    assert draft["slug"] == "ki-betriebspartner-oder-fractional-caio-welche-rolle-brauchen-sie"
    assert made.headers["location"].endswith(f"/v1/articles/{draft['slug']}")
    assert draft["body"][0]["children"][1]["text"] == "Strategien"
    # A draft: readers still get English, by every path.
    assert client.get("/v1/articles/1?locale=de").json()["locale"] == "en"
    assert client.get(f"/v1/articles/{draft['slug']}").status_code == 404
    # With a key, the draft in German.
    preview = client.get("/v1/articles/1?locale=de", headers=keys.auth("read"))
    assert preview.json()["locale"] == "de"
    assert preview.json()["title"] == GERMAN["title"]
    # A preview link for the German draft, for someone without a key.
    link = client.post(
        "/v1/articles/1/preview-links", json={"locale": "de"}, headers=keys.auth("write")
    ).json()
    assert link["locale"] == "de"
    assert "locale=de" in link["url"]
    shared = client.get(link["url"].removeprefix("http://testserver"))
    shown = client.get("/v1/articles/1", params={"preview": link["token"]})
    for answer in (shared, shown):
        assert answer.status_code == 200, answer.text
        assert answer.json()["title"] == GERMAN["title"]
        assert answer.headers["cache-control"] == "private, no-store"
        assert answer.headers["content-language"] == "de"
    # The link opens German only.
    french = client.get("/v1/articles/1", params={"preview": link["token"], "locale": "fr"})
    assert french.status_code == 404
    # Published on its own date, a day after now; English keeps its own.
    tomorrow = frozen_clock.now() + timedelta(days=1)
    scheduled = client.patch(
        "/v1/articles/1/translations/de",
        json={"status": "scheduled", "publish_at": tomorrow.isoformat()},
        headers={**keys.auth("write"), "If-Match": made.headers["etag"]},
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["version"] == 2
    assert client.get("/v1/articles/1?locale=de").json()["locale"] == "en"
    frozen_clock.freeze(tomorrow + timedelta(minutes=1))
    german = client.get("/v1/articles/1?locale=de")
    assert german.json()["locale"] == "de"
    assert german.json()["fallback"] is False
    assert german.json()["status"] == "published"
    assert german.json()["published_at"].startswith(tomorrow.date().isoformat())
    assert german.json()["title"] == GERMAN["title"]
    assert german.json()["url"].endswith(draft["slug"])
    assert german.headers["content-language"] == "de"
    assert [t["locale"] for t in german.json()["translations"]] == ["en"]
    # English: the same as before, naming its German alternate.
    now_english = client.get("/v1/articles/1").json()
    assert now_english["published_at"] == english["published_at"]
    assert now_english["body"] == english["body"]
    assert [t["locale"] for t in now_english["translations"]] == ["de"]
    # By its own slug, and along the chain: de-CH falls back to de.
    assert client.get(f"/v1/articles/{draft['slug']}").json()["locale"] == "de"
    swiss = client.get("/v1/articles/1?locale=de-CH").json()
    assert (swiss["locale"], swiss["fallback"]) == ("de", True)
    # A German search for a stemmed word: "Strategie" finds "Strategien".
    found = client.get("/v1/search", params={"q": "Strategie", "locale": "de"}).json()["data"]
    assert [(hit["id"], hit["locale"], hit["slug"]) for hit in found] == [(1, "de", draft["slug"])]
    plural = client.get("/v1/search", params={"q": "Entscheidungen", "locale": "de"}).json()
    assert [hit["id"] for hit in plural["data"]] == [1]  # the body says "Entscheidung"
    assert client.get("/v1/search", params={"q": "Entscheidungen"}).json()["data"] == []
    # Its revisions, its events (each naming the locale).
    revisions = client.get(
        "/v1/articles/1/translations/de/revisions", headers=keys.auth("read")
    ).json()["data"]
    assert [r["number"] for r in revisions] == [2, 1]
    events = session.exec(select(Event).where(Event.locale == "de").order_by(col(Event.id))).all()
    assert [e.type for e in events] == ["article.created", "article.updated"]
    assert events[0].data["locale"] == "de"


def test_accept_language_picks_the_locale_and_the_cache_keeps_them_apart(
    client: TestClient, keys: Keys
) -> None:
    _german(client, keys, status="published")
    for _ in range(2):  # the second from the cache
        german = client.get("/v1/articles/1", headers={"Accept-Language": "de-CH, en;q=0.5"})
        assert german.json()["locale"] == "de"
        assert german.headers["content-language"] == "de"
        english = client.get("/v1/articles/1", headers={"Accept-Language": "en-GB,fr;q=0.1"})
        assert english.json()["locale"] == "en"
        anyone = client.get("/v1/articles/1")
        assert anyone.json()["locale"] == "en"
        french_first = client.get("/v1/articles/1", headers={"Accept-Language": "fr, de;q=0.8"})
        assert (french_first.json()["locale"], french_first.json()["fallback"]) == ("en", True)
    # ?locale= wins over Accept-Language.
    asked = client.get("/v1/articles/1?locale=en", headers={"Accept-Language": "de"})
    assert asked.json()["locale"] == "en"
    # Lists in German too.
    listed = client.get("/v1/articles?locale=de").json()["data"]
    assert listed[0]["title"] == GERMAN["title"]
    assert listed[0]["locale"] == "de"
    # Markdown and HTML: the German words; HTML names its alternates (hreflang).
    markdown = client.get("/v1/articles/1?locale=de&format=md")
    assert "Strategien" in markdown.text
    page = client.get("/v1/articles/1?locale=de&format=html&jsonld=true")
    assert '<link rel="alternate" hreflang="en"' in page.text
    assert '"inLanguage":"de"' in page.text
    jsonld = client.get("/v1/articles/1/jsonld?locale=de").json()
    assert jsonld["inLanguage"] == "de"
    assert jsonld["translationOfWork"]["inLanguage"] == "en"


def test_what_negotiates_the_language_says_so_in_openapi(client: TestClient) -> None:
    """Every read that picks its locale from Accept-Language declares the header, so generated
    clients can send it; feeds and search take ``?locale=`` only (a feed's URL is its
    language, a search's locale filters)."""
    paths = client.get("/openapi.json").json()["paths"]
    declaring = {
        path
        for path, operations in paths.items()
        for parameter in operations.get("get", {}).get("parameters", [])
        if (parameter["in"], parameter["name"].lower()) == ("header", "accept-language")
    }
    assert declaring == {
        "/v1/articles",
        "/v1/articles/{ref}",
        "/v1/articles/{ref}/card.png",
        "/v1/articles/{ref}/jsonld",
        "/v1/comparisons",
        "/v1/comparisons/{ref}",
        "/v1/comparisons/{ref}/card.png",
        "/v1/comparisons/{ref}/embed",
        "/v1/roles",
        "/v1/roles/{ref}",
    }


def test_an_old_german_slug_redirects_to_the_new_one(client: TestClient, keys: Keys) -> None:
    first = _german(client, keys, status="published", slug="ki-partner")
    renamed = client.patch(
        "/v1/articles/1/translations/de",
        json={"slug": "ki-betriebspartner"},
        headers={**keys.auth("write"), "If-Match": first.headers["etag"]},
    )
    assert renamed.status_code == 200, renamed.text
    moved = client.get("/v1/articles/ki-partner", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == "/v1/articles/ki-betriebspartner"
    assert client.get("/v1/articles/ki-betriebspartner").json()["locale"] == "de"


def test_deleting_a_translation_brings_the_fallback_back(
    client: TestClient, keys: Keys, session: Session
) -> None:
    made = _german(client, keys, status="published")
    gone = client.delete(
        "/v1/articles/1/translations/de",
        headers={**keys.auth("write"), "If-Match": made.headers["etag"]},
    )
    assert gone.status_code == 204
    assert client.get("/v1/articles/1?locale=de").json()["locale"] == "en"
    assert session.exec(select(Translation)).all() == []
    assert client.get("/v1/search", params={"q": "Strategie", "locale": "de"}).json()["data"] == []
    listed = client.get("/v1/articles/1/translations", headers=keys.auth("read")).json()
    assert listed == {"data": []}


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PUT", "/v1/articles/1/translations/en", GERMAN, 422),  # the default is the article
        ("PUT", "/v1/articles/1/translations/xx", GERMAN, 422),  # not a locale of this API
        ("PUT", "/v1/articles/1/translations/de!", GERMAN, 422),
        ("PUT", "/v1/articles/1/translations/de", {**GERMAN, "body": [], "title": ""}, 422),
        ("PUT", "/v1/articles/1/translations/de", {**GERMAN, "author": "x"}, 422),
        ("PUT", "/v1/articles/1/translations/de", {**GERMAN, "slug": SEED}, 409),
        ("PUT", "/v1/articles/1/translations/de", {**GERMAN, "status": "scheduled"}, 422),
        ("PUT", "/v1/articles/999/translations/de", GERMAN, 404),
        ("PATCH", "/v1/articles/1/translations/de", {"title": "Neu"}, 404),  # none yet
        ("DELETE", "/v1/articles/1/translations/de", None, 404),
        ("GET", "/v1/articles/1/translations/fr", None, 404),
    ],
)
def test_bad_translation_writes_change_nothing(
    client: TestClient,
    keys: Keys,
    session: Session,
    method: str,
    path: str,
    body: Any,
    status: int,
) -> None:
    answer = client.request(method, path, json=body, headers=keys.auth("write"))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert session.exec(select(Translation)).all() == []


def test_translation_writes_need_keys_and_current_etags(client: TestClient, keys: Keys) -> None:
    path = "/v1/articles/1/translations/de"
    assert client.put(path, json=GERMAN).status_code == 401
    assert client.put(path, json=GERMAN, headers=keys.auth("read")).status_code == 403
    assert client.get(path).status_code == 401
    assert client.get("/v1/articles/1/translations").status_code == 401
    made = _german(client, keys)
    _german(client, keys, kicker="Neu")  # without If-Match: allowed, like every write
    stale = client.put(
        path, json=GERMAN, headers={**keys.auth("write"), "If-Match": made.headers["etag"]}
    )
    assert stale.status_code == 412
    assert client.get("/v1/articles/1?locale=xx").status_code == 422
    assert client.get("/v1/search?q=a&locale=zz").status_code == 422
    # A base article may not take a translation's slug.
    taken = client.post(
        "/v1/articles",
        json={"title": "Anything", "slug": made.json()["slug"]},
        headers=keys.auth("write"),
    )
    assert taken.status_code == 409


def test_changes_and_feeds_carry_the_locale(client: TestClient, keys: Keys) -> None:
    since = client.get("/v1/changes").json()["meta"]["next_since"]
    made = _german(client, keys, status="published")
    changes = client.get("/v1/changes", params={"since": since}).json()["data"]
    assert [(c["type"], c["id"], c["locale"]) for c in changes] == [("articles", 1, "de")]
    assert changes[0]["resource"]["title"] == GERMAN["title"]
    assert changes[0]["slug"] == made.json()["slug"]
    # The English article did not change: one entry, for German. Its deletion: a tombstone.
    next_since = client.get("/v1/changes", params={"since": since}).json()["meta"]["next_since"]
    client.delete("/v1/articles/1/translations/de", headers=keys.auth("write"))
    gone = client.get("/v1/changes", params={"since": next_since}).json()["data"]
    assert [(c["locale"], c["deleted"], c["resource"]) for c in gone] == [("de", True, None)]
    _german(client, keys, status="published")
    feed = client.get("/v1/feeds/articles.json?locale=de").json()
    assert feed["language"] == "de"
    assert feed["items"][0]["title"] == GERMAN["title"]
    assert feed["items"][0]["language"] == "de"
    rss = client.get("/v1/feeds/articles.rss?locale=de")
    assert "<language>de</language>" in rss.text
    assert client.get("/v1/feeds/articles.rss?locale=xx").status_code == 422
    english = client.get("/v1/feeds/articles.json").json()
    assert english["language"] == "en"
    assert english["items"][0]["language"] == "en"


def test_roles_and_comparisons_are_translated_too(client: TestClient, keys: Keys) -> None:
    write = keys.auth("write")
    role = published_german_role(client, write, "Ein KI-Chef für einige Tage im Monat.")
    assert role.json()["slug"] == "teilzeit-caio"
    german_role = client.get("/v1/roles/fractional-caio?locale=de").json()
    assert (german_role["name"], german_role["locale"]) == ("Teilzeit-CAIO", "de")
    assert client.get("/v1/roles/teilzeit-caio").json()["locale"] == "de"
    assert client.get("/v1/roles/fractional-caio").json()["name"] == "Fractional CAIO"
    table = client.get("/v1/comparisons/1").json()
    first = table["rows"][0]
    words = {
        "title": "KI-Betriebspartner vs. Teilzeit-CAIO",
        "dimension_label": "Dimension",
        "rows": [{"id": first["id"], "dimension": "Hauptaufgabe",
                  "cells": {"fractional-caio": "KI-Strategie und Governance festlegen"}}],
        "status": "published",
    }  # fmt: skip
    made = client.put("/v1/comparisons/1/translations/de", json=words, headers=write)
    assert made.status_code == 201, made.text
    german = client.get("/v1/comparisons/1?locale=de").json()
    assert german["title"] == words["title"]
    assert german["rows"][0]["dimension"] == "Hauptaufgabe"
    # Its columns are the roles as German shows them, each cell keyed by the slug it shows.
    assert [(r["name"], r["slug"]) for r in german["subjects"]] == [
        ("AI operating partner", "ai-operating-partner"),
        ("Teilzeit-CAIO", "teilzeit-caio"),
    ]
    assert german["subjects"][1]["url"].endswith("/v1/roles/teilzeit-caio")
    cells = german["rows"][0]["cells"]
    assert cells["teilzeit-caio"]["text"] == "KI-Strategie und Governance festlegen"
    # A cell left untranslated shows the default's; so does a row.
    assert cells["ai-operating-partner"] == first["cells"]["ai-operating-partner"]
    assert german["rows"][1]["dimension"] == table["rows"][1]["dimension"]
    csv = client.get("/v1/comparisons/1?locale=de&format=csv")
    assert "Hauptaufgabe" in csv.text
    assert csv.headers["content-language"] == "de"
    listed = client.get("/v1/comparisons?locale=de").json()["data"]
    assert listed[0]["title"] == words["title"]
    # In the German article, the embedded table is German too.
    embed = [
        {"_type": "comparison", "comparison": {"id": 1}},
        linking("Mehr zum Teilzeit-CAIO.", "Teilzeit-CAIO", role_id=2),
    ]
    _german(client, keys, body_markdown=None, body=embed, status="published")
    article = client.get("/v1/articles/1?locale=de").json()
    embedded = next(b for b in article["body"] if b["_type"] == "comparison")
    assert embedded["comparison"]["rows"][0]["dimension"] == "Hauptaufgabe"
    # What the German article refers to, it names in German and links to in German; a German
    # draft of a role is not shown to a reader without a key.
    draft = {"name": "KI-Betriebspartner", "definition": "Noch ein Entwurf."}
    put = client.put("/v1/roles/ai-operating-partner/translations/de", json=draft, headers=write)
    assert put.status_code == 201, put.text
    article = client.get("/v1/articles/1?locale=de").json()
    assert [r["name"] for r in article["roles"]] == ["AI operating partner", "Teilzeit-CAIO"]
    previewed = client.get("/v1/articles/1?locale=de", headers=keys.auth("read")).json()
    assert [r["name"] for r in previewed["roles"]] == ["KI-Betriebspartner", "Teilzeit-CAIO"]
    assert article["roles"][1]["url"].endswith("/v1/roles/teilzeit-caio")
    assert article["comparisons"][0]["title"] == words["title"]
    (link,) = article["body"][1]["markDefs"]
    assert link["role"]["name"] == "Teilzeit-CAIO"
    assert link["href"].endswith("/roles/teilzeit-caio")
    assert [r["name"] for r in client.get("/v1/articles/1").json()["roles"]] == [
        "AI operating partner",
        "Fractional CAIO",
    ]
    role_page = client.get("/v1/roles/teilzeit-caio").json()
    assert [c["title"] for c in role_page["comparisons"]] == [words["title"]]
    assert [a["title"] for a in role_page["articles"]] == [GERMAN["title"]]
    # German search finds the role by a stemmed word of its definition.
    hits = client.get("/v1/search", params={"q": "Tag", "locale": "de"}).json()["data"]
    assert ("roles", 2) in [(h["type"], h["id"]) for h in hits]
    # Rows and cells are checked against the comparison.
    bad_row = {**words, "rows": [{"id": 999_999, "dimension": "X"}]}
    answer = client.put("/v1/comparisons/1/translations/fr", json=bad_row, headers=write)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "rows", "0", "id"]
    bad_cell = {**words, "rows": [{"id": first["id"], "cells": {"head-of-ai": "X"}}]}
    answer = client.put("/v1/comparisons/1/translations/fr", json=bad_cell, headers=write)
    assert answer.status_code == 422
