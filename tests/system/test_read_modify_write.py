"""PUT what you GET: a client that reads a document, changes a field and sends the whole
document back gets the change and nothing else, on every resource."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys

CHANGING = {"version", "updated_at"}


def _round_trip(
    client: TestClient, keys: Keys, path: str, change: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    read = client.get(path, headers=keys.auth("read"))
    assert read.status_code == 200
    document = read.json()
    response = client.put(
        path,
        json={**document, **change},
        headers={**keys.auth("write"), "If-Match": read.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    after = client.get(path, headers=keys.auth("read")).json()
    return document, after


def _same_but(before: dict[str, Any], after: dict[str, Any], changed: set[str]) -> None:
    for name, value in before.items():
        if name not in changed | CHANGING:
            assert after[name] == value, name
    assert after["version"] == before["version"] + 1


def test_an_article_read_changed_and_put_back_keeps_everything_else(
    client: TestClient, keys: Keys
) -> None:
    before, after = _round_trip(client, keys, "/v1/articles/1", {"title": "Partner or CAIO?"})
    assert after["title"] == "Partner or CAIO?"
    _same_but(before, after, {"title", "seo"})
    # The SEO title followed the title: it was shown by default, not chosen.
    assert after["seo"]["meta_title"] == "Partner or CAIO?"
    assert after["seo"]["canonical_url"] == before["seo"]["canonical_url"]
    # The body came back with its role definitions, comparison and links resolved as before.
    assert [b["_type"] for b in after["body"]] == [b["_type"] for b in before["body"]]
    assert after["body"] == before["body"]
    assert after["author"] == before["author"]


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("/v1/roles/1", {"definition": "A hands-on operator, now edited."}),
        ("/v1/comparisons/1", {"title": "Partner vs CAIO"}),
        ("/v1/authors/1", {"name": "Kyle R."}),
    ],
)
def test_roles_comparisons_and_authors_take_back_what_they_show(
    client: TestClient, keys: Keys, path: str, change: dict[str, Any]
) -> None:
    before, after = _round_trip(client, keys, path, change)
    _same_but(before, after, set(change))
    for name, value in change.items():
        assert after[name] == value


def test_read_only_fields_are_ignored_and_unknown_ones_still_refused(
    client: TestClient, keys: Keys
) -> None:
    document = client.get("/v1/roles/1").json()
    write = {**keys.auth("write"), "Content-Type": "application/json"}
    forged = {**document, "id": 99, "version": 1, "url": "https://elsewhere.example/x"}
    response = client.put("/v1/roles/1", json=forged, headers=write)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == 1
    assert response.json()["url"] == document["url"]
    typo = client.put("/v1/roles/1", json={**document, "nmae": "x"}, headers=write)
    assert typo.status_code == 422
    assert typo.json()["errors"][0]["loc"] == ["body", "nmae"]
