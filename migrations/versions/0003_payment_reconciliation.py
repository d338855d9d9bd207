"""Payment reconciliation: application rules (seeded with BC's defaults), text-to-account
mappings, payment journals, their lines and the lines' applications.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NC = "not_considered"

# Business Central's 25 default payment application rules (behaviour reference 5.5.3), in its
# order: (confidence, priority, related party, doc. no., amount incl. tolerance, reference).
# BC's first rule matches on a direct-debit collection; bankrec's equivalent is a reference
# match (creditor reference or end-to-end id). Review is required below High; High P1-P4
# apply immediately. Kept literal: a migration must not import bankrec.
DEFAULT_RULES: tuple[tuple[str, int, str, str, str, str], ...] = (
    ("high", 1, NC, NC, NC, "yes"),
    ("high", 2, "fully", "yes_multiple", "one", NC),
    ("high", 3, "fully", "yes_multiple", "multiple", NC),
    ("high", 4, "fully", "yes", "one", NC),
    ("high", 5, "fully", "yes", "multiple", NC),
    ("high", 6, "partially", "yes_multiple", "one", NC),
    ("high", 7, "partially", "yes_multiple", "multiple", NC),
    ("high", 8, "partially", "yes", "one", NC),
    ("high", 9, "fully", "no", "one", NC),
    ("high", 10, "no", "yes_multiple", "one", NC),
    ("high", 11, "no", "yes_multiple", "multiple", NC),
    ("medium", 1, "fully", "yes_multiple", NC, NC),
    ("medium", 2, "fully", "yes", NC, NC),
    ("medium", 3, "fully", "no", "multiple", NC),
    ("medium", 4, "partially", "yes_multiple", NC, NC),
    ("medium", 5, "partially", "yes", NC, NC),
    ("medium", 6, "no", "yes", "one", NC),
    ("medium", 7, "no", "yes_multiple", NC, NC),
    ("medium", 8, "partially", "no", "one", NC),
    ("medium", 9, "no", "yes", NC, NC),
    ("low", 1, "fully", "no", "none", NC),
    ("low", 2, "partially", "no", "multiple", NC),
    ("low", 3, "partially", "no", "none", NC),
    ("low", 4, "no", "no", "one", NC),
    ("low", 5, "no", "no", "multiple", NC),
)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    _create_rules()
    _create_text_mapping()
    _create_journal()
    _create_lines()
    _create_applications()
    _seed_rules()


def _create_rules() -> None:
    op.create_table(
        "payment_application_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("related_party", sa.String(length=15), nullable=False),
        sa.Column("doc_match", sa.String(length=15), nullable=False),
        sa.Column("amount_match", sa.String(length=15), nullable=False),
        sa.Column("reference_match", sa.String(length=15), nullable=False),
        sa.Column("review_required", sa.Boolean(), nullable=False),
        sa.Column("apply_immediately", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            _one_of("amount_match", ("one", "multiple", "none", NC)),
            name=op.f("ck_payment_application_rule_amount_match"),
        ),
        sa.CheckConstraint(
            _one_of("confidence", ("high", "medium", "low", "none")),
            name=op.f("ck_payment_application_rule_confidence"),
        ),
        sa.CheckConstraint(
            _one_of("doc_match", ("yes", "yes_multiple", "no", NC)),
            name=op.f("ck_payment_application_rule_doc_match"),
        ),
        sa.CheckConstraint(
            _one_of("reference_match", ("yes", "no", NC)),
            name=op.f("ck_payment_application_rule_reference_match"),
        ),
        sa.CheckConstraint(
            _one_of("related_party", ("fully", "partially", "no", NC)),
            name=op.f("ck_payment_application_rule_related_party"),
        ),
        sa.CheckConstraint(
            "priority BETWEEN 1 AND 999", name=op.f("ck_payment_application_rule_priority_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_application_rule")),
        sa.UniqueConstraint(
            "confidence",
            "priority",
            name=op.f("uq_payment_application_rule_confidence_priority"),
        ),
    )


def _create_text_mapping() -> None:
    op.create_table(
        "text_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mapping_text", sa.String(length=250), nullable=False),
        sa.Column("mapping_key", sa.String(length=250), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("debit_gl_no", sa.String(length=20), nullable=True),
        sa.Column("credit_gl_no", sa.String(length=20), nullable=True),
        sa.Column("party_no", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(target_type = 'gl' AND party_no IS NULL"
            " AND (debit_gl_no IS NOT NULL OR credit_gl_no IS NOT NULL))"
            " OR (target_type <> 'gl' AND party_no IS NOT NULL"
            " AND debit_gl_no IS NULL AND credit_gl_no IS NULL)",
            name=op.f("ck_text_mapping_target"),
        ),
        sa.CheckConstraint("TRIM(mapping_text) <> ''", name=op.f("ck_text_mapping_text_not_blank")),
        sa.CheckConstraint(
            _one_of("target_type", ("gl", "customer", "vendor", "bank")),
            name=op.f("ck_text_mapping_target_type"),
        ),
        sa.ForeignKeyConstraint(
            ["credit_gl_no"],
            ["gl_account.no"],
            name=op.f("fk_text_mapping_credit_gl_no_gl_account"),
        ),
        sa.ForeignKeyConstraint(
            ["debit_gl_no"], ["gl_account.no"], name=op.f("fk_text_mapping_debit_gl_no_gl_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_mapping")),
        sa.UniqueConstraint("mapping_key", name=op.f("uq_text_mapping_mapping_key")),
    )


def _create_journal() -> None:
    op.create_table(
        "payment_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_no", sa.String(length=20), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_document_no", sa.String(length=35), nullable=True),
        sa.Column("payments_only", sa.Boolean(), nullable=True),
        sa.Column("transaction_no", sa.Integer(), nullable=True),
        sa.Column("balance_last_statement_minor", sa.BigInteger(), nullable=True),
        sa.Column("ending_balance_minor", sa.BigInteger(), nullable=True),
        sa.Column("statement_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status = 'open' OR posted_at IS NOT NULL", name=op.f("ck_payment_journal_posted_at")
        ),
        sa.CheckConstraint("status IN ('open', 'posted')", name=op.f("ck_payment_journal_status")),
        sa.ForeignKeyConstraint(
            ["bank_no"], ["bank_account.no"], name=op.f("fk_payment_journal_bank_no_bank_account")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statement.id"],
            name=op.f("fk_payment_journal_statement_id_bank_statement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_journal")),
    )
    with op.batch_alter_table("payment_journal", schema=None) as batch_op:
        batch_op.create_index("ix_payment_journal_bank_status", ["bank_no", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payment_journal_transaction_no"), ["transaction_no"], unique=False
        )


def _create_lines() -> None:
    op.create_table(
        "payment_journal_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("statement_line_id", sa.Integer(), nullable=True),
        sa.Column("parent_line_no", sa.Integer(), nullable=True),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("additional_text", sa.String(length=250), nullable=False),
        sa.Column("counterparty_name", sa.String(length=140), nullable=False),
        sa.Column("counterparty_account", sa.String(length=50), nullable=False),
        sa.Column("counterparty_address", sa.String(length=140), nullable=False),
        sa.Column("counterparty_city", sa.String(length=70), nullable=False),
        sa.Column("creditor_reference", sa.String(length=70), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=70), nullable=False),
        sa.Column("bank_transaction_id", sa.String(length=100), nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.String(length=10), server_default="none", nullable=False),
        sa.Column("score", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=15), server_default="not_applied", nullable=False),
        sa.Column("match_json", sa.Text(), server_default="", nullable=False),
        sa.Column("rejected_json", sa.Text(), server_default="", nullable=False),
        sa.Column("reviewed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            _one_of("confidence", ("high", "medium", "low", "none", "manual", "accepted")),
            name=op.f("ck_payment_journal_line_confidence"),
        ),
        sa.CheckConstraint(
            _one_of(
                "status",
                ("not_applied", "matched_auto", "text_mapping", "manual", "accepted", "rejected"),
            ),
            name=op.f("ck_payment_journal_line_status"),
        ),
        sa.CheckConstraint(
            "parent_line_no IS NULL OR statement_line_id IS NULL",
            name=op.f("ck_payment_journal_line_child_line"),
        ),
        sa.ForeignKeyConstraint(
            ["journal_id"],
            ["payment_journal.id"],
            name=op.f("fk_payment_journal_line_journal_id_payment_journal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_line_id"],
            ["bank_statement_line.id"],
            name=op.f("fk_payment_journal_line_statement_line_id_bank_statement_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_journal_line")),
        sa.UniqueConstraint(
            "journal_id", "line_no", name=op.f("uq_payment_journal_line_journal_id_line_no")
        ),
        sa.UniqueConstraint(
            "statement_line_id", name=op.f("uq_payment_journal_line_statement_line_id")
        ),
    )


def _create_applications() -> None:
    op.create_table(
        "payment_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("account_type", sa.String(length=10), nullable=False),
        sa.Column("account_no", sa.String(length=20), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=True),
        sa.Column("document_no", sa.String(length=35), nullable=False),
        sa.Column("description", sa.String(length=250), server_default="", nullable=False),
        sa.Column("applied_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_minor", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("applied_entry_minor", sa.BigInteger(), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Integer(), server_default="0", nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            _one_of("account_type", ("customer", "vendor", "bank", "gl")),
            name=op.f("ck_payment_application_account_type"),
        ),
        sa.CheckConstraint(
            _one_of("confidence", ("high", "medium", "low", "none", "manual", "accepted")),
            name=op.f("ck_payment_application_confidence"),
        ),
        sa.CheckConstraint(
            "entry_no IS NULL OR account_type <> 'gl'",
            name=op.f("ck_payment_application_gl_has_no_entry"),
        ),
        sa.CheckConstraint(
            _one_of("origin", ("auto", "mapping", "manual", "on_account", "transfer")),
            name=op.f("ck_payment_application_origin"),
        ),
        sa.CheckConstraint(
            "applied_minor <> 0", name=op.f("ck_payment_application_applied_nonzero")
        ),
        sa.CheckConstraint(
            "discount_minor = 0 OR (discount_minor > 0 AND applied_minor >= discount_minor)"
            " OR (discount_minor < 0 AND applied_minor <= discount_minor)",
            name=op.f("ck_payment_application_discount_within_applied"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["payment_journal_line.id"],
            name=op.f("fk_payment_application_line_id_payment_journal_line"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_application")),
    )
    with op.batch_alter_table("payment_application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_application_account_entry", ["account_type", "entry_no"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_application_line_id"), ["line_id"], unique=False
        )


def _seed_rules() -> None:
    rules = sa.table(
        "payment_application_rule",
        sa.column("confidence", sa.String()),
        sa.column("priority", sa.Integer()),
        sa.column("related_party", sa.String()),
        sa.column("doc_match", sa.String()),
        sa.column("amount_match", sa.String()),
        sa.column("reference_match", sa.String()),
        sa.column("review_required", sa.Boolean()),
        sa.column("apply_immediately", sa.Boolean()),
    )
    op.bulk_insert(
        rules,
        [
            {
                "confidence": confidence,
                "priority": priority,
                "related_party": related_party,
                "doc_match": doc_match,
                "amount_match": amount_match,
                "reference_match": reference_match,
                "review_required": confidence != "high",
                "apply_immediately": confidence == "high" and priority <= 4,
            }
            for confidence, priority, related_party, doc_match, amount_match, reference_match in (
                DEFAULT_RULES
            )
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("payment_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_application_line_id"))
        batch_op.drop_index("ix_payment_application_account_entry")

    op.drop_table("payment_application")
    op.drop_table("payment_journal_line")
    with op.batch_alter_table("payment_journal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_journal_transaction_no"))
        batch_op.drop_index("ix_payment_journal_bank_status")

    op.drop_table("payment_journal")
    op.drop_table("text_mapping")
    op.drop_table("payment_application_rule")
