"""The database handle every use case receives, and the unit of work around each one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bankrec.db.engine import make_engine
from bankrec.db.schema import SCHEMA_HEAD
from bankrec.errors import DatabaseError


class Database:
    """A lazily opened engine for one URL. ``transaction`` is the only way to write."""

    def __init__(self, url: str) -> None:
        self.url = url

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.url)

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls back on any error."""
        self.require_schema()
        with self._session() as session, session.begin():
            yield session

    @contextmanager
    def dry_run(self) -> Iterator[Session]:
        """Like ``transaction`` but always rolls back: every check runs, nothing stays."""
        self.require_schema()
        with self._session() as session:
            session.begin()
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        self.require_schema()
        with self._session() as session:
            yield session

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except OperationalError as exc:
            raise DatabaseError(
                f"cannot use the database {self.display_url}: {_first_line(exc)}; check --db or "
                "BANKREC_DATABASE_URL"
            ) from exc

    def schema_revision(self) -> str | None:
        try:
            with self.engine.connect() as connection:
                return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError) as exc:
            if _is_missing_table(exc):
                return None
            raise DatabaseError(
                f"cannot open the database {self.display_url}: {_first_line(exc)}; check --db or "
                "BANKREC_DATABASE_URL"
            ) from exc

    def require_schema(self) -> None:
        revision = self.schema_revision()
        if revision is None:
            raise DatabaseError(
                f"the database {self.display_url} is not initialised; run `bankrec init` first"
            )
        if revision != SCHEMA_HEAD:
            raise DatabaseError(
                f"the database {self.display_url} is at schema {revision}, this bankrec needs "
                f"{SCHEMA_HEAD}; run `bankrec db upgrade`"
            )

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def _is_missing_table(exc: Exception) -> bool:
    message = str(exc).lower()
    return "no such table" in message or ("does not exist" in message and "relation" in message)


def _first_line(exc: Exception) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
