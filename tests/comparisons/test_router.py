"""Comparisons over HTTP: subjects and rows in order, cells keyed by role slug."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.comparisons import service
from api.comparisons.models import ComparisonInput, RowInput
from api.core.workflow import Status
from api.roles import service as roles_service
from api.roles.models import RoleInput
from tests.helpers import EXPECTED_ROWS


def test_get_comparison_has_subjects_rows_and_cells_in_order(client: TestClient) -> None:
    response = client.get("/v1/comparisons/ai-operating-partner-vs-fractional-caio")
    assert response.status_code == 200
    comparison = response.json()
    assert comparison["id"] == 1
    assert comparison["title"] == "AI operating partner vs Fractional CAIO"
    assert comparison["dimension_label"] == "Dimension"
    assert [s["slug"] for s in comparison["subjects"]] == [
        "ai-operating-partner",
        "fractional-caio",
    ]
    rows = [
        (
            r["dimension"],
            r["cells"]["ai-operating-partner"]["text"],
            r["cells"]["fractional-caio"]["text"],
        )
        for r in comparison["rows"]
    ]
    assert rows == EXPECTED_ROWS
    assert [r["position"] for r in comparison["rows"]] == list(range(6))
    assert list(comparison["rows"][0]["cells"]) == ["ai-operating-partner", "fractional-caio"]
    assert comparison["rows"][0]["cells"]["fractional-caio"] == {
        "text": "Set AI strategy, governance, roadmap, and executive alignment",
        "note": None,
        "source_url": None,
    }
    assert client.get("/v1/comparisons/1").json() == comparison


def test_list_comparisons_with_subjects_and_row_counts(
    client: TestClient, session: Session
) -> None:
    published = {"status": Status.published, "publish_at": datetime(2026, 1, 1, tzinfo=UTC)}
    for slug in ("role-a", "role-b"):
        roles_service.create_role(
            session, RoleInput(slug=slug, name=slug.title(), **published), key=None
        )
    service.create_comparison(
        session,
        ComparisonInput(
            slug="role-a-vs-role-b",
            title="A first comparison",
            dimension_label="Aspect",
            subjects=["role-b", "role-a"],
            rows=[RowInput(dimension="Scope", cells={"role-b": "wide", "role-a": "narrow"})],
            **published,
        ),
        key=None,
    )
    session.commit()
    body = client.get("/v1/comparisons").json()
    assert [(c["title"], c["row_count"]) for c in body["data"]] == [
        ("A first comparison", 1),
        ("AI operating partner vs Fractional CAIO", 6),
    ]
    assert [s["slug"] for s in body["data"][0]["subjects"]] == ["role-b", "role-a"]
    # By a row's dimension, in any case.
    for dimension, titles in (
        ("Scope", ["A first comparison"]),
        ("typical BUYER", ["AI operating partner vs Fractional CAIO"]),
        ("  Primary job ", ["AI operating partner vs Fractional CAIO"]),
        ("Nothing like it", []),
    ):
        found = client.get("/v1/comparisons", params={"dimension": dimension}).json()["data"]
        assert [c["title"] for c in found] == titles, dimension
    detail = client.get("/v1/comparisons/role-a-vs-role-b").json()
    assert detail["rows"][0]["cells"] == {
        "role-b": {"text": "wide", "note": None, "source_url": None},
        "role-a": {"text": "narrow", "note": None, "source_url": None},
    }


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v1/comparisons/nope", 404),
        ("/v1/comparisons/12345", 404),
        ("/v1/comparisons?limit=", 422),
        ("/v1/comparisons?limit=1.5", 422),
        ("/v1/comparisons?role=Not%20a%20slug", 422),
        ("/v1/comparisons?tag=x", 422),
        ("/v1/comparisons?dimension=", 422),
        ("/v1/comparisons?dimension=" + "x" * 201, 422),
        ("/v1/comparisons/1?format=xlsx", 422),
        ("/v1/comparisons/1?include=authors", 422),
        ("/v1/comparisons/1?fields=nope", 422),
        ("/v1/comparisons/1/rows?limit=0", 422),
        ("/v1/comparisons/nope/rows", 404),
        ("/v1/comparisons/" + "x" * 200, 422),
    ],
)
def test_bad_comparison_requests_are_problems(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
