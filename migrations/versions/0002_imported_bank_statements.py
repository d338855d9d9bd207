"""Imported bank statements and their lines, keyed for idempotent re-import.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:38:45.527097
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_no", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("profile", sa.String(length=50), nullable=True),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("statement_ref", sa.String(length=70), nullable=False),
        sa.Column("file_position", sa.String(length=100), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("account_iban", sa.String(length=34), nullable=False),
        sa.Column("account_no", sa.String(length=50), nullable=False),
        sa.Column("opening_minor", sa.BigInteger(), nullable=True),
        sa.Column("opening_date", sa.Date(), nullable=True),
        sa.Column("closing_minor", sa.BigInteger(), nullable=True),
        sa.Column("closing_date", sa.Date(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("lines_in_file", sa.Integer(), nullable=False),
        sa.Column("lines_new", sa.Integer(), nullable=False),
        sa.Column("gap_minor", sa.BigInteger(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_no"], ["bank_account.no"], name=op.f("fk_bank_statement_bank_no_bank_account")
        ),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_bank_statement_currency_code_currency"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement")),
    )
    with op.batch_alter_table("bank_statement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bank_statement_bank_closing", ["bank_no", "closing_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bank_statement_file_sha256"), ["file_sha256"], unique=False
        )

    op.create_table(
        "bank_statement_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("bank_no", sa.String(length=20), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("counterparty_name", sa.String(length=140), nullable=False),
        sa.Column("counterparty_account", sa.String(length=50), nullable=False),
        sa.Column("counterparty_bic", sa.String(length=11), nullable=False),
        sa.Column("counterparty_address", sa.String(length=140), nullable=False),
        sa.Column("counterparty_city", sa.String(length=70), nullable=False),
        sa.Column("remittance", sa.Text(), nullable=False),
        sa.Column("structured_reference", sa.String(length=70), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=70), nullable=False),
        sa.Column("bank_reference", sa.String(length=100), nullable=False),
        sa.Column("transaction_code", sa.String(length=70), nullable=False),
        sa.Column("check_no", sa.String(length=20), nullable=False),
        sa.Column("original_amount", sa.String(length=40), nullable=True),
        sa.Column("original_currency", sa.String(length=3), nullable=False),
        sa.Column("charges", sa.String(length=40), nullable=True),
        sa.Column("batch_reference", sa.String(length=70), nullable=False),
        sa.Column("reversal", sa.Boolean(), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_no"],
            ["bank_account.no"],
            name=op.f("fk_bank_statement_line_bank_no_bank_account"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statement.id"],
            name=op.f("fk_bank_statement_line_statement_id_bank_statement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_line")),
        sa.UniqueConstraint(
            "bank_no", "dedupe_key", name=op.f("uq_bank_statement_line_bank_no_dedupe_key")
        ),
    )
    with op.batch_alter_table("bank_statement_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bank_statement_line_bank_date", ["bank_no", "booking_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bank_statement_line_statement_id"), ["statement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("bank_statement_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_statement_line_statement_id"))
        batch_op.drop_index("ix_bank_statement_line_bank_date")

    op.drop_table("bank_statement_line")
    with op.batch_alter_table("bank_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_statement_file_sha256"))
        batch_op.drop_index("ix_bank_statement_bank_closing")

    op.drop_table("bank_statement")
