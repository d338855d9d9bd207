"""A payment journal line may be the leg of a transfer to another of the company's banks: its
application names that bank, the amount the other bank received (in its currency), the other
bank's statement line that shows it, and, once posted, the other bank's entry.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 03:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment_application") as batch:
        batch.add_column(sa.Column("received_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("paired_line_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("counter_entry_no", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_payment_application_paired_line_id_bank_statement_line"),
            "bank_statement_line",
            ["paired_line_id"],
            ["id"],
        )
        batch.create_index(
            op.f("ix_payment_application_paired_line_id"), ["paired_line_id"], unique=False
        )
        batch.create_check_constraint(
            op.f("ck_payment_application_transfer_received"),
            "received_minor IS NULL OR (account_type = 'bank' AND entry_no IS NULL)",
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_application") as batch:
        batch.drop_constraint(op.f("ck_payment_application_transfer_received"), type_="check")
        batch.drop_index(op.f("ix_payment_application_paired_line_id"))
        batch.drop_constraint(
            op.f("fk_payment_application_paired_line_id_bank_statement_line"),
            type_="foreignkey",
        )
        batch.drop_column("counter_entry_no")
        batch.drop_column("paired_line_id")
        batch.drop_column("received_minor")
