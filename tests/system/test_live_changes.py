"""The change stream on live servers (``folio serve``): two nodes on one database, a reader on
one and a writer on the other; the reader's node stops, and the reader resumes on the other
node from its last event, missing nothing and getting nothing twice."""

import json
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.conftest import Database, eventually, running_server
from tests.helpers import key_in

WAIT = 10.0  # seconds an event may take on a loaded machine (it takes well under one here)


class Reader:
    """An EventSource's part, in a thread: the events of one stream, as they come."""

    def __init__(self, url: str, last_event_id: str | None = None) -> None:
        self.events: queue.Queue[tuple[str | None, str, Any] | None] = queue.Queue()
        self.headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
        self.url = url
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            with httpx.stream("GET", self.url, headers=self.headers, timeout=30) as answer:
                assert answer.headers["content-type"].startswith("text/event-stream")
                for line in answer.iter_lines():
                    if not line:
                        if "event" in fields:
                            data = json.loads(fields["data"])
                            self.events.put((fields.get("id"), fields["event"], data))
                        fields = {}
                    elif not line.startswith(":") and ":" in line:
                        name, value = line.split(":", 1)
                        fields[name] = value.removeprefix(" ")
        except httpx.HTTPError:
            pass
        finally:
            self.events.put(None)  # the stream ended

    def next(self) -> tuple[str | None, str, Any]:
        """The next event (it fails if the stream ended instead)."""
        found = self.events.get(timeout=WAIT)
        assert found is not None, "the stream ended"
        return found

    def ended(self) -> bool:
        """Whether the stream ends next, with no event before."""
        return self.events.get(timeout=WAIT) is None


@contextmanager
def node(database: Database, folder: Path, name: str) -> Iterator[str]:
    with running_server(database.url, folder / f"{name}.log") as base:
        yield base


def retitle(base: str, token: str, title: str) -> None:
    answer = httpx.patch(
        f"{base}/v1/articles/1",
        json={"title": title},
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert answer.status_code == 200, answer.text


def test_a_reader_follows_another_nodes_writes_and_resumes_across_a_restart(
    fresh_database: Database, tmp_path: Path
) -> None:
    token = key_in(fresh_database.engine, "writer", "write")
    with node(fresh_database, tmp_path, "a") as a:
        with node(fresh_database, tmp_path, "b") as b:
            reader = Reader(f"{b}/v1/changes/stream?type=articles")
            assert reader.next()[1] == "ready"
            written = time.monotonic()
            retitle(a, token, "Written on node a")
            change = reader.next()
            took = time.monotonic() - written
            last_id, kind, data = change
            assert (kind, data["id"], data["resource"]["title"]) == (
                "change",
                1,
                "Written on node a",
            )
            assert took < WAIT
        # Node b stopped: its stream ended at once (no wait for its five minutes).
        assert reader.ended()
        reader.thread.join(timeout=WAIT)
        assert not reader.thread.is_alive()
        # Written while the reader was away; it comes back through node a from its last id.
        retitle(a, token, "Written while away")
        resumed = Reader(f"{a}/v1/changes/stream?type=articles", last_event_id=last_id)
        assert resumed.next()[0] == last_id  # ready: where it starts again
        missed = resumed.next()
        assert (missed[2]["id"], missed[2]["resource"]["title"]) == (1, "Written while away")
        # Nothing twice: the next event is a later write, not one seen before.
        retitle(a, token, "Written after")
        assert resumed.next()[2]["resource"]["title"] == "Written after"
        # The node counts the streams it serves (its workers' sum, refreshed each second).
        assert eventually(lambda: "folio_change_streams 1.0" in httpx.get(f"{a}/metrics").text)
        with suppress(queue.Empty):
            extra = resumed.events.get(timeout=0.5)
            assert extra is None or extra[1] != "change", extra
