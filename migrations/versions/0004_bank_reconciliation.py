"""Bank account reconciliation: reconciliations (open and posted statements), their lines,
matches of lines to bank ledger entries, and the outstanding entries snapshot of a posted one.

Bank entry numbers are plain indexed integers without a foreign key into the append-only
ledger, which would make PostgreSQL refuse a TRUNCATE of the ledger with a foreign-key error
before the append-only trigger can.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    _create_reconciliation()
    _create_lines()
    _create_matches()
    _create_outstanding()


def _create_reconciliation() -> None:
    op.create_table(
        "bank_reconciliation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_no", sa.String(length=20), nullable=False),
        sa.Column("statement_no", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("statement_date", sa.Date(), nullable=False),
        sa.Column("balance_last_statement_minor", sa.BigInteger(), nullable=False),
        sa.Column("ending_balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_by", sa.String(length=100), nullable=True),
        sa.Column("prior_last_statement_no", sa.Integer(), nullable=True),
        sa.Column("prior_balance_last_statement_minor", sa.BigInteger(), nullable=True),
        sa.Column("book_balance_minor", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status = 'open' OR posted_at IS NOT NULL",
            name=op.f("ck_bank_reconciliation_posted_at"),
        ),
        sa.CheckConstraint(
            _one_of("status", ("open", "posted")), name=op.f("ck_bank_reconciliation_status")
        ),
        sa.CheckConstraint(
            "statement_no > 0", name=op.f("ck_bank_reconciliation_statement_no_positive")
        ),
        sa.ForeignKeyConstraint(
            ["bank_no"],
            ["bank_account.no"],
            name=op.f("fk_bank_reconciliation_bank_no_bank_account"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statement.id"],
            name=op.f("fk_bank_reconciliation_statement_id_bank_statement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_reconciliation")),
        sa.UniqueConstraint(
            "bank_no", "statement_no", name=op.f("uq_bank_reconciliation_bank_no_statement_no")
        ),
    )
    with op.batch_alter_table("bank_reconciliation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bank_reconciliation_bank_status", ["bank_no", "status"], unique=False
        )


def _create_lines() -> None:
    op.create_table(
        "bank_rec_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("statement_line_id", sa.Integer(), nullable=True),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("counterparty_name", sa.String(length=140), nullable=False),
        sa.Column("additional_text", sa.String(length=250), nullable=False),
        sa.Column("check_no", sa.String(length=20), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=70), nullable=False),
        sa.Column("bank_reference", sa.String(length=100), nullable=False),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=10), server_default="none", nullable=False),
        sa.Column("match_json", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            _one_of("decision", ("none", "skipped", "rejected")),
            name=op.f("ck_bank_rec_line_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["rec_id"],
            ["bank_reconciliation.id"],
            name=op.f("fk_bank_rec_line_rec_id_bank_reconciliation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_line_id"],
            ["bank_statement_line.id"],
            name=op.f("fk_bank_rec_line_statement_line_id_bank_statement_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_rec_line")),
        sa.UniqueConstraint("rec_id", "line_no", name=op.f("uq_bank_rec_line_rec_id_line_no")),
        sa.UniqueConstraint("statement_line_id", name=op.f("uq_bank_rec_line_statement_line_id")),
    )


def _create_matches() -> None:
    op.create_table(
        "bank_rec_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=15), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("accepted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("confidence", sa.String(length=10), server_default="", nullable=False),
        sa.Column("score", sa.Integer(), server_default="0", nullable=False),
        sa.Column("details_json", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _one_of("kind", ("one_to_one", "one_to_many", "many_to_one")),
            name=op.f("ck_bank_rec_match_kind"),
        ),
        sa.CheckConstraint(
            _one_of("origin", ("auto", "manual", "suggest", "transfer")),
            name=op.f("ck_bank_rec_match_origin"),
        ),
        sa.ForeignKeyConstraint(
            ["rec_id"],
            ["bank_reconciliation.id"],
            name=op.f("fk_bank_rec_match_rec_id_bank_reconciliation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_rec_match")),
    )
    with op.batch_alter_table("bank_rec_match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_rec_match_rec_id"), ["rec_id"], unique=False)

    op.create_table(
        "bank_rec_match_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["bank_rec_line.id"],
            name=op.f("fk_bank_rec_match_line_line_id_bank_rec_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["bank_rec_match.id"],
            name=op.f("fk_bank_rec_match_line_match_id_bank_rec_match"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_rec_match_line")),
        sa.UniqueConstraint("line_id", name=op.f("uq_bank_rec_match_line_line_id")),
    )
    with op.batch_alter_table("bank_rec_match_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_rec_match_line_match_id"), ["match_id"], unique=False
        )

    op.create_table(
        "bank_rec_match_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["bank_rec_match.id"],
            name=op.f("fk_bank_rec_match_entry_match_id_bank_rec_match"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_rec_match_entry")),
        sa.UniqueConstraint("entry_no", name=op.f("uq_bank_rec_match_entry_entry_no")),
    )
    with op.batch_alter_table("bank_rec_match_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_rec_match_entry_match_id"), ["match_id"], unique=False
        )


def _create_outstanding() -> None:
    op.create_table(
        "bank_rec_outstanding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("description", sa.String(length=250), nullable=False),
        sa.Column("check_no", sa.String(length=20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            _one_of("kind", ("check", "deposit", "other")),
            name=op.f("ck_bank_rec_outstanding_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["rec_id"],
            ["bank_reconciliation.id"],
            name=op.f("fk_bank_rec_outstanding_rec_id_bank_reconciliation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_rec_outstanding")),
        sa.UniqueConstraint(
            "rec_id", "entry_no", name=op.f("uq_bank_rec_outstanding_rec_id_entry_no")
        ),
    )
    with op.batch_alter_table("bank_rec_outstanding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_rec_outstanding_entry_no"), ["entry_no"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("bank_rec_outstanding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_rec_outstanding_entry_no"))
    op.drop_table("bank_rec_outstanding")
    with op.batch_alter_table("bank_rec_match_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_rec_match_entry_match_id"))
    op.drop_table("bank_rec_match_entry")
    with op.batch_alter_table("bank_rec_match_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_rec_match_line_match_id"))
    op.drop_table("bank_rec_match_line")
    with op.batch_alter_table("bank_rec_match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_rec_match_rec_id"))
    op.drop_table("bank_rec_match")
    op.drop_table("bank_rec_line")
    with op.batch_alter_table("bank_reconciliation", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_reconciliation_bank_status")
    op.drop_table("bank_reconciliation")
