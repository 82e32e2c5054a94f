"""Webhooks against a real receiver on loopback: signed per Standard Webhooks, retried with
backoff, never sent twice at once, never for a change that rolled back."""

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook as Verifier

from api.articles import service as articles_service
from api.articles.models import ArticleInput
from api.core.clock import Clock
from api.core.workflow import Status
from api.events.models import Event
from api.main import create_app
from api.webhooks import targets, worker
from api.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from api.webhooks.worker import run_once
from tests.conftest import Configure, Database, eventually, free_port, running_server, settings_for
from tests.helpers import body_of, key_in, scheduled_article


@dataclass
class Receiver:
    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer with, then 200
    delay: float = 0.0  # seconds before answering
    drip: bool = False  # answer one byte a second
    in_flight: set[str] = field(default_factory=set)
    overlaps: list[str] = field(default_factory=list)  # a delivery sent while still being sent

    def ids(self) -> list[str]:
        return [headers["webhook-id"] for headers, _ in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            message_id = self.headers["webhook-id"]
            with lock:
                state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = state.answers.pop(0) if state.answers else 200
                if message_id in state.in_flight:
                    state.overlaps.append(message_id)
                state.in_flight.add(message_id)
            try:
                time.sleep(state.delay)
                if state.drip:
                    self._drip()
                    return
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", state.url + "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
            finally:
                with lock:
                    state.in_flight.discard(message_id)

        def _drip(self) -> None:
            try:
                for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass  # the worker gave up and closed the connection

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
def settings(configure: Configure) -> None:
    configure(
        FOLIO_WEBHOOK_ALLOW_PRIVATE="true",  # the receiver is on loopback
        FOLIO_WEBHOOK_BACKOFF_SECONDS="0.05",
        FOLIO_WEBHOOK_TIMEOUT_SECONDS="5",
    )


@dataclass
class Hooks:
    """The app with an admin key, its database and a receiver on loopback."""

    client: TestClient
    admin: dict[str, str]
    database: Database
    receiver: Receiver

    def subscribe(self, url: str, events: list[str]) -> dict[str, Any]:
        response = self.client.post(
            "/v1/webhooks", json={"url": url, "events": events}, headers=self.admin
        )
        assert response.status_code == 201, response.text
        return body_of(response)

    def publish(self, title: str) -> dict[str, Any]:
        response = self.client.post(
            "/v1/articles", json={"title": title, "status": "published"}, headers=self.admin
        )
        assert response.status_code == 201
        return body_of(response)

    def deliveries(self, hook: dict[str, Any]) -> list[dict[str, Any]]:
        answer = self.client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=self.admin)
        deliveries: list[dict[str, Any]] = answer.json()["data"]
        return deliveries

    def drain(self, *, rounds: int = 20, pause: float = 0.1) -> None:
        """Worker rounds until nothing is pending (retries wait out their short backoff)."""
        for _ in range(rounds):
            run_once(self.database.engine)
            with Session(self.database.engine) as session:
                pending = session.exec(
                    select(func.count())
                    .select_from(WebhookDelivery)
                    .where(WebhookDelivery.status == "pending")
                ).one()
            if not pending:
                return
            time.sleep(pause)


@pytest.fixture
def hooks(fresh_database: Database, receiver: Receiver, settings: None) -> Hooks:
    admin = key_in(fresh_database.engine, "admin", "admin")
    app = create_app(settings_for(fresh_database.url), engine=fresh_database.engine)
    return Hooks(TestClient(app), {"Authorization": f"Bearer {admin}"}, fresh_database, receiver)


def test_subscriptions_show_the_secret_once_and_store_it_encrypted(hooks: Hooks) -> None:
    client, admin, receiver = hooks.client, hooks.admin, hooks.receiver
    created = hooks.subscribe(receiver.url, ["article.published", "role.updated"])
    assert created["secret"].startswith("whsec_")
    listed = client.get("/v1/webhooks", headers=admin).json()["data"]
    assert listed[0]["events"] == ["article.published", "role.updated"]
    assert all("secret" not in w for w in listed)
    assert "secret" not in client.get(f"/v1/webhooks/{created['id']}", headers=admin).json()
    with Session(hooks.database.engine) as session:
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
def test_bad_subscriptions_are_refused(hooks: Hooks, body: dict[str, Any], status: int) -> None:
    client, admin = hooks.client, hooks.admin
    assert client.post("/v1/webhooks", json=body, headers=admin).status_code == status
    assert client.get("/v1/webhooks", headers=admin).json()["data"] == []


def test_private_targets_are_refused_unless_allowed(hooks: Hooks, configure: Configure) -> None:
    client, admin = hooks.client, hooks.admin
    configure(FOLIO_WEBHOOK_ALLOW_PRIVATE="false")
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
        assert "FOLIO_WEBHOOK_ALLOW_PRIVATE=true" in response.json()["detail"]  # how to allow
    unresolvable = "https://" + "0" * 300 + "/x"  # a label the IDNA codec refuses
    response = client.post(
        "/v1/webhooks", json={"url": unresolvable, "events": ["article.published"]}, headers=admin
    )
    assert response.status_code == 422
    assert "does not resolve" in response.json()["detail"]


def test_the_worker_links_to_the_server_that_made_the_change(
    fresh_database: Database, receiver: Receiver, tmp_path: Path
) -> None:
    """``folio serve`` and ``folio worker`` on a port that is not the default, each told it by
    the same setting (FOLIO_PORT): a delivered payload's ``url`` is a page of that server."""
    admin = key_in(fresh_database.engine, "admin", "admin")
    auth = {"Authorization": f"Bearer {admin}"}
    env = {"FOLIO_PORT": str(free_port()), "FOLIO_WEBHOOK_ALLOW_PRIVATE": "true"}
    with (
        running_server(fresh_database.url, tmp_path / "server.log", env) as base,
        httpx.Client(base_url=base, timeout=10) as http,
    ):
        hook = {"url": receiver.url, "events": ["article.published"]}
        assert http.post("/v1/webhooks", json=hook, headers=auth).status_code == 201
        created = http.post(
            "/v1/articles", json={"title": "Away from 8000", "status": "published"}, headers=auth
        )
        assert created.status_code == 201
        subprocess.run(
            [sys.executable, "-m", "api.cli", "worker", "--once"],
            env={**os.environ, **env, "DATABASE_URL": fresh_database.url},
            check=True,
            capture_output=True,
            timeout=60,
        )
        [(_, body)] = receiver.received
        url = json.loads(body)["data"]["url"]
        assert url == f"{base}/v1/articles/away-from-8000"
        assert http.get(url).json()["title"] == "Away from 8000"


def test_only_admin_keys_manage_webhooks(hooks: Hooks) -> None:
    client = hooks.client
    write = key_in(hooks.database.engine, "w", "write")
    headers = {"Authorization": f"Bearer {write}"}
    assert client.get("/v1/webhooks", headers=headers).status_code == 403
    assert client.get("/v1/webhooks").status_code == 401


def test_a_delivery_is_signed_and_verifiable(hooks: Hooks) -> None:
    receiver = hooks.receiver
    hook = hooks.subscribe(receiver.url, ["article.published"])
    article = hooks.publish("Announced")
    hooks.drain()
    ((headers, body),) = receiver.received
    payload = Verifier(hook["secret"]).verify(body, headers)
    assert payload["type"] == "article.published"
    assert payload["data"]["slug"] == article["slug"]
    assert payload["data"]["url"] == article["url"]
    with pytest.raises(Exception, match="signature"):
        Verifier("whsec_" + "A" * 43 + "=").verify(body, headers)
    deliveries = hooks.deliveries(hook)
    assert [(d["event_type"], d["status"]) for d in deliveries] == [
        ("article.published", "delivered")
    ]
    assert deliveries[0]["attempts"][0]["status_code"] == 200


def test_a_failing_receiver_is_retried_until_it_answers(hooks: Hooks) -> None:
    receiver = hooks.receiver
    hook = hooks.subscribe(receiver.url, ["article.published"])
    receiver.answers = [500, 503]
    hooks.publish("Third time lucky")
    hooks.drain()
    assert len(receiver.received) == 3
    assert len(set(receiver.ids())) == 1  # the same message, retried
    (delivery,) = hooks.deliveries(hook)
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 200]
    first, second, third = (datetime.fromisoformat(a["started_at"]) for a in delivery["attempts"])
    assert second - first >= timedelta(seconds=0.02)  # backed off
    assert third - second >= timedelta(seconds=0.04)  # and longer the second time


def test_redirects_are_not_followed(hooks: Hooks, configure: Configure) -> None:
    receiver = hooks.receiver
    configure(FOLIO_WEBHOOK_MAX_ATTEMPTS="1")
    hook = hooks.subscribe(receiver.url, ["article.published"])
    receiver.answers = [302]
    hooks.publish("Moved away")
    hooks.drain()
    assert len(receiver.received) == 1  # not the redirect target too
    (delivery,) = hooks.deliveries(hook)
    assert delivery["status"] == "failed"
    assert delivery["attempts"][0]["error"] == "answered 302"


def test_a_webhook_that_keeps_failing_is_disabled(hooks: Hooks, configure: Configure) -> None:
    client, admin, receiver = hooks.client, hooks.admin, hooks.receiver
    configure(
        FOLIO_WEBHOOK_MAX_ATTEMPTS="2",
        FOLIO_WEBHOOK_DISABLE_AFTER="3",
    )
    hook = hooks.subscribe(receiver.url, ["article.published"])
    receiver.answers = [500] * 10
    hooks.publish("One")
    hooks.publish("Two")
    hooks.drain()
    state = client.get(f"/v1/webhooks/{hook['id']}", headers=admin).json()
    assert state["enabled"] is False
    assert "failed attempts in a row" in state["disabled_reason"]
    hooks.publish("Three")
    hooks.drain()
    assert len(receiver.received) <= 4  # nothing for the event after it was disabled


def test_two_workers_never_send_one_delivery_twice(hooks: Hooks) -> None:
    receiver = hooks.receiver
    hooks.subscribe(receiver.url, ["article.published"])
    for n in range(20):
        hooks.publish(f"Busy {n}")
    start = threading.Barrier(2)

    def work() -> None:
        start.wait(timeout=10)
        hooks.drain(pause=0.01)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(receiver.received) == 20
    assert len(set(receiver.ids())) == 20


def test_no_event_and_no_delivery_for_a_change_that_rolls_back(hooks: Hooks) -> None:
    receiver = hooks.receiver
    hooks.subscribe(receiver.url, ["article.published", "article.created"])
    with Session(hooks.database.engine) as session:
        before = session.exec(select(func.count()).select_from(Event)).one()
        articles_service.create_article(
            session, ArticleInput(title="Never happened", status=Status.published), key=None
        )
        assert session.exec(select(func.count()).select_from(WebhookDelivery)).one() == 1
        session.rollback()
        assert session.exec(select(func.count()).select_from(Event)).one() == before
        assert session.exec(select(func.count()).select_from(WebhookDelivery)).one() == 0
    hooks.drain()
    assert receiver.received == []


def test_a_delivery_can_be_resent(hooks: Hooks) -> None:
    client, admin, receiver = hooks.client, hooks.admin, hooks.receiver
    hook = hooks.subscribe(receiver.url, ["article.published"])
    hooks.publish("Again please")
    hooks.drain()
    (delivery,) = hooks.deliveries(hook)
    resent = client.post(
        f"/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/resend", headers=admin
    )
    assert resent.status_code == 202
    hooks.drain()
    assert len(receiver.received) == 2
    assert json.loads(receiver.received[0][1]) == json.loads(receiver.received[1][1])
    assert (
        client.post(f"/v1/webhooks/{hook['id']}/deliveries/99999/resend", headers=admin).status_code
        == 404
    )


@pytest.mark.calendar
def test_a_scheduled_article_is_announced_when_it_comes_due(
    hooks: Hooks, frozen_clock: Clock
) -> None:
    client, admin, receiver = hooks.client, hooks.admin, hooks.receiver
    hooks.subscribe(receiver.url, ["article.published"])
    now = frozen_clock.freeze(datetime.now(UTC))  # the worker's "due" is read from it
    created = scheduled_article(client, admin, "Later", now + timedelta(minutes=5))
    hooks.drain()
    assert receiver.received == []
    frozen_clock.freeze(now + timedelta(minutes=5, seconds=1))
    hooks.drain()
    ((_, body),) = receiver.received
    assert json.loads(body)["data"]["id"] == created["id"]


def test_two_workers_never_overlap_on_a_delivery_past_its_lease(
    hooks: Hooks, monkeypatch: pytest.MonkeyPatch, configure: Configure
) -> None:
    """One worker claims a batch that takes longer to send than its claim lasts; the other
    takes over what the first has not reached, and neither sends what the other does."""
    receiver = hooks.receiver
    configure(FOLIO_WEBHOOK_TIMEOUT_SECONDS="1")
    monkeypatch.setattr(worker, "LEASE_MARGIN", timedelta(seconds=0.5))  # a claim: 1.5 s
    receiver.delay = 0.3
    hooks.subscribe(receiver.url, ["article.published"])
    for n in range(12):
        hooks.publish(f"Slow {n}")
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=worker.run,
            args=(hooks.database.engine,),
            kwargs={"interval": 0.05, "stop": stop},
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    assert eventually(lambda: len(set(receiver.ids())) == 12, timeout=30)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert receiver.overlaps == []  # never sent while it was being sent
    with Session(hooks.database.engine) as session:
        attempts = session.exec(
            select(WebhookAttempt.delivery_id, WebhookAttempt.number, WebhookAttempt.status_code)
        ).all()
        delivered = session.exec(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.status == "delivered")
        ).one()
    numbers = [(delivery, number) for delivery, number, _ in attempts]
    assert len(numbers) == len(set(numbers))  # one number each
    # Every request the receiver saw is a recorded attempt (one that timed out on a loaded
    # machine before reaching it is recorded too, and retried), and each delivery was
    # answered once.
    assert len(receiver.received) <= len(attempts)
    answered = [delivery for delivery, _, status in attempts if status is not None]
    assert len(answered) == len(set(answered)) == delivered == 12


def test_the_timeout_bounds_the_whole_attempt(hooks: Hooks, configure: Configure) -> None:
    receiver = hooks.receiver
    # A retry far enough off that this round cannot reach it, however slow the machine.
    configure(FOLIO_WEBHOOK_TIMEOUT_SECONDS="1.5", FOLIO_WEBHOOK_BACKOFF_SECONDS="600")
    receiver.drip = True  # each byte well within a read timeout, the whole far past it
    hook = hooks.subscribe(receiver.url, ["article.published"])
    hooks.publish("Dripped")
    started = time.monotonic()
    run_once(hooks.database.engine)
    # The drip's answer takes 38 s: a round far shorter was cut by the timeout (the attempt
    # itself is bounded tightly below; the round also waits on a database a busy machine slows).
    assert time.monotonic() - started < 15
    (delivery,) = hooks.deliveries(hook)
    (attempt,) = delivery["attempts"]
    assert attempt["error"] == "no whole answer within 1.5 s"
    assert attempt["duration_ms"] < 2500
    assert delivery["status"] == "pending"  # to be retried


def test_a_delivery_goes_to_the_address_that_was_checked(
    hooks: Hooks, monkeypatch: pytest.MonkeyPatch, configure: Configure
) -> None:
    """A name is resolved once per attempt, and the connection goes to that address with the
    name in Host: a resolver that answers differently the next time (DNS rebinding) cannot
    send a delivery elsewhere."""
    receiver = hooks.receiver
    port = int(receiver.url.split(":")[2].split("/")[0])
    answers = iter(["127.0.0.1", "192.0.2.1", "127.0.0.1", "192.0.2.1"])
    lookups: list[str] = []

    def rebinding(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        return [(2, 1, 6, "", (next(answers), 0))]

    monkeypatch.setattr(targets, "getaddrinfo", rebinding)
    # The retry is due 1.5 to 4.5 s after the first attempt ends: never within the first
    # round, even on a loaded machine (at 0.5 s, a round's next claim once came after it).
    configure(FOLIO_WEBHOOK_BACKOFF_SECONDS="3")
    hooks.subscribe(f"http://hooks.folio.test:{port}/hooks", ["article.published"])
    hooks.publish("Pinned")
    run_once(hooks.database.engine)
    assert lookups == ["hooks.folio.test", "hooks.folio.test"]  # when saved, when sent
    assert receiver.received == []  # sent to 192.0.2.1, the address it resolved to then
    # the retry, once its backoff is over, resolves to 127.0.0.1 this time
    hooks.drain(rounds=150, pause=0.1)  # at most 15 s: the retry's 4.5 s, on a loaded machine
    assert len(receiver.received) == 1
    headers, _ = receiver.received[0]
    assert headers["host"] == f"hooks.folio.test:{port}"


REFUSED = [
    "http://127.0.0.1/x",
    "http://127.1/x",
    "http://2130706433/x",
    "http://0x7f000001/x",
    "http://0177.0.0.1/x",
    "http://0x7f.0x0.0x0.0x1/x",
    "http://localhost/x",
    "http://user:pass@127.0.0.1:8080/x",
    "http://[::1]/x",
    "http://[::]/x",
    "http://[0:0:0:0:0:0:0:1]/x",
    "http://[::ffff:127.0.0.1]/x",
    "http://[::ffff:7f00:1]/x",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/x",
    "http://[::127.0.0.1]/x",
    "http://[::7f00:1]/x",
    "http://[64:ff9b::7f00:1]/x",
    "http://[64:ff9b::127.0.0.1]/x",
    "http://[64:ff9b::a9fe:a9fe]/latest",
    "http://[64:ff9b::169.254.169.254]/latest",
    "http://[64:ff9b::a00:1]/x",
    "http://[64:ff9b::c0a8:101]/x",
    "http://[64:ff9b:1::a9fe:a9fe]/x",
    "http://[64:ff9b:1::101:101]/x",
    "http://[2002:7f00:1::]/x",
    "http://[2002:a9fe:a9fe::1]/x",
    "http://[2002:a00:1::1]/x",
    "http://[2002:c0a8:101::1]/x",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x",
    "http://[2001::1]/x",
    "http://[::ffff:169.254.169.254]/x",
    "http://[::ffff:a9fe:a9fe]/x",
    "http://[::ffff:10.0.0.1]/x",
    "http://[::ffff:192.168.1.1]/x",
    "http://[::ffff:100.64.0.1]/x",
    "http://[fe80::1]/x",
    "http://[fec0::1]/x",  # site-local (deprecated, still routed in some networks)
    "http://[feff::1]/x",
    "http://[::ffff:0:7f00:1]/x",  # IPv4-translated 127.0.0.1 (RFC 2765)
    "http://[::ffff:0:127.0.0.1]/x",
    "http://[::ffff:0:a9fe:a9fe]/latest",
    "http://[fe80::1%25eth0]/x",
    "http://[fc00::1]/x",
    "http://[fd00:ec2::254]/latest",
    "http://[ff02::1]/x",
    "http://[100::1]/x",
    "http://[2001:db8::1]/x",
    "http://169.254.169.254/latest/meta-data",
    "http://169.254.170.2/v2/credentials",
    "http://100.100.100.200/latest",
    "http://10.0.0.1/x",
    "http://10.255.255.255/x",
    "http://172.16.0.1/x",
    "http://172.31.255.255/x",
    "http://192.168.0.1/x",
    "http://100.64.0.1/x",
    "http://100.127.255.255/x",
    "http://0.0.0.0/x",
    "http://0/x",
    "http://224.0.0.1/x",
    "http://239.255.255.250/x",
    "http://255.255.255.255/x",
    "http://198.18.0.1/x",
    "http://192.0.0.1/x",
    "http://192.0.2.1/x",
    "http://198.51.100.1/x",
    "http://203.0.113.1/x",
    "http://240.0.0.1/x",
    "http://127.0.0.1.nip.invalid/x",
    "https://" + "0" * 300 + "/x",
    "http://[/x",
    "http://:80/x",
    "http://%31%32%37.0.0.1/x",
]
ACCEPTED = [
    "http://1.1.1.1/x",
    "https://8.8.8.8:8443/x",
    "http://[2606:4700:4700::1111]/x",
    "http://[64:ff9b::101:101]/x",
    "http://[2002:101:101::1]/x",
    "http://[::ffff:1.1.1.1]/x",
]


def test_every_spelling_of_a_private_address_is_refused(hooks: Hooks, configure: Configure) -> None:
    client, admin = hooks.client, hooks.admin
    configure(FOLIO_WEBHOOK_ALLOW_PRIVATE="false")
    assert len(REFUSED) >= 68
    for url in REFUSED:
        response = client.post(
            "/v1/webhooks", json={"url": url, "events": ["article.published"]}, headers=admin
        )
        assert response.status_code == 422, (url, response.text)
        assert response.json()["errors"][0]["loc"] == ["body", "url"], url
    for url in ACCEPTED:
        response = client.post(
            "/v1/webhooks", json={"url": url, "events": ["article.published"]}, headers=admin
        )
        assert response.status_code == 201, (url, response.text)


def test_a_delivery_carries_the_request_id_of_the_change(hooks: Hooks) -> None:
    client, admin, receiver = hooks.client, hooks.admin, hooks.receiver
    hooks.subscribe(receiver.url, ["article.published"])
    response = client.post(
        "/v1/articles",
        json={"title": "Traced", "status": "published"},
        headers={**admin, "X-Request-ID": "editor-save-42"},
    )
    assert response.headers["x-request-id"] == "editor-save-42"
    hooks.drain()
    ((headers, _),) = receiver.received
    assert headers["x-request-id"] == "editor-save-42"
    with Session(hooks.database.engine) as session:
        event = session.exec(select(Event).where(Event.slug == "traced")).one()
        assert event.request_id == "editor-save-42"


def test_a_test_delivery_is_signed_sent_once_and_says_what_the_receiver_answered(
    hooks: Hooks, configure: Configure
) -> None:
    receiver, client = hooks.receiver, hooks.client
    hook = hooks.subscribe(receiver.url, ["article.published"])
    changes = client.get("/v1/changes", headers=hooks.admin).json()["data"]
    answer = client.post(f"/v1/webhooks/{hook['id']}/test", headers=hooks.admin)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["delivered"] is True
    assert result["status_code"] == 200
    assert result["error"] is None
    assert result["duration_ms"] >= 0
    ((headers, body),) = receiver.received
    payload = Verifier(hook["secret"]).verify(body, headers)
    assert payload["type"] == "webhook.test"
    assert payload["data"]["webhook"] == hook["id"]
    # Not an event: no delivery, nothing in the changes, nothing retried.
    assert hooks.deliveries(hook) == []
    assert client.get("/v1/changes", headers=hooks.admin).json()["data"] == changes
    # A receiver that fails: said, and not retried.
    receiver.answers.append(500)
    failed = client.post(f"/v1/webhooks/{hook['id']}/test", headers=hooks.admin).json()
    assert failed["delivered"] is False
    assert failed["status_code"] == 500
    assert failed["error"] == "answered 500"
    hooks.drain(rounds=2)
    assert len(receiver.received) == 2
    # A target no longer allowed is refused before anything is sent.
    configure(FOLIO_WEBHOOK_ALLOW_PRIVATE="false")
    refused = client.post(f"/v1/webhooks/{hook['id']}/test", headers=hooks.admin).json()
    assert refused["delivered"] is False
    assert refused["status_code"] is None
    assert "FOLIO_WEBHOOK_ALLOW_PRIVATE" in refused["error"]
    assert len(receiver.received) == 2
    # Unknown webhooks, other keys and bodies: refused.
    assert client.post("/v1/webhooks/999999/test", headers=hooks.admin).status_code == 404
    assert client.post("/v1/webhooks/0/test", headers=hooks.admin).status_code == 422
    assert client.post(f"/v1/webhooks/{hook['id']}/test").status_code == 401
