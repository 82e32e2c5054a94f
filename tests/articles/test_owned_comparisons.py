"""A comparison made from an article's Markdown table belongs to the article: it is public
exactly while the article is, goes to the trash and comes back with it, is reused when the
article is saved again, and is purged with it."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.comparisons.models import Comparison
from tests.conftest import Keys

TABLE = (
    "| Dimension | AI operating partner | Fractional CAIO |\n"
    "| --- | --- | --- |\n"
    "| Cadence | Weekly | Monthly |\n"
)


def _article(client: TestClient, keys: Keys, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/articles",
        json={"title": "Tabled", "body_markdown": TABLE, "status": "published", **body},
        headers=keys.auth("write"),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _owned(article: dict[str, Any]) -> int:
    (block,) = [b for b in article["body"] if b["_type"] == "comparison"]
    return int(block["comparison"]["id"])


def _public(client: TestClient, comparison_id: int) -> int:
    return client.get(f"/v1/comparisons/{comparison_id}").status_code


def test_the_comparison_follows_its_article_through_the_workflow(
    client: TestClient, keys: Keys
) -> None:
    article = _article(client, keys)
    comparison_id = _owned(article)
    assert _public(client, comparison_id) == 200
    write = keys.auth("write")
    for status, shown in (("draft", 404), ("published", 200), ("archived", 404)):
        response = client.patch(
            f"/v1/articles/{article['id']}", json={"status": status}, headers=write
        )
        assert response.status_code == 200
        assert _public(client, comparison_id) == shown, status
        owned = client.get(f"/v1/comparisons/{comparison_id}", headers=write).json()
        assert owned["status"] == status
    # Its own status cannot part from the article's.
    client.patch(f"/v1/articles/{article['id']}", json={"status": "draft"}, headers=write)
    patched = client.patch(
        f"/v1/comparisons/{comparison_id}", json={"status": "published"}, headers=write
    )
    assert patched.status_code == 200
    assert patched.json()["status"] == "draft"
    assert _public(client, comparison_id) == 404
    # Its content can be edited like any comparison's.
    edited = client.patch(
        f"/v1/comparisons/{comparison_id}", json={"title": "Renamed table"}, headers=write
    )
    assert edited.json()["title"] == "Renamed table"


def test_saving_the_article_again_reuses_its_comparison(
    client: TestClient, keys: Keys, session: Session
) -> None:
    article = _article(client, keys)
    comparison_id = _owned(article)
    count = session.exec(select(func.count()).select_from(Comparison)).one()
    write = keys.auth("write")
    again = client.put(
        f"/v1/articles/{article['id']}",
        json={
            "title": "Tabled",
            "status": "published",
            "body_markdown": TABLE + "| Budget | A | B |\n",
        },
        headers=write,
    )
    assert again.status_code == 200
    assert _owned(again.json()) == comparison_id
    assert [r["dimension"] for r in again.json()["body"][0]["comparison"]["rows"]] == [
        "Cadence",
        "Budget",
    ]
    assert session.exec(select(func.count()).select_from(Comparison)).one() == count
    # Without the table, the comparison goes to the trash.
    plain = client.patch(
        f"/v1/articles/{article['id']}", json={"body_markdown": "No table now."}, headers=write
    )
    assert plain.status_code == 200
    assert _public(client, comparison_id) == 404
    trash = client.get("/v1/trash?type=comparisons", headers=write).json()["data"]
    assert comparison_id in [item["id"] for item in trash]


def test_trash_restore_and_purge_take_the_comparison_along(
    client: TestClient, keys: Keys, session: Session
) -> None:
    article = _article(client, keys)
    comparison_id = _owned(article)
    write, admin = keys.auth("write"), keys.auth("admin")
    assert client.delete(f"/v1/articles/{article['id']}", headers=write).status_code == 204
    assert _public(client, comparison_id) == 404
    alone = client.post(f"/v1/trash/comparisons/{comparison_id}/restore", headers=write)
    assert alone.status_code == 409
    assert "restore the article" in alone.json()["detail"]
    restored = client.post(f"/v1/trash/articles/{article['id']}/restore", headers=write)
    assert restored.status_code == 200
    assert _public(client, comparison_id) == 200
    client.delete(f"/v1/articles/{article['id']}", headers=write)
    purged = client.delete(f"/v1/trash/articles/{article['id']}", headers=admin)
    assert purged.status_code == 204
    assert session.get(Comparison, comparison_id) is None


def test_a_table_too_long_for_a_comparison_is_422_naming_its_line(
    client: TestClient, keys: Keys, session: Session
) -> None:
    rows = "".join(f"| Row {i} | a | b |\n" for i in range(201))
    count = session.exec(select(func.count()).select_from(Comparison)).one()
    response = client.post(
        "/v1/articles",
        json={"title": "Long", "body_markdown": "Intro.\n\n" + TABLE + rows},
        headers=keys.auth("write"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "body_markdown"]
    assert response.json()["detail"].startswith("body.body_markdown: line 3: ")
    assert session.exec(select(func.count()).select_from(Comparison)).one() == count
