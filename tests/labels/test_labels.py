"""Authors and tags: the same behaviour for both, through one implementation."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys


@pytest.mark.parametrize("collection", ["authors", "tags"])
def test_label_life_cycle(client: TestClient, keys: Keys, collection: str) -> None:
    write = keys.auth("write")
    created = client.post(f"/v1/{collection}", json={"name": "Ada Lovelace"}, headers=write)
    assert created.status_code == 201
    label = created.json()
    assert (label["slug"], label["version"]) == ("ada-lovelace", 1)
    assert label["url"] == f"http://127.0.0.1:8000/v1/{collection}/ada-lovelace"
    assert client.get(f"/v1/{collection}/ada-lovelace").json() == label
    assert "ada-lovelace" in [x["slug"] for x in client.get(f"/v1/{collection}").json()["data"]]
    etag = client.get(f"/v1/{collection}/ada-lovelace").headers["etag"]
    renamed = client.patch(
        f"/v1/{collection}/ada-lovelace",
        json={"name": "Ada King", "slug": "ada-king"},
        headers={**write, "If-Match": etag},
    )
    assert renamed.status_code == 200
    assert client.get(f"/v1/{collection}/ada-lovelace", follow_redirects=False).status_code == 301
    stale = client.put(
        f"/v1/{collection}/ada-king", json={"name": "X"}, headers={**write, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert (
        client.post(f"/v1/{collection}", json={"name": "Ada Lovelace"}, headers=write).status_code
        == 409
    )
    assert client.delete(f"/v1/{collection}/ada-king", headers=write).status_code == 204
    assert client.get(f"/v1/{collection}/ada-king").status_code == 404
    assert client.post(f"/v1/{collection}", json={"name": ""}, headers=write).status_code == 422
    assert (
        client.post(f"/v1/{collection}", json={"name": "A", "bio": "x"}, headers=write).status_code
        == 422
    )
    assert client.post(f"/v1/{collection}", json={"name": "A"}).status_code == 401


def test_tags_on_articles_and_a_used_author_stays(client: TestClient, keys: Keys) -> None:
    write = keys.auth("write")
    client.post("/v1/tags", json={"name": "AI"}, headers=write)
    article = client.post(
        "/v1/articles",
        json={"title": "Tagged", "tags": ["ai"], "author": "kyle-rasmussen"},
        headers=write,
    ).json()
    assert [t["slug"] for t in article["tags"]] == ["ai"]
    assert client.delete("/v1/tags/ai", headers=write).status_code == 409
    assert client.delete("/v1/authors/kyle-rasmussen", headers=write).status_code == 409


@pytest.mark.parametrize("collection", ["authors", "tags"])
def test_label_lists_sort_count_and_sparse_fields(
    client: TestClient, keys: Keys, collection: str
) -> None:
    for name in ("Zed", "Amy"):
        client.post(f"/v1/{collection}", json={"name": name}, headers=keys.auth("write"))
    body = client.get(f"/v1/{collection}?sort=-name&count=true&fields=name").json()
    names = [item["name"] for item in body["data"]]
    assert names == sorted(names, reverse=True)
    assert body["meta"]["total"] == len(names)
    assert all(set(item) == {"id", "name"} for item in body["data"])
    assert client.get(f"/v1/{collection}?fields=password").status_code == 422
