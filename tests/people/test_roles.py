"""Who may do what: every state-changing route, for each of the four roles and for a caller
without a key, is allowed or refused as the roles say (one matrix), and the rules a person's
own articles follow (a contributor's drafts, an author's publishing), a role that goes down
and a disabled person."""

from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core import kinds
from api.core.config import get_settings
from api.main import create_app
from tests.assets.images import png
from tests.conftest import Configure, Database, Keys, make_token, seeded_database, settings_for
from tests.helpers import make_person
from tests.structure.test_kinds import body_of
from tests.system.test_statements import base

ROLES = ("contributor", "author", "editor", "admin")
MERGE = {"Content-Type": "application/merge-patch+json"}
# Every state-changing route: (method, path, body, the least role that may call it; None:
# anyone, with a key or not). ``{…}`` names what ``world`` made; the article is someone
# else's (the seed), so only an editor changes it.
ROUTES: list[tuple[str, str, Any, str | None]] = [
    ("POST", "/v1/articles", {"title": "A draft of mine"}, "contributor"),
    ("PUT", "/v1/articles/1", {"title": "Replaced"}, "editor"),
    ("PATCH", "/v1/articles/1", {"summary": "Edited."}, "editor"),
    ("DELETE", "/v1/articles/{cover}", None, "editor"),
    ("POST", "/v1/articles/1/preview-links", {}, "editor"),
    ("DELETE", "/v1/articles/1/preview-links/{link}", None, "editor"),
    ("POST", "/v1/articles/1/revisions/1/restore", None, "editor"),
    ("PUT", "/v1/articles/1/translations/de", {"title": "Neu"}, "editor"),
    ("PATCH", "/v1/articles/1/translations/de", {"title": "Neu"}, "editor"),
    ("DELETE", "/v1/articles/1/translations/de", None, "editor"),
    ("POST", "/v1/assets", "png", "author"),
    ("PATCH", "/v1/assets/{asset}", {"alt": "A picture"}, "author"),
    ("DELETE", "/v1/assets/{asset}", None, "editor"),
    ("POST", "/v1/authors", {"name": "Ann Other"}, "editor"),
    ("PUT", "/v1/authors/1", {"name": "Renamed"}, "editor"),
    ("PATCH", "/v1/authors/1", {"name": "Renamed"}, "editor"),
    ("DELETE", "/v1/authors/1", None, "editor"),
    ("POST", "/v1/batch", {"operations": [{"op": "create", "collection": "articles",
                                           "body": {"title": "Batched draft"}}]}, "contributor"),
    ("POST", "/v1/comparisons", "comparison", "editor"),
    ("PUT", "/v1/comparisons/{comparison}", "comparison", "editor"),
    ("PATCH", "/v1/comparisons/{comparison}", {"title": "Retitled"}, "editor"),
    ("DELETE", "/v1/comparisons/{comparison}", None, "editor"),
    ("POST", "/v1/comparisons/{comparison}/revisions/1/restore", None, "editor"),
    ("POST", "/v1/comparisons/{comparison}/rows", {"dimension": "Hours"}, "editor"),
    ("PATCH", "/v1/comparisons/{comparison}/rows/{crow}", {"dimension": "Pay"}, "editor"),
    ("DELETE", "/v1/comparisons/{comparison}/rows/{crow}", None, "editor"),
    ("PUT", "/v1/comparisons/{comparison}/rows/{crow}/cells/fractional-caio", {"text": "x"},
     "editor"),
    ("DELETE", "/v1/comparisons/{comparison}/rows/{crow}/cells/fractional-caio", None, "editor"),
    ("POST", "/v1/comparisons/{comparison}/subjects", {"role": "{role}"}, "editor"),
    ("DELETE", "/v1/comparisons/{comparison}/subjects/fractional-caio", None, "editor"),
    ("PUT", "/v1/comparisons/{comparison}/translations/de", {"title": "Neu"}, "editor"),
    ("PATCH", "/v1/comparisons/{comparison}/translations/de", {"title": "Neu"}, "editor"),
    ("DELETE", "/v1/comparisons/{comparison}/translations/de", None, "editor"),
    ("POST", "/v1/import", None, "admin"),
    ("POST", "/v1/keys", {"name": "another", "scope": "read"}, "admin"),
    ("DELETE", "/v1/keys/world-read", None, "admin"),
    ("POST", "/v1/password", {"token": "folio-link_x_y", "password": "a long new secret"}, None),
    ("POST", "/v1/roles", {"name": "Chief of staff", "definition": "Runs the office."},
     "editor"),
    ("PUT", "/v1/roles/1", {"name": "AI operating partner", "definition": "New."}, "editor"),
    ("PATCH", "/v1/roles/1", {"definition": "New."}, "editor"),
    ("DELETE", "/v1/roles/{role}", None, "editor"),
    ("POST", "/v1/roles/1/revisions/1/restore", None, "editor"),
    ("PUT", "/v1/roles/1/translations/de", {"name": "Partner", "definition": "Neu."}, "editor"),
    ("PATCH", "/v1/roles/1/translations/de", {"definition": "Neu."}, "editor"),
    ("DELETE", "/v1/roles/1/translations/de", None, "editor"),
    ("POST", "/v1/tags", {"name": "Hiring"}, "editor"),
    ("PUT", "/v1/tags/ai", {"name": "AI"}, "editor"),
    ("PATCH", "/v1/tags/ai", {"description": "Machines."}, "editor"),
    ("DELETE", "/v1/tags/ai", None, "editor"),
    ("DELETE", "/v1/trash/articles/{trashed}", None, "admin"),
    ("POST", "/v1/trash/articles/{trashed}/restore", None, "editor"),
    ("POST", "/v1/users", {"email": "new@example.org", "name": "New", "role": "author"},
     "admin"),
    ("PATCH", "/v1/users/{user}", {"name": "Renamed"}, "admin"),
    ("POST", "/v1/users/{user}/reset-link", None, "admin"),
    ("DELETE", "/v1/users/{user}/sessions", None, "admin"),
    ("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/x", "events": ["article.published"]},
     "admin"),
    ("PUT", "/v1/webhooks/{webhook}", {"url": "http://127.0.0.1:9/y",
                                       "events": ["article.published"]}, "admin"),
    ("DELETE", "/v1/webhooks/{webhook}", None, "admin"),
    ("POST", "/v1/webhooks/{webhook}/deliveries/1/resend", None, "admin"),
    ("POST", "/v1/webhooks/{webhook}/test", None, "admin"),
]  # fmt: skip


ENVIRONMENT = {
    "FOLIO_LOCALES": "en,de",
    "FOLIO_WEBHOOK_ALLOW_PRIVATE": "true",
    "FOLIO_MEDIA_STORAGE": "database",
}


@pytest.fixture(autouse=True)
def _settings(configure: Configure) -> None:
    configure(**ENVIRONMENT)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A database of this module's own, with what the routes act on made once (committed):
    each test changes it inside a transaction rolled back after it."""
    with pytest.MonkeyPatch.context() as patch, seeded_database(tmp_path_factory.mktemp("m")) as db:
        for name, value in ENVIRONMENT.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        keys = Keys(**{s: make_token(db, s, f"world-{s}") for s in ("read", "write", "admin")})
        app = create_app(settings_for(db.url), engine=db.engine)
        with Session(db.engine) as session, TestClient(app) as client:
            app.state.sessions = lambda: nullcontext(session)
            _WORLD.update(world(client, session, keys))
            _WORLD.update({role: make_person(session, role)[1] for role in ROLES})
            session.commit()
        # One app for every case (FastAPI readies its routes at an app's first request).
        _WORLD["app"] = create_app(settings_for(db.url), engine=db.engine)
        get_settings.cache_clear()
        yield db


@pytest.fixture
def client(database: Database, session: Session) -> TestClient:
    """The module's app, answering in this test's transaction."""
    app = _WORLD["app"]
    app.state.sessions = lambda: nullcontext(session)
    return TestClient(app)


_WORLD: dict[str, Any] = {}


def test_the_matrix_names_every_state_changing_route() -> None:
    listed = {(method, _template(path)) for method, path, _body, _least in ROUTES}
    routes = {
        (method.upper(), path)
        for path, item in create_app().openapi()["paths"].items()
        for method in item
        if method in ("post", "put", "patch", "delete")
    }
    assert listed == routes


def _template(path: str) -> str:
    """The OpenAPI path a concrete path of ``ROUTES`` calls."""
    parts = []
    for part in path.split("/"):
        if part in ("1", "{cover}", "{comparison}", "{role}", "ai"):
            part = "{ref}"
        parts.append(part)
    path = "/".join(parts)
    replacements = {
        "preview-links/{link}": "preview-links/{link_id}",
        "revisions/{ref}/restore": "revisions/{number}/restore",
        "translations/de": "translations/{locale}",
        "assets/{asset}": "assets/{asset_id}",
        "rows/{crow}": "rows/{row_id}",
        "cells/fractional-caio": "cells/{role}",
        "subjects/fractional-caio": "subjects/{role}",
        "keys/world-read": "keys/{ref}",
        "trash/articles/{trashed}": "trash/{collection}/{item_id}",
        "users/{user}": "users/{user_id}",
        "webhooks/{webhook}": "webhooks/{webhook_id}",
        "deliveries/{ref}/resend": "deliveries/{delivery_id}/resend",
    }
    for concrete, template in replacements.items():
        path = path.replace(concrete, template)
    return path


def world(client: TestClient, session: Session, keys: Keys) -> dict[str, Any]:
    """What the routes act on, made with keys that belong to nobody (they may do anything)."""
    made = base(client, session, keys)
    write = keys.auth("write")
    comparison = client.post("/v1/comparisons", json=body_of(kinds.COMPARISON), headers=write)
    assert comparison.status_code == 201, comparison.text
    ref = comparison.json()["id"]
    row = client.post(f"/v1/comparisons/{ref}/rows", json={"dimension": "Scope"}, headers=write)
    assert row.status_code == 201, row.text
    german = client.put(
        f"/v1/comparisons/{ref}/translations/de", json={"title": "Deutsch"}, headers=write
    )
    assert german.status_code == 201, german.text
    role = client.post(
        "/v1/roles", json={"name": "Chief AI officer", "definition": "Leads."}, headers=write
    )
    assert role.status_code == 201, role.text
    links = client.get("/v1/articles/1/preview-links", headers=write).json()["data"]
    cover = client.get("/v1/articles?limit=100", headers=write).json()["data"]
    return {
        **made,
        "comparison": ref,
        "crow": row.json()["id"],
        "role": role.json()["slug"],
        "link": links[0]["id"],
        "cover": next(a["id"] for a in cover if a["title"] == "With a cover"),
    }


def _call(client: TestClient, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    if body == "png":
        return client.post(
            path, content=png(8, 8), headers={**headers, "Content-Type": "image/png"}
        )
    if body == "comparison":
        body = {**body_of(kinds.COMPARISON), "slug": "made-in-the-matrix"}
    extra = MERGE if method == "PATCH" and "/users/" not in path and "/assets/" not in path else {}
    if method == "PATCH" and "/rows/" in path:
        extra = {}
    return client.request(method, path, json=body, headers={**headers, **extra})


@pytest.mark.parametrize(
    ("method", "path", "body", "least"), ROUTES, ids=[f"{m} {p}" for m, p, _b, _l in ROUTES]
)
def test_each_role_may_call_what_its_role_allows_and_nothing_more(
    client: TestClient, method: str, path: str, body: Any, least: str | None
) -> None:
    """Each caller in turn, the least first: every refusal meets the content as ``world``
    made it (what an allowed call changes comes after every refusal of its route)."""
    made = _WORLD
    concrete = path.format(**made)
    if isinstance(body, dict) and body.get("role") == "{role}":
        body = {"role": made["role"]}
    for who in ("anonymous", *ROLES):
        headers = {} if who == "anonymous" else made[who]
        answer = _call(client, method, concrete, body, headers)
        assert answer.status_code < 500, (who, answer.text)
        allowed = least is None or (who != "anonymous" and ROLES.index(who) >= ROLES.index(least))
        if allowed:
            assert answer.status_code not in (401, 403), (who, answer.text)
        elif who == "anonymous":
            assert answer.status_code == 401, (who, answer.text)
        else:
            assert answer.status_code == 403, (who, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
