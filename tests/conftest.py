"""Fixtures: a freshly migrated database per test, on SQLite and on PostgreSQL.

Each backend's schema is built once per run by running the migrations into a template; every
test then gets its own copy (a copied SQLite file, or ``CREATE DATABASE ... TEMPLATE``), so
tests are isolated and still exercise the real migrations. PostgreSQL tests skip when no server
answers, except under ``CI=true``, where an unreachable server fails the run.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, create_engine, text

from bankrec.cli.main import cli
from bankrec.db import migrate
from bankrec.db.engine import make_engine
from bankrec.services.database import Database

PG_ADMIN_URL = os.environ.get(
    "BANKREC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")
_counter = itertools.count()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


class PostgresServer:
    """Creates and drops per-test databases on the server behind ``PG_ADMIN_URL``."""

    def __init__(self) -> None:
        self.admin: Engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.prefix = f"bankrec_test_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_tpl"
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def build_template(self) -> None:
        self.execute(f'CREATE DATABASE "{self.template}"')
        engine = make_engine(self.url(self.template))
        migrate.upgrade(engine)
        engine.dispose()

    def new_database(self) -> str:
        name = f"{self.prefix}_{next(_counter)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[-1]
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in [*self.created, self.template]:
            self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.execute("SELECT 1")
    except Exception as exc:  # any connection failure means "no server here"
        reason = f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({type(exc).__name__})"
        if _in_ci():
            pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
        pytest.skip(f"{reason}; set BANKREC_TEST_PG_URL to run these tests")
    server.build_template()
    yield server
    server.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()  # closing the last connection folds the WAL into the file we copy
    return path


@pytest.fixture(
    params=[
        pytest.param(b, marks=[pytest.mark.postgresql] if b == "postgresql" else [])
        for b in BACKENDS
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a freshly migrated, empty database on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "bankrec.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.new_database()
    yield url
    server.drop(url)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.close()


@pytest.fixture
def ledger(db: Database) -> Database:
    """A migrated database with the small standard company of ``tests.factories``."""
    from tests.factories import load_standard_company

    load_standard_company(db)
    return db


class Cli:
    """Runs ``bankrec --db URL ...`` in-process and returns click's result."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(cli, ["--db", self.url, "--user", "tester", *args], input=input)


@pytest.fixture
def run(db_url: str) -> Cli:
    return Cli(db_url)
