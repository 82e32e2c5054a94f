"""Every list is the same envelope: ``{data, meta, links}`` with cursors and a ``Link`` header,
including the lists only keys see (revisions, keys, webhooks and their deliveries)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Configure, Keys


def _walk(client: TestClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every item of a list, one per page, following ``links.next``."""
    seen: list[dict[str, Any]] = []
    url: str | None = f"{path}?limit=1"
    for _ in range(50):  # bounded: these lists are short here
        if url is None:
            return seen
        response = client.get(url.removeprefix("http://127.0.0.1:8000"), headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"data", "meta", "links"}
        assert body["meta"]["limit"] == 1
        assert len(body["data"]) <= 1
        if body["links"]["next"]:
            assert f'<{body["links"]["next"]}>; rel="next"' in response.headers["link"]
        seen.extend(body["data"])
        url = body["links"]["next"]
    raise AssertionError("the walk did not end")


def test_private_lists_are_enveloped_and_paged(
    client: TestClient, keys: Keys, configure: Configure
) -> None:
    configure(
        FOLIO_WEBHOOK_ALLOW_PRIVATE="true",  # targets on loopback, never called
    )
    admin = keys.auth("admin")
    for title in ("One", "Two"):
        patched = client.patch(
            "/v1/articles/1",
            json={"kicker": title},
            headers={**keys.auth("write"), "Content-Type": "application/merge-patch+json"},
        )
        assert patched.status_code == 200
    revisions = _walk(client, "/v1/articles/1/revisions", admin)
    assert [r["number"] for r in revisions] == [3, 2, 1]
    names = [k["name"] for k in _walk(client, "/v1/keys", admin)]
    assert names == sorted(names)
    assert len(names) >= 2
    hooks = [
        client.post(
            "/v1/webhooks",
            json={"url": f"http://127.0.0.1:9/hook/{n}", "events": ["article.published"]},
            headers=admin,
        )
        for n in range(2)
    ]
    assert all(h.status_code == 201 for h in hooks), [h.text for h in hooks]
    listed = _walk(client, "/v1/webhooks", admin)
    assert [h["id"] for h in listed] == sorted(h.json()["id"] for h in hooks)
    deliveries = client.get(f"/v1/webhooks/{listed[0]['id']}/deliveries", headers=admin)
    assert deliveries.json()["data"] == []
    assert deliveries.json()["meta"]["limit"] == 50


@pytest.mark.parametrize(
    "path",
    [
        "/v1/keys?limit=0",
        "/v1/keys?cursor=forged",
        "/v1/webhooks?limit=101",
        "/v1/articles/1/revisions?sort=number",
        "/v1/webhooks/1/deliveries?limit=101",
    ],
)
def test_bad_paging_is_422(client: TestClient, keys: Keys, path: str) -> None:
    response = client.get(path, headers=keys.auth("admin"))
    assert (
        response.status_code in (404, 422) if "deliveries" in path else response.status_code == 422
    )
    assert response.headers["content-type"] == "application/problem+json"
