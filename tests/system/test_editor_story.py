"""The whole editorial story, as a new user would live it with curl, against a real server:
draft in Markdown with a comparison, preview, schedule, appear when due, edit under If-Match,
restore an earlier revision."""

from datetime import UTC, datetime, timedelta

import httpx2 as httpx
import pytest

from tests.conftest import Database, eventually
from tests.helpers import key_in

# Dates here are computed from the clock: `make test-ahead` runs them years from now too.
pytestmark = pytest.mark.calendar

DRAFT = """The two roles, side by side.

| Dimension | AI operating partner | Fractional CAIO |
| --- | --- | --- |
| Primary job | Deploy AI in operations | Set the AI strategy |
| Cadence | Weekly | Monthly |
"""


def test_draft_preview_schedule_publish_edit_restore(
    live_server: str, fresh_database: Database
) -> None:
    admin = key_in(fresh_database.engine, "admin", "admin")
    with httpx.Client(base_url=live_server, timeout=30) as http:

        def key(name: str, scope: str) -> dict[str, str]:
            response = http.post(
                "/v1/keys",
                json={"name": name, "scope": scope},
                headers={"Authorization": f"Bearer {admin}"},
            )
            assert response.status_code == 201
            return {"Authorization": f"Bearer {response.json()['token']}"}

        editor, previewer = key("editor", "write"), key("previewer", "read")
        created = http.post(
            "/v1/articles",
            json={"title": "Which AI leader first?", "body_markdown": DRAFT},
            headers=editor,
        )
        assert created.status_code == 201
        article = created.json()
        path = f"/v1/articles/{article['slug']}"
        table = article["body"][1]["comparison"]
        assert [s["slug"] for s in table["subjects"]] == ["ai-operating-partner", "fractional-caio"]
        assert [r["dimension"] for r in table["rows"]] == ["Primary job", "Cadence"]

        assert http.get(path).status_code == 404
        preview = http.get(path, headers={**previewer, "Accept": "text/markdown"})
        assert preview.status_code == 200
        assert "| Cadence | Weekly | Monthly |" in preview.text

        due = datetime.now(UTC) + timedelta(seconds=2)
        scheduled = http.patch(
            path, json={"status": "scheduled", "publish_at": due.isoformat()}, headers=editor
        )
        assert scheduled.json()["status"] == "scheduled"
        assert article["id"] not in [a["id"] for a in http.get("/v1/articles").json()["data"]]
        assert eventually(lambda: http.get(path).status_code == 200, timeout=15)
        assert http.get("/v1/articles").json()["data"][0]["id"] == article["id"]

        etag = http.get(path, headers=previewer).headers["etag"]
        edited = http.patch(
            path,
            json={"title": "Which AI leader do you need first?"},
            headers={**editor, "If-Match": etag},
        )
        assert edited.status_code == 200
        stale = http.patch(
            path, json={"title": "Lost update"}, headers={**editor, "If-Match": etag}
        )
        assert stale.status_code == 412
        assert eventually(
            lambda: http.get(path).json()["title"] == "Which AI leader do you need first?"
        )

        restored = http.post(f"{path}/revisions/1/restore", headers=editor)
        assert restored.status_code == 200
        assert restored.json()["title"] == "Which AI leader first?"
        assert restored.json()["status"] == "draft"  # revision 1 was the draft
        assert eventually(lambda: http.get(path).status_code == 404)
