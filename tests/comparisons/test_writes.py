"""Writing comparisons: the whole table, or one row, cell or subject at a time."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from api.comparisons.models import Comparison, ComparisonCell, ComparisonRow, ComparisonSubject
from api.history.models import Revision
from tests.conftest import Keys
from tests.helpers import Refusal, body_of, refused_creations

NEW = {
    "title": "Operating partner vs CAIO, short",
    "subjects": ["ai-operating-partner", "fractional-caio"],
    "rows": [
        {
            "dimension": "Cadence",
            "cells": {"ai-operating-partner": "Weekly", "fractional-caio": "Monthly"},
        },
        {
            "dimension": "Owner",
            "cells": {
                "ai-operating-partner": {
                    "text": "Deployment",
                    "note": "usually",
                    "source_url": "https://example.com/a",
                },
                "fractional-caio": "Strategy",
            },
        },
    ],
}


def state(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.exec(select(func.count()).select_from(t)).one()
        for t in (Comparison, ComparisonSubject, ComparisonRow, ComparisonCell, Revision)
    )


def create(client: TestClient, keys: Keys, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/comparisons", json={**NEW, **changes}, headers=keys.auth("write"))
    assert response.status_code == 201, response.text
    return body_of(response)


def table(comparison: dict[str, Any]) -> list[tuple[str, ...]]:
    slugs = [s["slug"] for s in comparison["subjects"]]
    return [
        (row["dimension"], *(row["cells"].get(s, {}).get("text", "") for s in slugs))
        for row in comparison["rows"]
    ]


def test_create_comparison(client: TestClient, keys: Keys) -> None:
    comparison = create(client, keys)
    assert comparison["slug"] == "operating-partner-vs-caio-short"
    assert comparison["status"] == "draft"
    assert table(comparison) == [
        ("Cadence", "Weekly", "Monthly"),
        ("Owner", "Deployment", "Strategy"),
    ]
    assert comparison["rows"][1]["cells"]["ai-operating-partner"] == {
        "text": "Deployment",
        "note": "usually",
        "source_url": "https://example.com/a",
    }
    assert client.get(f"/v1/comparisons/{comparison['id']}").status_code == 404
    assert (
        client.get(f"/v1/comparisons/{comparison['id']}", headers=keys.auth("read")).status_code
        == 200
    )
    role = client.get("/v1/roles/fractional-caio", headers=keys.auth("read")).json()
    assert comparison["slug"] in [c["slug"] for c in role["comparisons"]]


BAD: list[Refusal] = [
    ({"subjects": []}, 422, ["body", "subjects"]),
    ({"subjects": ["no-such-role"]}, 422, ["body", "subjects", "0"]),
    ({"subjects": ["fractional-caio", "fractional-caio"]}, 422, ["body", "subjects"]),
    (
        {"rows": [{"dimension": "A", "cells": {"somebody": "x"}}]},
        422,
        ["body", "rows", "0", "cells", "somebody"],
    ),
    ({"rows": [{"dimension": "A"}, {"dimension": "a"}]}, 422, ["body", "rows", "1", "dimension"]),
    ({"rows": [{"dimension": ""}]}, 422, ["body", "rows", "0", "dimension"]),
    (
        {
            "rows": [
                {
                    "dimension": "A",
                    "cells": {"fractional-caio": {"text": "x", "source_url": "javascript:x"}},
                }
            ]
        },
        422,
        ["body", "rows", "0", "cells"],
    ),
    (
        {"rows": [{"dimension": "A", "cells": {"fractional-caio": "x" * 5001}}]},
        422,
        ["body", "rows", "0", "cells"],
    ),
    ({"title": ""}, 422, ["body", "title"]),
    ({"slug": "ai-operating-partner-vs-fractional-caio"}, 409, ["body", "slug"]),
    ({"columns": 2}, 422, ["body", "columns"]),
]


test_bad_comparison_writes_change_nothing = refused_creations(
    "/v1/comparisons", BAD, lambda changes: {**NEW, **changes}, state
)


def test_rows_are_added_edited_moved_and_deleted(
    client: TestClient, keys: Keys, session: Session
) -> None:
    comparison = create(client, keys)
    base = f"/v1/comparisons/{comparison['slug']}"
    write = keys.auth("write")
    added = client.post(
        f"{base}/rows",
        json={"dimension": "Budget", "position": 0, "cells": {"fractional-caio": "Small"}},
        headers=write,
    )
    assert added.status_code == 201
    row = added.json()
    assert added.headers["location"].endswith(f"{base}/rows/{row['id']}")
    assert client.get(f"{base}/rows/{row['id']}", headers=keys.auth("read")).json() == row
    current = client.get(base, headers=keys.auth("read")).json()
    assert [r["dimension"] for r in current["rows"]] == ["Budget", "Cadence", "Owner"]
    owner_id = current["rows"][2]["id"]
    moved = client.patch(
        f"{base}/rows/{owner_id}", json={"position": 0, "dimension": "Ownership"}, headers=write
    )
    assert moved.status_code == 200
    assert moved.json()["id"] == owner_id
    current = client.get(base, headers=keys.auth("read")).json()
    assert (current["rows"][0]["dimension"], current["rows"][0]["id"]) == ("Ownership", owner_id)
    assert [r["position"] for r in current["rows"]] == [0, 1, 2]
    cell = client.put(
        f"{base}/rows/{row['id']}/cells/ai-operating-partner",
        json={"text": "Large", "note": "varies"},
        headers=write,
    )
    assert cell.json()["cells"]["ai-operating-partner"] == {
        "text": "Large",
        "note": "varies",
        "source_url": None,
    }
    assert (
        client.delete(f"{base}/rows/{row['id']}/cells/fractional-caio", headers=write).status_code
        == 204
    )
    assert (
        "fractional-caio"
        not in client.get(f"{base}/rows/{row['id']}", headers=keys.auth("read")).json()["cells"]
    )
    assert client.delete(f"{base}/rows/{row['id']}", headers=write).status_code == 204
    assert client.get(f"{base}/rows/{row['id']}", headers=keys.auth("read")).status_code == 404
    final = client.get(base, headers=keys.auth("read")).json()
    assert table(final) == [
        ("Ownership", "Deployment", "Strategy"),
        ("Cadence", "Weekly", "Monthly"),
    ]
    assert final["version"] == 6
    revisions = client.get(f"{base}/revisions", headers=keys.auth("read")).json()["data"]
    assert [r["action"] for r in revisions] == [
        "delete_row",
        "delete_cell",
        "edit_cell",
        "edit_row",
        "add_row",
        "create",
    ]


def test_row_errors(client: TestClient, keys: Keys, session: Session) -> None:
    comparison = create(client, keys)
    base = f"/v1/comparisons/{comparison['id']}"
    write = keys.auth("write")
    before = state(session)
    rows, first = f"{base}/rows", comparison["rows"][0]["id"]
    for method, path, body, headers, status in [
        ("PATCH", f"{rows}/999999", {"dimension": "x"}, write, 404),
        ("POST", rows, {"dimension": "Cadence"}, write, 422),
        ("POST", rows, {"dimension": "New", "cells": {"nobody": "x"}}, write, 422),
        ("PUT", f"{rows}/{first}/cells/nobody", {"text": "x"}, write, 422),
        ("POST", rows, {"dimension": "New", "extra": 1}, write, 422),
        ("POST", rows, {"dimension": "New"}, keys.auth("read"), 403),
    ]:
        answer = client.request(method, path, json=body, headers=headers)
        assert answer.status_code == status, (method, path, body, answer.text)
    assert state(session) == before


def test_subjects_are_added_and_removed_with_their_cells(client: TestClient, keys: Keys) -> None:
    write = keys.auth("write")
    created = client.post(
        "/v1/roles", json={"name": "Head of AI", "status": "published"}, headers=write
    )
    assert created.status_code == 201
    comparison = create(client, keys)
    base = f"/v1/comparisons/{comparison['id']}"
    added = client.post(
        f"{base}/subjects", json={"role": "head-of-ai", "position": 1}, headers=write
    )
    assert added.status_code == 200
    assert [s["slug"] for s in added.json()["subjects"]] == [
        "ai-operating-partner",
        "head-of-ai",
        "fractional-caio",
    ]
    row_id = added.json()["rows"][0]["id"]
    client.put(f"{base}/rows/{row_id}/cells/head-of-ai", json={"text": "Daily"}, headers=write)
    leaving = f"{base}/subjects/ai-operating-partner"
    assert client.delete(leaving, headers=write).status_code == 204
    current = client.get(base, headers=keys.auth("read")).json()
    assert [s["slug"] for s in current["subjects"]] == ["head-of-ai", "fractional-caio"]
    assert table(current)[0] == ("Cadence", "Daily", "Monthly")
    assert client.delete(leaving, headers=write).status_code == 404
    again = client.post(f"{base}/subjects", json={"role": "fractional-caio"}, headers=write)
    assert again.status_code == 422


def test_put_keeps_row_ids_by_id_or_dimension(client: TestClient, keys: Keys) -> None:
    comparison = create(client, keys)
    ids = [r["id"] for r in comparison["rows"]]
    body = {
        **NEW,
        "rows": [
            {"id": ids[1], "dimension": "Cadence", "cells": {"fractional-caio": "Swapped"}},
            {"dimension": "Owner"},
            {"dimension": "Brand new"},
        ],
    }
    replaced = client.put(
        f"/v1/comparisons/{comparison['id']}", json=body, headers=keys.auth("write")
    )
    assert replaced.status_code == 200, replaced.text
    rows = replaced.json()["rows"]
    assert [r["dimension"] for r in rows] == ["Cadence", "Owner", "Brand new"]
    assert rows[0]["id"] == ids[1]
    assert rows[0]["cells"] == {
        "fractional-caio": {"text": "Swapped", "note": None, "source_url": None}
    }


def test_a_comparison_an_article_embeds_cannot_be_deleted(
    client: TestClient, keys: Keys, session: Session
) -> None:
    before = state(session)
    response = client.delete("/v1/comparisons/1", headers=keys.auth("write"))
    assert response.status_code == 409
    assert "articles/ai-operating-partner-vs-fractional-caio" in response.json()["detail"]
    assert state(session) == before
    fresh = create(client, keys)
    assert (
        client.delete(f"/v1/comparisons/{fresh['id']}", headers=keys.auth("write")).status_code
        == 204
    )
    assert (
        client.get(f"/v1/comparisons/{fresh['id']}", headers=keys.auth("read")).status_code == 404
    )


def test_restoring_a_revision_brings_back_rows_and_cells(client: TestClient, keys: Keys) -> None:
    comparison = create(client, keys)
    base = f"/v1/comparisons/{comparison['id']}"
    client.delete(f"{base}/rows/{comparison['rows'][0]['id']}", headers=keys.auth("write"))
    assert len(client.get(base, headers=keys.auth("read")).json()["rows"]) == 1
    restored = client.post(f"{base}/revisions/1/restore", headers=keys.auth("write"))
    assert restored.status_code == 200
    assert table(restored.json()) == table(comparison)
    assert restored.json()["version"] == 3


def test_an_error_in_a_part_is_reported_where_the_client_sent_it(
    client: TestClient, keys: Keys, session: Session
) -> None:
    """A row or a cell is written by changing the whole comparison; its errors still name
    the body the client sent (or the role in the path), not the document's rows."""
    comparison = create(client, keys)
    base = f"/v1/comparisons/{comparison['id']}"
    row = comparison["rows"][1]["id"]
    write = keys.auth("write")
    before = state(session)

    def loc(answer: Any) -> list[str]:
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["errors"]
        return error["loc"]  # type: ignore[no-any-return]

    cell = client.put(f"{base}/rows/{row}/cells/cto", json={"text": "x"}, headers=write)
    assert loc(cell) == ["path", "role"]
    assert "'cto' is not a subject" in cell.json()["detail"]
    added = client.post(f"{base}/rows", json={"dimension": "New", "cells": {"cto": "x"}},
                        headers=write)  # fmt: skip
    assert loc(added) == ["body", "cells", "cto"]
    twice = client.post(f"{base}/rows", json={"dimension": "cadence"}, headers=write)
    assert loc(twice) == ["body", "dimension"]
    patched = client.patch(f"{base}/rows/{row}", json={"cells": {"cto": "x"}}, headers=write)
    assert loc(patched) == ["body", "cells", "cto"]
    rows = [{"dimension": "Cadence", "cells": {"cto": "x"}}]
    put = client.put(base, json={**NEW, "rows": rows}, headers=write)
    assert loc(put) == ["body", "rows", "0", "cells", "cto"]  # the whole document: as sent
    assert state(session) == before
