"""Writing articles: create (blocks or Markdown), replace, merge-patch, delete; validation,
preconditions, the workflow, revisions, old slugs and idempotent retries."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from api.articles.models import Article
from api.comparisons.models import Comparison, ComparisonCell
from api.core.clock import Clock
from api.history.models import Revision
from tests.assets.images import png
from tests.conftest import Configure, Keys
from tests.helpers import Refusal, block, body_of, linking, refused_creations

NEW = {
    "title": "Fractional CAIO: what the role owns",
    "category": "Guide",
    "author": "kyle-rasmussen",
    "summary": "What a part-time chief AI officer does.",
    "body": [
        block("Scope", style="h2"),
        block("Strategy and governance."),
        linking("See Fractional CAIO.", "Fractional CAIO", role_id=2),
        {"_type": "comparison", "comparison_id": 1},
    ],
}

MARKDOWN = """## Who owns what

| Dimension | AI operating partner | Fractional Chief AI Officer |
| --- | --- | --- |
| Budget | Operating budget | Strategy budget |
| Reports to | The sponsor | The CEO |

> **Rule of thumb**
>
> Pick by the problem.

Read about the [AI operating partner](http://127.0.0.1:8000/v1/roles/ai-operating-partner).

- first point
- second point
"""


def state(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.exec(select(func.count()).select_from(t)).one()
        for t in (Article, Revision, Comparison, ComparisonCell)
    )


def with_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """NEW with ``changes``; its blocks left out when the changes send Markdown (the two at once
    are refused)."""
    base = {k: v for k, v in NEW.items() if not (k == "body" and "body_markdown" in changes)}
    return {**base, **changes}


def create(client: TestClient, keys: Keys, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/articles", json=with_changes(changes), headers=keys.auth("write"))
    assert response.status_code == 201, response.text
    return body_of(response)


def test_create_article_from_blocks(client: TestClient, keys: Keys) -> None:
    response = client.post("/v1/articles", json=NEW, headers=keys.auth("write"))
    assert response.status_code == 201
    article = response.json()
    assert response.headers["location"] == f"http://127.0.0.1:8000/v1/articles/{article['slug']}"
    assert article["slug"] == "fractional-caio-what-the-role-owns"
    assert article["status"] == "draft"
    assert article["version"] == 1
    assert article["author"]["slug"] == "kyle-rasmussen"
    assert [r["slug"] for r in article["roles"]] == ["fractional-caio", "ai-operating-partner"]
    assert article["body"][3]["comparison"]["rows"][0]["dimension"] == "Primary job"
    assert (
        response.headers["etag"]
        == client.get(
            article["url"].removeprefix("http://127.0.0.1:8000"), headers=keys.auth("read")
        ).headers["etag"]
    )


def test_drafts_are_previews_for_keys_only(client: TestClient, keys: Keys) -> None:
    article = create(client, keys)
    path = f"/v1/articles/{article['id']}"
    assert client.get(path).status_code == 404
    preview = client.get(path, headers=keys.auth("read"))
    assert preview.status_code == 200
    assert preview.headers["cache-control"] == "private, no-store"
    assert client.get(f"{path}?format=md", headers=keys.auth("read")).status_code == 200
    listed = client.get("/v1/articles", headers=keys.auth("read")).json()["data"]
    assert article["id"] in [a["id"] for a in listed]
    assert article["id"] not in [a["id"] for a in client.get("/v1/articles").json()["data"]]


def test_create_article_from_markdown_makes_a_comparison(
    client: TestClient, keys: Keys, session: Session
) -> None:
    article = create(client, keys, body_markdown=MARKDOWN, title="Who owns what")
    types = [(b["_type"], b.get("style"), b.get("listItem")) for b in article["body"]]
    assert types == [
        ("block", "h2", None),
        ("comparison", None, None),
        ("callout", None, None),
        ("block", "normal", None),
        ("block", "normal", "bullet"),
        ("block", "normal", "bullet"),
    ]
    table = article["body"][1]["comparison"]
    assert table["title"] == "AI operating partner vs Fractional CAIO"
    assert table["slug"] == "ai-operating-partner-vs-fractional-caio-2"
    assert [s["slug"] for s in table["subjects"]] == ["ai-operating-partner", "fractional-caio"]
    assert table["rows"][1]["cells"]["fractional-caio"]["text"] == "The CEO"
    callout = article["body"][2]
    assert (callout["_type"], callout["title"]) == ("callout", "Rule of thumb")
    assert [span["text"] for span in callout["content"][0]["children"]] == ["Pick by the problem."]
    link = article["body"][3]["markDefs"][0]
    assert link["role"]["slug"] == "ai-operating-partner"
    assert link["href"] == "http://127.0.0.1:8000/v1/roles/ai-operating-partner"
    assert [b["children"][0]["text"] for b in article["body"][4:]] == [
        "first point",
        "second point",
    ]
    md = client.get(f"/v1/articles/{article['id']}?format=md", headers=keys.auth("read")).text
    assert "| Budget | Operating budget | Strategy budget |" in md


def test_markdown_table_naming_some_roles_only_is_422(
    client: TestClient, keys: Keys, session: Session
) -> None:
    before = state(session)
    table = "| Dimension | AI operating partner | Astronaut |\n| --- | --- | --- |\n| a | b | c |\n"
    body = with_changes({"body_markdown": "Intro.\n\n" + table})
    response = client.post("/v1/articles", json=body, headers=keys.auth("write"))
    assert response.status_code == 422
    assert "line 3" in response.json()["detail"]
    assert "Astronaut" in response.json()["detail"]
    assert state(session) == before


def test_markdown_table_naming_no_role_is_a_plain_table(
    client: TestClient, keys: Keys, session: Session
) -> None:
    before = state(session)
    markdown = "| Planet | Moons |\n| :--- | ---: |\n| Mars | **2** |\n| Earth | 1 |\n"
    article = create(client, keys, body_markdown=markdown)
    [table] = article["body"]
    assert table["_type"] == "table"
    assert table["align"] == ["left", "right"]
    cells = [[c["children"][0]["text"] for c in row["cells"]] for row in table["rows"]]
    assert cells == [["Planet", "Moons"], ["Mars", "2"], ["Earth", "1"]]
    assert table["rows"][1]["cells"][1]["children"][0]["marks"] == ["strong"]
    assert state(session)[2] == before[2]  # no comparison was made
    md = client.get(f"/v1/articles/{article['id']}?format=md", headers=keys.auth("read")).text
    assert "| Planet | Moons |\n| :--- | ---: |\n| Mars | **2** |\n| Earth | 1 |" in md


BAD_INPUTS: list[Refusal] = [
    ({"title": "nul \u0000 inside"}, 422, ["body"]),
    ({"title": ""}, 422, ["body", "title"]),
    ({"title": "x" * 301}, 422, ["body", "title"]),
    ({"slug": "Not A Slug"}, 422, ["body", "slug"]),
    ({"slug": "12345"}, 422, ["body", "slug"]),
    ({"colour": "red"}, 422, ["body", "colour"]),
    ({"author": "nobody-here"}, 422, ["body", "author"]),
    ({"tags": ["no-such-tag"]}, 422, ["body", "tags", "0"]),
    ({"status": "live"}, 422, ["body", "status"]),
    ({"status": "scheduled"}, 422, ["body", "publish_at"]),
    ({"status": "scheduled", "publish_at": "2020-01-01T00:00:00Z"}, 422, ["body", "publish_at"]),
    ({"publish_at": "2026-01-01T00:00:00"}, 422, ["body", "publish_at"]),
    ({"reading_time_minutes": -1}, 422, ["body", "reading_time_minutes"]),
    ({"body": [{"_type": "video", "src": "x"}]}, 422, ["body", "body", "0"]),
    ({"body": [{"type": "paragraph", "text": "x"}]}, 422, ["body", "body", "0"]),
    ({"body": [{"_type": "block", "children": []}]}, 422, ["body", "body", "0", "block"]),
    ({"body": [{"_type": "block", "children": [{"_type": "span"}]}]}, 422, ["body", "body", "0"]),
    ({"body": [block("x", level=2)]}, 422, ["body", "body", "0", "block"]),
    ({"body": [block("x", style="h9")]}, 422, ["body", "body", "0", "block", "style"]),
    (
        {
            "body": [
                {"_type": "block", "children": [{"_type": "span", "text": "x", "marks": ["l"]}]}
            ]
        },
        422,
        ["body", "body", "0", "block"],
    ),
    (
        {"body": [{"_type": "comparison", "comparison_id": 999}]},
        422,
        ["body", "body", "0", "comparison_id"],
    ),
    (
        {"body": [linking("see a", "a", role_id=999)]},
        422,
        ["body", "body", "0", "markDefs", "0", "role_id"],
    ),
    ({"body": [linking("see a", "a", href="javascript:alert(1)")]}, 422, ["body", "body", "0"]),
    ({"body": [linking("see a", "a", href="https://x.y", role_id=1)]}, 422, ["body", "body", "0"]),
    (
        {"body": [{"_type": "image", "asset_id": 999, "alt": "x"}]},
        422,
        ["body", "body", "0", "asset_id"],
    ),
    (
        {"body": [{"_type": "image", "asset_id": 1, "url": "https://x.y/a.png"}]},
        422,
        ["body", "body", "0", "image"],
    ),
    ({"body": [{"_type": "image", "url": "javascript:x"}]}, 422, ["body", "body", "0", "image"]),
    (
        {"body": [{"_type": "callout", "content": [{"_type": "comparison", "comparison_id": 1}]}]},
        422,
        ["body", "body", "0", "callout", "content", "0"],
    ),
    ({"body": [block("x")], "body_markdown": "# x"}, 422, ["body"]),
    ({"body_markdown": "Hi <b>there</b>"}, 422, ["body", "body_markdown"]),
    ({"body_markdown": "a\n\n<div>x</div>\n"}, 422, ["body", "body_markdown"]),
    ({"body_markdown": "> > nested"}, 422, ["body", "body_markdown"]),
    ({"cover": 999}, 422, ["body", "cover"]),
    (
        {"slug": "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"},
        409,
        ["body", "slug"],
    ),
]


test_bad_article_writes_are_refused_and_change_nothing = refused_creations(
    "/v1/articles", BAD_INPUTS, with_changes, state
)


@pytest.mark.parametrize(
    ("headers", "content", "status"),
    [
        ({"Content-Type": "text/plain"}, b'{"title": "x"}', 415),
        ({"Content-Type": "application/xml"}, b"<a/>", 415),
        ({"Content-Type": "application/json"}, b"{not json", 422),
        ({"Content-Type": "application/json"}, b"[1, 2]", 422),
        ({"Content-Type": "application/json"}, b'{"title": "' + b"x" * (1024 * 1024) + b'"}', 413),
    ],
)
def test_bad_bodies_are_refused(
    client: TestClient,
    keys: Keys,
    session: Session,
    headers: dict[str, str],
    content: bytes,
    status: int,
) -> None:
    before = state(session)
    response = client.post(
        "/v1/articles", content=content, headers={**headers, **keys.auth("write")}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert state(session) == before


def test_a_streamed_body_over_the_limit_is_413(
    client: TestClient, keys: Keys, session: Session
) -> None:
    before = state(session)
    chunks = iter([b'{"title": "', b"x" * 700_000, b"x" * 700_000, b'"}'])
    response = client.post(
        "/v1/articles",
        content=chunks,
        headers={"Content-Type": "application/json", **keys.auth("write")},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert state(session) == before


@pytest.mark.parametrize(("scope", "status"), [(None, 401), ("read", 403)])
def test_writes_need_a_write_key(
    client: TestClient, keys: Keys, session: Session, scope: str | None, status: int
) -> None:
    headers = keys.auth(scope) if scope else {}
    before = state(session)
    assert client.post("/v1/articles", json=NEW, headers=headers).status_code == status
    assert (
        client.patch("/v1/articles/1", json={"title": "x"}, headers=headers).status_code == status
    )
    assert client.delete("/v1/articles/1", headers=headers).status_code == status
    assert state(session) == before


def test_put_replaces_and_patch_merges(client: TestClient, keys: Keys) -> None:
    article = create(client, keys, kicker="Pro", tags=[])
    path = f"/v1/articles/{article['id']}"
    replaced = client.put(path, json={"title": "Only a title"}, headers=keys.auth("write"))
    assert replaced.status_code == 200
    body = replaced.json()
    assert (body["title"], body["kicker"], body["author"], body["body"]) == (
        "Only a title",
        "",
        None,
        [],
    )
    assert body["slug"] == article["slug"]  # kept when left out
    assert body["version"] == 2
    patched = client.patch(
        path,
        json={"kicker": "Elite", "summary": None},
        headers={**keys.auth("write"), "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    assert (patched.json()["kicker"], patched.json()["summary"], patched.json()["title"]) == (
        "Elite",
        "",
        "Only a title",
    )
    assert patched.json()["version"] == 3


def test_if_match_stale_is_412_and_changes_nothing(
    client: TestClient, keys: Keys, session: Session
) -> None:
    article = create(client, keys)
    path = f"/v1/articles/{article['id']}"
    etag = client.get(path, headers=keys.auth("read")).headers["etag"]
    first = client.patch(
        path, json={"title": "First"}, headers={**keys.auth("write"), "If-Match": etag}
    )
    assert first.status_code == 200
    assert first.headers["etag"] != etag
    before = state(session)
    stale = client.patch(
        path, json={"title": "Second"}, headers={**keys.auth("write"), "If-Match": etag}
    )
    assert stale.status_code == 412
    assert client.delete(path, headers={**keys.auth("write"), "If-Match": etag}).status_code == 412
    assert (
        client.put(
            path, json={"title": "x"}, headers={**keys.auth("write"), "If-Match": '"nope"'}
        ).status_code
        == 412
    )
    assert state(session) == before
    assert client.get(path, headers=keys.auth("read")).json()["title"] == "First"
    fresh = client.patch(
        path,
        json={"title": "Third"},
        headers={**keys.auth("write"), "If-Match": first.headers["etag"]},
    )
    assert fresh.status_code == 200


def test_if_match_can_be_required(client: TestClient, keys: Keys, configure: Configure) -> None:
    configure(FOLIO_REQUIRE_IF_MATCH="true")
    response = client.patch("/v1/articles/1", json={"title": "x"}, headers=keys.auth("write"))
    assert response.status_code == 428
    etag = client.get("/v1/articles/1").headers["etag"]
    ok = client.patch(
        "/v1/articles/1",
        json={"kicker": "Elite+"},
        headers={**keys.auth("write"), "If-Match": etag},
    )
    assert ok.status_code == 200


@pytest.mark.calendar  # dates from the clock: make test-ahead runs it years ahead
def test_workflow_schedule_publish_archive_unpublish(
    client: TestClient, keys: Keys, frozen_clock: Clock
) -> None:
    now = frozen_clock.freeze(datetime(2026, 11, 27, 12, tzinfo=UTC))
    due = now + timedelta(hours=1)
    article = create(client, keys, status="scheduled", publish_at=due.isoformat())
    path = f"/v1/articles/{article['id']}"
    assert article["status"] == "scheduled"
    assert client.get(path).status_code == 404
    frozen_clock.freeze(due + timedelta(seconds=1))
    public = client.get(path)
    assert public.status_code == 200
    assert public.json()["status"] == "published"
    assert public.json()["published_at"] == "2026-11-27T13:00:00Z"
    assert client.get("/v1/articles").json()["data"][0]["id"] == article["id"]
    archived = client.patch(path, json={"status": "archived"}, headers=keys.auth("write"))
    assert archived.json()["status"] == "archived"
    assert client.get(path).status_code == 404
    republished = client.patch(path, json={"status": "published"}, headers=keys.auth("write"))
    assert republished.json()["status"] == "published"
    assert client.get(path).status_code == 200
    unpublished = client.patch(path, json={"status": "draft"}, headers=keys.auth("write"))
    assert unpublished.json()["status"] == "draft"
    assert client.get(path).status_code == 404


def test_delete_moves_to_the_trash_and_restore_brings_it_back(
    client: TestClient, keys: Keys, session: Session
) -> None:
    article = create(client, keys, status="published")
    path = f"/v1/articles/{article['id']}"
    assert client.delete(path, headers=keys.auth("write")).status_code == 204
    assert client.get(path).status_code == 404
    assert client.get(path, headers=keys.auth("read")).status_code == 404
    trash = client.get("/v1/trash", headers=keys.auth("write")).json()["data"]
    assert [(t["type"], t["id"]) for t in trash] == [("articles", article["id"])]
    assert client.get("/v1/trash", headers=keys.auth("read")).status_code == 403
    restored = client.post(
        f"/v1/trash/articles/{article['id']}/restore", headers=keys.auth("write")
    )
    assert restored.status_code == 200
    assert client.get(path).status_code == 200
    assert client.get("/v1/trash", headers=keys.auth("write")).json()["data"] == []
    client.delete(path, headers=keys.auth("write"))
    assert (
        client.delete(f"/v1/trash/articles/{article['id']}", headers=keys.auth("write")).status_code
        == 403
    )
    assert (
        client.delete(f"/v1/trash/articles/{article['id']}", headers=keys.auth("admin")).status_code
        == 204
    )
    assert session.get(Article, article["id"]) is None
    assert (
        client.post(
            f"/v1/trash/articles/{article['id']}/restore", headers=keys.auth("write")
        ).status_code
        == 404
    )


def test_revisions_list_read_diff_and_restore(client: TestClient, keys: Keys) -> None:
    article = create(client, keys)
    path = f"/v1/articles/{article['id']}"
    client.patch(path, json={"title": "Second title"}, headers=keys.auth("write"))
    client.patch(path, json={"title": "Third title", "kicker": "New"}, headers=keys.auth("admin"))
    revisions = client.get(f"{path}/revisions", headers=keys.auth("read")).json()["data"]
    assert [(r["number"], r["action"], r["key_name"]) for r in revisions] == [
        (3, "update", "admin-key"),
        (2, "update", "write-key"),
        (1, "create", "write-key"),
    ]
    first = client.get(f"{path}/revisions/1", headers=keys.auth("read")).json()
    assert first["content"]["title"] == NEW["title"]
    diff = client.get(f"{path}/revisions/diff?from=1&to=3", headers=keys.auth("read")).json()
    assert {c["field"]: (c["before"], c["after"]) for c in diff["changes"]} == {
        "kicker": ("", "New"),
        "title": (NEW["title"], "Third title"),
    }
    assert '-  "title": "Fractional CAIO: what the role owns"' in diff["patch"]
    restored = client.post(f"{path}/revisions/1/restore", headers=keys.auth("write"))
    assert restored.status_code == 200
    assert (restored.json()["title"], restored.json()["version"]) == (NEW["title"], 4)
    latest = client.get(f"{path}/revisions", headers=keys.auth("read")).json()["data"][0]
    assert (latest["number"], latest["action"]) == (4, "restore")
    assert client.get(f"{path}/revisions").status_code == 401
    assert client.get(f"{path}/revisions/99", headers=keys.auth("read")).status_code == 404
    assert client.get(f"{path}/revisions/diff?from=1", headers=keys.auth("read")).status_code == 422


def test_an_old_slug_answers_301_and_stays_reserved(client: TestClient, keys: Keys) -> None:
    article = create(client, keys, status="published")
    old = article["slug"]
    moved = client.patch(
        f"/v1/articles/{old}", json={"slug": "caio-scope"}, headers=keys.auth("write")
    )
    assert moved.json()["slug"] == "caio-scope"
    response = client.get(f"/v1/articles/{old}?format=md", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/v1/articles/caio-scope?format=md"
    assert (
        client.get(
            f"/v1/articles/{old}/revisions", headers=keys.auth("read"), follow_redirects=False
        ).headers["location"]
        == "/v1/articles/caio-scope/revisions"
    )
    taken = client.post("/v1/articles", json={**NEW, "slug": old}, headers=keys.auth("write"))
    assert taken.status_code == 409
    back = client.patch("/v1/articles/caio-scope", json={"slug": old}, headers=keys.auth("write"))
    assert back.status_code == 200
    assert client.get(f"/v1/articles/{old}").status_code == 200
    assert client.get("/v1/articles/caio-scope", follow_redirects=False).status_code == 301


def test_idempotency_key_replays_the_first_answer(
    client: TestClient, keys: Keys, session: Session
) -> None:
    headers = {**keys.auth("write"), "Idempotency-Key": "create-caio-guide"}
    first = client.post("/v1/articles", json=NEW, headers=headers)
    before = state(session)
    again = client.post("/v1/articles", json=NEW, headers=headers)
    assert again.status_code == 201
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert state(session) == before
    other = client.post("/v1/articles", json={**NEW, "title": "Other"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["type"] == "urn:folio:problem:idempotency-key-reused"
    assert state(session) == before
    assert (
        client.post(
            "/v1/articles", json=NEW, headers={**keys.auth("write"), "Idempotency-Key": ""}
        ).status_code
        == 422
    )


def test_patch_with_a_non_object_is_422(client: TestClient, keys: Keys) -> None:
    response = client.patch("/v1/articles/1", json=["title"], headers=keys.auth("write"))
    assert response.status_code == 422


def test_edits_keep_the_links_in_the_order_and_number_the_body_gives(
    client: TestClient, keys: Keys
) -> None:
    """Links are written only where they change: reordered, dropped, added, and a cover set
    then taken away, each shows in the answer and in what the asset is still used by."""
    write = {**keys.auth("write"), "Content-Type": "application/merge-patch+json"}
    first = linking("Read about the partner.", "partner", role_id=1)
    second = linking("Read about the CAIO.", "CAIO", role_id=2)
    made = create(client, keys, body=[first, second])
    assert [r["id"] for r in made["roles"]] == [1, 2]

    def patched(**changes: Any) -> dict[str, Any]:
        answer = client.patch(f"/v1/articles/{made['id']}", json=changes, headers=write)
        assert answer.status_code == 200, answer.text
        return body_of(answer)

    assert [r["id"] for r in patched(body=[second, first])["roles"]] == [2, 1]
    assert [r["id"] for r in patched(body=[second])["roles"]] == [2]
    assert [r["id"] for r in patched(body=[first, block("Plain text."), second])["roles"]] == [
        1,
        2,
    ]
    asset = client.post(
        "/v1/assets",
        content=png(40, 30),
        headers={**keys.auth("write"), "Content-Type": "image/png"},
    ).json()
    assert patched(cover=asset["id"])["cover"]["id"] == asset["id"]
    assert client.delete(f"/v1/assets/{asset['id']}", headers=keys.auth("write")).status_code == 409
    assert patched(cover=None)["cover"] is None
    assert client.delete(f"/v1/assets/{asset['id']}", headers=keys.auth("write")).status_code == 204
    assert [r["id"] for r in patched(title="Only the title")["roles"]] == [1, 2]


def test_an_edit_checks_what_it_changes_not_what_it_keeps(client: TestClient, keys: Keys) -> None:
    """A body's references are checked when the body is written: an edit that keeps the body
    is not refused for what has gone since (an article it links to, now in the trash), and
    one that writes the body again is; the same for the slug."""
    write = keys.auth("write")
    patch = {**write, "Content-Type": "application/merge-patch+json"}
    target = client.post("/v1/articles", json={"title": "Soon in the trash"}, headers=write)
    linking_body = [linking("Read the other one.", "other one", article_id=target.json()["id"])]
    made = client.post(
        "/v1/articles", json={"title": "Links to it", "body": linking_body}, headers=write
    )
    assert made.status_code == 201, made.text
    ref = made.json()["id"]
    assert client.delete(f"/v1/articles/{target.json()['id']}", headers=write).status_code == 204
    kept = client.patch(f"/v1/articles/{ref}", json={"summary": "Still here."}, headers=patch)
    assert kept.status_code == 200, kept.text
    assert kept.json()["body"][0]["markDefs"] == []  # the link's words stay, unlinked
    again = [linking("Read the other one!", "other one", article_id=target.json()["id"])]
    refused = client.patch(f"/v1/articles/{ref}", json={"body": again}, headers=patch)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"][:2] == ["body", "body"]
    taken = client.patch(
        f"/v1/articles/{ref}",
        json={"slug": "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"},
        headers=patch,
    )
    assert taken.status_code == 409
    assert client.get(f"/v1/articles/{ref}", headers=write).json()["summary"] == "Still here."


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("POST", "/v1/articles", "application/json"),
        ("PATCH", "/v1/articles/1", "application/merge-patch+json"),
        ("PUT", "/v1/comparisons/1", "application/json"),
        ("POST", "/v1/batch", "application/json"),
    ],
)
def test_malformed_json_says_what_and_where(
    client: TestClient, keys: Keys, session: Session, method: str, path: str, content_type: str
) -> None:
    """A syntax error by line and column; a key twice; nesting deeper than a parser follows
    (a 500 it must never be, whoever sends it, with a key or without)."""
    before = state(session)
    headers = {"Content-Type": content_type, **keys.auth("admin")}
    broken = b'{\n  "title": "Two lines",\n  "summary": "no comma"\n  "kicker": "x"\n}'
    answer = client.request(method, path, content=broken, headers=headers)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["detail"] == (
        "body: not valid JSON: Expecting ',' delimiter at line 4, column 3"
    )
    assert problem["errors"] == [{"loc": ["body"], "msg": problem["detail"][6:]}]
    twice = client.request(method, path, content=b'{"title": "a", "title": "b"}', headers=headers)
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["loc"] == ["body", "title"]
    for depth in (65, 1000, 100_000):  # the bound is 64, documented; a parser's is ~1,000
        deep = b"[" * depth + b"]" * depth
        for auth in (keys.auth("admin"), {}):  # refused before authentication
            answer = client.request(
                method, path, content=deep, headers={"Content-Type": content_type, **auth}
            )
            assert answer.status_code == 422, (depth, answer.text[:200])
            assert answer.json()["detail"] == "body: arrays and objects nest more than 64 deep"
    within = b'{"title": ' + b"[" * 63 + b"]" * 63 + b"}"  # 64 deep: past the bound's check
    answer = client.request(method, path, content=within, headers=headers)
    assert answer.status_code == 422
    assert "nest" not in answer.json()["detail"]  # refused by the schema instead
    assert state(session) == before
