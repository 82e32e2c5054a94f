"""The trash, for every kind of resource: list, read, restore, purge, and bad requests."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys

NEW = {
    "articles": {"title": "Short-lived"},
    "roles": {"name": "Short-lived role"},
    "comparisons": {"title": "Short-lived table", "subjects": ["fractional-caio"]},
    "authors": {"name": "Short-lived author"},
    "tags": {"name": "Short-lived tag"},
}


@pytest.mark.parametrize("collection", list(NEW))
def test_every_kind_goes_through_the_trash(client: TestClient, keys: Keys, collection: str) -> None:
    write, admin = keys.auth("write"), keys.auth("admin")
    item = client.post(f"/v1/{collection}", json=NEW[collection], headers=write).json()
    path = f"/v1/{collection}/{item['slug']}"
    assert client.delete(path, headers=write).status_code == 204
    assert client.get(path, headers=keys.auth("read")).status_code == 404
    listed = client.get(f"/v1/trash?type={collection}", headers=write).json()["data"]
    assert [(t["type"], t["id"], t["slug"]) for t in listed] == [
        (collection, item["id"], item["slug"])
    ]
    trashed = client.get(f"/v1/trash/{collection}/{item['id']}", headers=write)
    assert trashed.json()["url"] == f"http://127.0.0.1:8000/v1/trash/{collection}/{item['id']}"
    assert (
        client.post(f"/v1/trash/{collection}/{item['id']}/restore", headers=write).status_code
        == 200
    )
    restored = client.get(path, headers=keys.auth("read"))
    assert restored.status_code == 200
    assert restored.json()["version"] == item["version"] + 2  # deleted, then restored
    assert client.delete(path, headers=write).status_code == 204
    assert client.delete(f"/v1/trash/{collection}/{item['id']}", headers=admin).status_code == 204
    assert client.get(f"/v1/trash/{collection}/{item['id']}", headers=write).status_code == 404
    assert client.get(f"/v1/trash?type={collection}", headers=write).json()["data"] == []


def test_purging_something_still_referenced_is_409(client: TestClient, keys: Keys) -> None:
    write = keys.auth("write")
    client.post("/v1/roles", json={"name": "Temp role", "status": "published"}, headers=write)
    comparison = client.post(
        "/v1/comparisons", json={"title": "Temp", "subjects": ["temp-role"]}, headers=write
    ).json()
    client.delete(f"/v1/comparisons/{comparison['id']}", headers=write)
    # The trashed comparison still has the role as a subject: the role can go to the trash...
    assert client.delete("/v1/roles/temp-role", headers=write).status_code == 204
    role_id = client.get("/v1/trash?type=roles", headers=write).json()["data"][0]["id"]
    # ...but not be purged while that comparison exists, even in the trash.
    response = client.delete(f"/v1/trash/roles/{role_id}", headers=keys.auth("admin"))
    assert response.status_code == 409
    assert client.get(f"/v1/trash/roles/{role_id}", headers=write).status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/v1/trash?type=widgets", 422),
        ("GET", "/v1/trash?limit=0", 422),
        ("GET", "/v1/trash?cursor=bad", 422),
        ("GET", "/v1/trash?unknown=1", 422),
        ("GET", "/v1/trash/widgets/1", 422),
        ("GET", "/v1/trash/articles/0", 422),
        ("GET", "/v1/trash/articles/99999", 404),
        ("POST", "/v1/trash/articles/99999/restore", 404),
        ("POST", "/v1/trash/articles/1/restore", 404),
    ],
)
def test_bad_trash_requests(
    client: TestClient, keys: Keys, method: str, url: str, status: int
) -> None:
    response = client.request(method, url, headers=keys.auth("write"))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
