"""Progress and heartbeat of a running import, written where other sessions can see it.

The write phase is one transaction, so a progress row updated inside it would stay
invisible until the end. On PostgreSQL a small thread with its own database
connection writes the current phase, the counters and a heartbeat every few seconds
while the main thread works (also while it waits for the import lock or sits in a
long SQL statement). If the worker process dies, the heartbeat stops, and
``roster_imports_fail_stale`` can tell the truth: the import did not finish and,
because its transaction died with it, nothing was written.

On SQLite (the demo default, tasks run in-process) or inside a test transaction there
is no second connection that could see the row: progress is written on the main
connection instead.
"""

from __future__ import annotations

import contextlib
import threading
import time

from django.db import close_old_connections, connection
from django.utils import timezone

HEARTBEAT_SECONDS = 2.0


class Progress:
    """``prefix="derived_"`` reports the follow-up stage (``derived_progress_phase`` ...,
    ``derived_heartbeat_at``) instead of the import's own fields."""

    def __init__(self, import_id: int, *, prefix: str = ""):
        self.import_id = import_id
        self.prefix = prefix
        self.phase = ""
        self.done = 0
        self.total = 0
        self._dirty = True
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_direct = 0.0

    # -- API used by the pipeline --------------------------------------------
    def report(self, phase: str | None = None, done: int | None = None, total: int | None = None):
        with self._lock:
            if phase is not None:
                self.phase = str(phase)[:120]
            if done is not None:
                self.done = done
            if total is not None:
                self.total = total
            self._dirty = True
        if self._thread is not None:
            if phase is not None:
                self._wake.set()  # a new phase is shown at once
        else:
            now = time.monotonic()
            if phase is not None or now - self._last_direct >= 1.0:
                self._last_direct = now
                self._write()

    def start(self) -> Progress:
        """Start the heartbeat thread where a second connection can be used."""
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._run, name="import-heartbeat", daemon=True)
            self._thread.start()
        else:
            self._write()
        return self

    def stop(self) -> None:
        """Stop the thread (and write the last state once more) before the caller
        touches the import's row in its own transaction."""
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=30)
            self._thread = None

    def __enter__(self) -> Progress:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- internals -----------------------------------------------------------
    def _write(self) -> None:
        from imports.models import RosterImport

        p = self.prefix
        with self._lock:
            values = {
                f"{p}progress_phase": self.phase,
                f"{p}progress_done": self.done,
                f"{p}progress_total": self.total,
            }
            self._dirty = False
        RosterImport.objects.filter(pk=self.import_id).update(
            **{f"{p}heartbeat_at": timezone.now()}, **values
        )

    def _run(self) -> None:
        try:
            while True:
                # A missed beat must not stop the import.
                with contextlib.suppress(Exception):
                    self._write()
                self._wake.wait(HEARTBEAT_SECONDS)
                self._wake.clear()
                if self._stop.is_set():
                    with contextlib.suppress(Exception):
                        self._write()
                    break
        finally:
            close_old_connections()
            connection.close()
