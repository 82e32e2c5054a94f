"""A person's own account in the studio through HTTP (TestClient): changing their password
(the current one first; a wrong one counts as a failed sign-in), which ends every session of
theirs and gives this browser a new one."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.people import passwords
from tests.people.test_sessions import PASSWORD, sign_in
from tests.studio.test_article_pages import as_person, csrf_of

NEW = "a brand new passphrase"


def test_a_person_changes_their_password_and_their_other_sessions_end(
    client: TestClient, session: Session, app: object
) -> None:
    user = as_person(client, session, "author")
    other = TestClient(app)  # type: ignore[arg-type]
    assert sign_in(other, user.email).status_code == 303
    account = client.get("/studio/account")
    assert ">Change password</button>" in account.text
    token = csrf_of(account)
    for sent, status, words in (
        ({"current": "not it at all", "password": NEW}, 403, "The current password is wrong."),
        ({"current": PASSWORD, "password": "short"}, 422, "12"),
        ({"current": PASSWORD, "password": user.email}, 422, "email"),
    ):
        answer = client.post("/studio/account/password", data={"csrf": token, **sent})
        assert answer.status_code == status, sent
        shown = re.search(r'role="alert" class="error" id="password-error">([^<]+)<', answer.text)
        assert shown, answer.text[:500]
        assert words in shown.group(1)
    session.refresh(user)
    assert passwords.verify(user.password_hash, PASSWORD)
    changed = client.post(
        "/studio/account/password",
        data={"csrf": token, "current": PASSWORD, "password": NEW},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    page = client.get(changed.headers["location"])
    assert "Password changed" in page.text  # this browser is still in, with a new session
    assert other.get("/studio/account", follow_redirects=False).status_code == 303  # ended
    session.refresh(user)
    assert passwords.verify(user.password_hash, NEW)
    fresh = TestClient(app)  # type: ignore[arg-type]
    assert sign_in(fresh, user.email, NEW).status_code == 303
