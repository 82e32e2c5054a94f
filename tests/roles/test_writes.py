"""Writing roles: create, edit, aliases, slugs, and deletion refused while in use."""

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from api.history.models import Revision
from api.roles.models import Role
from tests.conftest import Keys


def count(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.exec(select(func.count()).select_from(Role)).one(),
        session.exec(select(func.count()).select_from(Revision)).one(),
    )


def test_create_edit_and_delete_a_role(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/roles",
        json={"name": "Chief Data Officer", "aliases": ["CDO"], "definition": "Owns data."},
        headers=keys.auth("write"),
    )
    assert response.status_code == 201
    role = response.json()
    assert (role["slug"], role["status"], role["aliases"]) == (
        "chief-data-officer",
        "draft",
        ["CDO"],
    )
    assert client.get("/v1/roles/chief-data-officer").status_code == 404
    published = client.patch(
        "/v1/roles/chief-data-officer",
        json={"status": "published", "aliases": ["CDO", "Data chief"]},
        headers=keys.auth("write"),
    )
    assert published.json()["aliases"] == ["CDO", "Data chief"]
    assert client.get("/v1/roles/chief-data-officer").json()["status"] == "published"
    assert client.get("/v1/roles").json()["data"][1]["slug"] == "chief-data-officer"
    renamed = client.patch(
        "/v1/roles/chief-data-officer", json={"slug": "cdo"}, headers=keys.auth("write")
    )
    assert renamed.json()["slug"] == "cdo"
    assert (
        client.get("/v1/roles/chief-data-officer", follow_redirects=False).headers["location"]
        == "/v1/roles/cdo"
    )
    assert client.delete("/v1/roles/cdo", headers=keys.auth("write")).status_code == 204
    assert client.get("/v1/roles/cdo").status_code == 404


def test_a_role_in_use_cannot_be_deleted(client: TestClient, keys: Keys, session: Session) -> None:
    before = count(session)
    response = client.delete("/v1/roles/fractional-caio", headers=keys.auth("write"))
    assert response.status_code == 409
    assert "comparisons/ai-operating-partner-vs-fractional-caio" in response.json()["detail"]
    assert count(session) == before


def test_bad_role_writes_change_nothing(client: TestClient, keys: Keys, session: Session) -> None:
    before = count(session)
    write = keys.auth("write")
    cases = [
        ({"name": ""}, 422),
        ({"name": "x" * 201}, 422),
        ({"name": "A", "aliases": ["x"] * 21}, 422),
        ({"name": "A", "definition": "x" * 20_001}, 422),
        ({"name": "A", "slug": "fractional-caio"}, 409),
        ({"name": "Fractional CAIO"}, 409),
        ({"name": "A", "owner": "me"}, 422),
    ]
    for body, status in cases:
        response = client.post("/v1/roles", json=body, headers=write)
        assert response.status_code == status, (body, response.text)
    assert client.put("/v1/roles/nope", json={"name": "A"}, headers=write).status_code == 404
    assert client.patch("/v1/roles/1", json={"name": None}, headers=write).status_code == 422
    assert count(session) == before
