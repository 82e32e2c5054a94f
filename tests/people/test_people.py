"""People: made by the command line (the first admin, never with a default password) or by an
admin's invitation, passwords after NIST SP 800-63B hashed with argon2id, a person's own
articles, keys that belong to people and never do more than they may, and the audit trail."""

import re
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.audit.models import AuditEvent
from api.auth.models import ApiKey
from api.cli import app as cli
from api.core.clock import Clock, clock
from api.people import passwords
from api.people.models import User, UserToken
from tests.conftest import Configure, Database, Keys, free_port
from tests.helpers import make_person

MERGE = {"Content-Type": "application/merge-patch+json"}
PASSWORD = "correct horse battery staple"


def _invite(client: TestClient, keys: Keys, role: str = "editor", **extra: Any) -> dict[str, Any]:
    body = {"email": f"{role}@example.org", "name": role.title(), "role": role, **extra}
    answer = client.post("/v1/users", json=body, headers=keys.auth("admin"))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _token(invited: dict[str, Any]) -> str:
    return str(invited["invitation_url"].rsplit("/", 1)[1])


# --- The command line --------------------------------------------------------------------------


def test_the_first_admin_is_made_by_the_command_line_with_a_password_from_standard_input(
    fresh_database: Database, configure: Configure
) -> None:
    configure(DATABASE_URL=fresh_database.url)
    runner = CliRunner()
    old_key = runner.invoke(cli, ["keys", "create", "--name", "before-people", "--scope", "admin"])
    assert old_key.exit_code == 0, old_key.output
    made = runner.invoke(
        cli,
        ["users", "create", "--email", "Ada@Example.org", "--name", "Ada", "--role", "admin"],
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.output
    assert PASSWORD not in made.output
    with Session(fresh_database.engine) as session:
        ada = session.exec(select(User)).one()
        assert ada.email == "Ada@example.org"  # as typed (its domain in lower case)
        assert ada.password_hash is not None
        assert ada.password_hash.startswith("$argon2id$")
        assert PASSWORD not in ada.password_hash
        assert passwords.verify(ada.password_hash, PASSWORD)
        # The key made before people existed is hers now.
        key = session.exec(select(ApiKey).where(ApiKey.name == "before-people")).one()
        assert key.user_id == ada.id
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "user-created")).all()
        assert [(e.actor, e.object_id) for e in events] == [("cli", str(ada.id))]
    # The same address in another case is the same person.
    again = runner.invoke(
        cli,
        ["users", "create", "--email", "ada@example.ORG", "--name", "A", "--role", "editor"],
        input=PASSWORD + "\n",
    )
    assert again.exit_code == 1
    assert "exists already" in again.stderr
    listed = runner.invoke(cli, ["users", "list"])
    assert "Ada@example.org\tAda\tadmin\tactive\tsigned in never" in listed.stdout


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 12 characters"),
        ("x" * 1_000_000, "at most 256 characters"),
        ("ann@example.org", "may not be the email"),
        ("password1234", "most common passwords"),
        ("", "at least 12 characters"),
    ],
    ids=["short", "a megabyte", "the email", "common", "empty"],
)
def test_the_command_line_refuses_a_weak_password_and_never_takes_one_as_an_argument(
    fresh_database: Database, configure: Configure, password: str, reason: str
) -> None:
    configure(DATABASE_URL=fresh_database.url)
    arguments = [
        "users",
        "create",
        "--email",
        "ann@example.org",
        "--name",
        "Ann",
        "--role",
        "admin",
    ]
    result = CliRunner().invoke(cli, arguments, input=password + "\n")
    assert result.exit_code == 2
    assert reason in result.stderr
    assert password[:50] not in result.stderr or not password
    as_argument = CliRunner().invoke(cli, [*arguments, "--password", PASSWORD])
    assert as_argument.exit_code == 2  # there is no such option
    with Session(fresh_database.engine) as session:
        assert session.exec(select(User)).all() == []


def test_the_command_line_changes_people_makes_their_keys_resets_and_reads_the_trail(
    fresh_database: Database, configure: Configure
) -> None:
    configure(DATABASE_URL=fresh_database.url)
    runner = CliRunner()
    for email, role in (("ada@example.org", "admin"), ("ed@example.org", "editor")):
        made = runner.invoke(
            cli,
            ["users", "create", "--email", email, "--name", "X", "--role", role],
            input=PASSWORD + "\n",
        )
        assert made.exit_code == 0, made.output
    key = runner.invoke(
        cli, ["keys", "create", "--name", "eds", "--scope", "write", "--user", "ed@example.org"]
    )
    assert key.exit_code == 0, key.output
    too_much = runner.invoke(
        cli, ["keys", "create", "--name", "ed2", "--scope", "admin", "--user", "ed@example.org"]
    )
    assert too_much.exit_code == 1
    assert "not an admin" in too_much.stderr
    nobody = runner.invoke(
        cli, ["keys", "create", "--name", "x", "--scope", "read", "--user", "no@example.org"]
    )
    assert nobody.exit_code == 1
    changed = runner.invoke(cli, ["users", "change", "ed@example.org", "--role", "author"])
    assert changed.exit_code == 0, changed.output
    assert "author" in changed.stdout
    bad_role = runner.invoke(cli, ["users", "change", "ed@example.org", "--role", "root"])
    assert bad_role.exit_code == 2
    last_admin = runner.invoke(cli, ["users", "change", "ada@example.org", "--disable"])
    assert last_admin.exit_code == 1
    assert "last admin" in last_admin.stderr
    link = runner.invoke(cli, ["users", "reset-password", "ed@example.org"])
    assert link.exit_code == 0, link.output
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/studio/reset/folio-link_\S+\n", link.stdout)
    trail = runner.invoke(cli, ["audit", "list", "--limit", "3"])
    assert trail.exit_code == 0, trail.output
    lines = trail.stdout.splitlines()
    assert [line.split("\t")[1] for line in lines] == [
        "user-changed",
        "role-changed",
        "key-created",
    ]
    assert all(line.split("\t")[2] == "cli" for line in lines)
    only = runner.invoke(cli, ["audit", "list", "--action", "user-created"])
    assert len(only.stdout.splitlines()) == 2
    wrong = runner.invoke(cli, ["audit", "list", "--action", "everything"])
    assert wrong.exit_code == 2
    pruned = runner.invoke(cli, ["audit", "prune"])
    assert pruned.exit_code == 0
    assert "pruned 0 audit event(s)" in pruned.stderr


# --- Invitations and passwords -----------------------------------------------------------------


def test_an_admin_invites_a_person_who_chooses_a_password_once(
    client: TestClient, keys: Keys, session: Session
) -> None:
    invited = _invite(client, keys, "editor")
    assert invited["role"] == "editor"
    assert invited["invitation_url"].startswith("http://127.0.0.1:8000/studio/welcome/folio-link_")
    token = _token(invited)
    row = session.exec(select(UserToken)).one()
    assert token not in str(row.model_dump())  # only its hash is kept
    weak = client.post("/v1/password", json={"token": token, "password": "password1234"})
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["loc"] == ["body", "password"]
    done = client.post("/v1/password", json={"token": token, "password": PASSWORD})
    assert done.status_code == 200, done.text
    assert done.json()["email"] == "editor@example.org"
    user = session.get(User, invited["id"])
    assert user is not None
    assert passwords.verify(user.password_hash, PASSWORD)
    reused = client.post("/v1/password", json={"token": token, "password": PASSWORD + "!"})
    assert reused.status_code == 400
    assert reused.json()["type"] == "urn:folio:problem:link-not-valid"
    assert passwords.verify(user.password_hash, PASSWORD)  # unchanged by the reuse


@pytest.mark.calendar
def test_an_invitation_expires_and_a_new_one_replaces_the_old(
    client: TestClient, keys: Keys, frozen_clock: Clock
) -> None:
    now = clock.now()
    frozen_clock.freeze(now)
    invited = _invite(client, keys, "author")
    frozen_clock.freeze(now + timedelta(hours=73))  # FOLIO_INVITATION_HOURS is 72
    late = client.post("/v1/password", json={"token": _token(invited), "password": PASSWORD})
    assert late.status_code == 400
    again = client.post(f"/v1/users/{invited['id']}/reset-link", headers=keys.auth("admin"))
    assert again.status_code == 201, again.text
    fresh = again.json()["url"].rsplit("/", 1)[1]
    second = client.post(f"/v1/users/{invited['id']}/reset-link", headers=keys.auth("admin"))
    replaced = client.post("/v1/password", json={"token": fresh, "password": PASSWORD})
    assert replaced.status_code == 400  # the second link replaced the first
    newest = second.json()["url"].rsplit("/", 1)[1]
    assert (
        client.post("/v1/password", json={"token": newest, "password": PASSWORD}).status_code == 200
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"token": "folio-link_abc_def"},
        {"token": "x" * 201, "password": PASSWORD},
        {"token": "", "password": PASSWORD},
        {"token": "folio-link_abc_def", "password": "x" * 1_000_000},
        {"token": "folio-link_abc_def", "password": PASSWORD, "role": "admin"},
        {"token": "' OR 1=1 --", "password": PASSWORD},
    ],
    ids=["empty", "no password", "long token", "empty token", "a megabyte", "extra", "sql"],
)
def test_a_bad_password_request_is_a_problem_and_changes_nothing(
    client: TestClient, session: Session, body: dict[str, Any]
) -> None:
    before = len(session.exec(select(AuditEvent)).all())
    answer = client.post("/v1/password", json=body)
    assert answer.status_code in (400, 413, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert len(session.exec(select(AuditEvent)).all()) == before


def test_a_password_of_a_megabyte_is_refused_before_it_is_hashed() -> None:
    # The rule is a length check: argon2 never sees it, so it costs what a short one does.
    assert passwords.problem("x" * 1_000_000, "a@example.org") == "at most 256 characters"
    assert not passwords.verify(passwords.make(PASSWORD), "x" * 1_000_000)


def test_a_hash_made_with_old_parameters_is_outdated(configure: Configure) -> None:
    configure(FOLIO_ARGON2_TIME_COST="1")
    old = passwords.make(PASSWORD)
    configure(FOLIO_ARGON2_TIME_COST="2")
    assert passwords.outdated(old)
    assert passwords.verify(old, PASSWORD)  # still accepted, then rehashed at sign-in
    assert not passwords.outdated(passwords.make(PASSWORD))


# --- People over HTTP --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"email": "not an address", "name": "X", "role": "editor"}, "email"),
        ({"email": "a@example.org", "name": "X", "role": "owner"}, "role"),
        ({"email": "a@example.org", "name": "", "role": "editor"}, "name"),
        ({"email": "a@example.org", "name": "X", "role": "editor", "admin": True}, "admin"),
        ({"email": "a@example.org", "name": "X", "role": "editor", "author_id": 999}, "author_id"),
        ({"email": "x'; DROP TABLE folio_user; --@example.org", "name": "X", "role": "editor"},
         "email"),
        ({"email": "a" * 250 + "@example.org", "name": "X", "role": "editor"}, "email"),
        ({"email": "\uff41\uff44\uff4d\uff49\uff4e@example.org\u0000", "name": "X",
          "role": "editor"}, "email"),
    ],
    ids=["address", "role", "name", "extra", "author", "sql", "long", "unicode and nul"],
)  # fmt: skip
def test_a_bad_invitation_is_a_problem_naming_the_field_and_changes_nothing(
    client: TestClient, keys: Keys, session: Session, body: dict[str, Any], where: str
) -> None:
    answer = client.post("/v1/users", json=body, headers=keys.auth("admin"))
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    if answer.status_code == 422 and answer.json()["errors"][0]["loc"] != ["body"]:
        assert where in str(answer.json()["errors"][0]["loc"])
    assert session.exec(select(User)).all() == []


def test_an_email_is_one_account_whatever_its_case(client: TestClient, keys: Keys) -> None:
    _invite(client, keys, "editor")
    same = client.post(
        "/v1/users",
        json={"email": "EDITOR@example.ORG", "name": "E", "role": "author"},
        headers=keys.auth("admin"),
    )
    assert same.status_code == 409
    assert same.headers["content-type"] == "application/problem+json"


def test_admins_list_read_and_change_people_and_the_last_admin_stays(
    client: TestClient, keys: Keys, session: Session
) -> None:
    admin = keys.auth("admin")
    ada, ada_headers = make_person(session, "admin")
    invited = _invite(client, keys, "author")
    listed = client.get("/v1/users?limit=1", headers=admin)
    assert listed.status_code == 200
    assert [u["email"] for u in listed.json()["data"]] == ["admin@example.org"]
    assert listed.json()["meta"]["next_cursor"]
    one = client.get(f"/v1/users/{invited['id']}", headers=admin).json()
    assert "password_hash" not in one
    assert "totp_secret" not in one
    assert one["two_factor"] is False
    promoted = client.patch(
        f"/v1/users/{invited['id']}", json={"role": "editor"}, headers=ada_headers
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "editor"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "role-changed")).one()
    assert event.detail == {"role": {"before": "author", "after": "editor"}}
    assert (event.actor, event.user_id, event.key_name) == ("user", ada.id, f"admin-{ada.id}")
    assert client.get("/v1/users/999999", headers=admin).status_code == 404
    assert (
        client.patch(f"/v1/users/{ada.id}", json={"role": "editor"}, headers=admin).status_code
        == 409
    )
    assert (
        client.patch(f"/v1/users/{ada.id}", json={"disabled": True}, headers=admin).status_code
        == 409
    )
    bad: Any
    for bad in ({"role": None}, {"email": "x@example.org"}, {"disabled": "yes"}, []):
        answer = client.patch(f"/v1/users/{invited['id']}", json=bad, headers=admin)
        assert answer.status_code == 422, (bad, answer.text)
    assert client.get("/v1/users", headers=keys.auth("write")).status_code == 403
    assert client.get("/v1/users").status_code == 401


def test_me_tells_the_caller_who_they_are_and_what_they_may_do(
    client: TestClient, keys: Keys, session: Session
) -> None:
    _, contributor = make_person(session, "contributor")
    me = client.get("/v1/me", headers=contributor).json()
    assert me["user"]["role"] == "contributor"
    assert me["may"] == ["articles.write-own"]
    _, admin = make_person(session, "admin")
    everything = client.get("/v1/me", headers=admin).json()["may"]
    assert {"users.manage", "purge", "content.publish"} <= set(everything)
    # A read key writes nothing, whoever it belongs to.
    read = client.get("/v1/me", headers=keys.auth("read")).json()
    assert read["may"] == []
    assert read["user"]["email"] == "admin@example.org"  # the first admin claimed it
    assert client.get("/v1/me").status_code == 401
    assert client.get("/v1/me?x=1", headers=admin).status_code == 422


# --- A person's own articles, a role that goes down, a disabled person ---------------------


@pytest.mark.calendar  # schedules a week from the clock
def test_a_contributor_writes_their_own_drafts_and_nothing_else(
    client: TestClient, session: Session
) -> None:
    me, contributor = make_person(session, "contributor")
    draft = client.post("/v1/articles", json={"title": "My draft"}, headers=contributor)
    assert draft.status_code == 201, draft.text
    ref = draft.json()["id"]
    edited = client.patch(
        f"/v1/articles/{ref}", json={"summary": "Better."}, headers={**contributor, **MERGE}
    )
    assert edited.status_code == 200, edited.text
    revisions = client.get(f"/v1/articles/{ref}/revisions", headers=contributor).json()["data"]
    assert {(r["user_id"], r["user_name"]) for r in revisions} == {(me.id, "Contributor")}
    for change in (
        {"status": "published"},
        {"status": "scheduled", "publish_at": (clock.now() + timedelta(days=7)).isoformat()},
    ):
        refused = client.patch(f"/v1/articles/{ref}", json=change, headers={**contributor, **MERGE})
        assert refused.status_code == 403, refused.text
        assert "author role" in refused.json()["detail"]
    published = client.post(
        "/v1/articles", json={"title": "Live", "status": "published"}, headers=contributor
    )
    assert published.status_code == 403
    assert client.delete(f"/v1/articles/{ref}", headers=contributor).status_code == 403
    upload = client.post(
        "/v1/assets", content=b"GIF89a", headers={**contributor, "Content-Type": "image/gif"}
    )
    assert upload.status_code == 403
    assert client.get(f"/v1/articles/{ref}", headers=contributor).json()["status"] == "draft"


def test_an_author_publishes_their_own_articles_but_not_anyone_elses(
    client: TestClient, session: Session
) -> None:
    _, author = make_person(session, "author")
    _, other = make_person(session, "author", email="other@example.org")
    mine = client.post(
        "/v1/articles", json={"title": "Mine", "status": "published"}, headers=author
    )
    assert mine.status_code == 201, mine.text
    ref = mine.json()["id"]
    theirs = client.patch(
        f"/v1/articles/{ref}", json={"title": "Theirs"}, headers={**other, **MERGE}
    )
    assert theirs.status_code == 403
    assert "only their own" in theirs.json()["detail"]
    unpublished = client.patch(
        f"/v1/articles/{ref}", json={"status": "draft"}, headers={**author, **MERGE}
    )
    assert unpublished.status_code == 200
    assert client.delete(f"/v1/articles/{ref}", headers=author).status_code == 403
    actions = [
        e.action
        for e in session.exec(
            select(AuditEvent)
            .where(AuditEvent.object_type == "articles", AuditEvent.object_id == str(ref))
            .order_by(AuditEvent.id)  # type: ignore[arg-type]
        )
    ]
    assert actions == ["publish", "unpublish"]


def test_a_key_does_no_more_than_its_person_may_now(
    client: TestClient, keys: Keys, session: Session
) -> None:
    make_person(session, "admin", email="ada@example.org")  # the first: the keys are hers
    editor, headers = make_person(session, "editor")
    admin = keys.auth("admin")
    role = {"name": "Chief of staff", "definition": "Runs the office."}
    assert client.post("/v1/roles", json=role, headers=headers).status_code == 201
    down = client.patch(f"/v1/users/{editor.id}", json={"role": "contributor"}, headers=admin)
    assert down.status_code == 200
    again = client.post("/v1/roles", json={**role, "name": "Other"}, headers=headers)
    assert again.status_code == 403
    # An admin's admin key stops managing when its admin is one no more.
    boss, boss_headers = make_person(session, "admin", email="boss@example.org")
    assert client.get("/v1/keys", headers=boss_headers).status_code == 200
    client.patch(f"/v1/users/{boss.id}", json={"role": "editor"}, headers=admin)
    assert client.get("/v1/keys", headers=boss_headers).status_code == 403
    # A disabled person's keys stop working at all.
    client.patch(f"/v1/users/{editor.id}", json={"disabled": True}, headers=admin)
    assert client.get("/v1/me", headers=headers).status_code == 401
    disabled = session.exec(select(AuditEvent).where(AuditEvent.action == "user-disabled")).one()
    assert disabled.object_id == str(editor.id)


# --- The audit trail ---------------------------------------------------------------------------


def test_the_audit_trail_names_the_actor_of_every_act_with_address_and_request_id(
    client: TestClient, keys: Keys, session: Session, configure: Configure
) -> None:
    configure(FOLIO_WEBHOOK_ALLOW_PRIVATE="true")
    me, editor = make_person(session, "editor")
    admin = keys.auth("admin")
    made = client.post("/v1/articles", json={"title": "Audited"}, headers=editor)
    ref = made.json()["id"]
    client.patch(f"/v1/articles/{ref}", json={"status": "published"}, headers={**editor, **MERGE})
    client.patch(f"/v1/articles/{ref}", json={"status": "draft"}, headers={**editor, **MERGE})
    later = (clock.now() + timedelta(days=30)).isoformat()
    client.patch(
        f"/v1/articles/{ref}",
        json={"status": "scheduled", "publish_at": later},
        headers={**editor, **MERGE},
    )
    deleted = client.delete(f"/v1/articles/{ref}", headers=editor)
    assert deleted.status_code == 204
    restored = client.post(f"/v1/trash/articles/{ref}/restore", headers=editor)
    assert restored.status_code == 200, restored.text
    client.delete(f"/v1/articles/{ref}", headers=editor)
    purged = client.delete(f"/v1/trash/articles/{ref}", headers=admin)
    assert purged.status_code == 204, purged.text
    hook = client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/x", "events": ["article.published"]},
        headers=admin,
    )
    assert hook.status_code == 201, hook.text
    key = client.post("/v1/keys", json={"name": "site", "scope": "read"}, headers=admin)
    client.delete("/v1/keys/site", headers=admin)
    assert key.status_code == 201
    trail = client.get("/v1/audit?limit=100&since=2000-01-01T00:00:00Z", headers=admin).json()[
        "data"
    ]
    acts = [(e["action"], e["object"]["type"] if e["object"] else None) for e in reversed(trail)]
    assert acts[-11:] == [
        ("create", "articles"),
        ("publish", "articles"),
        ("unpublish", "articles"),
        ("schedule", "articles"),
        ("delete", "articles"),
        ("restore", "articles"),
        ("delete", "articles"),
        ("purge", "articles"),
        ("webhook-changed", "webhooks"),
        ("key-created", "keys"),
        ("key-revoked", "keys"),
    ]
    publish = next(e for e in trail if e["action"] == "publish")
    assert publish["actor"] == {
        "kind": "user",
        "user_id": me.id,
        "user_email": "editor@example.org",
        "key_name": f"editor-{me.id}",
    }
    assert publish["address"] == "testclient"
    assert len(publish["request_id"]) == 32
    # Filters: by person, action, object and time; a request's id is the one it answered with.
    answered = client.post("/v1/keys", json={"name": "traced", "scope": "read"}, headers=admin)
    traced = client.get("/v1/audit?action=key-created&limit=1", headers=admin).json()["data"][0]
    assert traced["request_id"] == answered.headers["x-request-id"]
    by_keys = client.get("/v1/audit?actor=key&limit=100", headers=admin).json()["data"]
    assert {e["action"] for e in by_keys} >= {"purge", "webhook-changed", "key-created"}
    assert {e["actor"]["kind"] for e in by_keys} == {"key"}  # the fixture's keys: nobody's
    mine = client.get(f"/v1/audit?user_id={me.id}&limit=100", headers=admin).json()["data"]
    assert {e["actor"]["user_id"] for e in mine} == {me.id}
    assert len(mine) == 7
    one = client.get(f"/v1/audit?object_type=articles&object_id={ref}", headers=admin).json()
    assert len(one["data"]) == 8
    future = (clock.now() + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert client.get(f"/v1/audit?since={future}", headers=admin).json()["data"] == []
    page = client.get("/v1/audit?limit=2", headers=admin).json()
    following = client.get(
        f"/v1/audit?limit=2&cursor={page['meta']['next_cursor']}", headers=admin
    ).json()
    assert page["data"][-1]["id"] > following["data"][0]["id"]


@pytest.mark.parametrize(
    "query",
    ["action=everything", "actor=root", "since=yesterday", "since=2026-01-01T00:00:00", "limit=0",
     "user_id=0", "user_id=abc", "cursor=" + "x" * 600, "object_type=" + "x" * 30, "other=1"],
)  # fmt: skip
def test_a_bad_audit_query_is_a_problem(client: TestClient, keys: Keys, query: str) -> None:
    answer = client.get(f"/v1/audit?{query}", headers=keys.auth("admin"))
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def test_only_admins_read_the_audit_trail(client: TestClient, keys: Keys, session: Session) -> None:
    _, editor = make_person(session, "editor")
    assert client.get("/v1/audit", headers=editor).status_code == 403
    assert client.get("/v1/audit", headers=keys.auth("write")).status_code == 403
    assert client.get("/v1/audit").status_code == 401


@pytest.mark.calendar
def test_the_trail_forgets_what_is_older_than_its_retention(
    client: TestClient, keys: Keys, session: Session, configure: Configure, frozen_clock: Clock
) -> None:
    from api.audit import service as audit_service

    configure(FOLIO_AUDIT_RETENTION_DAYS="30")
    now = clock.now()
    frozen_clock.freeze(now - timedelta(days=31))
    client.post("/v1/keys", json={"name": "old", "scope": "read"}, headers=keys.auth("admin"))
    frozen_clock.freeze(now)
    client.post("/v1/keys", json={"name": "new", "scope": "read"}, headers=keys.auth("admin"))
    assert audit_service.prune(session) == 1
    made = select(AuditEvent).where(AuditEvent.action == "key-created")
    left = [e.detail["name"] for e in session.exec(made)]
    assert "new" in left
    assert "old" not in left


def test_nothing_logged_holds_a_password_or_a_link(
    client: TestClient, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    invited = _invite(client, keys, "author")
    token = _token(invited)
    client.post("/v1/password", json={"token": token, "password": PASSWORD})
    client.post("/v1/password", json={"token": token, "password": PASSWORD})
    logged = capsys.readouterr()
    assert PASSWORD not in logged.err + logged.out
    assert token.split("_")[-1] not in logged.err + logged.out


def test_a_contributor_translates_their_own_draft_and_no_one_elses(
    client: TestClient, session: Session, configure: Configure
) -> None:
    configure(FOLIO_LOCALES="en,de")
    _, contributor = make_person(session, "contributor")
    made = client.post("/v1/articles", json={"title": "Mine to translate"}, headers=contributor)
    ref = made.json()["id"]
    german = client.put(
        f"/v1/articles/{ref}/translations/de", json={"title": "Meins"}, headers=contributor
    )
    assert german.status_code == 201, german.text
    live = client.put(
        f"/v1/articles/{ref}/translations/de",
        json={"title": "Meins", "status": "published"},
        headers=contributor,
    )
    assert live.status_code == 403
    assert (
        client.delete(f"/v1/articles/{ref}/translations/de", headers=contributor).status_code == 403
    )
    seed = client.put("/v1/articles/1/translations/de", json={"title": "Nein"}, headers=contributor)
    assert seed.status_code == 403


class _Inbox:
    """Mail a real SMTP server on loopback (aiosmtpd) received."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def test_with_a_mail_server_invitations_and_reset_links_are_mailed(
    client: TestClient, keys: Keys, configure: Configure
) -> None:
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        configure(FOLIO_SMTP_URL=f"smtp://127.0.0.1:{port}", FOLIO_MAIL_FROM="cms@example.org")
        invited = _invite(client, keys, "author")
        assert invited["invitation_mailed"] is True
        reset = client.post(f"/v1/users/{invited['id']}/reset-link", headers=keys.auth("admin"))
        assert reset.json()["mailed"] is True
    finally:
        controller.stop()
    first, second = inbox.messages
    assert (first["To"], first["From"]) == ("author@example.org", "cms@example.org")
    assert first["Subject"] == "You are invited to Folio"
    assert invited["invitation_url"] in first.get_payload(decode=True).decode()
    assert second["Subject"] == "Choose a new password"
    assert reset.json()["url"] in second.get_payload(decode=True).decode()
    # A server that does not answer: the link is still made, and said not mailed.
    configure(FOLIO_SMTP_URL=f"smtp://127.0.0.1:{port}")
    unmailed = client.post(f"/v1/users/{invited['id']}/reset-link", headers=keys.auth("admin"))
    assert unmailed.status_code == 201
    assert unmailed.json()["mailed"] is False


def test_a_person_linked_to_an_author_signs_their_new_articles(
    client: TestClient, keys: Keys, session: Session
) -> None:
    from api.auth import service as auth_service
    from api.auth.models import KeyCreate, Scope

    author = client.get("/v1/authors/1").json()
    invited = _invite(client, keys, "author", author_id=author["id"])
    token = auth_service.create_key(
        session, KeyCreate(name="bylined", scope=Scope.write, user_id=invited["id"])
    ).token
    mine = {"Authorization": f"Bearer {token}"}
    made = client.post("/v1/articles", json={"title": "Signed"}, headers=mine)
    assert made.status_code == 201, made.text
    assert made.json()["author"]["slug"] == author["slug"]
    other = client.post(
        "/v1/articles", json={"title": "Unsigned", "author": None}, headers=mine
    ).json()
    assert other["author"]["slug"] == author["slug"]  # a new article: its maker's byline
    edited = client.patch(
        f"/v1/articles/{made.json()['id']}", json={"author": None}, headers={**mine, **MERGE}
    )
    assert edited.json()["author"] is None  # taken off on purpose, it stays off
