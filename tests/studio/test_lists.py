"""The studio's list of every kind but articles, made from the registry of kinds: each shows
its items (drafts too), narrows them by words, counts them, pages through them, and says what
is wrong with a search it cannot use."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core import kinds
from api.people.models import User
from tests.studio.test_article_pages import as_person

LISTED = [k for k in kinds.KINDS if k is not kinds.ARTICLE]


@pytest.mark.parametrize("kind", LISTED, ids=[k.collection for k in LISTED])
def test_every_kind_has_a_list_with_search_count_and_pages(
    client: TestClient, session: Session, kind: kinds.Kind
) -> None:
    as_person(client, session, "contributor")
    page = client.get(f"/studio/{kind.collection}")
    assert page.status_code == 200, page.text[:500]
    assert f"<h1>{kind.collection.capitalize()}</h1>" in page.text
    assert 'type="search" name="q"' in page.text
    assert 'aria-current="page"' in page.text
    nothing = client.get(f"/studio/{kind.collection}", params={"q": "zzzz-nothing-has-this"})
    assert nothing.status_code == 200
    assert f"0 {kind.collection}" in nothing.text
    tampered = client.get(f"/studio/{kind.collection}", params={"cursor": "not-a-cursor"})
    assert tampered.status_code == 422
    assert 'role="alert"' in tampered.text


def test_the_seed_roles_are_listed_and_found_by_words(client: TestClient, session: Session) -> None:
    as_person(client, session, "editor")
    roles = client.get("/studio/roles")
    assert "Fractional CAIO" in roles.text
    assert "AI operating partner" in roles.text.replace(
        "AI Operating Partner", "AI operating partner"
    )
    found = client.get("/studio/roles", params={"q": "fractional"})
    assert "Fractional CAIO" in found.text
    assert "1 role<" in found.text
    authors = client.get("/studio/authors", params={"q": "RASMUS"})  # any case
    assert "Kyle Rasmussen" in authors.text
    percent = client.get("/studio/tags", params={"q": "%"})  # a wildcard is a character here
    assert "0 tags" in percent.text


def test_the_lists_need_a_session(client: TestClient) -> None:
    for kind in LISTED:
        answer = client.get(f"/studio/{kind.collection}", follow_redirects=False)
        assert answer.status_code == 303


ADMIN_PAGES = {
    "people": "admin@example.org",
    "keys": "admin-",
    "webhooks": "None yet.",
    "audit": "sign-in",
}


def test_an_admin_sees_people_keys_webhooks_and_the_audit_trail(
    client: TestClient, admin: User
) -> None:
    home = client.get("/studio/articles")
    for path, name in (("people", "People"), ("keys", "API keys"), ("webhooks", "Webhooks")):
        assert f'<a href="/studio/{path}">{name}</a>' in home.text
    for path, shown in ADMIN_PAGES.items():
        page = client.get(f"/studio/{path}")
        assert page.status_code == 200, (path, page.text[:300])
        assert shown in page.text, path
        tampered = client.get(f"/studio/{path}", params={"cursor": "x" * 600})
        assert tampered.status_code == 422, path
        assert 'role="alert"' in tampered.text


@pytest.mark.parametrize("role", ["contributor", "author", "editor"])
def test_the_admin_pages_are_an_admins_only(
    client: TestClient, session: Session, role: str
) -> None:
    as_person(client, session, role)
    assert '<a href="/studio/people">' not in client.get("/studio/articles").text
    for path in ADMIN_PAGES:
        refused = client.get(f"/studio/{path}")
        assert refused.status_code == 403, path
        assert "needs the admin role" in refused.text
