"""Signing in to the studio: sessions in a cookie (only their hash stored), ended by signing
out, by time, by a change of role or password, by the person or an admin, on every node; CSRF
on every form; throttling before any hash; two-factor sign-in; and the session cookie is worth
nothing to ``/v1``."""

import asyncio
import re
import time
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.core.clock import Clock, clock
from api.main import create_app
from api.people import passwords
from api.people.models import User, UserSession
from tests.conftest import Configure, Database, Keys, settings_for
from tests.helpers import make_person

PASSWORD = "correct horse battery staple"


def _csrf(page: Any) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, **headers: str) -> Any:
    form = client.get("/studio/sign-in")
    assert form.status_code == 200
    return client.post(
        "/studio/sign-in",
        data={"email": email, "password": password, "csrf": _csrf(form), "next": "/studio"},
        headers=headers,
        follow_redirects=False,
    )


def _person(session: Session, role: str = "editor", **extra: Any) -> User:
    user: User = make_person(session, role, password=PASSWORD, **extra)[0]
    return user


def test_signing_in_sets_a_cookie_whose_token_is_only_kept_hashed(
    client: TestClient, session: Session
) -> None:
    user = _person(session)
    answer = sign_in(client, "EDITOR@example.org")  # the email in any case
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/studio"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("folio_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the HTTPS test
    token = client.cookies["folio_session"]
    stored = session.exec(select(UserSession)).one()
    assert token not in str(stored.model_dump())
    session.refresh(user)
    assert user.last_sign_in_at is not None
    page = client.get("/studio/account")
    assert page.status_code == 200
    assert "<h1>Your account</h1>" in page.text
    assert "Editor" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "sign-in")).one()
    assert (event.user_id, event.address, event.object_type) == (user.id, "testclient", "sessions")


def test_a_studio_page_without_a_session_sends_the_browser_to_sign_in(client: TestClient) -> None:
    for path in ("/studio", "/studio/account", "/studio/two-factor"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/studio/sign-in?next=")
    client.cookies.set("folio_session", "made-up")
    assert client.get("/studio/account", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "disabled", "no password"])
def test_every_failed_sign_in_gets_the_same_answer_and_is_in_the_trail(
    client: TestClient, session: Session, keys: Keys, case: str
) -> None:
    user = _person(session)
    email, password = "editor@example.org", PASSWORD
    if case == "wrong password":
        password = "not the password at all"
    elif case == "unknown email":
        email = "nobody@example.org"
    elif case == "disabled":
        client.patch(f"/v1/users/{user.id}", json={"disabled": True}, headers=keys.auth("admin"))
    else:
        user.password_hash = None  # invited, never chose one
        session.add(user)
        session.commit()
    before = len(session.exec(select(AuditEvent)).all())
    answer = sign_in(client, email, password)
    assert answer.status_code == 401
    assert "The email or the password is wrong." in answer.text
    assert "folio_session" not in answer.headers.get("set-cookie", "")
    failed = session.exec(select(AuditEvent).where(AuditEvent.action == "sign-in-failed")).all()
    assert len(session.exec(select(AuditEvent)).all()) == before + 1
    assert failed[-1].detail == {"email": email}
    assert PASSWORD not in str(failed[-1].detail)


def test_signing_out_ends_the_session_and_a_stolen_cookie_with_it(
    client: TestClient, session: Session
) -> None:
    _person(session)
    sign_in(client, "editor@example.org")
    stolen = client.cookies["folio_session"]
    page = client.get("/studio/account")
    out = client.post("/studio/sign-out", data={"csrf": _csrf(page)}, follow_redirects=False)
    assert out.status_code == 303
    thief = TestClient(client.app)
    thief.cookies.set("folio_session", stolen)
    assert thief.get("/studio/account", follow_redirects=False).status_code == 303
    actions = [e.action for e in session.exec(select(AuditEvent))]
    assert actions[-2:] == ["sign-in", "sign-out"]


def test_the_session_cookie_opens_nothing_in_v1(client: TestClient, session: Session) -> None:
    _person(session, "admin")
    sign_in(client, "admin@example.org")
    assert client.cookies.get("folio_session")
    assert client.get("/v1/me").status_code == 401
    assert client.get("/v1/users").status_code == 401
    written = client.post("/v1/articles", json={"title": "Through a cookie"})
    assert written.status_code == 401
    drafts = client.get("/v1/articles?status=draft")
    assert drafts.status_code in (401, 422)


@pytest.mark.parametrize(
    "attack",
    ["no token", "wrong token", "another site", "another origin", "null origin", "other's token"],
)
def test_a_form_post_without_its_token_or_from_elsewhere_is_refused(
    client: TestClient, session: Session, attack: str
) -> None:
    _person(session)
    sign_in(client, "editor@example.org")
    mine = session.exec(select(UserSession)).one()
    token = _csrf(client.get("/studio/account"))
    data: dict[str, str] = {"csrf": token}
    headers: dict[str, str] = {}
    if attack == "no token":
        data = {}
    elif attack == "wrong token":
        data = {"csrf": token[:-2] + "xx"}
    elif attack == "another site":
        headers = {"Sec-Fetch-Site": "cross-site"}
    elif attack == "another origin":
        headers = {"Origin": "https://evil.example"}
    elif attack == "null origin":
        headers = {"Origin": "null"}
    else:  # the token of another browser's session
        other = TestClient(client.app)
        _person(session, "author")
        sign_in(other, "author@example.org")
        data = {"csrf": _csrf(other.get("/studio/account"))}
    answer = client.post(
        f"/studio/sessions/{mine.id}/end", data=data, headers=headers, follow_redirects=False
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")  # a page that says why
    assert '<p role="alert" class="error">' in answer.text
    session.refresh(mine)
    assert mine.ended_at is None


def test_the_sign_in_form_has_a_token_of_its_own(client: TestClient, session: Session) -> None:
    _person(session)
    forged = client.post(
        "/studio/sign-in",
        data={"email": "editor@example.org", "password": PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    elsewhere = sign_in(client, "editor@example.org", Origin="https://evil.example")
    assert elsewhere.status_code == 403
    assert "folio_session" not in client.cookies


@pytest.mark.calendar
def test_a_session_ends_when_idle_and_at_its_limit(
    client: TestClient, session: Session, configure: Configure, frozen_clock: Clock
) -> None:
    configure(FOLIO_SESSION_IDLE_MINUTES="30", FOLIO_SESSION_HOURS="2")
    _person(session)
    now = clock.now()
    frozen_clock.freeze(now)
    sign_in(client, "editor@example.org")
    for minutes in (25, 50, 75, 100):  # used every 25 minutes: never idle
        frozen_clock.freeze(now + timedelta(minutes=minutes))
        assert client.get("/studio/account", follow_redirects=False).status_code == 200
    frozen_clock.freeze(now + timedelta(minutes=121))  # past two hours
    assert client.get("/studio/account", follow_redirects=False).status_code == 303
    sign_in(client, "editor@example.org")
    frozen_clock.freeze(now + timedelta(minutes=121 + 31))  # idle
    assert client.get("/studio/account", follow_redirects=False).status_code == 303


def test_a_new_role_or_password_ends_every_session(
    client: TestClient, session: Session, keys: Keys
) -> None:
    user = _person(session)
    sign_in(client, "editor@example.org")
    assert client.get("/studio/account", follow_redirects=False).status_code == 200
    client.patch(f"/v1/users/{user.id}", json={"role": "author"}, headers=keys.auth("admin"))
    assert client.get("/studio/account", follow_redirects=False).status_code == 303
    sign_in(client, "editor@example.org")
    link = client.post(f"/v1/users/{user.id}/reset-link", headers=keys.auth("admin")).json()
    page = client.get(link["url"].removeprefix("http://127.0.0.1:8000"))
    chosen = client.post(
        link["url"].removeprefix("http://127.0.0.1:8000"),
        data={"password": "an entirely new passphrase", "csrf": _csrf(page)},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/studio/sign-in?chosen=1"
    assert client.get("/studio/account", follow_redirects=False).status_code == 303
    assert sign_in(client, "editor@example.org").status_code == 401  # the old password
    assert sign_in(client, "editor@example.org", "an entirely new passphrase").status_code == 303


def test_a_person_sees_their_sessions_and_ends_another_and_an_admin_ends_them_all(
    client: TestClient, session: Session, keys: Keys
) -> None:
    user = _person(session)
    laptop, phone = TestClient(client.app), TestClient(client.app)
    sign_in(laptop, "editor@example.org", **{"User-Agent": "Laptop"})
    sign_in(phone, "editor@example.org", **{"User-Agent": "Phone"})
    page = laptop.get("/studio/account")
    assert "Laptop" in page.text
    assert "Phone" in page.text
    assert page.text.count('aria-label="End the session') == 2
    phones = session.exec(select(UserSession).where(UserSession.user_agent == "Phone")).one()
    ended = laptop.post(
        f"/studio/sessions/{phones.id}/end", data={"csrf": _csrf(page)}, follow_redirects=False
    )
    assert ended.headers["location"] == "/studio/account"
    assert phone.get("/studio/account", follow_redirects=False).status_code == 303
    assert laptop.get("/studio/account", follow_redirects=False).status_code == 200
    # An admin signs the person out everywhere.
    everywhere = client.delete(f"/v1/users/{user.id}/sessions", headers=keys.auth("admin"))
    assert everywhere.status_code == 200
    assert everywhere.json() == {"ended": 1}
    assert laptop.get("/studio/account", follow_redirects=False).status_code == 303
    assert client.delete("/v1/users/999999/sessions", headers=keys.auth("admin")).status_code == 404


def test_over_https_the_cookie_is_secure_with_a_host_prefix(
    configure: Configure, database: Database, session: Session
) -> None:
    configure(FOLIO_BASE_URL="https://cms.example.org")
    app = create_app(settings_for(database.url), engine=database.engine)
    app.state.sessions = lambda: nullcontext(session)
    client = TestClient(app, base_url="https://cms.example.org")
    _person(session)
    answer = sign_in(client, "editor@example.org")
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-folio_session=")
    assert "Secure" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie
    assert client.get("/studio/account", follow_redirects=False).status_code == 200


def test_an_outdated_hash_is_replaced_at_sign_in(
    client: TestClient, session: Session, configure: Configure
) -> None:
    user = _person(session)
    old = user.password_hash
    assert old is not None
    configure(FOLIO_ARGON2_TIME_COST="2")
    assert sign_in(client, "editor@example.org").status_code == 303
    session.refresh(user)
    assert user.password_hash != old
    assert user.password_hash is not None
    assert not passwords.outdated(user.password_hash)


def test_failed_sign_ins_lock_the_account_before_any_hash_and_count_per_address(
    database: Database, session: Session, configure: Configure
) -> None:
    configure(FOLIO_SIGN_IN_LIMIT_ACCOUNT="3/15 minutes", FOLIO_SIGN_IN_LIMIT_ADDRESS="5/minute")
    app = create_app(settings_for(database.url), engine=database.engine)  # limits read at start
    app.state.sessions = lambda: nullcontext(session)
    fresh = TestClient(app)
    _person(session)
    for _ in range(3):
        assert sign_in(fresh, "editor@example.org", "wrong wrong wrong").status_code == 401
    locked = sign_in(fresh, "EDITOR@example.org")  # the right password, but locked
    assert locked.status_code == 429
    assert "Too many" in locked.text
    # Unknown accounts are counted alike: nothing tells which emails exist.
    for n in range(2):
        assert sign_in(fresh, f"x{n}@example.org", "wrong wrong wrong").status_code == 401
    assert sign_in(fresh, "other@example.org", "wrong wrong wrong").status_code == 429


def test_sign_ins_stay_limited_while_redis_does_not_answer(
    database: Database, session: Session, configure: Configure
) -> None:
    """Each process counts on its own until the shared counters answer again: a guesser who
    can make Redis fail gets no more tries."""
    configure(
        FOLIO_SIGN_IN_LIMIT_ACCOUNT="3/15 minutes",
        FOLIO_REDIS_URL="redis://127.0.0.1:9/0",  # nothing listens there
    )
    app = create_app(settings_for(database.url), engine=database.engine)
    assert type(app.state.limiter.storage).__name__ == "RedisStorage"
    app.state.sessions = lambda: nullcontext(session)
    fresh = TestClient(app)
    _person(session)
    wrong = "wrong wrong wrong"
    statuses = [sign_in(fresh, "editor@example.org", wrong).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert sign_in(fresh, "editor@example.org").status_code == 429  # locked, right or not


def test_a_success_clears_the_accounts_count_but_not_the_addresss(
    database: Database, session: Session, configure: Configure
) -> None:
    configure(FOLIO_SIGN_IN_LIMIT_ACCOUNT="3/15 minutes", FOLIO_SIGN_IN_LIMIT_ADDRESS="6/minute")
    app = create_app(settings_for(database.url), engine=database.engine)
    app.state.sessions = lambda: nullcontext(session)
    fresh = TestClient(app)
    _person(session)
    wrong = "wrong wrong wrong"
    assert [sign_in(fresh, "editor@example.org", wrong).status_code for _ in range(2)] == [401] * 2
    assert sign_in(fresh, "editor@example.org").status_code == 303  # the account starts again
    statuses = [sign_in(fresh, "editor@example.org", wrong).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]  # three more on the account: six on the address
    assert sign_in(fresh, "nobody@example.org", wrong).status_code == 429  # the address's


def test_ten_thousand_sign_in_attempts_are_throttled_and_the_server_keeps_answering(
    fresh_database: Database,
) -> None:
    """Through an app whose requests each open a session of their own, as a server's do: five
    hundred at once must not share one."""
    with Session(fresh_database.engine) as setup:
        _person(setup)
        setup.commit()
    app = create_app(settings_for(fresh_database.url), engine=fresh_database.engine)
    with TestClient(app) as client:
        form = client.get("/studio/sign-in")
        csrf, cookies = _csrf(form), dict(client.cookies)
        statuses = _ten_thousand_attempts(app, csrf, cookies)
    assert sum(statuses.values()) == 10_000
    assert set(statuses) == {401, 429}
    assert statuses[401] <= 10  # FOLIO_SIGN_IN_LIMIT_ACCOUNT: 10 in 15 minutes
    with Session(fresh_database.engine) as session:
        failed = select(AuditEvent).where(AuditEvent.action == "sign-in-failed")
        assert len(session.exec(failed).all()) == statuses[401]  # the rest: before any hash


def _ten_thousand_attempts(app: Any, csrf: str, cookies: dict[str, str]) -> dict[int, int]:
    """Five hundred at once from the first (a count taken after the hash let the whole first
    burst through), /healthz answering between; how many got each status."""

    async def attempts() -> dict[int, int]:
        statuses: dict[int, int] = {}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=cookies
        ) as browser:

            async def attempt(n: int) -> None:
                data = {"email": "editor@example.org", "password": f"guess {n:05d}", "csrf": csrf}
                answer = await browser.post("/studio/sign-in", data=data)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

            for batch in range(0, 10_000, 500):
                await asyncio.gather(*(attempt(n) for n in range(batch, min(batch + 500, 10_000))))
                health = await browser.get("/healthz")
                assert health.status_code == 200
        return statuses

    started = time.monotonic()
    statuses = asyncio.run(attempts())
    assert time.monotonic() - started < 600  # a bound on the loop, not a measure of speed
    return statuses


def test_two_factor_sign_in_with_a_code_or_a_recovery_code_once(
    client: TestClient, session: Session, frozen_clock: Clock
) -> None:
    user = _person(session)
    sign_in(client, "editor@example.org")
    setup = client.get("/studio/two-factor")
    assert setup.status_code == 200
    assert 'alt="QR code of your authenticator' in setup.text
    assert "data:image/svg+xml" in setup.text
    secret = re.search(r"Key: <code>([A-Z2-7]+)</code>", setup.text).group(1)  # type: ignore[union-attr]
    sealed_setup = re.search(r'name="setup" value="([^"]+)"', setup.text).group(1)  # type: ignore[union-attr]
    wrong = client.post(
        "/studio/two-factor", data={"code": "000000", "setup": sealed_setup, "csrf": _csrf(setup)}
    )
    assert wrong.status_code == 403
    now = clock.now()
    frozen_clock.freeze(now)
    code = pyotp.TOTP(secret).at(now)
    done = client.post(
        "/studio/two-factor", data={"code": code, "setup": sealed_setup, "csrf": _csrf(setup)}
    )
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li><code>([0-9a-f]{12})</code></li>", done.text)
    assert len(codes) == 10
    session.refresh(user)
    assert user.totp_secret is not None
    assert secret not in user.totp_secret  # encrypted at rest
    assert client.get("/studio/account").status_code == 200  # this browser goes on
    browser = TestClient(client.app)
    first = sign_in(browser, "editor@example.org")
    assert first.headers["location"].startswith("/studio/sign-in/second-factor")
    assert "folio_session" not in browser.cookies
    step = browser.get(first.headers["location"])
    bad = browser.post(
        "/studio/sign-in/second-factor",
        data={"code": "123456", "csrf": _csrf(step), "next": "/studio"},
        follow_redirects=False,
    )
    assert bad.status_code == 401
    good = browser.post(
        "/studio/sign-in/second-factor",
        data={"code": pyotp.TOTP(secret).at(now), "csrf": _csrf(step), "next": "/studio"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert browser.get("/studio/account").status_code == 200
    # A recovery code works once, instead of the authenticator.
    for expected in (303, 401):
        other = TestClient(client.app)
        sign_in(other, "editor@example.org")
        step = other.get("/studio/sign-in/second-factor")
        answer = other.post(
            "/studio/sign-in/second-factor",
            data={"code": codes[0], "csrf": _csrf(step), "next": "/studio"},
            follow_redirects=False,
        )
        assert answer.status_code == expected
    assert "9 recovery codes left" in client.get("/studio/account").text


def test_an_admin_can_require_a_second_factor_of_admins_and_editors(
    client: TestClient, session: Session, configure: Configure
) -> None:
    configure(FOLIO_TWO_FACTOR_REQUIRED="true")
    _person(session, "editor")
    _person(session, "author")
    editor, author = TestClient(client.app), TestClient(client.app)
    sign_in(editor, "editor@example.org")
    sign_in(author, "author@example.org")
    sent = editor.get("/studio/account", follow_redirects=False)
    assert sent.headers["location"] == "/studio/two-factor"
    setup = editor.get("/studio/two-factor")
    assert "Your role needs a second factor" in setup.text
    assert author.get("/studio/account", follow_redirects=False).status_code == 200
    out = editor.post("/studio/sign-out", data={"csrf": _csrf(setup)}, follow_redirects=False)
    assert out.headers["location"] == "/studio/sign-in"  # signing out is always possible


def test_sessions_work_across_two_nodes_on_one_database(
    fresh_database: Database, configure: Configure
) -> None:
    configure(DATABASE_URL=fresh_database.url)
    with Session(fresh_database.engine) as session:
        _person(session)
    one = TestClient(create_app(settings_for(fresh_database.url)))
    two = TestClient(create_app(settings_for(fresh_database.url)))
    with one, two:
        assert sign_in(one, "editor@example.org").status_code == 303
        two.cookies.set("folio_session", one.cookies["folio_session"])
        page = two.get("/studio/account")
        assert page.status_code == 200
        two.post("/studio/sign-out", data={"csrf": _csrf(page)}, follow_redirects=False)
        assert one.get("/studio/account", follow_redirects=False).status_code == 303


def test_nothing_logged_holds_a_password_a_session_token_or_a_totp_secret(
    client: TestClient, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    _person(session)
    sign_in(client, "editor@example.org", "a wrong password guess")
    sign_in(client, "editor@example.org")
    token = client.cookies["folio_session"]
    setup = client.get("/studio/two-factor")
    secret = re.search(r"Key: <code>([A-Z2-7]+)</code>", setup.text).group(1)  # type: ignore[union-attr]
    logged = capsys.readouterr()
    text = logged.out + logged.err
    for value in (PASSWORD, "a wrong password guess", token, secret):
        assert value not in text


def test_a_password_of_a_megabyte_is_refused_before_any_hash(
    client: TestClient, session: Session
) -> None:
    _person(session)
    form = client.get("/studio/sign-in")
    answer = client.post(
        "/studio/sign-in",
        data={"email": "editor@example.org", "password": "x" * 1_000_000, "csrf": _csrf(form)},
        follow_redirects=False,
    )
    assert answer.status_code in (413, 422)
    assert answer.headers["content-type"] == "application/problem+json"
    failed = session.exec(select(AuditEvent).where(AuditEvent.action == "sign-in-failed")).all()
    assert failed == []  # refused before the password was looked at


def test_unexpected_form_bodies_are_problems_not_errors(client: TestClient) -> None:
    for body, kind in (
        ('{"email": "x"}', "application/json"),
        ("email=a%00b&password=x", "application/x-www-form-urlencoded"),
        ("email=" + "a" * 2000, "application/x-www-form-urlencoded"),
    ):
        answer = client.post(
            "/studio/sign-in", content=body, headers={"Content-Type": kind}, follow_redirects=False
        )
        assert answer.status_code in (403, 415, 422), (body[:30], answer.text)
