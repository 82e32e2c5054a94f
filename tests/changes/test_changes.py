"""/v1/changes: replaying the changes onto a copy gives exactly what the API serves."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.core.clock import Clock
from api.events.models import Event
from tests.conftest import Keys
from tests.helpers import scheduled_article

COLLECTIONS = ("articles", "roles", "comparisons", "authors", "tags")


def sync(client: TestClient, copy: dict[tuple[str, int], Any], since: str | None) -> str:
    """Applies every change after ``since`` to ``copy``; returns the token to use next."""
    for _ in range(1_000):
        params: dict[str, Any] = {"limit": 7}
        if since is not None:
            params["since"] = since
        page = client.get("/v1/changes", params=params).json()
        for change in page["data"]:
            key = (change["type"], change["id"])
            if change["deleted"]:
                copy.pop(key, None)
            else:
                copy[key] = change["resource"]
        since = page["meta"]["next_since"]
        if not page["meta"]["has_more"]:
            return since
    raise AssertionError("the changes never ended")


def served(client: TestClient) -> dict[tuple[str, int], Any]:
    """Everything the API serves without a key, each in its full form."""
    state = {}
    for collection in COLLECTIONS:
        for item in client.get(f"/v1/{collection}?limit=100").json()["data"]:
            state[(collection, item["id"])] = client.get(f"/v1/{collection}/{item['id']}").json()
    return state


def test_replaying_changes_gives_the_same_content_as_the_api(
    client: TestClient, keys: Keys
) -> None:
    write = keys.auth("write")
    copy: dict[tuple[str, int], Any] = {}
    token = sync(client, copy, None)
    assert copy == served(client)
    rng = random.Random(20261127)
    articles: list[int] = []
    roles: list[str] = []

    def patch(path: str, body: dict[str, Any]) -> None:
        client.patch(path, json=body, headers=write)

    for step in range(60):
        op = rng.choice(
            [
                "article",
                "article",
                "edit",
                "status",
                "delete",
                "restore",
                "role",
                "role_edit",
                "tag",
            ]
        )
        if op == "article" or not articles:
            status = rng.choice(["published", "draft"])
            made = client.post(
                "/v1/articles", json={"title": f"Piece {step}", "status": status}, headers=write
            )
            articles.append(made.json()["id"])
        elif op == "edit":
            patch(f"/v1/articles/{rng.choice(articles)}", {"title": f"Edited {step}"})
        elif op == "status":
            status = rng.choice(["published", "draft", "archived"])
            patch(f"/v1/articles/{rng.choice(articles)}", {"status": status})
        elif op == "delete":
            client.delete(f"/v1/articles/{rng.choice(articles)}", headers=write)
        elif op == "restore":
            client.post(f"/v1/trash/articles/{rng.choice(articles)}/restore", headers=write)
        elif op == "role" or not roles:
            made = client.post(
                "/v1/roles", json={"name": f"Role {step}", "status": "published"}, headers=write
            )
            roles.append(made.json()["slug"])
        elif op == "role_edit":
            patch(f"/v1/roles/{rng.choice(roles)}", {"definition": f"Changed at {step}"})
        else:
            client.post("/v1/tags", json={"name": f"Tag {step}"}, headers=write)
        if step % 15 == 14:  # sync now and then, as a build would
            token = sync(client, copy, token)
    token = sync(client, copy, token)
    assert copy == served(client)
    again = client.get("/v1/changes", params={"since": token}).json()
    assert again["data"] == []
    assert again["meta"]["next_since"] == token


def test_a_token_survives_a_restart(client: TestClient, app: Any, keys: Keys) -> None:
    from fastapi import FastAPI

    assert isinstance(app, FastAPI)
    token = client.get("/v1/changes").json()["meta"]["next_since"]
    client.post("/v1/tags", json={"name": "After the token"}, headers=keys.auth("write"))
    restarted = TestClient(app)  # a new client; the token is only an event id in the database
    changes = restarted.get("/v1/changes", params={"since": token}).json()["data"]
    assert [(c["type"], c["slug"]) for c in changes] == [("tags", "after-the-token")]


@pytest.mark.calendar  # dates from the clock: make test-ahead runs it years ahead
def test_a_scheduled_article_is_a_change_when_it_comes_due(
    client: TestClient, keys: Keys, frozen_clock: Clock
) -> None:
    now = frozen_clock.freeze(datetime(2026, 11, 27, 12, tzinfo=UTC))
    article = scheduled_article(client, keys.auth("write"), "Soon", now + timedelta(hours=1))
    token = client.get("/v1/changes").json()["meta"]["next_since"]
    assert client.get("/v1/changes", params={"since": token}).json()["data"] == []
    frozen_clock.freeze(now + timedelta(hours=2))
    (change,) = client.get("/v1/changes", params={"since": token}).json()["data"]
    assert (change["type"], change["id"], change["deleted"]) == ("articles", article["id"], False)
    assert change["resource"]["status"] == "published"


@pytest.mark.parametrize(
    "query", ["since=nope", "since=ZS0x", "since=" + "A" * 65, "limit=0", "limit=501", "x=1"]
)
def test_bad_changes_requests_are_422(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/changes?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.calendar  # dates from the clock: make test-ahead runs it years ahead
def test_compaction_keeps_every_resource_and_every_token(
    client: TestClient, keys: Keys, session: Any, frozen_clock: Clock
) -> None:
    from sqlmodel import func, select

    from api.events import service as events_service
    from api.events.models import Event

    write = keys.auth("write")
    start = datetime.now(UTC) + timedelta(days=1)  # after the seed's events
    frozen_clock.freeze(start)
    token = client.get("/v1/changes").json()["meta"]["next_since"]
    tag = client.post("/v1/tags", json={"name": "Edited often"}, headers=write).json()
    for n in range(5):
        client.patch(f"/v1/tags/{tag['id']}", json={"name": f"Edit {n}"}, headers=write)
    gone = client.post("/v1/tags", json={"name": "Gone"}, headers=write).json()
    client.delete(f"/v1/tags/{gone['id']}", headers=write)
    before = session.exec(select(func.count()).select_from(Event)).one()
    frozen_clock.freeze(start + timedelta(days=200))
    assert events_service.compact(session) == 6  # five superseded edits, the deleted tag's creation
    assert session.exec(select(func.count()).select_from(Event)).one() == before - 6
    copy: dict[tuple[str, int], Any] = {}
    sync(client, copy, None)  # a build from scratch still sees every resource
    assert copy == served(client)
    since = client.get("/v1/changes", params={"since": token}).json()["data"]
    assert {(c["type"], c["slug"], c["deleted"]) for c in since} == {
        ("tags", tag["slug"], False),
        ("tags", "gone", True),
    }


def test_a_page_of_changes_costs_the_same_queries_at_any_size(
    client: TestClient, keys: Keys, connection: Any
) -> None:
    from tests.articles.test_lists import statements

    for n in range(30):
        client.post(
            "/v1/roles",
            json={"name": f"Bulk role {n}", "status": "published"},
            headers=keys.auth("write"),
        )
    counts = []
    for limit in (5, 30):
        client.get("/v1/changes", params={"limit": limit})  # warm: due announcements, savepoints
        with statements(connection) as seen:
            assert client.get("/v1/changes", params={"limit": limit}).status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]


TABLE = (
    "| Dimension | AI operating partner | Fractional CAIO |\n| --- | --- | --- |\n"
    "| Cadence | Weekly | Monthly |\n"
)


@pytest.mark.parametrize(
    ("collection", "body"),
    [
        ("articles", {"title": "Publish me", "body_markdown": "Some words."}),
        ("articles", {"title": "With a table", "body_markdown": TABLE}),
        ("roles", {"name": "Publish me too", "definition": "A role."}),
        (
            "comparisons",
            {"title": "Publish me three", "subjects": ["ai-operating-partner", "fractional-caio"]},
        ),
    ],
)
def test_publishing_and_unpublishing_by_patch_are_the_events_they_are(
    client: TestClient, session: Session, keys: Keys, collection: str, body: dict[str, Any]
) -> None:
    """The event says what the change did to the public: a draft made public is
    ``published``, a public item made a draft ``unpublished``, whatever the write looked up
    on its way (a lookup flushes the session)."""
    created = client.post(f"/v1/{collection}", json=body, headers=keys.auth("write"))
    assert created.status_code == 201, created.text
    item = created.json()["id"]
    merge = {**keys.auth("write"), "Content-Type": "application/merge-patch+json"}
    for status, publish_at in (("published", None), ("draft", None), ("published", None)):
        changed = client.patch(
            f"/v1/{collection}/{item}",
            json={"status": status, "publish_at": publish_at},
            headers=merge,
        )
        assert changed.status_code == 200, changed.text
    kind = collection[:-1]
    types = session.exec(
        select(Event.type)
        .where(Event.resource_type == collection, Event.resource_id == item)
        .order_by(col(Event.id))
    ).all()
    changes = ["created", "published", "unpublished", "published"]
    assert types == [f"{kind}.{change}" for change in changes]
