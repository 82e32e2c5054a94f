"""The studio's home, the dashboard, through HTTP (TestClient) on the test's database: a
person's own drafts, what is scheduled next (every kind with a workflow), what was published
lately, the documents lacking a translation in each locale, and for admins the failed
webhook deliveries; in the same number of statements however much there is."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import editing
from api.articles.models import ArticleInput
from api.core.clock import clock
from api.people.models import User
from api.people.rules import Actor
from tests.conftest import Configure
from tests.studio.test_article_pages import as_person, new_draft, shows
from tests.system.test_statements import statements


def titles(page_text: str, section: str) -> list[str]:
    found = re.search(rf'<h2 id="{section}-title">.*?</h2>\s*<ul>(.*?)</ul>', page_text, re.S)
    assert found, section
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', found.group(1))


def test_the_dashboard_shows_a_persons_day(
    client: TestClient, session: Session, configure: Configure
) -> None:
    configure(FOLIO_LOCALES="en,de")
    user = as_person(client, session, "editor")
    new_draft(client, "My first draft")
    new_draft(client, "My second draft")
    ahead = (clock.now() + timedelta(days=3)).isoformat()
    editing.room("roles").update(
        session,
        "2",
        patch={"status": "scheduled", "publish_at": ahead},
        key=Actor(user, None),
        if_match=None,
    )
    page = client.get("/studio")
    assert page.status_code == 200
    assert "<h1>Dashboard</h1>" in page.text
    assert titles(page.text, "mine") == ["My second draft", "My first draft"]
    assert titles(page.text, "scheduled") == ["Fractional CAIO"]
    assert 'href="/studio/roles/2"' in page.text
    assert "AI Operating Partner vs Fractional CAIO" in titles(page.text, "published")[0]
    assert re.search(r"\d+ articles without de", page.text)
    assert "Failed deliveries" not in page.text  # an admin's
    with statements(session.connection()) as few:
        client.get("/studio")
    for n in range(12):
        editing.room("articles").create(
            session, ArticleInput(title=f"Draft {n}"), key=Actor(user, None)
        )
    with statements(session.connection()) as many:
        crowded = client.get("/studio")
    assert len(titles(crowded.text, "mine")) == 8
    assert len(many) == len(few)


def test_an_admin_sees_failed_deliveries_and_one_locale_says_so(
    client: TestClient, admin: User
) -> None:
    shows(client, "/studio", "Failed deliveries", "One locale only")
