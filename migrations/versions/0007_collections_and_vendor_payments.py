"""Collections and vendor payments: reminder and finance charge terms (levels, dynamic fee
tiers, dated interest rates), the reminders and memos made from them with their lines, customer
entries on hold, and vendor payment proposals with the pain.001 files they were exported in.
The company gains interest and fee income accounts, the customer its reminder and finance
charge terms.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "finance_charge_terms",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=False),
        sa.Column("interest_rate", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=25), nullable=False),
        sa.Column("interest_period_days", sa.Integer(), nullable=False),
        sa.Column("grace_period", sa.String(length=30), nullable=False),
        sa.Column("due_date_formula", sa.String(length=30), nullable=False),
        sa.Column("minimum_amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("additional_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("post_interest", sa.Boolean(), nullable=False),
        sa.Column("post_additional_fee", sa.Boolean(), nullable=False),
        sa.Column("line_description", sa.String(length=250), nullable=False),
        sa.CheckConstraint(
            "method IN ('balance-due', 'average-daily-balance')",
            name=op.f("ck_finance_charge_terms_method"),
        ),
        sa.CheckConstraint(
            "interest_period_days >= 1",
            name=op.f("ck_finance_charge_terms_interest_period_positive"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_finance_charge_terms")),
    )
    op.create_table(
        "reminder_terms",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=False),
        sa.Column("post_interest", sa.Boolean(), nullable=False),
        sa.Column("post_additional_fee", sa.Boolean(), nullable=False),
        sa.Column("post_line_fee", sa.Boolean(), nullable=False),
        sa.Column("max_reminders", sa.Integer(), nullable=False),
        sa.Column("minimum_amount_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_reminder_terms")),
    )
    op.create_table(
        "finance_charge_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms_code", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("interest_rate", sa.String(length=40), nullable=False),
        sa.Column("interest_period_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["terms_code"],
            ["finance_charge_terms.code"],
            name=op.f("fk_finance_charge_rate_terms_code_finance_charge_terms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_charge_rate")),
        sa.UniqueConstraint(
            "terms_code", "start_date", name=op.f("uq_finance_charge_rate_terms_code_start_date")
        ),
    )
    op.create_table(
        "reminder_fee_tier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms_code", sa.String(length=20), nullable=False),
        sa.Column("level_no", sa.Integer(), nullable=False),
        sa.Column("per_line", sa.Boolean(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("threshold_minor", sa.BigInteger(), nullable=False),
        sa.Column("fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("fee_pct", sa.String(length=40), nullable=False),
        sa.Column("min_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("max_fee_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_reminder_fee_tier_currency_code_currency"),
        ),
        sa.ForeignKeyConstraint(
            ["terms_code"],
            ["reminder_terms.code"],
            name=op.f("fk_reminder_fee_tier_terms_code_reminder_terms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_fee_tier")),
    )
    with op.batch_alter_table("reminder_fee_tier", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reminder_fee_tier_level", ["terms_code", "level_no", "per_line"], unique=False
        )

    op.create_table(
        "reminder_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms_code", sa.String(length=20), nullable=False),
        sa.Column("level_no", sa.Integer(), nullable=False),
        sa.Column("grace_period", sa.String(length=30), nullable=False),
        sa.Column("due_date_formula", sa.String(length=30), nullable=False),
        sa.Column("calculate_interest", sa.Boolean(), nullable=False),
        sa.Column("additional_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("line_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("fee_calculation", sa.String(length=20), nullable=False),
        sa.Column("beginning_text", sa.Text(), nullable=False),
        sa.Column("ending_text", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "fee_calculation IN ('fixed', 'single-dynamic', 'accumulated-dynamic')",
            name=op.f("ck_reminder_level_fee_calculation"),
        ),
        sa.CheckConstraint("level_no >= 1", name=op.f("ck_reminder_level_level_no_positive")),
        sa.ForeignKeyConstraint(
            ["terms_code"],
            ["reminder_terms.code"],
            name=op.f("fk_reminder_level_terms_code_reminder_terms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_level")),
        sa.UniqueConstraint(
            "terms_code", "level_no", name=op.f("uq_reminder_level_terms_code_level_no")
        ),
    )
    op.create_table(
        "collection_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=15), nullable=False),
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("customer_no", sa.String(length=20), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("terms_code", sa.String(length=20), nullable=False),
        sa.Column("level_no", sa.Integer(), nullable=True),
        sa.Column("remaining_minor", sa.BigInteger(), nullable=False),
        sa.Column("interest_minor", sa.BigInteger(), nullable=False),
        sa.Column("fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("beginning_text", sa.Text(), nullable=False),
        sa.Column("ending_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_transaction_no", sa.Integer(), nullable=True),
        sa.Column("canceled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("canceled_transaction_no", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('reminder', 'finance-charge')", name=op.f("ck_collection_document_kind")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'issued', 'canceled')", name=op.f("ck_collection_document_status")
        ),
        sa.ForeignKeyConstraint(
            ["canceled_transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_collection_document_canceled_transaction_no_gl_register"),
        ),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_collection_document_currency_code_currency"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_no"],
            ["customer.no"],
            name=op.f("fk_collection_document_customer_no_customer"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_collection_document_issued_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_document")),
        sa.UniqueConstraint("no", name=op.f("uq_collection_document_no")),
    )
    with op.batch_alter_table("collection_document", schema=None) as batch_op:
        batch_op.create_index(
            "ix_collection_document_customer",
            ["kind", "customer_no", "currency_code"],
            unique=False,
        )
        batch_op.create_index(
            "uq_collection_document_draft",
            ["kind", "customer_no", "currency_code"],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )

    op.create_table(
        "payment_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_no", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("execution_date", sa.Date(), nullable=False),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_no"], ["bank_account.no"], name=op.f("fk_payment_export_bank_no_bank_account")
        ),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_payment_export_currency_code_currency"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_export")),
        sa.UniqueConstraint("message_id", name=op.f("uq_payment_export_message_id")),
    )
    op.create_table(
        "collection_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_type", sa.String(length=15), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=True),
        sa.Column("level_no", sa.Integer(), nullable=True),
        sa.Column("document_type", sa.String(length=15), nullable=False),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("original_minor", sa.BigInteger(), nullable=False),
        sa.Column("remaining_minor", sa.BigInteger(), nullable=False),
        sa.Column("base_minor", sa.BigInteger(), nullable=False),
        sa.Column("interest_rate", sa.String(length=40), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=250), nullable=False),
        sa.CheckConstraint(
            "line_type IN ('overdue', 'not-due', 'on-hold', 'interest', 'additional-fee', "
            "'line-fee')",
            name=op.f("ck_collection_line_line_type"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["collection_document.id"],
            name=op.f("fk_collection_line_document_id_collection_document"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_no"],
            ["customer_ledger_entry.entry_no"],
            name=op.f("fk_collection_line_entry_no_customer_ledger_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_line")),
        sa.UniqueConstraint(
            "document_id", "line_no", name=op.f("uq_collection_line_document_id_line_no")
        ),
    )
    with op.batch_alter_table("collection_line", schema=None) as batch_op:
        batch_op.create_index("ix_collection_line_entry", ["entry_no"], unique=False)

    op.create_table(
        "customer_entry_hold",
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_no"],
            ["customer_ledger_entry.entry_no"],
            name=op.f("fk_customer_entry_hold_entry_no_customer_ledger_entry"),
        ),
        sa.PrimaryKeyConstraint("entry_no", name=op.f("pk_customer_entry_hold")),
    )
    op.create_table(
        "payment_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_entry_no", sa.Integer(), nullable=False),
        sa.Column("vendor_no", sa.String(length=20), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("external_document_no", sa.String(length=35), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("discount_date", sa.Date(), nullable=True),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("export_id", sa.Integer(), nullable=True),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=True),
        sa.Column("creditor_iban", sa.String(length=34), nullable=False),
        sa.Column("creditor_bic", sa.String(length=11), nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'rejected', 'exported')",
            name=op.f("ck_payment_proposal_status"),
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_payment_proposal_amount_positive")),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_payment_proposal_currency_code_currency"),
        ),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["payment_export.id"],
            name=op.f("fk_payment_proposal_export_id_payment_export"),
        ),
        sa.ForeignKeyConstraint(
            ["vendor_entry_no"],
            ["vendor_ledger_entry.entry_no"],
            name=op.f("fk_payment_proposal_vendor_entry_no_vendor_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["vendor_no"], ["vendor.no"], name=op.f("fk_payment_proposal_vendor_no_vendor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_proposal")),
        sa.UniqueConstraint("end_to_end_id", name=op.f("uq_payment_proposal_end_to_end_id")),
    )
    with op.batch_alter_table("payment_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_proposal_export_id"), ["export_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_proposal_vendor_no"), ["vendor_no"], unique=False
        )
        batch_op.create_index(
            "uq_payment_proposal_live_entry",
            ["vendor_entry_no"],
            unique=True,
            sqlite_where=sa.text("status IN ('proposed', 'accepted', 'exported')"),
            postgresql_where=sa.text("status IN ('proposed', 'accepted', 'exported')"),
        )

    _add_fk_column("company", "interest_account", "gl_account", "no")
    _add_fk_column("company", "additional_fee_account", "gl_account", "no")
    _add_fk_column("customer", "reminder_terms_code", "reminder_terms", "code")
    _add_fk_column("customer", "fin_charge_terms_code", "finance_charge_terms", "code")


def downgrade() -> None:
    _drop_fk_column("customer", "fin_charge_terms_code", "finance_charge_terms")
    _drop_fk_column("customer", "reminder_terms_code", "reminder_terms")
    _drop_fk_column("company", "additional_fee_account", "gl_account")
    _drop_fk_column("company", "interest_account", "gl_account")
    with op.batch_alter_table("payment_proposal", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_payment_proposal_live_entry",
            sqlite_where=sa.text("status IN ('proposed', 'accepted', 'exported')"),
            postgresql_where=sa.text("status IN ('proposed', 'accepted', 'exported')"),
        )
        batch_op.drop_index(batch_op.f("ix_payment_proposal_vendor_no"))
        batch_op.drop_index(batch_op.f("ix_payment_proposal_export_id"))

    op.drop_table("payment_proposal")
    op.drop_table("customer_entry_hold")
    with op.batch_alter_table("collection_line", schema=None) as batch_op:
        batch_op.drop_index("ix_collection_line_entry")

    op.drop_table("collection_line")
    op.drop_table("payment_export")
    with op.batch_alter_table("collection_document", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_collection_document_draft",
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )
        batch_op.drop_index("ix_collection_document_customer")

    op.drop_table("collection_document")
    op.drop_table("reminder_level")
    with op.batch_alter_table("reminder_fee_tier", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_fee_tier_level")

    op.drop_table("reminder_fee_tier")
    op.drop_table("finance_charge_rate")
    op.drop_table("reminder_terms")
    op.drop_table("finance_charge_terms")


def _add_fk_column(table: str, column: str, referred: str, referred_column: str) -> None:
    """A nullable reference column added in place. On SQLite a batch copy would drop and
    recreate a table the ledger points at; its ADD COLUMN takes the REFERENCES clause inline."""
    name = op.f(f"fk_{table}_{column}_{referred}")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(20) "
            f"CONSTRAINT {name} REFERENCES {referred} ({referred_column})"
        )
        return
    op.add_column(table, sa.Column(column, sa.String(length=20), nullable=True))
    op.create_foreign_key(name, table, referred, [column], [referred_column])


def _drop_fk_column(table: str, column: str, referred: str) -> None:
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(op.f(f"fk_{table}_{column}_{referred}"), type_="foreignkey")
        batch_op.drop_column(column)
