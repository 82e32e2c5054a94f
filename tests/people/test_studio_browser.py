"""The studio's door in a real browser (Playwright driving Debian's Chromium, no route off
loopback): a person finds the fields and buttons by their role and accessible name, as a
screen reader does, chooses a password through an invitation, signs in, sees their sessions,
meets a refused form on a page that says why, sets up a second factor and signs out; and
axe-core finds nothing to fix on any of those pages."""

from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from api.people import service as people
from api.people.models import UserCreate, UserRole
from tests.browser import accessible, browser
from tests.conftest import Database
from tests.helpers import make_person

PASSWORD = "correct horse battery staple"


@pytest.fixture
def page() -> Iterator[Page]:
    for made in browser():
        yield made.page


def test_a_person_signs_in_sees_their_sessions_sets_up_a_second_factor_and_signs_out(
    live_server: str, fresh_database: Database, page: Page
) -> None:
    with Session(fresh_database.engine) as session:
        make_person(session, "admin", email="ada@example.org", password=PASSWORD)
        invited = people.invite(
            session,
            UserCreate(email="editor@example.org", name="Ed", role=UserRole.editor),
            by=None,
        )
    # The invitation's page: the person chooses their password.
    page.goto(invited.invitation_url.replace("http://127.0.0.1:8000", live_server))
    expect(page.get_by_role("heading", name="Choose a password")).to_be_visible()
    assert accessible(page) == []
    page.get_by_label("New password").fill("password1234")  # a common one: refused, said why
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("alert")).to_contain_text("most common passwords")
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("status")).to_have_text("Your password is set: sign in with it.")
    page.goto(f"{live_server}/studio")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert accessible(page) == []
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The email or the password is wrong.")
    assert accessible(page) == []
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()  # the studio's entry
    assert accessible(page) == []
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Ed", exact=True).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    sessions = page.get_by_role("table", name="Browsers signed in as you")
    expect(sessions.get_by_role("button", name="End the session", exact=False)).to_have_count(1)
    assert accessible(page) == []
    # A form whose token was tampered with: refused, on a page that says why.
    page.locator("form[action='/studio/sign-out'] input[name=csrf]").evaluate("e => e.value = 'x'")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Forbidden")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("security token is wrong")
    assert accessible(page) == []
    page.get_by_role("link", name="Back to the studio").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("link", name="Ed", exact=True).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "folio_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    # A second factor: the key the page shows, a code the authenticator would show.
    page.get_by_role("link", name="Set it up").click()
    expect(page.get_by_role("img", name="QR code of your authenticator's key")).to_be_visible()
    assert accessible(page) == []
    secret = page.locator("code").first.inner_text()
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    expect(page.get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="Back to your account").click()
    expect(page.get_by_text("On (10 recovery codes left)")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{live_server}/studio/account")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # Signing in again asks for the second factor.
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your second factor")).to_be_visible()
    assert accessible(page) == []
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
