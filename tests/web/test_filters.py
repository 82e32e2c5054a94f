"""The filters every list spells alike: comma-separated values (any of them), ``not_`` for
none of them, date ranges, ``has_cover`` and ``status`` (with a key), on roles and
comparisons as on articles; each through HTTP against real rows, with its bad inputs."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys

SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"
TABLE = "ai-operating-partner-vs-fractional-caio"


def _slugs(client: TestClient, url: str, **headers: str) -> list[str]:
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200, answer.text
    return sorted(item["slug"] for item in answer.json()["data"])


@pytest.fixture
def content(client: TestClient, keys: Keys) -> dict[str, Any]:
    """Beside the seed: a published role and a comparison of it with the Fractional CAIO, a
    draft role, and an article that embeds the new comparison."""
    auth = keys.auth("write")

    def post(collection: str, body: dict[str, Any]) -> dict[str, Any]:
        made = client.post(f"/v1/{collection}", json=body, headers=auth)
        assert made.status_code == 201, made.text
        return dict(made.json())

    post("roles", {"name": "Head of AI", "definition": "Full time.", "status": "published"})
    post("roles", {"name": "AI intern", "definition": "Not yet.", "status": "draft"})
    table = post(
        "comparisons",
        {
            "title": "Head of AI vs fractional CAIO",
            "subjects": ["head-of-ai", "fractional-caio"],
            "rows": [{"dimension": "Cadence", "cells": {"head-of-ai": "Daily"}}],
            "status": "published",
        },
    )
    post(
        "articles",
        {
            "title": "Full time or fractional",
            "status": "published",
            "body": [{"_type": "comparison", "comparison": {"id": table["id"]}}],
        },
    )
    return table


def test_roles_by_comparison_article_cover_status_and_dates(
    client: TestClient, keys: Keys, content: dict[str, Any]
) -> None:
    both = ["ai-operating-partner", "fractional-caio"]
    assert _slugs(client, f"/v1/roles?comparison={TABLE}") == both
    either = f"/v1/roles?comparison={TABLE},{content['slug']}"
    assert _slugs(client, either) == [*both, "head-of-ai"]
    assert _slugs(client, f"/v1/roles?not_comparison={TABLE}") == ["head-of-ai"]
    assert _slugs(client, f"/v1/roles?article={SEED}") == both
    assert _slugs(client, f"/v1/roles?not_article={SEED}") == ["head-of-ai"]
    assert _slugs(client, "/v1/roles?has_cover=false") == [*both, "head-of-ai"]
    assert _slugs(client, "/v1/roles?has_cover=true") == []
    # Drafts: only with a key, and status needs one.
    assert client.get("/v1/roles?status=draft").status_code == 401
    read = keys.auth("read")
    assert _slugs(client, "/v1/roles?status=draft", **read) == ["ai-intern"]
    assert _slugs(client, "/v1/roles?status=published", **read) == [*both, "head-of-ai"]
    assert _slugs(client, "/v1/roles?not_comparison=no-such-table", **read) == [
        "ai-intern",
        *both,
        "head-of-ai",
    ]
    assert _slugs(client, "/v1/roles?created_after=2999-01-01T00:00:00Z") == []
    assert len(_slugs(client, "/v1/roles?created_before=2999-01-01T00:00:00Z")) == 3
    assert _slugs(client, "/v1/roles?published_before=2000-01-01T00:00:00Z") == []


def test_comparisons_by_roles_any_of_and_every_one_articles_status_and_dates(
    client: TestClient, keys: Keys, content: dict[str, Any]
) -> None:
    new = content["slug"]
    assert _slugs(client, "/v1/comparisons?role=fractional-caio") == sorted([TABLE, new])
    assert _slugs(client, "/v1/comparisons?role=head-of-ai,ai-operating-partner") == sorted(
        [TABLE, new]
    )
    assert _slugs(client, "/v1/comparisons?role=fractional-caio&role=head-of-ai") == [new]
    assert _slugs(client, "/v1/comparisons?not_role=head-of-ai") == [TABLE]
    assert _slugs(client, "/v1/comparisons?not_role=head-of-ai,ai-operating-partner") == []
    assert _slugs(client, f"/v1/comparisons?article={SEED}") == [TABLE]
    assert _slugs(client, "/v1/comparisons?article=full-time-or-fractional") == [new]
    assert _slugs(client, f"/v1/comparisons?not_article={SEED}") == [new]
    assert _slugs(client, "/v1/comparisons?updated_since=2999-01-01T00:00:00Z") == []
    assert client.get("/v1/comparisons?status=published").status_code == 401
    assert _slugs(
        client, "/v1/comparisons?status=published&role=fractional-caio", **keys.auth("read")
    ) == sorted([TABLE, new])
    assert _slugs(client, "/v1/comparisons?status=draft", **keys.auth("read")) == []


def test_a_draft_matches_no_public_filter(
    client: TestClient, keys: Keys, content: dict[str, Any]
) -> None:
    """A comparison of a draft role is not found by that role without a key."""
    made = client.post(
        "/v1/comparisons",
        json={"title": "Intern vs CAIO", "subjects": ["ai-intern", "fractional-caio"],
              "rows": [], "status": "published"},
        headers=keys.auth("write"),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    assert _slugs(client, "/v1/comparisons?role=ai-intern") == []
    assert _slugs(client, "/v1/comparisons?role=ai-intern", **keys.auth("read")) == [
        made.json()["slug"]
    ]


@pytest.mark.parametrize("collection", ["articles", "roles", "comparisons"])
@pytest.mark.parametrize(
    "query",
    [
        "status=live",
        "created_after=yesterday",
        "created_after=1000000000",  # seconds since 1970: not RFC 3339
        "updated_since=20260201T000000Z",  # ISO 8601's basic form: not RFC 3339 either
        "created_after=2026-02-01T00:00:00Z&created_before=2026-01-01T00:00:00Z",
        "published_after=2026-02-01T00:00:00Z&published_before=2026-01-01T00:00:00Z",
        "updated_since=2026-02-01T00:00:00Z&updated_before=2026-01-01T00:00:00Z",
        "published_before=2026-01-01T00:00:00",  # no offset
        "not_something=a",
    ],
)
def test_bad_filters_are_422_everywhere(client: TestClient, collection: str, query: str) -> None:
    answer = client.get(f"/v1/{collection}?{query}")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        "roles?comparison=Not A Slug",
        "roles?not_comparison=a,,b",
        "roles?article=" + ",".join(f"a{n}" for n in range(21)),
        "roles?has_cover=perhaps",
        "comparisons?role=a,",
        "comparisons?not_role=",
        "comparisons?article=UPPER",
        "comparisons?" + "&".join(f"role=r{n}" for n in range(11)),
    ],
)
def test_bad_slug_lists_are_422(client: TestClient, query: str) -> None:
    answer = client.get(f"/v1/{query}")
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["loc"][0] == "query"
