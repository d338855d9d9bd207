"""A reversal may undo several applications in its one transaction: unapplication.transaction_no
is no longer unique (it was, so reversing a transaction that made two applications failed).

SQLite cannot drop a table constraint in place, so the table is rebuilt with its rows and its
append-only triggers; PostgreSQL drops the constraint.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 01:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFUSAL = "is append-only: posted entries cannot be changed or deleted; post a reversal instead"
_INDEX = "ix_unapplication_transaction_no"
_UNIQUE = "uq_unapplication_transaction_no"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(_UNIQUE, "unapplication", type_="unique")
        op.create_index(_INDEX, "unapplication", ["transaction_no"])
        return
    _rebuild_sqlite(unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(_INDEX, table_name="unapplication")
        op.create_unique_constraint(_UNIQUE, "unapplication", ["transaction_no"])
        return
    _rebuild_sqlite(unique=True)


def _rebuild_sqlite(unique: bool) -> None:
    """Copy the rows into a table of the new shape; the old table's triggers go with it and are
    created again on the new one."""
    op.execute("ALTER TABLE unapplication RENAME TO unapplication_old")
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS trg_unapplication_no_{action}")
    constraints: list[sa.Constraint] = [
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name="fk_unapplication_application_id_application",
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name="fk_unapplication_transaction_no_gl_register",
        ),
        sa.PrimaryKeyConstraint("application_id", name="pk_unapplication"),
    ]
    if unique:
        constraints.append(sa.UniqueConstraint("transaction_no", name=_UNIQUE))
    op.create_table(
        "unapplication",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        *constraints,
    )
    op.execute(
        "INSERT INTO unapplication (application_id, transaction_no) "
        "SELECT application_id, transaction_no FROM unapplication_old"
    )
    op.execute("DROP TABLE unapplication_old")
    if not unique:
        op.create_index(_INDEX, "unapplication", ["transaction_no"])
    for action in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER trg_unapplication_no_{action} BEFORE {action.upper()} ON "
            f"unapplication BEGIN SELECT RAISE(ABORT, 'unapplication {_REFUSAL}'); END"
        )
