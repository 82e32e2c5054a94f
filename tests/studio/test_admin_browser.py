"""An admin's day in a real browser (Playwright driving Debian's Chromium) against a live
server on this suite's database: invite an author, who signs in through the invitation and
chooses a password; change their role; make a key and revoke it; add a webhook and retry a
failed delivery; read the audit trail of all of it. Found by role and accessible name;
axe-core finds nothing on any page; the CSP is never violated."""

from collections.abc import Iterator

import httpx2 as httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from api.core.clock import clock
from api.events.models import Event
from api.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from tests.browser import Browser, accessible, browser
from tests.conftest import Database
from tests.helpers import make_person
from tests.studio.test_editor_browser import PASSWORD

NEW_PASSWORD = "a long and private phrase"


@pytest.fixture
def chromium() -> Iterator[Browser]:
    yield from browser()


@pytest.fixture
def server_env() -> dict[str, str]:
    return {"FOLIO_WEBHOOK_ALLOW_PRIVATE": "true"}  # a webhook to loopback (never called)


def test_an_admins_day(live_server: str, fresh_database: Database, chromium: Browser) -> None:
    with Session(fresh_database.engine) as session:
        make_person(session, "admin", password=PASSWORD)
    page = chromium.page
    page.goto(f"{live_server}/studio")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert accessible(page) == []
    nav = page.get_by_role("navigation", name="Studio")
    # Invite an author: the link is shown once.
    nav.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Invite").click()
    page.get_by_label("Email").fill("writer@example.org")
    page.get_by_label("Name").fill("Writer")
    page.get_by_label("Role").select_option("author")
    assert accessible(page) == []
    page.get_by_role("button", name="Send invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    assert "/studio/welcome/" in link
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert accessible(page) == []
    # The author, in another browser, chooses a password and is in.
    other = chromium.another()
    visitor = other.page
    visitor.goto(link)
    visitor.get_by_label("New password").fill(NEW_PASSWORD)
    visitor.get_by_role("button", name="Save the password").click()
    expect(visitor.get_by_role("heading", name="Sign in")).to_be_visible()
    visitor.get_by_label("Email").fill("writer@example.org")
    visitor.get_by_label("Password").fill(NEW_PASSWORD)
    visitor.get_by_role("button", name="Sign in", exact=True).click()
    expect(visitor.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert other.violations == []
    # Their role changed to editor.
    nav.get_by_role("link", name="People").click()
    row = page.get_by_role("row").filter(has_text="writer@example.org")
    row.get_by_label("Role of Writer").select_option("editor")
    row.get_by_role("button", name="Change role").click()
    expect(page.get_by_text("Role changed")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="writer@example.org")
    expect(row.get_by_role("cell", name="editor", exact=True)).to_be_visible()
    assert accessible(page) == []
    # A key, its token shown once, then revoked.
    nav.get_by_role("link", name="API keys").click()
    page.get_by_role("link", name="New key").click()
    page.get_by_label("Name").fill("site build")
    page.get_by_label("Scope").select_option("read")
    assert accessible(page) == []
    page.get_by_role("button", name="Create key").click()
    token = page.get_by_label("Token").input_value()
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{live_server}/v1/articles", headers=bearer).status_code == 200
    nav.get_by_role("link", name="API keys").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("row").filter(has_text="site build").get_by_role(
        "button", name="Revoke"
    ).click()
    expect(page.get_by_text("Revoked: the key no longer works.")).to_be_visible()
    assert httpx.get(f"{live_server}/v1/articles", headers=bearer).status_code == 401
    # A webhook, and a failed delivery retried.
    nav.get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="New webhook").click()
    page.get_by_label("Address").fill("http://127.0.0.1:9/hook")
    page.get_by_role("checkbox", name="article.published").check()
    assert accessible(page) == []
    page.get_by_role("button", name="Add webhook").click()
    assert page.get_by_label("Signing secret").input_value().startswith("whsec_")
    with Session(fresh_database.engine) as session:
        hook = session.exec(select(Webhook)).one()
        event = Event(type="article.published", resource_type="articles", resource_id=1,
                      slug="a", version=1)  # fmt: skip
        session.add(event)
        session.flush()
        assert event.id is not None
        assert hook.id is not None
        session.add(
            WebhookDelivery(webhook_id=hook.id, event_id=event.id,
                            status=DeliveryStatus.failed, next_attempt_at=clock.now())
        )  # fmt: skip
        session.commit()
    page.get_by_role("link", name="Its deliveries").click()
    assert accessible(page) == []
    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_text("Queued again")).to_be_visible()
    # The audit trail of the day, the admin's own acts filtered.
    nav.get_by_role("link", name="Audit").click()
    page.get_by_label("Person").select_option(label="Admin (admin@example.org)")
    page.get_by_role("button", name="Filter").click()
    trail = page.get_by_role("table", name="Audit")
    for action in ("user-created", "role-changed", "key-created", "key-revoked", "webhook-changed"):
        expect(trail.get_by_role("cell", name=action, exact=True).first).to_be_visible()
    assert accessible(page) == []
    assert chromium.violations == []
