"""Roles over HTTP: the role page with where it is mentioned, the list, and bad input."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.articles.blocks import linked_block
from api.core.workflow import Status
from api.roles import service
from api.roles.models import RoleInput
from tests.conftest import Keys
from tests.helpers import make_article

JAN_1 = datetime(2026, 1, 1, tzinfo=UTC)


def test_get_role_by_slug_with_comparisons_and_articles(client: TestClient) -> None:
    response = client.get("/v1/roles/fractional-caio")
    assert response.status_code == 200
    role = response.json()
    assert role["id"] == 2
    assert role["name"] == "Fractional CAIO"
    assert role["aliases"] == ["Fractional Chief AI Officer"]
    assert role["definition"].startswith("A part-time senior AI executive")
    assert role["url"] == "http://127.0.0.1:8000/v1/roles/fractional-caio"
    assert [c["slug"] for c in role["comparisons"]] == ["ai-operating-partner-vs-fractional-caio"]
    assert [a["id"] for a in role["articles"]] == [1]
    assert role["articles"][0]["published_at"] == "2026-06-15T00:00:00Z"
    assert response.headers["etag"]
    assert client.get("/v1/roles/2").json() == role


def test_role_page_lists_only_published_articles(client: TestClient, session: Session) -> None:
    draft = make_article(
        session,
        status=Status.draft,
        blocks=[
            linked_block("see AI operating partner", [("AI operating partner", {"role_id": 1})])
        ],
    )
    published = make_article(
        session,
        blocks=[
            linked_block("see AI operating partner", [("AI operating partner", {"role_id": 1})])
        ],
    )
    session.commit()
    ids = [a["id"] for a in client.get("/v1/roles/ai-operating-partner").json()["articles"]]
    assert published.id in ids
    assert draft.id not in ids


def test_list_roles_by_name_with_paging(client: TestClient, session: Session) -> None:
    for name in ("Zeta role", "Beta role", "Alpha role"):
        service.create_role(
            session,
            RoleInput(
                name=name, status=Status.published, publish_at=datetime(2026, 1, 1, tzinfo=UTC)
            ),
            key=None,
        )
    session.commit()
    first = client.get("/v1/roles?limit=2").json()
    assert [r["name"] for r in first["data"]] == ["AI operating partner", "Alpha role"]
    second = client.get(first["links"]["next"]).json()
    assert [r["name"] for r in second["data"]] == ["Beta role", "Fractional CAIO"]
    third = client.get(second["links"]["next"]).json()
    assert [r["name"] for r in third["data"]] == ["Zeta role"]
    assert third["meta"]["next_cursor"] is None


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v1/roles/unknown-role", 404),
        ("/v1/roles/999", 404),
        ("/v1/roles/" + "9" * 40, 404),
        ("/v1/roles?limit=x", 422),
        ("/v1/roles?limit=101", 422),
        ("/v1/roles?cursor=%%%", 422),
        ("/v1/roles?q=", 422),
        ("/v1/roles?sort=height", 422),
        ("/v1/roles?fields=nope", 422),
        ("/v1/roles/fractional-caio/compare/fractional-caio", 422),
        ("/v1/roles/fractional-caio/compare/nobody", 404),
        ("/v1/roles/fractional-caio?format=md", 422),
    ],
)
def test_bad_role_requests_are_problems(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status


def test_a_cursor_from_another_listing_is_rejected(client: TestClient) -> None:
    articles_cursor = None
    page = client.get("/v1/roles?limit=1").json()
    roles_cursor = page["meta"]["next_cursor"]
    response = client.get(f"/v1/comparisons?cursor={roles_cursor}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]
    assert articles_cursor is None


def test_a_role_page_with_its_comparisons_whole(client: TestClient) -> None:
    page = client.get("/v1/roles/fractional-caio?include=comparisons").json()
    (table,) = page["comparisons"]
    assert table["slug"] == "ai-operating-partner-vs-fractional-caio"
    assert len(table["rows"]) == 6
    assert page["aliases"] == ["Fractional Chief AI Officer"]
    sparse = client.get(
        "/v1/roles/fractional-caio?include=comparisons&fields=name,comparisons"
    ).json()
    assert set(sparse) == {"id", "name", "comparisons"}
    assert client.get("/v1/roles/fractional-caio?include=tags").status_code == 422


def test_sparse_fields_on_search_rows_and_trash(client: TestClient, keys: Keys) -> None:
    hit = client.get("/v1/search?q=governance&fields=type,url").json()["data"][0]
    assert set(hit) == {"id", "type", "url"}
    row = client.get("/v1/comparisons/1/rows?fields=dimension").json()["data"][0]
    assert row == {"id": 1, "dimension": "Primary job"}
    client.post("/v1/tags", json={"name": "Gone"}, headers=keys.auth("write"))
    client.delete("/v1/tags/gone", headers=keys.auth("write"))
    item = client.get("/v1/trash?fields=slug", headers=keys.auth("write")).json()["data"][0]
    assert item == {"id": item["id"], "slug": "gone"}
