"""Every read route runs a fixed number of SQL statements, whatever the amount of content: the
count is taken, the content grows (articles that link, tag, embed and relate; revisions; trash;
webhooks), and the count is taken again."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlmodel import Session

from api.core.config import REPO_ROOT
from api.labels.models import LabelInput
from api.labels.service import tags
from tests.assets.images import png
from tests.conftest import Configure, Keys
from tests.helpers import linking, make_article

# Each read route, with what it is asked; "{...}" names what ``base`` made.
READS: list[tuple[str, str | None]] = [
    ("/v1/articles", None),
    ("/v1/articles?include=author,tags,roles,comparisons&limit=50", None),
    ("/v1/articles?tag=ai&category=Test", None),
    (
        "/v1/articles?tag=ai,none&not_role=fractional-caio&has_cover=false&reading_time_minutes_min=1"
        "&created_after=2020-01-01T00:00:00Z&not_author=nobody",
        None,
    ),
    ("/v1/articles/1", None),
    ("/v1/articles/{slug}?format=html", None),
    ("/v1/articles/1?format=md", None),
    ("/v1/articles/1?include=author,tags,roles,comparisons", None),
    ("/v1/articles/1/jsonld", None),
    ("/v1/articles/1/revisions", "read"),
    ("/v1/articles/1/revisions/1", "read"),
    ("/v1/articles/1/revisions/diff?from=1&to=2", "read"),
    ("/v1/assets", "read"),
    ("/v1/assets/{asset}", None),
    ("/v1/assets/{asset}/file", None),
    ("/v1/roles", None),
    (
        "/v1/roles?comparison=ai-operating-partner-vs-fractional-caio,x&not_article=x&has_cover=false"
        "&updated_since=2020-01-01T00:00:00Z",
        None,
    ),
    ("/v1/roles?status=published&article={slug}", "read"),
    ("/v1/roles/1", None),
    ("/v1/roles/1?include=comparisons", None),
    ("/v1/roles/1/revisions", "read"),
    ("/v1/roles/1/revisions/1", "read"),
    ("/v1/roles/1/revisions/diff?from=1&to=1", "read"),
    ("/v1/roles/1/compare/2", None),
    ("/v1/comparisons", None),
    (
        "/v1/comparisons?role=fractional-caio,x&role=ai-operating-partner&not_role=x&not_article=x"
        "&dimension=Primary job&published_after=2020-01-01T00:00:00Z",
        None,
    ),
    ("/v1/comparisons/1", None),
    ("/v1/comparisons/1?format=csv", None),
    ("/v1/comparisons/1/rows", None),
    ("/v1/comparisons/1/rows/{row}", None),
    ("/v1/comparisons/1/revisions", "read"),
    ("/v1/comparisons/1/revisions/1", "read"),
    ("/v1/comparisons/1/revisions/diff?from=1&to=1", "read"),
    ("/v1/authors", None),
    ("/v1/authors/1", None),
    ("/v1/tags", None),
    ("/v1/tags/ai", None),
    ("/v1/keys", "admin"),
    ("/v1/me", "admin"),
    ("/v1/users", "admin"),
    ("/v1/users/{user}", "admin"),
    ("/v1/audit", "admin"),
    ("/v1/audit?action=publish&object_type=articles&since=2020-01-01T00:00:00Z", "admin"),
    ("/v1/trash", "write"),
    ("/v1/trash/articles/{trashed}", "write"),
    ("/v1/search?q=operating", None),
    ("/v1/feeds/articles.rss", None),
    ("/v1/feeds/articles.atom", None),
    ("/v1/feeds/articles.json", None),
    ("/v1/changes", None),
    # A stream from now: one read (a test's app ends it after that: tests/conftest.py).
    ("/v1/changes/stream?type=articles,roles", None),
    ("/v1/changes/stream?type=articles", "read"),
    ("/v1/webhooks", "admin"),
    ("/v1/webhooks/{webhook}", "admin"),
    ("/v1/webhooks/{webhook}/deliveries", "admin"),
    # In a locale, with what the documents refer to shown in it too.
    ("/v1/articles/1?locale=de", None),
    ("/v1/articles?locale=de&include=author,tags,roles,comparisons", None),
    ("/v1/roles/1?locale=de", None),
    ("/v1/comparisons/1?locale=de", None),
    ("/v1/comparisons?locale=de", None),
    ("/v1/search?q=operating&locale=de", None),
    ("/v1/articles/1/translations", "read"),
    ("/v1/articles/1/translations/de", "read"),
    ("/v1/articles/1/translations/de/revisions", "read"),
    ("/v1/roles/1/translations", "read"),
    ("/v1/roles/1/translations/de", "read"),
    ("/v1/roles/1/translations/de/revisions", "read"),
    ("/v1/comparisons/1/translations", "read"),
    ("/v1/comparisons/1/translations/de", "read"),
    ("/v1/comparisons/1/translations/de/revisions", "read"),
    ("/v1/articles/1/preview-links", "write"),
    # Made to be shared.
    ("/v1/articles/1/card.png", None),
    ("/v1/comparisons/1/card.png", None),
    ("/v1/comparisons/1/embed", None),
    ("/v1/oembed?url=http://127.0.0.1:8000/v1/comparisons/1", None),
    ("/sitemap.xml", None),
    ("/sitemaps/articles-1.xml", None),
    ("/robots.txt", None),
    ("/llms.txt", None),
    ("/llms-full.txt", None),
    # The service's own.
    ("/healthz", None),
    ("/readyz", None),
    ("/metrics", "admin"),  # or a scraper on loopback (not a test client)
]


@pytest.fixture(autouse=True)
def loopback_hooks(configure: Configure) -> None:
    configure(
        FOLIO_WEBHOOK_ALLOW_PRIVATE="true",  # hooks that are never called
        FOLIO_LOCALES="en,de",
    )


def test_every_read_route_is_counted() -> None:
    """Each GET of the OpenAPI document is among ``READS``."""
    document = json.loads((REPO_ROOT / "openapi.json").read_text())
    urls = [urlsplit(url).path for url, _ in READS]
    missing = [
        path
        for path, operations in document["paths"].items()
        if "get" in operations
        and not any(
            re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)), url) for url in urls
        )
    ]
    assert missing == []


@contextmanager
def statements(connection: Connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):  # not SAVEPOINTs
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


def tag_and_image(client: TestClient, session: Session, keys: Keys) -> dict[str, Any]:
    """The tag "AI" (``ai``), and an image of 40 by 30 pixels: the asset, as POST answered."""
    tags.create(session, LabelInput(name="AI"), key=None)
    asset = client.post(
        "/v1/assets",
        content=png(40, 30),
        headers={**keys.auth("write"), "Content-Type": "image/png"},
    )
    assert asset.status_code == 201, asset.text
    return asset.json()  # type: ignore[no-any-return]


def base(client: TestClient, session: Session, keys: Keys) -> dict[str, Any]:
    """What the routes read, beyond the seed: a tag, an asset, a trashed article, a webhook."""
    asset = tag_and_image(client, session, keys)
    cover = make_article(session, title="With a cover", tags=["ai"], cover=asset["id"])
    trashed = make_article(session, title="Thrown away")
    referring(session, 100)
    session.commit()
    assert (
        client.delete(f"/v1/articles/{trashed.id}", headers=keys.auth("write")).status_code == 204
    )
    made = client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/folio", "events": ["article.published"]},
        headers=keys.auth("admin"),
    )
    assert made.status_code == 201, made.text
    hook = made.json()
    article = client.get("/v1/articles/1").json()
    rows = client.get("/v1/comparisons/1/rows").json()["data"]
    patched = client.patch(
        "/v1/articles/1",
        json={"summary": "Edited once."},
        headers={**keys.auth("write"), "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    del cover
    german = {
        "/v1/articles/1": {"title": "Auf Deutsch", "body": REFERRING, "status": "published"},
        "/v1/roles/1": {"name": "KI-Betriebspartner", "definition": "Setzt KI um.",
                        "status": "published"},
        "/v1/comparisons/1": {"title": "Auf Deutsch", "status": "published"},
    }  # fmt: skip
    for resource, words in german.items():
        made = client.put(f"{resource}/translations/de", json=words, headers=keys.auth("write"))
        assert made.status_code == 201, made.text
    linked = client.post("/v1/articles/1/preview-links", json={}, headers=keys.auth("write"))
    assert linked.status_code == 201, linked.text
    person = {"email": "ed@example.org", "name": "Ed", "role": "editor"}
    user = client.post("/v1/users", json=person, headers=keys.auth("admin"))
    assert user.status_code == 201, user.text
    return {
        "user": user.json()["id"],
        "slug": article["slug"],
        "asset": asset["id"],
        "row": rows[0]["id"],
        "trashed": trashed.id,
        "webhook": hook["id"],
    }


# A body that refers to everything a body can: a role, an article, a comparison, related
# articles.
REFERRING = [
    linking("See the partner.", "partner", role_id=1),
    linking("And the other one.", "other one", article_id=1),
    {"_type": "comparison", "comparison_id": 1},
    {"_type": "related", "article_ids": [1]},
]


def referring(session: Session, n: int) -> Any:
    """An article whose body refers to everything a body can."""
    return make_article(
        session, title=f"More about operating partners {n}", tags=["ai"], blocks=REFERRING
    )


def grow(client: TestClient, session: Session, keys: Keys) -> None:
    """More of everything a read could walk one row at a time."""
    more = [referring(session, n) for n in range(6)]
    extra = make_article(session, title="Also thrown away")
    session.commit()
    for article in more:  # in German too, linking the German role
        german = {"title": f"Mehr {article.id}", "status": "published", "body": article.body}
        put = client.put(
            f"/v1/articles/{article.id}/translations/de", json=german, headers=keys.auth("write")
        )
        assert put.status_code == 201, put.text
    client.post("/v1/articles/1/preview-links", json={}, headers=keys.auth("write"))
    client.delete(f"/v1/articles/{extra.id}", headers=keys.auth("write"))
    for n in range(3):  # more people, and what the audit trail keeps of them
        person = {"email": f"more{n}@example.org", "name": f"More {n}", "role": "author"}
        client.post("/v1/users", json=person, headers=keys.auth("admin"))
    for summary in ("Edited twice.", "Edited three times."):
        client.patch(
            "/v1/articles/1",
            json={"summary": summary},
            headers={**keys.auth("write"), "Content-Type": "application/merge-patch+json"},
        )
    client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/other", "events": ["article.updated"]},
        headers=keys.auth("admin"),
    )


def test_every_read_runs_the_same_statements_whatever_the_content(
    client: TestClient, session: Session, connection: Connection, keys: Keys
) -> None:
    """Each route's statements are counted, the content grows, and they are counted again
    (the content is made once for every route: making it is most of the time)."""
    made = base(client, session, keys)

    def count(url: str, scope: str | None) -> int:
        headers = keys.auth(scope) if scope else {}
        with statements(connection) as seen:
            response = client.get(url.format(**made), headers=headers)
        assert response.status_code == 200, (url, response.text[:300])
        return len(seen)

    before = {url: count(url, scope) for url, scope in READS}
    grow(client, session, keys)
    after = {url: count(url, scope) for url, scope in READS}
    assert {u: (before[u], after[u]) for u in before if before[u] != after[u]} == {}
    # And few, with two locales: a render resolves what the document refers to, in its
    # locale too; the changes feed builds articles, roles and comparisons in bulk, once per
    # locale it shows them in.
    many = {u: n for u, n in before.items() if n > (64 if u.startswith("/v1/changes") else 20)}
    assert many == {}
