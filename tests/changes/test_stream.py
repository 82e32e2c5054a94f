"""/v1/changes/stream through the app: what a stream holds (its start, each change with the
id to resume after it), who sees what, its filters, resuming with Last-Event-ID or since, and
its refusals. Here a stream ends after a moment (FOLIO_STREAM_MAX_SECONDS), so that a test
client reads it whole; tests/system/test_live_changes.py follows one on live servers."""

import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlmodel import Session

from api.changes import stream
from api.core.workflow import Status
from api.labels.models import LabelInput
from api.labels.service import tags
from tests.conftest import Configure, Keys
from tests.helpers import make_article
from tests.studio.test_article_pages import as_person
from tests.system.test_statements import statements

Events = list[tuple[str | None, str, Any]]


def parse(text: str) -> Events:
    """The stream's events as (id, event, data), comments and ``retry`` left out."""
    found: Events = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            name, value = line.split(":", 1)
            fields[name] = value.removeprefix(" ")
        if "event" in fields:
            found.append((fields.get("id"), fields["event"], json.loads(fields["data"])))
    return found


def read(client: TestClient, query: str = "", **headers: str) -> Events:
    answer = client.get(f"/v1/changes/stream{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.text.startswith("retry: 2000\n")
    return parse(answer.text)


@pytest.fixture(autouse=True)
def short(configure: Configure) -> None:
    configure(FOLIO_STREAM_MAX_SECONDS="0.05", FOLIO_LOCALES="en,de")


def test_a_stream_starts_now_and_resumes_after_any_event_it_sent(
    client: TestClient, keys: Keys
) -> None:
    write = keys.auth("write")
    ((start, kind, data),) = read(client)  # nothing happened since it began
    assert kind == "ready"
    assert data == {"since": start}
    client.patch("/v1/roles/fractional-caio", json={"definition": "Part time."}, headers=write)
    client.patch("/v1/articles/1", json={"summary": "Streamed."}, headers=write)
    events = read(client, f"?since={start}")
    assert [(e[1], e[2].get("type"), e[2].get("id")) for e in events] == [
        ("ready", None, None),
        ("change", "roles", 2),
        ("change", "articles", 1),
    ]
    role, article = events[1], events[2]
    assert role[2]["resource"]["definition"] == "Part time."
    assert article[2]["resource"]["summary"] == "Streamed."
    # The entry is the one /v1/changes gives, and its id the token to go on from.
    listed = client.get("/v1/changes", params={"since": start}).json()
    assert [e[2] for e in events[1:]] == listed["data"]
    assert article[0] == listed["meta"]["next_since"]
    # Last-Event-ID (an EventSource reconnecting) wins over since: only what came after it.
    again = read(client, f"?since={start}", **{"Last-Event-ID": role[0] or ""})
    assert [(e[1], e[2].get("id")) for e in again] == [("ready", None), ("change", 1)]
    assert again[0][0] == role[0]
    assert read(client, "", **{"Last-Event-ID": article[0] or ""})[1:] == []


def test_anonymous_streams_get_public_changes_and_keys_get_drafts_too(
    client: TestClient, keys: Keys
) -> None:
    ((start, _, _),) = read(client)
    made = client.post("/v1/articles", json={"title": "Not yet"}, headers=keys.auth("write"))
    assert made.status_code == 201
    assert read(client, f"?since={start}")[1:] == []
    (_, (_, kind, data)) = read(client, f"?since={start}", **keys.auth("read"))
    assert (kind, data["slug"], data["resource"]["status"]) == ("change", "not-yet", "draft")


def test_a_stream_keeps_to_the_kinds_and_the_locale_asked_for(
    client: TestClient, keys: Keys
) -> None:
    write = keys.auth("write")
    ((start, _, _),) = read(client)
    client.patch("/v1/articles/1", json={"summary": "English."}, headers=write)
    client.put(
        "/v1/roles/fractional-caio/translations/de",
        json={"name": "Teilzeit-CAIO", "definition": "Auf Zeit.", "status": "published"},
        headers=write,
    )
    client.post("/v1/tags", json={"name": "Streams"}, headers=write)

    def seen(query: str) -> list[tuple[str, str]]:
        return [(d["type"], d["locale"]) for _, _, d in read(client, f"?since={start}{query}")[1:]]

    assert seen("") == [("articles", "en"), ("roles", "de"), ("tags", "en")]
    assert seen("&type=roles,tags") == [("roles", "de"), ("tags", "en")]
    assert seen("&type=articles&locale=en") == [("articles", "en")]
    assert seen("&locale=DE") == [("roles", "de")]


@pytest.mark.parametrize(
    ("query", "headers", "status", "where"),
    [
        ("?since=nope", {}, 422, "since"),
        ("?since=" + "x" * 65, {}, 422, "since"),
        ("", {"Last-Event-ID": "nope"}, 422, '["header", "Last-Event-ID"]'),
        ("?type=people", {}, 422, "type"),
        ("?type=articles,", {}, 422, "type"),
        ("?locale=xx", {}, 422, "locale"),
        ("?limit=5", {}, 422, "limit"),
        ("", {"Authorization": "Bearer folio_000000000000_nope"}, 401, None),
    ],
)
def test_bad_streams_are_refused_as_problems(
    client: TestClient, query: str, headers: dict[str, str], status: int, where: str | None
) -> None:
    answer = client.get(f"/v1/changes/stream{query}", headers=headers)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    if where is not None:
        assert where in json.dumps(answer.json()["errors"])


def test_a_process_serves_a_bounded_number_of_streams(
    client: TestClient, configure: Configure
) -> None:
    configure(FOLIO_STREAM_MAX_PER_PROCESS="0")
    refused = client.get("/v1/changes/stream")
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["type"] == "urn:folio:problem:streams-full"


def test_the_studio_follows_the_same_stream_with_drafts_for_a_signed_in_person(
    client: TestClient, session: Session, keys: Keys
) -> None:
    refused = client.get("/studio/changes/stream", follow_redirects=False)
    assert refused.status_code == 303  # a person signs in first
    as_person(client, session, "contributor")
    editor = client.get("/studio/roles/2")
    notice = re.search(
        r'<p id="changed-elsewhere" [^>]*data-since="([^"]+)"[^>]*hidden>', editor.text
    )
    assert notice, editor.text[:3000]
    assert 'role="status"' in notice.group(0)
    assert 'data-id="2"' in notice.group(0)
    client.post("/v1/articles", json={"title": "A draft"}, headers=keys.auth("write"))
    answer = client.get(
        f"/studio/changes/stream?since={notice.group(1)}&locale=en",
        headers={"Accept": "text/event-stream"},
    )
    assert answer.status_code == 200
    (_, (_, kind, data)) = parse(answer.text)
    assert (kind, data["slug"], data["resource"]["status"]) == ("change", "a-draft", "draft")


def test_a_draining_node_ends_its_streams_and_asks_their_clients_back_soon(
    client: TestClient, configure: Configure
) -> None:
    """A node told to stop (SIGTERM: ``state.draining``) ends a stream after what it has to
    send, with a shorter ``retry``: its client connects again once the balancer has taken the
    node out, and resumes on another node (``make fleet-test`` follows that through HAProxy)."""
    configure(FOLIO_STREAM_MAX_SECONDS="30")  # were it not draining, it would go on
    state: Any = client.app.state  # type: ignore[attr-defined]
    state.draining = True
    try:
        started = time.monotonic()
        answer = client.get("/v1/changes/stream")
        took = time.monotonic() - started
    finally:
        state.draining = False
    assert answer.status_code == 200
    assert took < 10
    assert answer.text.startswith(f"retry: {stream.RECONNECT_MS}\n")
    assert answer.text.endswith(f"retry: {stream.DRAIN_RECONNECT_MS}\n\n")
    assert stream.DRAIN_RECONNECT_MS < stream.RECONNECT_MS
    assert [kind for _, kind, _ in parse(answer.text)] == ["ready"]


def test_a_client_that_stops_reading_is_closed_and_its_stream_let_go() -> None:
    """The stream's response itself, as the server drives it: a ``send`` that never takes an
    event (a client whose buffers are full) ends the response within the send timeout, and
    the stream it was reading is closed (its count in ``Signal.open`` and /metrics drops)."""
    signal = stream.Signal()
    closed: list[bool] = []

    async def events() -> AsyncIterator[bytes]:
        signal.open += 1
        try:
            while True:
                yield b"data: {}\n\n"
        finally:
            signal.open -= 1
            closed.append(True)

    async def stuck(message: Any) -> None:
        if message["type"] == "http.response.body":
            await anyio.sleep_forever()

    async def receive() -> Any:
        await anyio.sleep_forever()

    async def serve() -> float:
        started = time.monotonic()
        response = stream.EventStream(events(), send_timeout=0.2)
        scope = {"type": "http", "asgi": {"spec_version": "2.4"}, "method": "GET"}
        with anyio.fail_after(10):
            await response(scope, receive, stuck)
        assert closed == [True]  # at once, not when the garbage is collected
        return time.monotonic() - started

    took = anyio.run(serve)
    assert 0.2 <= took < 5
    assert closed == [True]
    assert signal.open == 0


def test_a_quiet_stream_sends_heartbeats_and_reads_nothing_meanwhile(
    client: TestClient, connection: Connection, configure: Configure
) -> None:
    """Nothing changed: the stream reads once, then only sends a comment now and then (no
    stream polls the database)."""
    with statements(connection) as once:
        client.get("/v1/changes/stream")  # one read, then the end (this test's setting)
    # Its life long enough for a few heartbeats after a read however slow the machine is.
    configure(FOLIO_STREAM_MAX_SECONDS="1.5", FOLIO_STREAM_HEARTBEAT_SECONDS="0.05")
    with statements(connection) as quiet:
        answer = client.get("/v1/changes/stream")
    assert answer.text.count("\n: heartbeat\n\n") >= 3
    assert len(quiet) == len(once)


def test_a_backlog_longer_than_a_read_comes_whole_in_order_once(
    client: TestClient, session: Session, keys: Keys
) -> None:
    """More changes than one read takes (a page of 100): the stream reads on until none is
    left, each change once, in commit order, drafts only for a key."""
    ((start, _, _),) = read(client)
    for n in range(130):
        tags.create(session, LabelInput(name=f"Tag {n:03}"), key=None)
        if n % 10 == 0:  # a draft article beside every tenth tag
            make_article(session, title=f"Draft {n:03}", status=Status.draft)
    session.commit()
    anonymous = [d["slug"] for _, kind, d in read(client, f"?since={start}") if kind == "change"]
    tag_slugs = [f"tag-{n:03}" for n in range(130)]
    assert anonymous == [tag_slugs[0], "test-author", *tag_slugs[1:]]  # the drafts' byline
    keyed = read(client, f"?since={start}", **keys.auth("read"))[1:]
    assert len(keyed) == 130 + 1 + 13
    ids = [event_id for event_id, _, _ in keyed]
    assert len(set(ids)) == len(ids)
    drafts = [d["resource"] for _, _, d in keyed if d["type"] == "articles"]
    assert [(a["title"], a["status"]) for a in drafts] == [
        (f"Draft {n:03}", "draft") for n in range(0, 130, 10)
    ]
