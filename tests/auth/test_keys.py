"""API keys: shown once, stored hashed, scoped, revocable, expiring; on the CLI and over HTTP."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.auth.models import ApiKey
from api.cli import app as cli
from api.core.clock import Clock
from tests.conftest import Configure, Database, Keys


def test_cli_prints_the_token_alone_on_stdout_and_stores_only_a_hash(
    fresh_database: Database, configure: Configure
) -> None:
    configure(DATABASE_URL=fresh_database.url)
    result = CliRunner().invoke(
        cli, ["keys", "create", "--name", "ci-bot", "--scope", "write", "--expires", "30"]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("folio_")
    assert "\n" not in token
    assert "ci-bot" in result.stderr
    assert token not in result.stderr
    with Session(fresh_database.engine) as session:
        key = session.exec(select(ApiKey).where(ApiKey.name == "ci-bot")).one()
        stored = [str(v) for v in key.model_dump().values()]
    assert all(token not in value and token.split("_", 2)[2] not in value for value in stored)
    listed = CliRunner().invoke(cli, ["keys", "list"])
    assert "ci-bot\twrite" in listed.stdout
    assert token not in listed.stdout
    duplicate = CliRunner().invoke(cli, ["keys", "create", "--name", "ci-bot", "--scope", "read"])
    assert duplicate.exit_code == 1
    bad_scope = CliRunner().invoke(cli, ["keys", "create", "--name", "x", "--scope", "root"])
    assert bad_scope.exit_code == 2
    revoked = CliRunner().invoke(cli, ["keys", "revoke", "ci-bot"])
    assert revoked.exit_code == 0
    listed = CliRunner().invoke(cli, ["keys", "list"])
    assert "revoked" in listed.stdout
    assert CliRunner().invoke(cli, ["keys", "revoke", "nobody"]).exit_code == 1


def test_admin_keys_manage_keys_over_http(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/keys", json={"name": "preview-bot", "scope": "read"}, headers=keys.auth("admin")
    )
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("folio_")
    assert response.headers["location"] == f"http://127.0.0.1:8000/v1/keys/{created['id']}"
    assert response.headers["cache-control"] == "private, no-store"
    listed = client.get("/v1/keys", headers=keys.auth("admin")).json()["data"]
    assert [k["name"] for k in listed] == ["admin-key", "preview-bot", "read-key", "write-key"]
    assert all("token" not in k and "token_hash" not in k for k in listed)
    new_key = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/v1/articles", headers=new_key).status_code == 200
    assert client.delete("/v1/keys/preview-bot", headers=keys.auth("admin")).status_code == 200
    assert client.get("/v1/articles", headers=new_key).status_code == 401


@pytest.mark.parametrize(
    ("headers", "status", "challenge"),
    [
        ({}, 401, 'Bearer realm="folio"'),
        (
            {"Authorization": "Bearer folio_nope_nope"},
            401,
            'Bearer realm="folio", error="invalid_token"',
        ),
        (
            {"Authorization": "Bearer " + "x" * 300},
            401,
            'Bearer realm="folio", error="invalid_token"',
        ),
        (
            {"Authorization": "Basic dXNlcjpwYXNz"},
            401,
            'Bearer realm="folio", error="invalid_token"',
        ),
    ],
)
def test_missing_or_bad_keys_are_401_with_a_challenge(
    client: TestClient, headers: dict[str, str], status: int, challenge: str
) -> None:
    response = client.get("/v1/keys", headers=headers)
    assert response.status_code == status
    assert response.headers["www-authenticate"] == challenge
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("scope", ["read", "write"])
def test_keys_without_the_admin_scope_are_403(client: TestClient, keys: Keys, scope: str) -> None:
    response = client.post(
        "/v1/keys", json={"name": "x", "scope": "admin"}, headers=keys.auth(scope)
    )
    assert response.status_code == 403
    assert "admin" in response.json()["detail"]


def test_a_bad_key_on_a_public_read_is_401_not_anonymous(client: TestClient) -> None:
    response = client.get("/v1/articles/1", headers={"Authorization": "Bearer folio_x_y"})
    assert response.status_code == 401


@pytest.mark.calendar  # dates from the clock: make test-ahead runs it years ahead
def test_an_expired_key_stops_working(
    client: TestClient, session: Session, frozen_clock: Clock
) -> None:
    from api.auth import service
    from api.auth.models import KeyCreate, Scope

    token = service.create_key(
        session, KeyCreate(name="short", scope=Scope.read, expires_in_days=1)
    ).token
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/articles", headers=headers).status_code == 200
    frozen_clock.freeze(frozen_clock.now() + timedelta(days=2))
    assert client.get("/v1/articles", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scope": "read"}, "name"),
        ({"name": "ok", "scope": "root"}, "scope"),
        ({"name": "ok", "scope": "read", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "ok", "scope": "read", "extra": 1}, "extra"),
        ({"name": "a" * 101, "scope": "read"}, "name"),
    ],
)
def test_bad_key_requests_are_422_and_create_nothing(
    client: TestClient, keys: Keys, session: Session, body: dict[str, object], field: str
) -> None:
    before = len(session.exec(select(ApiKey)).all())
    response = client.post("/v1/keys", json=body, headers=keys.auth("admin"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == field
    assert len(session.exec(select(ApiKey)).all()) == before


def test_a_key_name_taken_is_409(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/keys", json={"name": "read-key", "scope": "read"}, headers=keys.auth("admin")
    )
    assert response.status_code == 409


def _dead_keys(session: Session, frozen_clock: Clock) -> dict[str, str]:
    """A revoked, an expired and an unknown token, each of the admin scope when it lived."""
    from api.auth import service
    from api.auth.models import KeyCreate, Scope

    revoked = service.create_key(session, KeyCreate(name="gone", scope=Scope.admin)).token
    service.revoke_key(session, "gone")
    expiring = service.create_key(
        session, KeyCreate(name="stale", scope=Scope.admin, expires_in_days=1)
    ).token
    frozen_clock.freeze(frozen_clock.now() + timedelta(days=2))
    return {"revoked": revoked, "expired": expiring, "unknown": "folio_abcdef_nothing"}


@pytest.mark.calendar  # dates from the clock: make test-ahead runs it years ahead
def test_a_dead_key_is_401_on_every_route_and_method(
    client: TestClient, session: Session, frozen_clock: Clock
) -> None:
    dead = _dead_keys(session, frozen_clock)
    operations = [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, item in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        for method in item
    ]
    assert len(operations) > 60
    client.app.state.limiter.auth_failures = None  # type: ignore[attr-defined]  # no 429s here
    for method, path in operations:
        for name, token in dead.items():
            response = client.request(
                method, path, headers={"Authorization": f"Bearer {token}"}, json={}
            )
            assert response.status_code == 401, (name, method, path, response.text)
            assert response.headers["www-authenticate"].startswith("Bearer ")
    for page in ("/docs", "/redoc", "/openapi.json", "/metrics", "/healthz"):
        response = client.get(page, headers={"Authorization": f"Bearer {dead['revoked']}"})
        assert response.status_code == 401, page


def test_failed_authentication_is_throttled_per_client(client: TestClient, keys: Keys) -> None:
    # The sliding window counter weighs the previous minute's count down as the new minute
    # goes on: a burst that straddles a minute boundary may see one more 401. Wait it out.
    if time.time() % 60 > 55:
        time.sleep(60 - time.time() % 60 + 0.1)
    bad = {"Authorization": "Bearer folio_abcdef_guess"}
    statuses = [client.get("/v1/articles", headers=bad).status_code for _ in range(25)]
    assert statuses[:20] == [401] * 20
    assert set(statuses[20:]) == {429}
    refused = client.get("/v1/articles", headers=keys.auth("read"))  # even a good key waits
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["type"] == "urn:folio:problem:too-many-requests"
    assert client.get("/v1/articles").status_code == 200  # anonymous reads go on


@pytest.mark.calendar  # dates from the clock: make test-ahead runs it years ahead
def test_cli_lists_an_expired_key_as_expired(
    fresh_database: Database, configure: Configure
) -> None:
    configure(DATABASE_URL=fresh_database.url)
    runner = CliRunner()
    for args in (
        ["keys", "create", "--name", "old", "--scope", "read", "--expires", "1"],
        ["keys", "create", "--name", "live", "--scope", "read"],
        ["keys", "create", "--name", "cut", "--scope", "read"],
        ["keys", "revoke", "cut"],
    ):
        assert runner.invoke(cli, args).exit_code == 0
    with Session(fresh_database.engine) as session:
        key = session.exec(select(ApiKey).where(ApiKey.name == "old")).one()
        key.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        session.add(key)
        session.commit()
    listed = runner.invoke(cli, ["keys", "list"]).output

    states = {line.split("\t")[0]: line.split("\t")[3] for line in listed.splitlines()}
    assert states == {"old": "expired", "live": "active", "cut": "revoked"}
