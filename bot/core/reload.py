"""Index hot reload: a process serving answers picks up an index another process wrote.

Why: `policybot docs add/remove` rebuilds the index in its own process; a running bot, console
or web page would otherwise answer from the old material until restarted. An index folder is
only ever replaced whole (index/atomic.py renames a finished directory into place), so the
identity of its manifest file (inode, modification time, size) changes exactly when a new index
lands: one `stat` per poll. The new index is loaded beside the old one and swapped in with one
assignment; a question already running finishes on the index it started with.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.hybrid import HybridIndex

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0  # a new index is served within this plus its load time (well under 5 s)

Signature = tuple[int, int, int] | None


def index_signature(folder: Path) -> Signature:
    """What changes when a new index is swapped into `folder` (None: no index there)."""
    try:
        st = os.stat(folder / "manifest.json")
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class IndexReloader:
    """Polls one index folder and hands every newer index to `swap`."""

    def __init__(
        self,
        folder: Path,
        load: Callable[[Path], HybridIndex],
        swap: Callable[[HybridIndex], None],
        seen: Signature,
        interval: float = POLL_SECONDS,
    ) -> None:
        self.folder = folder
        self._load, self._swap = load, swap
        self._seen = seen
        self._interval = interval
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def mark_current(self, signature: Signature) -> None:
        """This process swapped in the index itself (an upload through the bot): no reload needed."""
        with self._lock:
            self._seen = signature

    def check(self) -> bool:
        """One poll: load and swap in a newer index; True if one was swapped in."""
        with self._lock:
            signature = index_signature(self.folder)
            if signature is None or signature == self._seen:
                return False
            try:
                index = self._load(self.folder)
            except Exception as exc:  # mid-swap or damaged: keep serving the old index, retry later
                log.warning("event=index_reload_failed path=%s error=%s", self.folder, exc)
                return False
            self._swap(index)
            self._seen = signature
        log.info("event=index_reloaded path=%s passages=%d", self.folder, index.size)
        return True

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="index-reload", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.check()
