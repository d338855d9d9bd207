"""Alembic environment: runs on the connection bankrec hands over, or on sqlalchemy.url."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from bankrec.db.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as fresh:
        _run(fresh)


if context.is_offline_mode():
    raise SystemExit("bankrec migrations run online only: use `bankrec db upgrade`")
run_migrations_online()
