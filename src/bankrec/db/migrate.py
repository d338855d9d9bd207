"""Alembic, driven from code: the migrations ship inside the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import Connection, Engine, inspect

from bankrec.errors import DatabaseError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def migrations_dir() -> Path:
    """The wheel carries ``bankrec/_migrations``; a checkout has ``migrations/`` at its top."""
    for candidate in (_PACKAGE_DIR / "_migrations", _PACKAGE_DIR.parent.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise DatabaseError("the bankrec migrations are missing from this installation; reinstall it")


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _include_name(name: str | None, type_: str, _parent: Any) -> bool:
    return not (type_ == "table" and name == "alembic_version")


def schema_drift(connection: Connection) -> list[str]:
    """Differences between the models and the migrated database, one readable line each."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bankrec.db.models import Base

    context = MigrationContext.configure(
        connection, opts={"include_name": _include_name, "compare_type": True}
    )
    return [repr(diff) for diff in compare_metadata(context, Base.metadata)]


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as connection:
        return SchemaState(current_revision(connection), head_revision())


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())
