"""The change stream on live servers (``folio serve``), followed by a real EventSource (Node's
own, the WHATWG one browsers have) through a balancer: two nodes on one database, the follower
on one and a writer on the other; the follower's node stops, and the EventSource, reconnecting
by itself with Last-Event-ID, goes on through the balancer from the other node with what was
written meanwhile: nothing lost, nothing twice."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx2 as httpx

from api.web.cache import CacheMiddleware
from fleet.follow import Follower
from tests.conftest import Database, eventually, running_server
from tests.helpers import key_in


class Balancer:
    """What HAProxy does in front of the nodes, as far as this test needs: each connection
    goes to the node named now (``to``), bytes relayed both ways until either side closes.
    Written here because the suite runs no HAProxy (``make fleet-test`` does)."""

    def __init__(self, to: str) -> None:
        self.to = to
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                host, port = self.to.removeprefix("http://").split(":")
                try:
                    upstream = socket.create_connection((host, int(port)), timeout=5)
                except OSError:
                    client.close()
                    continue
                upstream.settimeout(None)
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._relay, args=(a, b), daemon=True).start()

    @staticmethod
    def _relay(source: socket.socket, target: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for end in (source, target):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self.listener.close()


@contextmanager
def node(database: Database, log: Path) -> Iterator[str]:
    with running_server(database.url, log) as base:
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


def test_an_eventsource_follows_another_nodes_writes_and_its_nodes_stop(
    fresh_database: Database, tmp_path: Path
) -> None:
    token = key_in(fresh_database.engine, "writer", "write")
    with node(fresh_database, tmp_path / "a.log") as a:
        with node(fresh_database, tmp_path / "b.log") as b:
            balancer = Balancer(to=b)
            follower = Follower(f"{balancer.url}/v1/changes/stream?type=articles")
            try:
                assert follower.next()["event"] == "ready"
                retitle(a, token, "Written on node a")
                change = follower.next()
                assert (change["event"], change["data"]["id"]) == ("change", 1)
                assert change["data"]["resource"]["title"] == "Written on node a"
                # Node b counts the stream it serves (its workers' sum, refreshed each second).
                metrics = f"{b}/metrics"
                assert eventually(lambda: "folio_change_streams 1.0" in httpx.get(metrics).text)
                balancer.to = a  # b leaves the rotation: it is stopping
            except BaseException:
                follower.stop()
                raise
        try:
            # Node b is gone (its stream ended at once); written meanwhile, on node a.
            retitle(a, token, "Written while b stopped")
            # The EventSource reconnects by itself (through the balancer, to node a) from the
            # last event it saw.
            ready = follower.next()
            assert (ready["event"], ready["id"]) == ("ready", change["id"])
            missed = follower.next()
            assert missed["data"]["resource"]["title"] == "Written while b stopped"
            retitle(a, token, "Written after")
            later = follower.next()
            assert later["data"]["resource"]["title"] == "Written after"
            assert follower.nothing_more(0.5)  # nothing twice
        finally:
            follower.stop()
            balancer.close()


def test_clients_following_one_stream_in_one_process_each_begin_at_once(
    live_server: str,
) -> None:
    """Anonymous clients of one stream URL on one process: each stream begins when asked.
    The response cache coalesces concurrent misses of one URL (the later ones wait up to
    ``CacheMiddleware.coalesce_seconds`` for the first's bytes), and a stream's never end: a
    second subscriber waited 10 s before its first event. An answer that will not be kept now
    releases those who wait as soon as its head shows it."""
    url = f"{live_server}/v1/changes/stream?type=articles"
    limit = httpx.Timeout(CacheMiddleware.coalesce_seconds / 2)
    with (
        httpx.Client(timeout=limit) as first_client,
        httpx.Client(timeout=limit) as second_client,
        first_client.stream("GET", url) as first,
    ):
        following = first.iter_lines()  # kept: a line iterator let go closes the response
        assert "event: ready" in _until_ready(following)
        for _ in range(3):  # one after the other, while the first is still open
            with second_client.stream("GET", url) as second:
                assert second.status_code == 200
                assert "event: ready" in _until_ready(second.iter_lines())
        assert not first.is_closed


def _until_ready(lines: Iterator[str]) -> str:
    """A stream's lines up to its ``ready`` event (a read timeout fails the test first)."""
    seen = []
    for line in lines:
        seen.append(line)
        if line == "event: ready":
            break
    return "\n".join(seen)
