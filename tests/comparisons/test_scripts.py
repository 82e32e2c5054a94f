"""Comparisons for scripts: rows by dimension, CSV and Markdown, two roles side by side, and
comparisons that include every named role."""

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys
from tests.helpers import EXPECTED_ROWS

TABLE = "/v1/comparisons/ai-operating-partner-vs-fractional-caio"


def test_rows_by_dimension_or_words(client: TestClient) -> None:
    one = client.get(f"{TABLE}/rows?dimension=accountability").json()
    assert [r["dimension"] for r in one["data"]] == ["Accountability"]
    assert one["data"][0]["cells"]["fractional-caio"]["text"].startswith("AI governance")
    some = client.get(f"{TABLE}/rows?q=executive").json()
    assert [r["dimension"] for r in some["data"]] == [
        "Primary job",
        "Typical buyer",
        "Operating cadence",
    ]
    assert client.get(f"{TABLE}/rows?q=100%25").json()["data"] == []  # % is a character here
    all_rows = client.get(f"{TABLE}/rows?limit=4").json()
    assert len(all_rows["data"]) == 4
    rest = client.get(all_rows["links"]["next"]).json()
    assert [r["position"] for r in all_rows["data"] + rest["data"]] == list(range(6))


@pytest.mark.parametrize(("headers", "query"), [({"Accept": "text/csv"}, ""), ({}, "?format=csv")])
def test_csv_is_rfc_4180(client: TestClient, headers: dict[str, str], query: str) -> None:
    response = client.get(f"{TABLE}{query}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    assert response.text.startswith("Dimension,AI operating partner,Fractional CAIO\r\n")
    assert '"PE firm, holding company, or multi-location operator"' in response.text
    assert response.text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0] == ["Dimension", "AI operating partner", "Fractional CAIO"]
    assert [tuple(r) for r in rows[1:]] == EXPECTED_ROWS
    assert response.headers["etag"] != client.get(TABLE).headers["etag"]


def test_csv_quotes_quotes_and_newlines(client: TestClient, keys: Keys) -> None:
    body = {
        "title": "Tricky cells",
        "subjects": ["fractional-caio"],
        "rows": [{"dimension": 'Says "hi"', "cells": {"fractional-caio": "line one\nline two"}}],
    }
    created = client.post("/v1/comparisons", json=body, headers=keys.auth("write")).json()
    text = client.get(f"/v1/comparisons/{created['id']}?format=csv", headers=keys.auth("read")).text
    assert text == 'Dimension,Fractional CAIO\r\n"Says ""hi""","line one\nline two"\r\n'


def test_markdown_table(client: TestClient) -> None:
    response = client.get(TABLE, headers={"Accept": "text/markdown"})
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.text.startswith("## AI operating partner vs Fractional CAIO\n\n| Dimension |")
    assert "| Accountability | EBITDA, revenue" in response.text


def _published(
    client: TestClient, keys: Keys, title: str, subjects: list[str], **more: Any
) -> None:
    """A published comparison of ``subjects`` (and whatever else ``more`` gives it)."""
    body = {"title": title, "status": "published", "subjects": subjects, **more}
    made = client.post("/v1/comparisons", json=body, headers=keys.auth("write"))
    assert made.status_code == 201, made.text


def test_two_roles_side_by_side_across_comparisons(client: TestClient, keys: Keys) -> None:
    rows = [
        {
            "dimension": "Tenure",
            "cells": {"fractional-caio": "Months", "ai-operating-partner": "Years"},
        },
        {"dimension": "Only one side", "cells": {"fractional-caio": "x"}},
    ]
    _published(client, keys, "Second look", ["fractional-caio", "ai-operating-partner"], rows=rows)
    response = client.get("/v1/roles/ai-operating-partner/compare/fractional-caio")
    assert response.status_code == 200
    result = response.json()
    assert [r["slug"] for r in result["roles"]] == ["ai-operating-partner", "fractional-caio"]
    dimensions = [(d["comparison"]["slug"], d["dimension"]) for d in result["dimensions"]]
    assert dimensions[:6] == [
        ("ai-operating-partner-vs-fractional-caio", row[0]) for row in EXPECTED_ROWS
    ]
    assert dimensions[6:] == [("second-look", "Tenure")]
    tenure = result["dimensions"][6]["cells"]
    assert (tenure["ai-operating-partner"]["text"], tenure["fractional-caio"]["text"]) == (
        "Years",
        "Months",
    )
    by_id = client.get("/v1/roles/1/compare/2").json()
    assert by_id == result


def test_comparisons_with_every_named_role(client: TestClient, keys: Keys) -> None:
    client.post(
        "/v1/roles", json={"name": "Head of AI", "status": "published"}, headers=keys.auth("write")
    )
    _published(client, keys, "CAIO vs Head", ["fractional-caio", "head-of-ai"])

    def slugs(query: str) -> list[str]:
        return [c["slug"] for c in client.get(f"/v1/comparisons?{query}").json()["data"]]

    assert slugs("role=fractional-caio") == [
        "ai-operating-partner-vs-fractional-caio",
        "caio-vs-head",
    ]
    assert slugs("role=fractional-caio&role=head-of-ai") == ["caio-vs-head"]
    assert slugs("role=ai-operating-partner&role=head-of-ai") == []
    assert [r["slug"] for r in client.get("/v1/roles?comparison=caio-vs-head").json()["data"]] == [
        "fractional-caio",
        "head-of-ai",
    ]
    whole = client.get("/v1/comparisons?role=head-of-ai&include=roles").json()["data"][0]
    assert whole["subjects"][1]["status"] == "published"
