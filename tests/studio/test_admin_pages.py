"""What an admin does in the studio, through HTTP (TestClient) on the test's database: invite
a person (the link shown once), change their role, disable and enable them, end their
sessions; make a key (the token shown once, only its hash kept) and revoke it; add a webhook
(the secret shown once), read its deliveries and retry one; read the audit trail of all of
it by person, action, object and time. Bad input is said next to its field; nobody else
gets in."""

import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.auth.models import ApiKey
from api.core.clock import clock
from api.events.models import Event
from api.people import service as people_service
from api.people import sessions
from api.people.models import User, UserRole, UserSession
from api.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from tests.conftest import Configure
from tests.helpers import make_person
from tests.studio.test_article_pages import as_person, csrf_of, form_linked_from, shows


def secret_of(page_text: str) -> str:
    found = re.search(r'<input id="secret" value="([^"]+)" readonly>', page_text)
    assert found, page_text[:2000]
    return found.group(1)


def test_an_admin_invites_changes_disables_and_signs_out_a_person(
    client: TestClient, session: Session, admin: User
) -> None:
    form = form_linked_from(
        client, "/studio/people", "/studio/people/invite", "Invite", ("Email", "Name", "Role")
    )
    sent = {
        "csrf": csrf_of(form),
        "email": "New.Author@Example.org",
        "name": "New",
        "role": "author",
    }
    invited = client.post("/studio/people/invite", data=sent)
    assert invited.status_code == 200, invited.text[:500]
    link = secret_of(invited.text)
    assert "/studio/welcome/" in link
    assert "Mail is not set up" in invited.text
    person = people_service.find_by_email(session, "new.author@example.org")
    assert person is not None
    assert person.role == UserRole.author
    # Their role changed, then disabled, then enabled; each recorded with the admin's name.
    token = csrf_of(client.get("/studio/people"))
    changed = client.post(
        f"/studio/people/{person.id}/role",
        data={"csrf": token, "role": "editor"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert "Role changed" in client.get(changed.headers["location"]).text
    off = client.post(
        f"/studio/people/{person.id}/disable", data={"csrf": token}, follow_redirects=False
    )
    assert off.status_code == 303
    session.refresh(person)
    assert (person.role, person.disabled) == (UserRole.editor, True)
    shows(
        client,
        off.headers["location"],
        f'action="/studio/people/{person.id}/disable"',
        ">Enable</button>",
    )
    on = client.post(
        f"/studio/people/{person.id}/disable",
        data={"csrf": token, "disabled": "false"},
        follow_redirects=False,
    )
    assert on.status_code == 303
    session.refresh(person)
    assert person.disabled is False
    # Their sessions ended (one of theirs made first).
    other, _ = make_person(session, "author", email="signed@example.org", password="x" * 14)
    sessions.start(session, other, address=None, user_agent="a browser")
    ended = client.post(
        f"/studio/people/{other.id}/sessions/end", data={"csrf": token}, follow_redirects=False
    )
    assert ended.status_code == 303
    live = session.exec(
        select(UserSession).where(UserSession.user_id == other.id, UserSession.ended_at == None)  # noqa: E711
    ).all()
    assert live == []
    actions = session.exec(
        select(AuditEvent.action).where(
            AuditEvent.user_id == admin.id, AuditEvent.object_type == "users"
        )
    ).all()
    assert {"user-created", "role-changed", "user-disabled"} <= set(actions), actions
    # Bad input: said next to the field, nobody made.
    count = len(session.exec(select(User)).all())
    for changed_field, where in (
        ({"email": "not an email"}, "email"),
        ({"name": ""}, "name"),
        ({"role": "owner"}, "role"),
        ({"email": "new.author@example.org"}, "form"),  # taken
    ):
        answer = client.post("/studio/people/invite", data=sent | changed_field)
        assert 400 <= answer.status_code < 500, changed_field
        if where == "form":
            assert re.search(r'role="alert" class="error">[^<]+<', answer.text), changed_field
        else:
            assert re.search(rf'id="{where}-error" class="error">[^<]+<', answer.text), where
    bad_role = client.post(f"/studio/people/{person.id}/role", data={"csrf": token, "role": "x"})
    assert bad_role.status_code == 422
    assert (
        client.post(
            "/studio/people/999999/role", data={"csrf": token, "role": "editor"}
        ).status_code
        == 404
    )
    assert len(session.exec(select(User)).all()) == count


def test_an_admin_makes_a_key_sees_its_token_once_and_revokes_it(
    client: TestClient, session: Session, admin: User
) -> None:
    form = form_linked_from(
        client, "/studio/keys", "/studio/keys/new", "New key", ("Name", "Scope")
    )
    made = client.post(
        "/studio/keys", data={"csrf": csrf_of(form), "name": "site build", "scope": "read",
                              "user_id": str(admin.id)},
    )  # fmt: skip
    assert made.status_code == 200, made.text[:500]
    token = secret_of(made.text)
    assert ">Copy</button>" in made.text
    key = session.exec(select(ApiKey).where(ApiKey.name == "site build")).one()
    assert token not in str(key.model_dump())  # only its hash is kept
    assert (
        client.get("/v1/articles", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    again = client.get("/studio/keys")
    assert token not in again.text
    revoked = client.post(
        f"/studio/keys/{key.id}/revoke", data={"csrf": csrf_of(again)}, follow_redirects=False
    )
    assert revoked.status_code == 303
    answer = client.get("/v1/articles", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    for bad, where in (
        ({"name": "a/b"}, "name"),
        ({"scope": "root"}, "scope"),
        ({"name": "site build"}, "form"),
    ):
        answer = client.post(
            "/studio/keys", data={"csrf": csrf_of(again), "name": "x", "scope": "read"} | bad
        )
        assert 400 <= answer.status_code < 500, bad
        pattern = r'role="alert" class="error">' if where == "form" else rf'id="{where}-error"'
        assert re.search(pattern, answer.text), bad
    assert len(session.exec(select(ApiKey).where(ApiKey.name == "x")).all()) == 0


def test_an_admin_adds_a_webhook_and_retries_a_failed_delivery(
    client: TestClient, session: Session, configure: Configure
) -> None:
    configure(FOLIO_WEBHOOK_ALLOW_PRIVATE="true")
    as_person(client, session, "admin")
    form = client.get("/studio/webhooks/new")
    assert "article.published" in form.text
    made = client.post(
        "/studio/webhooks",
        data={"csrf": csrf_of(form), "url": "http://127.0.0.1:9/hook",
              "events": ["article.published", "role.updated"]},
    )  # fmt: skip
    assert made.status_code == 200, made.text[:800]
    secret = secret_of(made.text)
    assert secret.startswith("whsec_")
    hook = session.exec(select(Webhook)).one()
    assert secret not in str(hook.model_dump())
    event = Event(type="article.published", resource_type="articles", resource_id=1, slug="a",
                  version=1)  # fmt: skip
    session.add(event)
    session.flush()
    assert event.id is not None
    assert hook.id is not None
    failed = WebhookDelivery(
        webhook_id=hook.id, event_id=event.id, status=DeliveryStatus.failed,
        next_attempt_at=clock.now(),
    )  # fmt: skip
    session.add(failed)
    session.commit()
    page = shows(client, f"/studio/webhooks/{hook.id}", "article.published #", ">Retry</button>")
    retried = client.post(
        f"/studio/webhooks/{hook.id}/deliveries/{failed.id}/retry",
        data={"csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert retried.status_code == 303
    again = session.exec(
        select(WebhookDelivery).where(
            WebhookDelivery.resend == 1, WebhookDelivery.event_id == event.id
        )
    ).one()
    assert again.status == DeliveryStatus.pending
    for bad, where in (
        ({"url": "ftp://x"}, "url"),
        ({"url": "http://127.0.0.1:9/h", "events": ["nothing.happened"]}, "events"),
        ({"url": "http://127.0.0.1:9/h", "events": []}, "events"),
    ):
        answer = client.post("/studio/webhooks", data={"csrf": csrf_of(page)} | bad)
        assert answer.status_code == 422, bad
        assert re.search(rf'id="{where}-error" class="error">[^<]+<', answer.text), bad
    assert len(session.exec(select(Webhook)).all()) == 1
    assert client.get("/studio/webhooks/999999").status_code == 404


def test_the_audit_trail_filters_by_person_action_object_and_time(
    client: TestClient, admin: User
) -> None:
    token = csrf_of(client.get("/studio/keys/new"))
    client.post("/studio/keys", data={"csrf": token, "name": "audited", "scope": "read"})
    everything = client.get("/studio/audit")
    assert "Filter the audit trail" in everything.text
    mine = client.get("/studio/audit", params={"user_id": admin.id, "object_type": "keys"})
    assert mine.status_code == 200
    rows = re.findall(r"<tr>\s*<td>", mine.text)
    assert rows
    assert 'href="/studio/keys"' in mine.text
    ahead = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    later = client.get("/studio/audit", params={"since": ahead, "zone": "Europe/Berlin"})
    assert "None yet." in later.text
    for bad in (
        {"since": "yesterday"},
        {"action": "explode"},
        {"zone": "Mars/Base", "since": ahead},
    ):
        answer = client.get("/studio/audit", params=bad)
        assert answer.status_code == 422, bad
        assert 'role="alert"' in answer.text


def test_nobody_but_an_admin_gets_in(client: TestClient, session: Session) -> None:
    as_person(client, session, "editor")
    token = csrf_of(client.get("/studio/articles/new"))
    for path, data in (
        ("/studio/people/invite", {"email": "x@example.org", "name": "X", "role": "admin"}),
        ("/studio/keys", {"name": "mine", "scope": "admin"}),
    ):
        answer = client.post(path, data={"csrf": token, **data})
        assert answer.status_code == 403
        assert "admin role" in answer.text
    assert session.exec(select(User).where(User.email == "x@example.org")).first() is None


def test_an_admin_edits_tests_and_deletes_a_webhook(
    client: TestClient, session: Session, configure: Configure
) -> None:
    configure(FOLIO_WEBHOOK_ALLOW_PRIVATE="true")
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["content-length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        as_person(client, session, "admin")
        form = client.get("/studio/webhooks/new")
        client.post(
            "/studio/webhooks",
            data={"csrf": csrf_of(form), "url": "http://127.0.0.1:9/old",
                  "events": ["article.published"]},
        )  # fmt: skip
        hook = session.exec(select(Webhook)).one()
        page = client.get(f"/studio/webhooks/{hook.id}")
        assert "<summary>Settings</summary>" in page.text
        assert 'name="enabled" checked' in page.text
        # Edited: a new address and events, turned off.
        saved = client.post(
            f"/studio/webhooks/{hook.id}",
            data={"csrf": csrf_of(page), "url": address, "description": "The site's cache",
                  "events": ["article.published", "comparison.updated"]},
            follow_redirects=False,
        )  # fmt: skip
        assert saved.status_code == 303, saved.text[:500]
        session.refresh(hook)
        assert hook.url == address
        assert hook.events == ["article.published", "comparison.updated"]
        assert hook.enabled is False
        assert hook.version == 2
        # Bad edits: said next to their field, nothing changed.
        for bad, where in (({"url": "ftp://x"}, "url"), ({"url": address, "events": []}, "events")):
            refused = client.post(f"/studio/webhooks/{hook.id}", data={"csrf": csrf_of(page)} | bad)
            assert refused.status_code == 422, bad
            assert re.search(rf'id="{where}-error" class="error">[^<]+<', refused.text), bad
            assert '<details class="more" open>' in refused.text
        session.refresh(hook)
        assert hook.version == 2
        # A test delivery, even while off: the receiver's answer shown, nothing in deliveries.
        tested = client.post(f"/studio/webhooks/{hook.id}/test", data={"csrf": csrf_of(page)})
        assert tested.status_code == 200
        assert "Test delivery: the receiver answered 204 in" in tested.text
        assert len(received) == 1
        assert b'"type":"webhook.test"' in received[0]
        assert "No delivery yet." in tested.text
        # Deleted: gone from the list, its page 404.
        gone = client.post(
            f"/studio/webhooks/{hook.id}/delete",
            data={"csrf": csrf_of(page)},
            follow_redirects=False,
        )
        assert gone.headers["location"] == "/studio/webhooks?done=deleted"
        assert "Deleted, with its deliveries." in client.get(gone.headers["location"]).text
        assert session.exec(select(Webhook)).all() == []
        assert client.get(f"/studio/webhooks/{hook.id}").status_code == 404
        forged = client.post("/studio/webhooks/1/test", data={"csrf": "forged"})
        assert forged.status_code == 403
    finally:
        server.shutdown()
        server.server_close()


def test_a_webhooks_address_is_described_and_a_bad_one_is_named_beside_it(
    client: TestClient, session: Session, admin: User
) -> None:
    form = shows(
        client,
        "/studio/webhooks/new",
        'aria-describedby="url-hint"',
        '<p id="url-hint" class="hint">',
    )
    refused = client.post(
        "/studio/webhooks",
        data={"csrf": csrf_of(form), "url": "ftp://example.org/hook",
              "events": ["article.published"]},
    )  # fmt: skip
    assert refused.status_code == 422, refused.text[:800]
    assert 'aria-invalid="true" aria-describedby="url-hint url-error"' in refused.text
    assert '<p id="url-error" class="error">' in refused.text
    assert session.exec(select(Webhook)).all() == []
