"""A count of content commits in memory shared by the workers of one ``folio serve``.

Each worker's content watcher learns of another worker's commit a moment later (a NOTIFY, a
poll of SQLite's ``data_version``). To close that moment, a worker bumps this count after it
commits a content change and before it answers; a worker serves from memory only while its
watcher has read the changes up to the count it last saw (``Watcher.serving``). So once a
write has answered, no worker of the node serves what it changed. A hit reads 8 bytes of a
mapped file: no system call.

Written here because the standard library has the pieces (``mmap``, ``fcntl``) and no
package offers a cross-process counter that costs a hit nothing.
"""

import fcntl
import mmap
import os
import threading
from pathlib import Path

FILE_NAME = "content-commits"
_SIZE = 8


def make(folder: Path) -> Path:
    """Creates the count (zero) in ``folder``, before the workers start."""
    path = folder / FILE_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_size < _SIZE:
            os.ftruncate(fd, _SIZE)
    finally:
        os.close(fd)
    return path


class CommitCounter:
    """The count in ``path`` (made by ``make``), mapped into this process."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDWR)
        self._map = mmap.mmap(self._fd, _SIZE)
        self._lock = threading.Lock()

    def read(self) -> int:
        # An aligned 8-byte load: a read racing a bump sees the old count or the new one.
        return int.from_bytes(self._map[:_SIZE], "little")

    def bump(self, _keys: object = None) -> None:
        """One more commit (an ``after_content_commit`` hook): the lock file orders workers."""
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                self._map[:_SIZE] = (self.read() + 1).to_bytes(_SIZE, "little")
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)
