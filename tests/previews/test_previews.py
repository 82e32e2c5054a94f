"""Shareable previews: a write key makes a link to one unpublished article; whoever has the
link reads that article, and only that one, without a key, never cached, until the link
expires or is revoked. The token is shown once and kept only hashed."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.core.clock import Clock
from api.previews.models import PreviewLink
from tests.conftest import Keys

MERGE = {"Content-Type": "application/merge-patch+json"}


def _draft(client: TestClient, keys: Keys, title: str = "Not yet public") -> dict[str, Any]:
    made = client.post(
        "/v1/articles", json={"title": title, "body_markdown": "Words."}, headers=keys.auth("write")
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def _link(client: TestClient, keys: Keys, ref: str, **body: Any) -> dict[str, Any]:
    made = client.post(f"/v1/articles/{ref}/preview-links", json=body, headers=keys.auth("write"))
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_a_preview_link_shows_its_draft_to_someone_without_a_key(
    client: TestClient, keys: Keys, session: Session
) -> None:
    draft = _draft(client, keys)
    assert client.get(f"/v1/articles/{draft['id']}").status_code == 404
    link = _link(client, keys, draft["slug"])
    assert link["token"].startswith("fpv_")
    assert link["url"].endswith(f"/v1/articles/{draft['id']}?preview={link['token']}")
    assert link["created_by"] == "write-key"
    seen = client.get(f"/v1/articles/{draft['id']}", params={"preview": link["token"]})
    assert seen.status_code == 200
    assert seen.json()["status"] == "draft"
    assert seen.json()["title"] == "Not yet public"
    assert seen.headers["cache-control"] == "private, no-store"
    again = client.get(f"/v1/articles/{draft['slug']}?format=md&preview={link['token']}")
    assert again.status_code == 200
    assert "Not yet public" in again.text
    # Kept hashed: the token is nowhere in the database.
    stored = session.exec(select(PreviewLink)).one()
    assert link["token"] not in repr(stored.model_dump())
    # The secret is everything after the second underscore (it may hold underscores itself).
    assert link["token"].split("_", 2)[2] not in stored.token_hash
    # Listed without the token.
    listed = client.get(f"/v1/articles/{draft['id']}/preview-links", headers=keys.auth("write"))
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["data"]] == [link["id"]]
    assert "token" not in listed.json()["data"][0]


def test_a_link_opens_its_own_article_only(client: TestClient, keys: Keys) -> None:
    mine, other = _draft(client, keys, "Mine"), _draft(client, keys, "Another draft")
    token = _link(client, keys, str(mine["id"]))["token"]
    for ref in (other["id"], other["slug"], 1):
        wider = client.get(f"/v1/articles/{ref}", params={"preview": token})
        assert wider.status_code == 404, ref
        assert wider.headers["content-type"] == "application/problem+json"
    listed = client.get("/v1/articles", params={"preview": token})
    assert listed.status_code == 422  # lists take no preview token


@pytest.mark.calendar  # dates from the clock: make test-ahead runs it years ahead
def test_an_expired_revoked_or_made_up_token_is_refused(
    client: TestClient, keys: Keys, frozen_clock: Clock
) -> None:
    draft = _draft(client, keys)
    short = _link(client, keys, str(draft["id"]), expires_in_seconds=60)["token"]
    revoked = _link(client, keys, str(draft["id"]))
    gone = client.delete(
        f"/v1/articles/{draft['id']}/preview-links/{revoked['id']}", headers=keys.auth("write")
    )
    assert gone.status_code == 200
    assert gone.json()["revoked_at"] is not None
    assert client.get(f"/v1/articles/{draft['id']}", params={"preview": short}).status_code == 200
    frozen_clock.freeze(frozen_clock.now() + timedelta(seconds=61))
    made_up = short[:-4] + "AAAA"
    for token in (short, revoked["token"], made_up, "fpv_", "nonsense", "fpv_zz_" + "a" * 40):
        refused = client.get(f"/v1/articles/{draft['id']}", params={"preview": token})
        assert refused.status_code == 403, token
        assert refused.json()["type"] == "urn:folio:problem:preview-not-valid"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"expires_in_seconds": 59}, 422),
        ({"expires_in_seconds": 31 * 24 * 3600}, 422),
        ({"expires_in_seconds": "soon"}, 422),
        ({"article": 2}, 422),
        ([], 422),
    ],
)
def test_bad_preview_link_requests_are_refused(
    client: TestClient, keys: Keys, session: Session, body: Any, status: int
) -> None:
    draft = _draft(client, keys)
    made = client.post(
        f"/v1/articles/{draft['id']}/preview-links", json=body, headers=keys.auth("write")
    )
    assert made.status_code == status, made.text
    assert made.headers["content-type"] == "application/problem+json"
    assert session.exec(select(PreviewLink)).all() == []


def test_preview_links_need_a_write_key_and_an_article(client: TestClient, keys: Keys) -> None:
    draft = _draft(client, keys)
    url = f"/v1/articles/{draft['id']}/preview-links"
    assert client.post(url).status_code == 401
    assert client.post(url, headers=keys.auth("read")).status_code == 403
    assert client.get(url, headers=keys.auth("read")).status_code == 403
    assert (
        client.post("/v1/articles/nope/preview-links", headers=keys.auth("write")).status_code
        == 404
    )
    missing = client.delete(f"{url}/999", headers=keys.auth("write"))
    assert missing.status_code == 404
    assert missing.json()["title"] == "Preview link not found"
