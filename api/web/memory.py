"""Rendered responses kept in memory per process (``ResponseCache``): bounded by entries and
bytes, each dropped when a write changes one of the surrogate keys it shows, served only while
the watcher follows the content."""

import threading
from collections import OrderedDict, deque

from api.core.surrogates import ALL
from api.web.entry import Entry
from api.web.store import RepresentationStore
from api.web.watcher import Snapshot, Watcher


class ResponseCache:
    """A bounded LRU of rendered responses, each dropped when one of its keys changes."""

    recent = 1024  # drops remembered, so a render that began before one is not kept after it

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.watcher: Watcher | None = None
        self.store: RepresentationStore | None = None
        self._entries: OrderedDict[tuple[bytes, ...], Entry] = OrderedDict()
        self._by_key: dict[str, set[tuple[bytes, ...]]] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self._drops = 0
        self._dropped: deque[tuple[int, frozenset[str]]] = deque(maxlen=self.recent)
        self.hits = 0
        self.misses = 0
        self.stored_hits = 0

    fresh_seconds = 0.25  # how long a request waits for the watcher to catch up

    async def snapshot(self) -> Snapshot | None:
        """What the watcher knows now; None while it does not know (nothing is kept then)."""
        watcher = self.watcher
        if watcher is None:
            return None
        return watcher.snapshot() or await watcher.fresh(self.fresh_seconds)

    def serving(self) -> bool:
        """Whether entries may be served from memory now (``Watcher.serving``)."""
        watcher = self.watcher
        return watcher is not None and watcher.serving()

    def mark(self) -> int:
        """Taken before a render: ``put`` keeps it only if nothing it shows changed since."""
        return self._drops

    def get(self, key: tuple[bytes, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[bytes, ...], entry: Entry, *, since: int) -> bool:
        size = len(entry.body)
        if self.max_entries == 0 or size > self.max_bytes // 8:
            return False
        with self._lock:
            if self._dropped_since(since, entry.keys):
                return False
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            for name in entry.keys:
                self._by_key.setdefault(name, set()).add(key)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))
        return True

    def _dropped_since(self, since: int, keys: frozenset[str]) -> bool:
        if since == self._drops:
            return False
        if since < self._drops - len(self._dropped):
            return True  # too long ago to tell
        for number, dropped in reversed(self._dropped):
            if number <= since:
                break
            if ALL in dropped or ALL in keys or not keys.isdisjoint(dropped):
                return True
        return False

    def invalidate(self, keys: frozenset[str]) -> None:
        """Drops every entry that shows something ``keys`` name (everything for ALL)."""
        with self._lock:
            self._drops += 1
            self._dropped.append((self._drops, keys))
            if ALL in keys:
                self._entries.clear()
                self._by_key.clear()
                self._bytes = 0
                return
            for name in (*keys, ALL):
                for cached in list(self._by_key.get(name, ())):
                    if cached in self._entries:
                        self._drop(cached)

    def clear(self) -> None:
        self.invalidate(frozenset({ALL}))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._bytes

    def _drop(self, key: tuple[bytes, ...]) -> None:
        entry = self._entries.pop(key)
        self._bytes -= len(entry.body)
        for name in entry.keys:
            holders = self._by_key.get(name)
            if holders is not None:
                holders.discard(key)
                if not holders:
                    del self._by_key[name]
