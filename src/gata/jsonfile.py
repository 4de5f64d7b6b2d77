"""Small private JSON files (API keys, users, sessions): written atomically, re-read when changed on disk.

Writes go to a temp file (mode 0600) renamed over the old one, so a reader never sees half a file and a crash
never leaves one. Readers re-parse only when the file's (mtime, inode) changes, so a CLI command writing the
file takes effect in a running server at its next request, at the cost of one stat() per read. A change is a
read-modify-write under an exclusive `flock` on a side file, re-reading the file from disk first, so two
processes (the server and the CLI) never overwrite each other's changes with a copy read earlier.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def write_private_json(path: Path, data: Any) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(data, indent=2))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock shared by every process of the workspace (released by the kernel however they end)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


class WatchedJson:
    """One JSON file turned into objects by `parse`, kept until the file changes (`parse({})` when absent)."""

    def __init__(self, path: Path, parse: Callable[[dict], Any]):
        self.path = path
        self.parse = parse
        self.lock = threading.RLock()  # callers hold it around read-modify-write
        self._stamp: tuple[int, int] | None = None
        self._data: Any = parse({})

    def read(self) -> Any:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._stamp, self._data = None, self.parse({})
            return self._data
        stamp = (st.st_mtime_ns, st.st_ino)
        if stamp != self._stamp:
            with self.lock:
                self._data = self.parse(json.loads(self.path.read_text()))
                self._stamp = stamp
        return self._data

    def write(self, data: Any) -> None:
        with self.lock:
            write_private_json(self.path, data)

    @contextmanager
    def changing(self) -> Iterator[Any]:
        """Hold both locks and yield the data as it is on disk now; write with `write` before leaving."""
        with self.lock, file_lock(self.path):
            self._stamp = None  # another process may have written within the same mtime tick
            yield self.read()
