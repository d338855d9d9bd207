"""JSON documents for service results. Keys here are the stable machine contract."""

from __future__ import annotations

from typing import Any

from bankrec.services.corrections import CorrectionResult
from bankrec.services.journal import PostingSummary
from bankrec.services.ledger_queries import EntryView, TrialBalance
from bankrec.services.masterdata import Record


def record_document(record: Record) -> dict[str, Any]:
    return dict(record.fields)


def entry_document(entry: EntryView) -> dict[str, Any]:
    document: dict[str, Any] = {
        "entry_no": entry.entry_no,
        "transaction_no": entry.transaction_no,
        "posting_date": entry.posting_date,
        "document_type": entry.document_type,
        "document_no": entry.document_no,
        "external_document_no": entry.external_document_no,
        "account_no": entry.account_no,
        "description": entry.description,
        "amount": entry.amount,
        "remaining_amount": entry.remaining_amount,
        "currency": entry.currency,
        "open": entry.open,
        "reversed": entry.reversed,
    }
    document.update(entry.extra)
    return document


def trial_balance_document(tb: TrialBalance) -> dict[str, Any]:
    return {
        "at": tb.at,
        "currency": tb.currency,
        "lines": [
            {
                "account_no": line.account_no,
                "name": line.name,
                "type": line.account_type,
                "debit": line.debit,
                "credit": line.credit,
                "balance": line.balance,
            }
            for line in tb.lines
        ],
        "total_debit": tb.total_debit,
        "total_credit": tb.total_credit,
        "total": tb.total,
    }


def posting_document(summary: PostingSummary) -> dict[str, Any]:
    return {
        "source": summary.source,
        "dry_run": summary.dry_run,
        "transaction_no": summary.transaction_no,
        "lines": summary.lines,
        "documents": summary.documents,
        "entries": summary.entries,
        "applications": summary.applications,
        "total_debit": summary.total_debit,
        "currency": summary.currency,
    }


def correction_document(result: CorrectionResult, corrected_key: str) -> dict[str, Any]:
    return {
        "transaction_no": result.transaction_no,
        corrected_key: result.corrected,
        "entries": result.entries,
        "applications_undone": result.applications_undone,
    }
