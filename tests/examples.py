"""Examples for every schema of the OpenAPI document, taken from a real server: the seed page
and what an editor does next (a second article with every kind of block, a role, a row, a key,
a webhook and its first delivery, an upload, a revision, the trash), each request and answer
walked along the schema that describes it. The first value met for each component schema is
its example. The answers are Folio's own, so the examples cannot drift from what it serves;
a test checks that each one still validates against its schema.

    python -m tests.examples     # writes api/web/examples.json (``make openapi`` runs it)
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlmodel import Session

from api.auth import service as auth_service
from api.auth.models import KeyCreate, Scope
from api.core.clock import clock
from api.core.config import REPO_ROOT, Settings, get_settings
from api.main import create_app
from api.people import service as people_service
from api.people.models import UserCreate, UserRole
from api.people.service import LINK_PREFIX
from api.web.examples import EXAMPLES
from api.webhooks import worker
from tests.assets.images import png

BASE_URL = "http://127.0.0.1:8000"
# Every write of the tour happens at this instant, so the examples change only with Folio.
AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
RUN = timedelta(minutes=15)  # longer than a run takes, from its template database to its tour
SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"
COMPARISON = "ai-operating-partner-vs-fractional-caio"
# Values made at random on each run, shown with a fixed stand-in of the same shape.
RANDOM_FIELDS = {"token", "secret", "prefix", "request_id"}
ROOT = "urn:folio:openapi"


def escape(segment: str) -> str:
    """A JSON Pointer segment (RFC 6901)."""
    return segment.replace("~", "~0").replace("/", "~1")


def registry_of(document: dict[str, Any]) -> Registry[Any]:
    """The OpenAPI document as a JSON Schema resource, for ``fits``."""
    registry: Registry[Any] = Registry().with_resource(
        ROOT, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return registry


def fits(registry: Registry[Any], pointer: str, value: Any) -> bool:
    """Whether ``value`` validates against the schema at ``pointer`` in the document."""
    validator = Draft202012Validator({"$ref": f"{ROOT}#{pointer}"}, registry=registry)
    return bool(validator.is_valid(value))


class Harvest:
    """Walks values along the schemas that describe them; keeps the first value met for each
    component schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.registry = registry_of(document)
        self.found: dict[str, Any] = {}

    def _at(self, pointer: str) -> Any:
        node: Any = self.document
        for part in pointer.strip("/").split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node

    def fits(self, pointer: str, value: Any) -> bool:
        return fits(self.registry, pointer, value)

    def walk(self, pointer: str, value: Any) -> None:
        schema = self._at(pointer)
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            target = schema["$ref"].removeprefix("#")
            name = target.removeprefix("/components/schemas/")
            self.found.setdefault(name, value)
            self.walk(target, value)
        for combinator in ("anyOf", "oneOf"):
            for i in range(len(schema.get(combinator, []))):
                branch = f"{pointer}/{combinator}/{i}"
                if self.fits(branch, value):
                    self.walk(branch, value)
                    break
        for i in range(len(schema.get("allOf", []))):
            self.walk(f"{pointer}/allOf/{i}", value)
        if isinstance(value, dict):
            for name in schema.get("properties", {}):
                if name in value:
                    self.walk(f"{pointer}/properties/{escape(name)}", value[name])
            if isinstance(schema.get("additionalProperties"), dict):
                for name, item in value.items():
                    if name not in schema.get("properties", {}):
                        self.walk(f"{pointer}/additionalProperties", item)
        if isinstance(value, list) and isinstance(schema.get("items"), dict):
            for item in value:
                self.walk(f"{pointer}/items", item)


def _stand_in(value: Any, ended: datetime) -> Any:
    """The same value made repeatable: each random secret replaced by a fixed one of the same
    shape, each wall-clock time (a row's creation, which the frozen clock does not set: made
    during this run, so within ``RUN`` before ``ended``) shown as the tour's instant, a
    retry's time (jittered) shown without its jitter. Times the frozen clock made are the
    tour's instant or a little after (a link's expiry, a day later): long past by now."""
    if isinstance(value, dict):
        shown = {k: _stand_in(v, ended) for k, v in value.items()}
        for k, v in value.items():
            if k in RANDOM_FIELDS and isinstance(v, str):
                shown[k] = _shape(v)
            if k == "url" and isinstance(v, str) and isinstance(value.get("token"), str):
                shown[k] = v.replace(value["token"], _shape(value["token"]))  # a preview link
            if isinstance(v, str) and LINK_PREFIX in v:  # an invitation, a reset link
                shown[k] = re.sub(rf"{LINK_PREFIX}[\w-]+", lambda m: _shape(m.group()), v)
            if k == "next_attempt_at" and v is not None:
                shown[k] = _iso(AT + timedelta(seconds=get_settings().webhook_backoff_seconds))
        return shown
    if isinstance(value, list):
        return [_stand_in(v, ended) for v in value]
    if isinstance(value, str) and len(value) >= 20 and value[:2] == "20" and value[4] == "-":
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
        if when.tzinfo is not None and max(AT + timedelta(hours=1), ended - RUN) < when <= ended:
            return _iso(AT)
    return value


def _iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _shape(secret: str) -> str:
    """The head kept (``whsec_``, or ``folio_`` and a key's 12-digit prefix, shown as the same
    stand-in as ``prefix``), then hex digits in order."""
    head = re.match(r"[a-z-]+_(?:[0-9a-f]{12}_)?", secret)
    kept = head.group() if head else ""
    if len(kept.split("_")) == 3:
        kept = kept.split("_")[0] + "_0123456789ab_"
    rest = len(secret) - len(kept)
    return kept + ("0123456789abcdef" * (rest // 16 + 1))[:rest]


class Tour:
    def __init__(self, client: TestClient, harvest: Harvest, auth: dict[str, str]) -> None:
        self.client = client
        self.harvest = harvest
        self.auth = auth

    def call(
        self,
        method: str,
        template: str,
        *,
        path: dict[str, Any] | None = None,
        json_body: Any = None,
        expect: int = 200,
        **kwargs: Any,
    ) -> Any:
        url = template.format(**(path or {}))
        headers = {**self.auth, **kwargs.pop("headers", {})}
        response = self.client.request(method, url, json=json_body, headers=headers, **kwargs)
        assert response.status_code == expect, (method, url, response.text[:500])
        operation = f"/paths/{escape(template.split('?')[0])}/{method.lower()}"
        if json_body is not None:
            media = headers.get("Content-Type", "application/json")
            self.harvest.walk(f"{operation}/requestBody/content/{escape(media)}/schema", json_body)
        if not response.content:
            return None
        media = response.headers["content-type"].split(";")[0]
        body = response.json()
        self.harvest.walk(f"{operation}/responses/{expect}/content/{escape(media)}/schema", body)
        return body


def tour(client: TestClient, harvest: Harvest, admin: str) -> None:
    folio = Tour(client, harvest, {"Authorization": f"Bearer {admin}"})
    get = folio.call

    def patch(template: str, path: dict[str, Any], body: dict[str, Any]) -> Any:
        merge = {"Content-Type": "application/merge-patch+json"}
        return get("PATCH", template, path=path, json_body=body, headers=merge)

    # What a reader sees: the seed, whole and embedded, in lists and side by side.
    seed = get("GET", "/v1/articles/{ref}", path={"ref": SEED})
    get("GET", "/v1/articles/{ref}?include=author,tags,roles,comparisons", path={"ref": SEED})
    get("GET", "/v1/articles?limit=1")
    get("GET", "/v1/roles/{ref}", path={"ref": "ai-operating-partner"})
    get("GET", "/v1/roles?limit=1")
    get("GET", "/v1/comparisons/{ref}", path={"ref": COMPARISON})
    get("GET", "/v1/comparisons?limit=1")
    rows = get("GET", "/v1/comparisons/{ref}/rows?limit=1", path={"ref": COMPARISON})
    get("GET", "/v1/comparisons/{ref}/rows/{row_id}", path={"ref": COMPARISON, "row_id": 1})
    get(
        "GET",
        "/v1/roles/{a}/compare/{b}",
        path={"a": "ai-operating-partner", "b": "fractional-caio"},
    )
    get("GET", "/v1/search?q=fractional%20caio&type=articles&limit=1")
    get("GET", "/v1/authors?limit=1")
    get("GET", "/v1/tags?limit=1")
    get("GET", "/healthz")
    del rows

    # What an editor does next.
    asset = get(
        "POST",
        "/v1/assets",
        expect=201,
        content=png(1200, 630, (30, 58, 95)),
        headers={"Content-Type": "image/png", "X-Filename": "team-chart.png"},
    )
    patch(
        "/v1/assets/{asset_id}",
        {"asset_id": asset["id"]},
        {"alt": "How the two roles split the work"},
    )
    get("GET", "/v1/assets?limit=1")
    get("POST", "/v1/authors", expect=201, json_body={"name": "Dana Whitfield"})
    patch("/v1/authors/{ref}", {"ref": "dana-whitfield"}, {"name": "Dana R. Whitfield"})
    get("POST", "/v1/tags", expect=201, json_body={"name": "Hiring", "slug": "hiring"})
    role = get(
        "POST",
        "/v1/roles",
        expect=201,
        json_body={
            "name": "Chief AI Officer",
            "aliases": ["CAIO"],
            "definition": "The full-time executive who owns AI strategy and its risks.",
            "status": "published",
        },
    )
    patch("/v1/roles/{ref}", {"ref": role["slug"]}, {"aliases": ["CAIO", "Head of AI"]})
    comparison = get(
        "POST",
        "/v1/comparisons",
        expect=201,
        json_body={
            "title": "Fractional CAIO vs Chief AI Officer",
            "subjects": ["fractional-caio", role["slug"]],
            "rows": [
                {
                    "dimension": "Commitment",
                    "cells": {
                        "fractional-caio": {"text": "One or two days a week"},
                        role["slug"]: {"text": "Full time"},
                    },
                }
            ],
            "status": "published",
        },
    )
    ref = {"ref": comparison["slug"]}
    row = get(
        "POST",
        "/v1/comparisons/{ref}/rows",
        path=ref,
        expect=201,
        json_body={
            "dimension": "Typical cost",
            "cells": {"fractional-caio": {"text": "A retainer"}},
        },
    )
    patch(
        "/v1/comparisons/{ref}/rows/{row_id}",
        {**ref, "row_id": row["id"]},
        {"dimension": "Typical cost per year"},
    )
    get(
        "PUT",
        "/v1/comparisons/{ref}/rows/{row_id}/cells/{role}",
        path={**ref, "row_id": row["id"], "role": role["slug"]},
        json_body={
            "text": "A senior executive salary",
            "note": "Plus equity, as a rule",
            "source_url": "https://example.com/caio-pay",
        },
    )
    get(
        "POST",
        "/v1/comparisons/{ref}/subjects",
        path=ref,
        json_body={"role": "ai-operating-partner", "position": 1},
    )
    patch("/v1/comparisons/{ref}", ref, {"dimension_label": "Question"})
    span = {"_type": "span", "text": "Start with the work, not the title."}
    article = get(
        "POST",
        "/v1/articles",
        expect=201,
        json_body={
            "title": "Which AI leader first?",
            "kicker": "Hiring",
            "summary": "A partner, a fractional CAIO or a full-time one: the order that works.",
            "author": "dana-whitfield",
            "tags": ["hiring"],
            "category": "Guides",
            "cover": asset["id"],
            "seo": {"meta_title": "Which AI leader to hire first"},
            "body": [
                {
                    "_type": "block",
                    "style": "h2",
                    "children": [{"_type": "span", "text": "The short answer"}],
                },
                {
                    "_type": "block",
                    "markDefs": [
                        {"_key": "m1", "_type": "link", "href": "https://example.com/caio"}
                    ],
                    "children": [
                        {"_type": "span", "text": "Hire the "},
                        {"_type": "span", "text": "partner", "marks": ["strong", "m1"]},
                        {"_type": "span", "text": " first."},
                    ],
                },
                {"_type": "block", "listItem": "bullet", "level": 1, "children": [span]},
                {
                    "_type": "image",
                    "asset": {"id": asset["id"]},
                    "alt": "Team chart",
                    "caption": "Who owns what",
                },
                {"_type": "code", "language": "sh", "code": "curl http://127.0.0.1:8000/v1/roles"},
                {"_type": "break"},
                {
                    "_type": "table",
                    "align": ["left", None],
                    "rows": [
                        {
                            "cells": [
                                {"children": [{"_type": "span", "text": "Stage"}]},
                                {"children": [{"_type": "span", "text": "Hire"}]},
                            ]
                        },
                        {
                            "cells": [
                                {"children": [{"_type": "span", "text": "Pilot"}]},
                                {"children": [{"_type": "span", "text": "Partner"}]},
                            ]
                        },
                    ],
                },
                {
                    "_type": "callout",
                    "title": "Decision rule",
                    "content": [
                        {
                            "_type": "block",
                            "children": [{"_type": "span", "text": "Change first, title later."}],
                        }
                    ],
                },
                {
                    "_type": "role_definitions",
                    "items": [
                        {
                            "term": "Chief AI Officer",
                            "role": {"id": role["id"]},
                            "definition": "Owns AI strategy full time.",
                        }
                    ],
                },
                {"_type": "comparison", "comparison": {"id": comparison["id"]}},
                {"_type": "related", "articles": [{"id": seed["id"]}]},
            ],
        },
    )
    aref = {"ref": str(article["id"])}
    link = get(
        "POST",
        "/v1/articles/{ref}/preview-links",
        path=aref,
        expect=201,
        json_body={"expires_in_seconds": 86400},
    )
    get("GET", "/v1/articles/{ref}/preview-links?limit=1", path=aref)
    get(
        "DELETE",
        "/v1/articles/{ref}/preview-links/{link_id}",
        path={**aref, "link_id": link["id"]},
    )
    patch("/v1/articles/{ref}", aref, {"status": "published"})
    # Its German translation: written, listed, published on its own, read by ?locale=.
    de = {**aref, "locale": "de"}
    get(
        "PUT",
        "/v1/articles/{ref}/translations/{locale}",
        path=de,
        expect=201,
        json_body={
            "title": "Welche KI-Führungskraft zuerst?",
            "kicker": "Leitfaden",
            "summary": "Ein Betriebspartner oder ein Chief AI Officer: wer zuerst kommt.",
            "body_markdown": "Wer **Ergebnisse** in Portfoliounternehmen braucht, beginnt mit"
            " einem Betriebspartner.",
        },
    )
    get("GET", "/v1/articles/{ref}/translations", path=aref)
    get("GET", "/v1/articles/{ref}/translations/{locale}", path=de)
    patch("/v1/articles/{ref}/translations/{locale}", de, {"status": "published"})
    get("GET", "/v1/articles/{ref}/translations/{locale}/revisions", path=de)
    get("GET", "/v1/articles/{ref}?locale=de", path=aref)
    role_de = {"ref": "fractional-caio", "locale": "de"}
    get(
        "PUT",
        "/v1/roles/{ref}/translations/{locale}",
        path=role_de,
        expect=201,
        json_body={
            "name": "Teilzeit-CAIO",
            "definition": "Ein KI-Chef für einige Tage im Monat.",
            "status": "published",
        },
    )
    patch("/v1/roles/{ref}/translations/{locale}", role_de, {"aliases": ["Fractional CAIO"]})
    table_de = {"ref": COMPARISON, "locale": "de"}
    first_row = folio.client.get(f"/v1/comparisons/{COMPARISON}").json()["rows"][0]
    get(
        "PUT",
        "/v1/comparisons/{ref}/translations/{locale}",
        path=table_de,
        expect=201,
        json_body={
            "title": "KI-Betriebspartner vs. Teilzeit-CAIO",
            "rows": [
                {
                    "id": first_row["id"],
                    "dimension": "Hauptaufgabe",
                    "cells": {"fractional-caio": "KI-Strategie, Governance und Roadmap festlegen"},
                }
            ],
            "status": "published",
        },
    )
    patch("/v1/comparisons/{ref}/translations/{locale}", table_de, {"dimension_label": "Frage"})
    get("GET", "/v1/search?q=Ergebnis&locale=de")
    get("GET", f"/v1/oembed?url={BASE_URL}/v1/comparisons/{COMPARISON}&maxwidth=560")
    get("GET", "/v1/articles/{ref}/revisions", path=aref)
    get("GET", "/v1/articles/{ref}/revisions/{number}", path={**aref, "number": 1})
    get("GET", "/v1/articles/{ref}/revisions/diff?from=1&to=2", path=aref)
    key = get(
        "POST",
        "/v1/keys",
        expect=201,
        json_body={"name": "marketing-site", "scope": "read", "expires_in_days": 365},
    )
    get("GET", "/v1/keys?limit=1")
    del key
    get("GET", "/v1/me")
    invited = get(
        "POST",
        "/v1/users",
        expect=201,
        json_body={"email": "grace@example.org", "name": "Grace Editor", "role": "editor"},
    )
    token = invited["invitation_url"].rsplit("/", 1)[1]
    get("POST", "/v1/password", json_body={"token": token, "password": "a long unusual phrase"})
    person = {"user_id": invited["id"]}
    get("GET", "/v1/users?limit=1")
    get("GET", "/v1/users/{user_id}", path=person)
    get("PATCH", "/v1/users/{user_id}", path=person, json_body={"role": "author"})
    get("POST", "/v1/users/{user_id}/reset-link", path=person, expect=201)
    get("DELETE", "/v1/users/{user_id}/sessions", path=person)
    hook = get(
        "POST",
        "/v1/webhooks",
        expect=201,
        json_body={
            "url": "http://127.0.0.1:8787/hooks/folio",
            "events": ["article.published", "article.updated"],
            "description": "Rebuild the marketing site",
        },
    )
    get(
        "PUT",
        "/v1/webhooks/{webhook_id}",
        path={"webhook_id": hook["id"]},
        json_body={
            "url": "http://127.0.0.1:8787/hooks/folio",
            "events": ["article.published", "article.updated", "article.deleted"],
            "description": "Rebuild the marketing site",
            "enabled": True,
        },
    )
    get("GET", "/v1/webhooks?limit=1")
    get("POST", "/v1/webhooks/{webhook_id}/test", path={"webhook_id": hook["id"]})
    patch("/v1/articles/{ref}", aref, {"kicker": "Hiring guide"})
    worker.run_once(client.app.state.engine)  # type: ignore[attr-defined]
    get("GET", "/v1/webhooks/{webhook_id}/deliveries?limit=1", path={"webhook_id": hook["id"]})
    get("GET", "/v1/changes?limit=1")
    draft = get(
        "POST",
        "/v1/articles",
        expect=201,
        json_body={"title": "An old draft", "body_markdown": "Kept for a week."},
    )
    get("DELETE", "/v1/articles/{ref}", path={"ref": str(draft["id"])}, expect=204)
    current = client.get(f"/v1/articles/{article['id']}", headers=folio.auth)
    get(
        "POST",
        "/v1/batch",
        json_body={
            "operations": [
                {"op": "create", "collection": "tags", "body": {"name": "Operating partners"}},
                {
                    "op": "patch",
                    "collection": "articles",
                    "ref": str(article["id"]),
                    "body": {"tags": [{"slug": "hiring"}, {"slug": "operating-partners"}]},
                    "if_match": current.headers["etag"],
                },
            ]
        },
    )
    get("GET", "/v1/trash?limit=1")
    get(
        "POST",
        "/v1/import",
        headers={"Content-Type": "text/markdown"},
        content=(
            b"---\ntitle: When a fractional CAIO is enough\nstatus: draft\n---\n\n"
            b"Until AI is a line in the budget, one or two days a week is enough.\n"
        ),
    )
    patch("/v1/articles/{ref}", aref, {"tags": [{"slug": "hiring"}]})
    get("POST", "/v1/articles", expect=422, json_body={"title": "", "status": "live"})
    # A whole document sent back as read (PUT what you GET).
    get("PUT", "/v1/articles/{ref}", path={"ref": SEED}, json_body=seed)
    get("GET", "/v1/audit?limit=3")


@contextmanager
def _server(url: str, media: Path) -> Iterator[tuple[TestClient, str]]:
    """The app over a fresh, migrated and seeded database, at a fixed time."""
    os.environ["FOLIO_WEBHOOK_ALLOW_PRIVATE"] = "true"  # the receiver is on loopback
    os.environ["FOLIO_LOCALES"] = "en,de"  # the tour writes a German translation
    get_settings.cache_clear()
    settings = Settings(database_url=url, base_url=BASE_URL, media_dir=media)
    clock.freeze(AT)
    try:
        with TestClient(create_app(settings)) as client:
            engine = client.app.state.engine  # type: ignore[attr-defined]
            with Session(engine) as session:
                person = UserCreate(email="ada@example.org", name="Ada Admin", role=UserRole.admin)
                ada = people_service.create_user(session, person)
                session.commit()
                admin = auth_service.create_key(
                    session, KeyCreate(name="examples", scope=Scope.admin, user_id=ada.id)
                )
                session.commit()
            yield client, admin.token
    finally:
        clock.unfreeze()
        del os.environ["FOLIO_WEBHOOK_ALLOW_PRIVATE"]
        del os.environ["FOLIO_LOCALES"]
        get_settings.cache_clear()


# The seed's social cards, shown in docs/api.md ("Sharing"); a test checks they are current.
CARDS = {
    "card-article.png": "/v1/articles/1/card.png",
    "card-comparison.png": f"/v1/comparisons/{COMPARISON}/card.png",
}


def collect(url: str, media: Path, *, cards: Path | None = None) -> dict[str, Any]:
    """Every component schema's example, from a tour of a server over ``url`` (a fresh,
    migrated and seeded database); with ``cards``, the seed's social cards written there."""
    with _server(url, media) as (client, admin):
        if cards is not None:
            for name, path in CARDS.items():
                (cards / name).write_bytes(client.get(path).content)
        document = client.get("/openapi.json").json()
        harvest = Harvest(document)
        tour(client, harvest, admin)
    schemas = document["components"]["schemas"]
    found, ended = harvest.found, datetime.now(UTC)
    return {name: _stand_in(found[name], ended) for name in sorted(schemas) if name in found}


def dumps(examples: dict[str, Any]) -> str:
    return json.dumps(examples, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/examples.db"
        subprocess.run(
            [str(Path(sys.executable).with_name("folio")), "db", "upgrade"],
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
        found = collect(url, Path(folder) / "media", cards=REPO_ROOT / "docs")
    EXAMPLES.write_text(dumps(found))
    print(f"{len(found)} examples written to {EXAMPLES.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
