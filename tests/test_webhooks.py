"""Webhooks against a real receiver on loopback: signed per Standard Webhooks, retried with
backoff, never sent twice at once, never for a change that rolled back."""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook as Verifier

from api.articles import service as articles_service
from api.articles.models import ArticleInput
from api.auth import service as auth_service
from api.auth.models import KeyCreate, Scope
from api.config import get_settings
from api.events.models import Event
from api.main import create_app
from api.webhooks.models import Webhook, WebhookDelivery
from api.webhooks.worker import run_once
from api.workflow import Status
from tests.conftest import Database, settings_for


@dataclass
class Receiver:
    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer with, then 200

    def ids(self) -> list[str]:
        return [headers["webhook-id"] for headers, _ in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            with lock:
                state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            if status == 302:
                self.send_header("Location", state.url + "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("FOLIO_WEBHOOK_ALLOW_PRIVATE", "true")  # the receiver is on loopback
    monkeypatch.setenv("FOLIO_WEBHOOK_BACKOFF_SECONDS", "0.05")
    monkeypatch.setenv("FOLIO_WEBHOOK_TIMEOUT_SECONDS", "5")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def api(fresh_database: Database, settings: None) -> tuple[TestClient, dict[str, str]]:
    with Session(fresh_database.engine) as session:
        admin = auth_service.create_key(session, KeyCreate(name="admin", scope=Scope.admin)).token
    client = TestClient(create_app(settings_for(fresh_database.url), engine=fresh_database.engine))
    return client, {"Authorization": f"Bearer {admin}"}


def subscribe(
    client: TestClient, auth: dict[str, str], url: str, events: list[str]
) -> dict[str, Any]:
    response = client.post("/v1/webhooks", json={"url": url, "events": events}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


def publish(client: TestClient, auth: dict[str, str], title: str) -> dict[str, Any]:
    response = client.post(
        "/v1/articles", json={"title": title, "status": "published"}, headers=auth
    )
    assert response.status_code == 201
    return response.json()


def drain(database: Database, *, rounds: int = 20, pause: float = 0.1) -> None:
    """Worker rounds until nothing is pending (retries wait out their short backoff)."""
    for _ in range(rounds):
        run_once(database.engine)
        with Session(database.engine) as session:
            pending = session.exec(
                select(func.count())
                .select_from(WebhookDelivery)
                .where(WebhookDelivery.status == "pending")
            ).one()
        if not pending:
            return
        time.sleep(pause)


def test_subscriptions_show_the_secret_once_and_store_it_encrypted(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
) -> None:
    client, admin = api
    created = subscribe(client, admin, receiver.url, ["article.published", "role.updated"])
    assert created["secret"].startswith("whsec_")
    listed = client.get("/v1/webhooks", headers=admin).json()
    assert listed[0]["events"] == ["article.published", "role.updated"]
    assert all("secret" not in w for w in listed)
    assert "secret" not in client.get(f"/v1/webhooks/{created['id']}", headers=admin).json()
    with Session(fresh_database.engine) as session:
        stored = session.exec(select(Webhook)).one()
        assert created["secret"] not in stored.secret_encrypted
        assert created["secret"].removeprefix("whsec_") not in stored.secret_encrypted
    changed = client.put(
        f"/v1/webhooks/{created['id']}",
        json={"url": receiver.url, "events": ["article.deleted"], "enabled": False},
        headers=admin,
    )
    assert changed.json()["enabled"] is False
    assert client.delete(f"/v1/webhooks/{created['id']}", headers=admin).status_code == 204
    assert client.get(f"/v1/webhooks/{created['id']}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"url": "ftp://example.com/x", "events": ["article.published"]}, 422),
        ({"url": "http://example.com/x", "events": []}, 422),
        ({"url": "http://example.com/x", "events": ["article.exploded"]}, 422),
        ({"url": "http://example.com/x", "events": ["article.published"], "secret": "mine"}, 422),
        ({"url": "http://[", "events": ["article.published"]}, 422),
    ],
)
def test_bad_subscriptions_are_refused(
    api: tuple[TestClient, dict[str, str]], body: dict[str, Any], status: int
) -> None:
    client, admin = api
    assert client.post("/v1/webhooks", json=body, headers=admin).status_code == status
    assert client.get("/v1/webhooks", headers=admin).json() == []


def test_private_targets_are_refused_unless_allowed(
    api: tuple[TestClient, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, admin = api
    monkeypatch.setenv("FOLIO_WEBHOOK_ALLOW_PRIVATE", "false")
    get_settings.cache_clear()
    for url in (
        "http://127.0.0.1:9/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
    ):
        response = client.post(
            "/v1/webhooks", json={"url": url, "events": ["article.published"]}, headers=admin
        )
        assert response.status_code == 422, url
        assert "private" in response.json()["detail"]
    unresolvable = "https://" + "0" * 300 + "/x"  # a label the IDNA codec refuses
    response = client.post(
        "/v1/webhooks", json={"url": unresolvable, "events": ["article.published"]}, headers=admin
    )
    assert response.status_code == 422
    assert "does not resolve" in response.json()["detail"]


def test_only_admin_keys_manage_webhooks(
    api: tuple[TestClient, dict[str, str]], fresh_database: Database
) -> None:
    client, _ = api
    with Session(fresh_database.engine) as session:
        write = auth_service.create_key(session, KeyCreate(name="w", scope=Scope.write)).token
    headers = {"Authorization": f"Bearer {write}"}
    assert client.get("/v1/webhooks", headers=headers).status_code == 403
    assert client.get("/v1/webhooks").status_code == 401


def test_a_delivery_is_signed_and_verifiable(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
) -> None:
    client, admin = api
    hook = subscribe(client, admin, receiver.url, ["article.published"])
    article = publish(client, admin, "Announced")
    drain(fresh_database)
    ((headers, body),) = receiver.received
    payload = Verifier(hook["secret"]).verify(body, headers)
    assert payload["type"] == "article.published"
    assert payload["data"]["slug"] == article["slug"]
    assert payload["data"]["url"] == article["url"]
    with pytest.raises(Exception, match="signature"):
        Verifier("whsec_" + "A" * 43 + "=").verify(body, headers)
    deliveries = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()
    assert [(d["event_type"], d["status"]) for d in deliveries] == [
        ("article.published", "delivered")
    ]
    assert deliveries[0]["attempts"][0]["status_code"] == 200


def test_a_failing_receiver_is_retried_until_it_answers(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
) -> None:
    client, admin = api
    hook = subscribe(client, admin, receiver.url, ["article.published"])
    receiver.answers = [500, 503]
    publish(client, admin, "Third time lucky")
    drain(fresh_database)
    assert len(receiver.received) == 3
    assert len(set(receiver.ids())) == 1  # the same message, retried
    (delivery,) = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 200]
    first, second, third = (datetime.fromisoformat(a["started_at"]) for a in delivery["attempts"])
    assert second - first >= timedelta(seconds=0.02)  # backed off
    assert third - second >= timedelta(seconds=0.04)  # and longer the second time


def test_redirects_are_not_followed(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, admin = api
    monkeypatch.setenv("FOLIO_WEBHOOK_MAX_ATTEMPTS", "1")
    get_settings.cache_clear()
    hook = subscribe(client, admin, receiver.url, ["article.published"])
    receiver.answers = [302]
    publish(client, admin, "Moved away")
    drain(fresh_database)
    assert len(receiver.received) == 1  # not the redirect target too
    (delivery,) = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()
    assert delivery["status"] == "failed"
    assert delivery["attempts"][0]["error"] == "answered 302"


def test_a_webhook_that_keeps_failing_is_disabled(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, admin = api
    monkeypatch.setenv("FOLIO_WEBHOOK_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("FOLIO_WEBHOOK_DISABLE_AFTER", "3")
    get_settings.cache_clear()
    hook = subscribe(client, admin, receiver.url, ["article.published"])
    receiver.answers = [500] * 10
    publish(client, admin, "One")
    publish(client, admin, "Two")
    drain(fresh_database)
    state = client.get(f"/v1/webhooks/{hook['id']}", headers=admin).json()
    assert state["enabled"] is False
    assert "failed attempts in a row" in state["disabled_reason"]
    publish(client, admin, "Three")
    drain(fresh_database)
    assert len(receiver.received) <= 4  # nothing for the event after it was disabled


def test_two_workers_never_send_one_delivery_twice(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
) -> None:
    client, admin = api
    subscribe(client, admin, receiver.url, ["article.published"])
    for n in range(20):
        publish(client, admin, f"Busy {n}")
    start = threading.Barrier(2)

    def work() -> None:
        start.wait(timeout=10)
        drain(fresh_database, pause=0.01)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(receiver.received) == 20
    assert len(set(receiver.ids())) == 20


def test_no_event_and_no_delivery_for_a_change_that_rolls_back(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
) -> None:
    client, admin = api
    subscribe(client, admin, receiver.url, ["article.published", "article.created"])
    with Session(fresh_database.engine) as session:
        before = session.exec(select(func.count()).select_from(Event)).one()
        articles_service.create_article(
            session, ArticleInput(title="Never happened", status=Status.published), key=None
        )
        assert session.exec(select(func.count()).select_from(WebhookDelivery)).one() == 1
        session.rollback()
        assert session.exec(select(func.count()).select_from(Event)).one() == before
        assert session.exec(select(func.count()).select_from(WebhookDelivery)).one() == 0
    drain(fresh_database)
    assert receiver.received == []


def test_a_delivery_can_be_resent(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
) -> None:
    client, admin = api
    hook = subscribe(client, admin, receiver.url, ["article.published"])
    publish(client, admin, "Again please")
    drain(fresh_database)
    (delivery,) = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()
    resent = client.post(
        f"/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/resend", headers=admin
    )
    assert resent.status_code == 202
    drain(fresh_database)
    assert len(receiver.received) == 2
    assert json.loads(receiver.received[0][1]) == json.loads(receiver.received[1][1])
    assert (
        client.post(f"/v1/webhooks/{hook['id']}/deliveries/99999/resend", headers=admin).status_code
        == 404
    )


def test_a_scheduled_article_is_announced_when_it_comes_due(
    api: tuple[TestClient, dict[str, str]],
    fresh_database: Database,
    receiver: Receiver,
) -> None:
    client, admin = api
    subscribe(client, admin, receiver.url, ["article.published"])
    due = datetime.now(UTC) + timedelta(seconds=1)
    created = client.post(
        "/v1/articles",
        json={"title": "Later", "status": "scheduled", "publish_at": due.isoformat()},
        headers=admin,
    ).json()
    drain(fresh_database)
    assert receiver.received == []
    time.sleep(1.2)
    drain(fresh_database)
    ((_, body),) = receiver.received
    assert json.loads(body)["data"]["id"] == created["id"]
