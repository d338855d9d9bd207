"""The one engine factory. SQLite gets foreign keys, WAL and writer serialisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bankrec.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_S = 30


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as the psycopg (v3) driver bankrec ships."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; an SQLite file's folder is created when missing."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise DatabaseError(
            f'"{url}" is not a database URL; use sqlite:///path/to/file.db or '
            "postgresql+psycopg://user@host/dbname"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.render_as_string(hide_password=False), parsed.database)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=False)
    raise DatabaseError(
        f'unsupported database "{parsed.get_backend_name()}"; bankrec runs on SQLite and PostgreSQL'
    )


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN below is the only one issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: two writers queue instead of one failing
        # half-way with "database is locked" after it has read stale balances.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
