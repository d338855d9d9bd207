"""Vendor payments: suggest what to pay, accept it, and export it as a pain.001 file.

The payment itself is posted when the bank statement reports it: the payment reconciliation
journal finds each exported payment by its end-to-end id (see ``payjournal.book``).
"""

from bankrec.services.payables.export import ExportRequest, ExportResult, export_payments
from bankrec.services.payables.proposals import (
    STATUSES,
    SuggestRequest,
    accept_proposals,
    list_proposals,
    reject_proposals,
    suggest_payments,
)
from bankrec.services.payables.views import ProposalList, ProposalView

__all__ = [
    "STATUSES",
    "ExportRequest",
    "ExportResult",
    "ProposalList",
    "ProposalView",
    "SuggestRequest",
    "accept_proposals",
    "export_payments",
    "list_proposals",
    "reject_proposals",
    "suggest_payments",
]
