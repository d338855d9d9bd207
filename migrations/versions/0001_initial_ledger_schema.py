"""Initial ledger schema: master data, the append-only ledger and its database guards.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 20:58:20.095471
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "currency",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.CheckConstraint("decimals BETWEEN 0 AND 4", name=op.f("ck_currency_decimals_range")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_currency")),
    )
    op.create_table(
        "gl_account",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("account_type", sa.String(length=10), nullable=False),
        sa.Column("direct_posting", sa.Boolean(), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "account_type IN ('balance', 'income')", name=op.f("ck_gl_account_account_type")
        ),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_gl_account")),
    )
    op.create_table(
        "gl_register",
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=250), nullable=False),
        sa.CheckConstraint(
            "source IN ('journal', 'reversal', 'unapply', 'application')",
            name=op.f("ck_gl_register_source"),
        ),
        sa.PrimaryKeyConstraint("transaction_no", name=op.f("pk_gl_register")),
    )
    op.create_table(
        "number_series",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=False),
        sa.Column("starting_no", sa.String(length=20), nullable=False),
        sa.Column("last_no_used", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_number_series")),
    )
    op.create_table(
        "payment_terms",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=False),
        sa.Column("due_date_formula", sa.String(length=30), nullable=False),
        sa.Column("discount_date_formula", sa.String(length=30), nullable=True),
        sa.Column("discount_pct", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_payment_terms")),
    )
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger", sa.String(length=10), nullable=False),
        sa.Column("applying_entry_no", sa.Integer(), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.CheckConstraint("ledger IN ('customer', 'vendor')", name=op.f("ck_application_ledger")),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_application_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_transaction_no"), ["transaction_no"], unique=False
        )

    op.create_table(
        "bank_account",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("account_no", sa.String(length=40), nullable=True),
        sa.Column("bic", sa.String(length=11), nullable=True),
        sa.Column("gl_account_no", sa.String(length=20), nullable=False),
        sa.Column("last_statement_no", sa.Integer(), nullable=False),
        sa.Column("balance_last_statement_minor", sa.BigInteger(), nullable=False),
        sa.Column("match_tolerance_type", sa.String(length=10), nullable=False),
        sa.Column("match_tolerance_value", sa.String(length=40), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "match_tolerance_type IN ('amount', 'percent')",
            name=op.f("ck_bank_account_tolerance_type"),
        ),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_bank_account_currency_code_currency"),
        ),
        sa.ForeignKeyConstraint(
            ["gl_account_no"],
            ["gl_account.no"],
            name=op.f("fk_bank_account_gl_account_no_gl_account"),
        ),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_bank_account")),
    )
    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("lcy_code", sa.String(length=3), nullable=False),
        sa.Column("receivables_account", sa.String(length=20), nullable=True),
        sa.Column("payables_account", sa.String(length=20), nullable=True),
        sa.Column("realized_gains_account", sa.String(length=20), nullable=True),
        sa.Column("realized_losses_account", sa.String(length=20), nullable=True),
        sa.Column("payment_discount_debit_account", sa.String(length=20), nullable=True),
        sa.Column("payment_discount_credit_account", sa.String(length=20), nullable=True),
        sa.Column("payment_tolerance_debit_account", sa.String(length=20), nullable=True),
        sa.Column("payment_tolerance_credit_account", sa.String(length=20), nullable=True),
        sa.Column("payment_tolerance_pct", sa.String(length=40), nullable=False),
        sa.Column("max_payment_tolerance_minor", sa.BigInteger(), nullable=False),
        sa.Column("journal_series", sa.String(length=20), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_company_singleton")),
        sa.ForeignKeyConstraint(
            ["journal_series"],
            ["number_series.code"],
            name=op.f("fk_company_journal_series_number_series"),
        ),
        sa.ForeignKeyConstraint(
            ["lcy_code"], ["currency.code"], name=op.f("fk_company_lcy_code_currency")
        ),
        sa.ForeignKeyConstraint(
            ["payables_account"],
            ["gl_account.no"],
            name=op.f("fk_company_payables_account_gl_account"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_discount_credit_account"],
            ["gl_account.no"],
            name=op.f("fk_company_payment_discount_credit_account_gl_account"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_discount_debit_account"],
            ["gl_account.no"],
            name=op.f("fk_company_payment_discount_debit_account_gl_account"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_tolerance_credit_account"],
            ["gl_account.no"],
            name=op.f("fk_company_payment_tolerance_credit_account_gl_account"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_tolerance_debit_account"],
            ["gl_account.no"],
            name=op.f("fk_company_payment_tolerance_debit_account_gl_account"),
        ),
        sa.ForeignKeyConstraint(
            ["realized_gains_account"],
            ["gl_account.no"],
            name=op.f("fk_company_realized_gains_account_gl_account"),
        ),
        sa.ForeignKeyConstraint(
            ["realized_losses_account"],
            ["gl_account.no"],
            name=op.f("fk_company_realized_losses_account_gl_account"),
        ),
        sa.ForeignKeyConstraint(
            ["receivables_account"],
            ["gl_account.no"],
            name=op.f("fk_company_receivables_account_gl_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company")),
    )
    op.create_table(
        "customer",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("city", sa.String(length=50), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("payment_terms_code", sa.String(length=20), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_terms_code"],
            ["payment_terms.code"],
            name=op.f("fk_customer_payment_terms_code_payment_terms"),
        ),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_customer")),
    )
    op.create_table(
        "exchange_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("starting_date", sa.Date(), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_exchange_rate_currency_code_currency"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rate")),
        sa.UniqueConstraint(
            "currency_code",
            "starting_date",
            name=op.f("uq_exchange_rate_currency_code_starting_date"),
        ),
    )
    op.create_table(
        "reversal",
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.Column("reversed_by_transaction_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reversed_by_transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_reversal_reversed_by_transaction_no_gl_register"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_reversal_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("transaction_no", name=op.f("pk_reversal")),
        sa.UniqueConstraint(
            "reversed_by_transaction_no", name=op.f("uq_reversal_reversed_by_transaction_no")
        ),
    )
    op.create_table(
        "vendor",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("city", sa.String(length=50), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("payment_terms_code", sa.String(length=20), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_terms_code"],
            ["payment_terms.code"],
            name=op.f("fk_vendor_payment_terms_code_payment_terms"),
        ),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_vendor")),
    )
    op.create_table(
        "bank_ledger_entry",
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("bank_no", sa.String(length=20), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_lcy_minor", sa.BigInteger(), nullable=False),
        sa.Column("check_no", sa.String(length=20), nullable=True),
        sa.Column("reversed_entry_no", sa.Integer(), nullable=True),
        sa.Column("bal_account_type", sa.String(length=10), nullable=True),
        sa.Column("bal_account_no", sa.String(length=20), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("document_type", sa.String(length=15), nullable=True),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("external_document_no", sa.String(length=35), nullable=False),
        sa.Column("description", sa.String(length=250), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_no"], ["bank_account.no"], name=op.f("fk_bank_ledger_entry_bank_no_bank_account")
        ),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_bank_ledger_entry_currency_code_currency"),
        ),
        sa.ForeignKeyConstraint(
            ["reversed_entry_no"],
            ["bank_ledger_entry.entry_no"],
            name=op.f("fk_bank_ledger_entry_reversed_entry_no_bank_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_bank_ledger_entry_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("entry_no", name=op.f("pk_bank_ledger_entry")),
        sa.UniqueConstraint(
            "reversed_entry_no", name=op.f("uq_bank_ledger_entry_reversed_entry_no")
        ),
    )
    with op.batch_alter_table("bank_ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bank_ledger_entry_bank_date", ["bank_no", "posting_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bank_ledger_entry_transaction_no"), ["transaction_no"], unique=False
        )

    op.create_table(
        "customer_bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("account_no", sa.String(length=40), nullable=True),
        sa.Column("party_no", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_no"], ["customer.no"], name=op.f("fk_customer_bank_account_party_no_customer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_bank_account")),
        sa.UniqueConstraint(
            "party_no",
            "iban",
            "account_no",
            name=op.f("uq_customer_bank_account_party_no_iban_account_no"),
        ),
    )
    with op.batch_alter_table("customer_bank_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_bank_account_party_no"), ["party_no"], unique=False
        )

    op.create_table(
        "customer_ledger_entry",
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_lcy_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("pmt_discount_date", sa.Date(), nullable=True),
        sa.Column("pmt_discount_possible_minor", sa.BigInteger(), nullable=False),
        sa.Column("max_payment_tolerance_minor", sa.BigInteger(), nullable=False),
        sa.Column("party_no", sa.String(length=20), nullable=False),
        sa.Column("reversed_entry_no", sa.Integer(), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("document_type", sa.String(length=15), nullable=True),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("external_document_no", sa.String(length=35), nullable=False),
        sa.Column("description", sa.String(length=250), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_customer_ledger_entry_currency_code_currency"),
        ),
        sa.ForeignKeyConstraint(
            ["party_no"], ["customer.no"], name=op.f("fk_customer_ledger_entry_party_no_customer")
        ),
        sa.ForeignKeyConstraint(
            ["reversed_entry_no"],
            ["customer_ledger_entry.entry_no"],
            name=op.f("fk_customer_ledger_entry_reversed_entry_no_customer_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_customer_ledger_entry_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("entry_no", name=op.f("pk_customer_ledger_entry")),
        sa.UniqueConstraint(
            "reversed_entry_no", name=op.f("uq_customer_ledger_entry_reversed_entry_no")
        ),
    )
    with op.batch_alter_table("customer_ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_ledger_entry_party_no"), ["party_no"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_ledger_entry_transaction_no"), ["transaction_no"], unique=False
        )
        batch_op.create_index(
            "uq_customer_ledger_entry_document",
            ["document_type", "document_no"],
            unique=True,
            sqlite_where=sa.text(
                "document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL"
            ),
            postgresql_where=sa.text(
                "document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL"
            ),
        )

    op.create_table(
        "gl_entry",
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("gl_account_no", sa.String(length=20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("source_amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("source_type", sa.String(length=10), nullable=True),
        sa.Column("source_no", sa.String(length=20), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("document_type", sa.String(length=15), nullable=True),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("external_document_no", sa.String(length=35), nullable=False),
        sa.Column("description", sa.String(length=250), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_gl_entry_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["currency_code"], ["currency.code"], name=op.f("fk_gl_entry_currency_code_currency")
        ),
        sa.ForeignKeyConstraint(
            ["gl_account_no"], ["gl_account.no"], name=op.f("fk_gl_entry_gl_account_no_gl_account")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_gl_entry_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("entry_no", name=op.f("pk_gl_entry")),
    )
    with op.batch_alter_table("gl_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gl_entry_account_date", ["gl_account_no", "posting_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gl_entry_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index("ix_gl_entry_document_no", ["document_no"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_gl_entry_transaction_no"), ["transaction_no"], unique=False
        )

    op.create_table(
        "unapplication",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_unapplication_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_unapplication_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_unapplication")),
        sa.UniqueConstraint("transaction_no", name=op.f("uq_unapplication_transaction_no")),
    )
    op.create_table(
        "vendor_bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("account_no", sa.String(length=40), nullable=True),
        sa.Column("party_no", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_no"], ["vendor.no"], name=op.f("fk_vendor_bank_account_party_no_vendor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_bank_account")),
        sa.UniqueConstraint(
            "party_no",
            "iban",
            "account_no",
            name=op.f("uq_vendor_bank_account_party_no_iban_account_no"),
        ),
    )
    with op.batch_alter_table("vendor_bank_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vendor_bank_account_party_no"), ["party_no"], unique=False
        )

    op.create_table(
        "vendor_ledger_entry",
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_lcy_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("pmt_discount_date", sa.Date(), nullable=True),
        sa.Column("pmt_discount_possible_minor", sa.BigInteger(), nullable=False),
        sa.Column("max_payment_tolerance_minor", sa.BigInteger(), nullable=False),
        sa.Column("party_no", sa.String(length=20), nullable=False),
        sa.Column("reversed_entry_no", sa.Integer(), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("document_type", sa.String(length=15), nullable=True),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("external_document_no", sa.String(length=35), nullable=False),
        sa.Column("description", sa.String(length=250), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_vendor_ledger_entry_currency_code_currency"),
        ),
        sa.ForeignKeyConstraint(
            ["party_no"], ["vendor.no"], name=op.f("fk_vendor_ledger_entry_party_no_vendor")
        ),
        sa.ForeignKeyConstraint(
            ["reversed_entry_no"],
            ["vendor_ledger_entry.entry_no"],
            name=op.f("fk_vendor_ledger_entry_reversed_entry_no_vendor_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_vendor_ledger_entry_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("entry_no", name=op.f("pk_vendor_ledger_entry")),
        sa.UniqueConstraint(
            "reversed_entry_no", name=op.f("uq_vendor_ledger_entry_reversed_entry_no")
        ),
    )
    with op.batch_alter_table("vendor_ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vendor_ledger_entry_party_no"), ["party_no"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vendor_ledger_entry_transaction_no"), ["transaction_no"], unique=False
        )
        batch_op.create_index(
            "uq_vendor_ledger_entry_document",
            ["document_type", "document_no"],
            unique=True,
            sqlite_where=sa.text(
                "document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL"
            ),
            postgresql_where=sa.text(
                "document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL"
            ),
        )

    op.create_table(
        "bank_entry_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("statement_no", sa.Integer(), nullable=True),
        sa.Column("statement_line_no", sa.Integer(), nullable=True),
        sa.Column("closed_at_date", sa.Date(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'applied', 'closed')", name=op.f("ck_bank_entry_status_status")
        ),
        sa.ForeignKeyConstraint(
            ["entry_no"],
            ["bank_ledger_entry.entry_no"],
            name=op.f("fk_bank_entry_status_entry_no_bank_ledger_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_entry_status")),
    )
    with op.batch_alter_table("bank_entry_status", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_entry_status_entry_no"), ["entry_no"], unique=False
        )

    op.create_table(
        "detailed_customer_ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_type", sa.String(length=20), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_lcy_minor", sa.BigInteger(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "entry_type IN ('initial', 'application', 'payment_discount', "
            "'payment_tolerance', 'realized_fx')",
            name=op.f("ck_detailed_customer_ledger_entry_entry_type"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_detailed_customer_ledger_entry_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_no"],
            ["customer_ledger_entry.entry_no"],
            name=op.f("fk_detailed_customer_ledger_entry_entry_no_customer_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_detailed_customer_ledger_entry_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detailed_customer_ledger_entry")),
    )
    with op.batch_alter_table("detailed_customer_ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_detailed_customer_ledger_entry_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_detailed_customer_ledger_entry_entry_no"), ["entry_no"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_detailed_customer_ledger_entry_transaction_no"),
            ["transaction_no"],
            unique=False,
        )

    op.create_table(
        "detailed_vendor_ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_type", sa.String(length=20), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_lcy_minor", sa.BigInteger(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("transaction_no", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "entry_type IN ('initial', 'application', 'payment_discount', "
            "'payment_tolerance', 'realized_fx')",
            name=op.f("ck_detailed_vendor_ledger_entry_entry_type"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_detailed_vendor_ledger_entry_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_no"],
            ["vendor_ledger_entry.entry_no"],
            name=op.f("fk_detailed_vendor_ledger_entry_entry_no_vendor_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_no"],
            ["gl_register.transaction_no"],
            name=op.f("fk_detailed_vendor_ledger_entry_transaction_no_gl_register"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detailed_vendor_ledger_entry")),
    )
    with op.batch_alter_table("detailed_vendor_ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_detailed_vendor_ledger_entry_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_detailed_vendor_ledger_entry_entry_no"), ["entry_no"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_detailed_vendor_ledger_entry_transaction_no"),
            ["transaction_no"],
            unique=False,
        )

    _create_guards()


def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table("detailed_vendor_ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detailed_vendor_ledger_entry_transaction_no"))
        batch_op.drop_index(batch_op.f("ix_detailed_vendor_ledger_entry_entry_no"))
        batch_op.drop_index(batch_op.f("ix_detailed_vendor_ledger_entry_application_id"))

    op.drop_table("detailed_vendor_ledger_entry")
    with op.batch_alter_table("detailed_customer_ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detailed_customer_ledger_entry_transaction_no"))
        batch_op.drop_index(batch_op.f("ix_detailed_customer_ledger_entry_entry_no"))
        batch_op.drop_index(batch_op.f("ix_detailed_customer_ledger_entry_application_id"))

    op.drop_table("detailed_customer_ledger_entry")
    with op.batch_alter_table("bank_entry_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_entry_status_entry_no"))

    op.drop_table("bank_entry_status")
    with op.batch_alter_table("vendor_ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_vendor_ledger_entry_document",
            sqlite_where=sa.text(
                "document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL"
            ),
            postgresql_where=sa.text(
                "document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL"
            ),
        )
        batch_op.drop_index(batch_op.f("ix_vendor_ledger_entry_transaction_no"))
        batch_op.drop_index(batch_op.f("ix_vendor_ledger_entry_party_no"))

    op.drop_table("vendor_ledger_entry")
    with op.batch_alter_table("vendor_bank_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vendor_bank_account_party_no"))

    op.drop_table("vendor_bank_account")
    op.drop_table("unapplication")
    with op.batch_alter_table("gl_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gl_entry_transaction_no"))
        batch_op.drop_index("ix_gl_entry_document_no")
        batch_op.drop_index(batch_op.f("ix_gl_entry_application_id"))
        batch_op.drop_index("ix_gl_entry_account_date")

    op.drop_table("gl_entry")
    with op.batch_alter_table("customer_ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_customer_ledger_entry_document",
            sqlite_where=sa.text(
                "document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL"
            ),
            postgresql_where=sa.text(
                "document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL"
            ),
        )
        batch_op.drop_index(batch_op.f("ix_customer_ledger_entry_transaction_no"))
        batch_op.drop_index(batch_op.f("ix_customer_ledger_entry_party_no"))

    op.drop_table("customer_ledger_entry")
    with op.batch_alter_table("customer_bank_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_bank_account_party_no"))

    op.drop_table("customer_bank_account")
    with op.batch_alter_table("bank_ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_ledger_entry_transaction_no"))
        batch_op.drop_index("ix_bank_ledger_entry_bank_date")

    op.drop_table("bank_ledger_entry")
    op.drop_table("vendor")
    op.drop_table("reversal")
    op.drop_table("exchange_rate")
    op.drop_table("customer")
    op.drop_table("company")
    op.drop_table("bank_account")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_transaction_no"))

    op.drop_table("application")
    op.drop_table("payment_terms")
    op.drop_table("number_series")
    op.drop_table("gl_register")
    op.drop_table("gl_account")
    op.drop_table("currency")


# The ledger's invariants live in the database too, so that no script, console session or
# future bug can edit history: posted rows refuse UPDATE and DELETE on both backends, and on
# PostgreSQL a deferred constraint trigger refuses a transaction whose G/L entries do not sum to
# zero when it commits.
APPEND_ONLY_TABLES = (
    "gl_register",
    "gl_entry",
    "bank_ledger_entry",
    "bank_entry_status",
    "customer_ledger_entry",
    "vendor_ledger_entry",
    "detailed_customer_ledger_entry",
    "detailed_vendor_ledger_entry",
    "application",
    "unapplication",
    "reversal",
)
_REFUSAL = "is append-only: posted entries cannot be changed or deleted; post a reversal instead"

_PG_REFUSE_FUNCTION = f"""
CREATE FUNCTION bankrec_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% {_REFUSAL}', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$
"""

# A row-level deferred trigger fires once per inserted row; the transaction-local setting makes
# every firing after the first for one transaction no. skip the SUM, so a posting of n entries
# costs O(n) at commit rather than O(n^2).
_PG_BALANCED_FUNCTION = """
CREATE FUNCTION bankrec_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    marker text := 'bankrec.balanced_' || NEW.transaction_no;
    total bigint;
BEGIN
    IF current_setting(marker, true) = 'checked' THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(SUM(amount_minor), 0) INTO total
      FROM gl_entry WHERE transaction_no = NEW.transaction_no;
    IF total <> 0 THEN
        RAISE EXCEPTION 'transaction % does not balance: its G/L entries sum to % minor units',
            NEW.transaction_no, total USING ERRCODE = 'check_violation';
    END IF;
    PERFORM set_config(marker, 'checked', true);
    RETURN NULL;
END
$$
"""


def _create_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _create_postgresql_guards()
    else:
        _create_sqlite_guards()


def _create_sqlite_guards() -> None:
    for table in APPEND_ONLY_TABLES:
        for action in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER trg_{table}_no_{action} BEFORE {action.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} {_REFUSAL}'); END"
            )


def _create_postgresql_guards() -> None:
    op.execute(_PG_REFUSE_FUNCTION)
    op.execute(_PG_BALANCED_FUNCTION)
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER trg_{table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION bankrec_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bankrec_refuse_change()"
        )
    op.execute(
        "CREATE CONSTRAINT TRIGGER trg_gl_entry_balanced AFTER INSERT ON gl_entry "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bankrec_check_balanced()"
    )


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER trg_gl_entry_balanced ON gl_entry")
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER trg_{table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER trg_{table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION bankrec_check_balanced()")
        op.execute("DROP FUNCTION bankrec_refuse_change()")
        return
    for table in APPEND_ONLY_TABLES:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER trg_{table}_no_{action}")
