"""One `bankrec run` at a time per database.

PostgreSQL: a session-level advisory lock on a fixed key, held on a connection of its own for the
whole run (the server releases it when the process dies). SQLite file: an OS lock on
``<database file>.run.lock`` next to the database (released by the OS when the process dies; the
file itself may stay). In-memory databases need no lock.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, text

from bankrec.errors import RunLockBusy
from bankrec.services.database import Database

LOCK_NAME = "bankrec run"
ADVISORY_KEY = int.from_bytes(hashlib.sha256(LOCK_NAME.encode()).digest()[:8], "big", signed=True)
"""The PostgreSQL advisory lock key: a signed 64-bit number derived from ``LOCK_NAME``."""
POLL_SECONDS = 0.2


def sqlite_lock_path(db: Database) -> Path | None:
    """``<file>.run.lock`` for an SQLite file database; None for memory or another backend."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    return path.with_name(path.name + ".run.lock")


def _busy(db: Database, waited: float | None) -> RunLockBusy:
    how = (
        f"still held after waiting {waited:g} s"
        if waited is not None
        else "held; rerun with --wait to queue behind it"
    )
    return RunLockBusy(
        f"another `bankrec run` is running on {db.display_url} (its lock is {how}); nothing was "
        "done"
    )


@contextmanager
def run_lock(db: Database, wait: bool = False, timeout: float | None = None) -> Iterator[None]:
    """Hold the run lock for the block. Without ``wait`` a busy lock raises ``RunLockBusy`` at
    once; with it, wait up to ``timeout`` seconds (None: as long as it takes)."""
    backend = db.engine.url.get_backend_name()
    if backend == "postgresql":
        with _advisory_lock(db, wait, timeout):
            yield
        return
    path = sqlite_lock_path(db)
    if path is None:
        yield
        return
    with _file_lock(db, path, wait, timeout):
        yield


@contextmanager
def _file_lock(db: Database, path: Path, wait: bool, timeout: float | None) -> Iterator[None]:
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=(-1 if timeout is None else timeout) if wait else 0)
    try:
        lock.acquire(poll_interval=POLL_SECONDS)
    except Timeout:
        raise _busy(db, timeout if wait else None) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _advisory_lock(db: Database, wait: bool, timeout: float | None) -> Iterator[None]:
    connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        _acquire(db, connection, wait, timeout)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
    finally:
        connection.close()


def _acquire(db: Database, connection: Connection, wait: bool, timeout: float | None) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        taken = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        ).scalar()
        if taken:
            return
        if not wait:
            raise _busy(db, None)
        if deadline is not None and time.monotonic() >= deadline:
            raise _busy(db, timeout)
        time.sleep(POLL_SECONDS)
